package pingan

// auditMessages: the audit trail (audit.go, store/audit.go, web/audit.go, cmd/pingan/audit.go): its chain, verify, prune, the audit page.
var auditMessages = map[string][2]string{}
