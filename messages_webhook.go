package pingan

// webhookMessages: webhooks (webhook.go, store/webhook.go, jobs/webhooks.go, web/admin_webhooks.go).
var webhookMessages = map[string][2]string{}
