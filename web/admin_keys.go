package web

// KeysReady reports whether the API keys' pages are served (the administration tabs).
func (v *view) KeysReady() bool { return false }
