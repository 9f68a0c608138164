package pingan

// retentionMessages: retention of personal data and the citizens' requests about it (retention.go, store/retention.go, jobs, web).
var retentionMessages = map[string][2]string{}
