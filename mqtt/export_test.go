package mqtt

// OnClosing sets a function Close calls once it has stopped taking
// messages, before it waits for the queue to be stored.
func OnClosing(s *Subscriber, f func()) { s.onClosing = f }
