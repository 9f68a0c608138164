package pingan

// backupMessages: key rotation, backup and restore (cmd/pingan, store/backup.go, store/rotate.go).
var backupMessages = map[string][2]string{
	"backup.rotate.noring":     {"个人信息加密器不是密钥环，无法轮换密钥", "the sealer of personal data is not a key ring: the key cannot be rotated"},
	"backup.rotate.column":     {"重新加密 %s 失败", "sealing %s again failed"},
	"backup.rotate.unreadable": {"%s（%s）无法用现有密钥解密：密钥环中缺少加密它的密钥，或数据已被篡改", "%s (%s) is opened by no key of the ring: the key that sealed it is missing, or the value was altered"},
}
