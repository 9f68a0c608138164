package pingan

// storeMessages are the messages of what the store checks against the
// database: units, categories, grids, users, sign-in, files, the calendar.
//
// Where a word differs by language — a level or a weekday named in Chinese
// — the store passes it in both languages, and each text takes the one it
// needs by its index (%[n]s): both texts still take as many verbs.
var storeMessages = map[string][2]string{
	// Cases and their lists.
	"case.notfound":       {"案件不存在 %s", "case %s not found"},
	"case.stale":          {"案件已被他人更新，请刷新后重试 %s", "case %s was changed meanwhile; reload and try again"},
	"case.kind.unknown":   {"未知种类 %s", "unknown kind %s"},
	"case.status.unknown": {"未知状态 %s", "unknown status %s"},
	"case.cursor.bad":     {"翻页标记无效", "invalid cursor"},
	"stats.bounds.few":    {"统计区间至少需要两个端点", "a series needs at least two bounds"},
	"stats.bounds.order":  {"统计区间端点须递增", "the bounds of a series must ascend"},

	// Where a new case goes (placement.go).
	"placement.grid.unknown":     {"未知网格或不在您的辖区内 %s", "unknown grid or outside your jurisdiction: %s"},
	"placement.unit.unknown":     {"未知单位或不在您的辖区内 %s", "unknown unit or outside your jurisdiction: %s"},
	"placement.location.outside": {"位置 (%s) 不在您的辖区内", "the position (%s) lies outside your jurisdiction"},

	// Files and attachments.
	"file.notfound":      {"文件不存在", "file not found"},
	"file.size":          {"文件为空或超过 %d MB", "empty, or larger than %d MB"},
	"attachment.many":    {"附件过多，至多 %d 个", "at most %d attachments"},
	"attachment.refused": {"附件须是您本人上传的文件，或您可见案件中已有的附件", "an attachment must be a file you uploaded, or one of a case you can see"},

	// Citizens' reports and ratings.
	"public.unit.bad":         {"请选择所在的乡镇（街道）或村（社区）", "choose a township or village"},
	"public.notfound":         {"案件编号或查询码不正确", "wrong case number or query code"},
	"rating.satisfaction.bad": {"须为 satisfied、basically_satisfied 或 dissatisfied", "one of satisfied, basically_satisfied or dissatisfied"},
	"rating.note.long":        {"意见不能超过 %d 字", "at most %d characters"},
	"rating.open":             {"案件结案后才能评价", "a case can be rated once it is closed"},
	"rating.twice":            {"案件已评价", "the case has been rated already"},

	// Categories and their deadlines.
	"category.forbidden":    {"只有管辖全部单位的系统管理员可以修改类别和时限", "only an administrator of the whole tree may change categories and deadlines"},
	"category.code.bad":     {"类别代码须为 1–16 位字母或数字", "1–16 letters or digits"},
	"category.sign.bad":     {"签收时限无效：须为正数，单位 hours、calendar 或 working", "invalid period to sign: a positive number of hours, calendar or working days"},
	"category.resolve.bad":  {"办结时限无效：须为正数，单位 hours、calendar 或 working", "invalid period to resolve: a positive number of hours, calendar or working days"},
	"category.parent.self":  {"上级类别不能是自己", "a category cannot be its own parent"},
	"category.unknown":      {"未知类别 %s", "unknown category %s"},
	"category.kind.unknown": {"未知种类 %s", "unknown kind %s"},
	"category.parent.kind":  {"上级类别属于另一种类 %s", "the parent is of another kind, %s"},

	// The holiday calendar.
	"calendar.none":            {"没有要录入的年份", "no year given"},
	"calendar.forbidden":       {"只有管辖全部单位的系统管理员可以录入节假日安排", "only an administrator of the whole tree may enter holiday arrangements"},
	"calendar.invalid":         {"节假日安排有误: %s", "the arrangement is not valid: %s"},
	"calendar.year.early":      {"%[1]d 年早于日历的起始年份 %[2]d", "%[1]d is before %[2]d, the first year of the calendar"},
	"calendar.year.twice":      {"%d 年重复", "%d is given twice"},
	"calendar.year.gap":        {"请先录入 %d 年的节假日安排", "enter the arrangements of %d first"},
	"calendar.holiday.date":    {"放假日 %q 不是有效日期", "day off %q is not a date"},
	"calendar.workday.date":    {"调休上班日 %q 不是有效日期", "make-up working day %q is not a date"},
	"calendar.holiday.year":    {"放假日 %[1]s 不在 %[2]d 年内", "day off %[1]s lies outside the year %[2]d"},
	"calendar.workday.year":    {"调休上班日 %[1]s 不在 %[2]d 年内", "make-up working day %[1]s lies outside the year %[2]d"},
	"calendar.holiday.name":    {"放假日 %s 没有节日名称", "day off %s has no holiday name"},
	"calendar.workday.name":    {"调休上班日 %s 没有节日名称", "make-up working day %s has no holiday name"},
	"calendar.workday.weekday": {"调休上班日 %[1]s 是%[2]s，不是周六或周日", "make-up working day %[1]s is a %[3]s: it must be a Saturday or Sunday"}, // 2: 周三, 3: Wednesday
	"calendar.workday.off":     {"%s 既是放假日又是调休上班日", "%s is both a day off and a working day"},

	// Units and their import.
	"unit.notfound":         {"单位不存在 %s", "unit %s not found"},
	"unit.unknown":          {"未知单位 %s", "unknown unit %s"},
	"unit.import.failed":    {"导入失败，未做任何更改: %s", "import failed; nothing was changed: %s"},
	"unit.import.empty":     {"空行", "empty row"},
	"unit.import.duplicate": {"单位代码与第 %[1]d 行重复 %[2]s", "%[2]s duplicates row %[1]d"},
	"unit.import.more":      {"另有 %d 行有误未列出", "and %d more bad rows"},
	"unit.code.bad":         {"单位代码无效，应为字母、数字或连字符 %q", "bad unit code %q: letters, digits or hyphens"},
	"unit.name.required":    {"单位名称必填 %s", "unit %s needs a name"},
	"unit.level.unknown":    {"未知层级 %q；可选 province, city, county, township, village, centre, department", "unknown level %q: one of province, city, county, township, village, centre, department"},
	"unit.parent.self":      {"上级单位不能是自己 %s", "unit %s cannot be its own parent"},
	"unit.parent.required":  {"综治中心和部门须有上级单位 %s", "centre or department %s needs a parent"},
	"unit.parent.cycle":     {"上级单位形成循环 %s", "the parents of %s form a cycle"},
	"unit.parent.unknown":   {"上级单位不存在 %s", "parent %s not found"},
	"unit.parent.admin":     {"行政单位的上级须为行政单位 %s ← %s (%s)", "an administrative unit needs an administrative parent: %s ← %s (%s)"},
	"unit.parent.level":     {"层级须低于上级 %s (%s) ← %s (%s)", "the level must be below the parent's: %s (%s) ← %s (%s)"},
	"unit.parent.centre":    {"综治中心的上级须为行政单位 %s ← %s (%s)", "a centre serves an administrative unit: %s ← %s (%s)"},
	"unit.move":             {"不支持变更已有单位的上级或层级 %s: %s/%s → %s/%s", "moving an existing unit is not supported: %s: %s/%s → %s/%s"},

	// Unit areas and grids.
	"area.code.empty":       {"单位编码为空", "code is empty"},
	"area.code.duplicate":   {"单位编码重复", "duplicate code"},
	"area.unit.notadmin":    {"%[1]s %[2]s 不是行政区划单位，没有自己的范围", "%[1]s %[2]s is not an administrative unit and has no area of its own"},
	"grid.notfound":         {"网格不存在 %s", "grid %s not found"},
	"grid.import.failed":    {"网格导入失败，未做任何更改", "grid import failed; nothing was changed"},
	"grid.import.more":      {"另有 %d 处错误未列出", "and %d more problems"},
	"grid.import.nil":       {"空网格", "no grid"},
	"grid.import.duplicate": {"网格编码与第 %d 个网格重复", "duplicate of grid #%d"},
	"grid.unit.unknown":     {"所属村/社区不存在 %s", "unknown unit %s"},
	"grid.unit.level":       {"%[1]s %[2]s 是%[3]s，网格须属于村或社区", "%[1]s %[2]s is a %[4]s: a grid belongs to a village or community"}, // 3: 乡镇/街道, 4: township
	"grid.unit.move":        {"网格已属于 %[1]s，不能改属 %[2]s；请使用新的网格编码", "the grid belongs to %[1]s and cannot move to %[2]s: use a new code"},
	"grid.worker.unknown":   {"用户 %d 不存在", "no user %d"},
	"grid.worker.role":      {"用户 %s 没有网格员角色", "user %s lacks the grid_worker role"},
	"grid.worker.outside":   {"用户 %[1]s 所在单位 %[2]s 不管辖网格所在村/社区 %[3]s", "the unit %[2]s of user %[1]s does not cover the grid's village %[3]s"},
	"grid.worker.twice":     {"用户 %s 在本网格中出现两次", "user %s is listed twice"},

	// Users, sign-in and sessions.
	"user.username.bad": {"用户名须为 2–64 位字母、数字或 _ . @ -", "2–64 letters, digits, _ . @ -"},
	"user.taken":        {"用户名已存在 %s", "username %s is taken"},
	"user.taken.field":  {"已存在", "taken"},
	"user.notfound":     {"用户不存在 %s", "user %s not found"},
	"user.disable.self": {"不能停用自己的账户", "you cannot disable your own account"},
	"user.forbidden":    {"只有系统管理员可以管理账户", "only an administrator may manage accounts"},
	"user.scope.none":   {"账户没有辖区", "the account has no jurisdiction"},
	"signin.required":   {"请先登录", "sign in first"},
	"signin.wrong":      {"用户名或密码错误", "wrong username or password"},
	"signin.locked":     {"登录失败次数过多，账户已锁定至 %[1]s", "too many failed logins; locked until %[2]s"}, // 1: 2006-01-02 15:04:05, 2: RFC 3339
	"session.invalid":   {"登录已失效，请重新登录", "the session is invalid or expired; sign in again"},

	// Opening, migrating, backing up: errors for the log and the command line.
	"store.dsn.none":         {"未指定数据库", "no database given"},
	"store.dsn.bad":          {"数据库地址无效", "bad database URL"},
	"store.db.mkdir":         {"无法创建数据库目录 %s", "cannot create the database directory %s"},
	"store.db.open":          {"无法打开数据库 %s", "cannot open the database %s"},
	"store.db.connect":       {"无法连接数据库 %s", "cannot connect to the database %s"},
	"store.schema.read":      {"无法读取数据库结构版本", "cannot read the schema version"},
	"store.schema.newer":     {"数据库结构版本 %[1]d 比本程序新（本程序最高 %[2]d），请升级程序", "the database schema %[1]d is newer than this program knows, %[2]d: upgrade pingan"},
	"store.migration.failed": {"数据库迁移 %s 失败", "migration %s failed"},
	"store.grids.load":       {"无法载入网格", "cannot load the grids"},
	"store.sealer.none":      {"未配置个人信息加密器", "no Sealer for personal data"},
	"store.sealed.read":      {"无法读取加密数据", "cannot read sealed data"},
	"store.canary.read":      {"无法读取密钥校验值", "cannot read the key canary"},
	"store.canary.write":     {"无法写入密钥校验值", "cannot write the key canary"},
	"store.key.missing":      {"数据库中有加密的个人信息，但没有提供密钥；需要%s", "the database holds sealed personal data but no key was given; it wants %s"},
	"store.key.wrong":        {"数据库中的个人信息不是用这把密钥加密的%[1]s，需要%[2]s", "the database's personal data is sealed with another key%[1]s; it wants %[2]s"},
	"store.key.want":         {"指纹为 %s 的密钥", "the key with fingerprint %s"},
	"store.key.want.first":   {"最初加密这些数据的密钥", "the key that sealed it"},
	"store.key.got":          {"（提供的密钥指纹为 %s）", ": the key given has fingerprint %s"},
	"store.backup.nofile":    {"未指定备份文件", "no backup file given"},
	"store.backup.exists":    {"备份文件已存在，不会覆盖 %s", "the backup file %s exists; not overwriting"},
	"store.backup.mkdir":     {"无法创建备份目录 %s", "cannot create the backup directory %s"},
	"store.backup.failed":    {"备份失败 %s", "backup failed: %s"},
	"store.backup.nopgdump":  {"找不到 pg_dump，请安装 PostgreSQL 客户端工具", "pg_dump not found: install the PostgreSQL client tools"},
	"store.backup.pgdump":    {"pg_dump 失败 %s", "pg_dump failed: %s"},
}
