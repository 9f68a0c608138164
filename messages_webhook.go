package pingan

// webhookMessages: webhooks (webhook.go, store/webhook.go, jobs/webhooks.go, web/admin_webhooks.go).
var webhookMessages = map[string][2]string{"webhook.admin.title": {"事件推送", "Webhooks"}}
