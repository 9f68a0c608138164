package store

// SetListCap lowers the most requests an Open311 list answers, so that the
// cap is tested without a thousand cases.
func (s *Open311) SetListCap(n int) { s.listCap = n }
