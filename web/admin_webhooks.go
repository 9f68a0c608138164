package web

// WebhooksReady reports whether the webhooks' pages are served (the administration tabs).
func (v *view) WebhooksReady() bool { return false }
