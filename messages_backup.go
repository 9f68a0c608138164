package pingan

// backupMessages: key rotation, backup and restore (cmd/pingan, store/backup.go, store/rotate.go).
var backupMessages = map[string][2]string{
	"backup.rotate.noring":     {"个人信息加密器不是密钥环，无法轮换密钥", "the sealer of personal data is not a key ring: the key cannot be rotated"},
	"backup.rotate.column":     {"重新加密 %s 失败", "sealing %s again failed"},
	"backup.rotate.unreadable": {"%s（%s）无法用现有密钥解密：密钥环中缺少加密它的密钥，或数据已被篡改", "%s (%s) is opened by no key of the ring: the key that sealed it is missing, or the value was altered"},
	"backup.restore.exists":    {"目标 %s 已存在，恢复不会覆盖它", "the target %s exists: a restore does not overwrite it"},
	"backup.restore.from":      {"无法读取备份 %s", "cannot read the backup %s"},
	"backup.restore.integrity": {"恢复的数据库 %s 未通过完整性检查", "the restored database %s fails its integrity check"},
	"backup.restore.noprog":    {"未找到 %s：请安装 PostgreSQL 客户端工具（与服务器同一大版本或更新）", "%s not found: install the PostgreSQL client tools, of the server's major version or later"},
	"backup.restore.failed":    {"%s 恢复到 %s 失败", "%s failed restoring into %s"},
	"backup.restore.connect":   {"无法连接目标数据库 %s", "cannot connect to the target database %s"},
	"backup.restore.schema":    {"备份中的数据在模式 %s，而目标 %s 的 search_path 是 %s：请在 --db 中加上 search_path=%s 再恢复", "the backup holds the schema %s but the search_path of the target %s is %s: add search_path=%s to --db and restore again"},
	"backup.restore.notempty":  {"目标数据库 %s 的模式 %s 已有 %d 张表，恢复只写入空数据库", "the target database %s already has tables in its schema %s (%d): a restore writes into an empty database only"},
}
