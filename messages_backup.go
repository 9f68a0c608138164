package pingan

// backupMessages: key rotation, backup and restore (cmd/pingan, store/backup.go, store/rotate.go).
var backupMessages = map[string][2]string{}
