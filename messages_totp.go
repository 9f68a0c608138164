package pingan

// totpMessages: two-factor sign-in (totp.go, store/totp.go, web/totp.go).
var totpMessages = map[string][2]string{
	// Refusals (store, API).
	"totp.roles.twice":      {"角色 %s 重复", "the role %s is given twice"},
	"totp.enabled":          {"已启用双因素认证，如需重新绑定请先停用或请安全管理员重置", "two-factor sign-in is enabled already; disable it, or ask the security administrator to reset it, to enrol again"},
	"totp.disabled":         {"尚未启用双因素认证", "two-factor sign-in is not enabled"},
	"totp.begin.none":       {"请先打开绑定页面扫描二维码", "open the enrolment page and scan its QR code first"},
	"totp.code.wrong":       {"动态验证码错误", "the code is wrong"},
	"totp.code.expired":     {"动态验证码已过期，请输入手机上当前的验证码（并检查手机时间是否准确）", "the code has expired: give the code the phone shows now (and check the phone's clock)"},
	"totp.code.replayed":    {"该动态验证码已使用过，请等待下一个验证码", "this code was used already: wait for the next one"},
	"totp.recovery.used":    {"该恢复码已使用过，每个恢复码只能使用一次", "this recovery code was used already: each works once"},
	"totp.pending.expired":  {"登录已超时（5 分钟内未输入验证码），请重新输入用户名和密码", "the sign-in has expired (no code within 5 minutes): give the username and password again"},
	"totp.required":         {"您的角色须使用双因素认证：请先在“双因素认证”页面绑定手机", "your role must use two-factor sign-in: enrol a phone on the two-factor page first"},
	"totp.required.keep":    {"您的角色须使用双因素认证，不能停用", "your role must use two-factor sign-in: it cannot be disabled"},
	"totp.admin.forbidden":  {"只有管理全部单位的安全管理员可以设置双因素认证", "only a security administrator of every unit sets two-factor sign-in"},
	"totp.user.notfound":    {"没有用户 %s", "no user %s"},
	"totp.unavailable":      {"本服务器未开启双因素认证，该账户无法在此登录", "this server does not offer two-factor sign-in, so this account cannot sign in here"},
	"totp.code.required":    {"请输入动态验证码或恢复码", "give a code or a recovery code"},
	"totp.pending.required": {"请填写登录第一步返回的 pending_token", "give the pending_token the first step answered"},

	// The sign-in's second step (/login/totp).
	"totp.login.title":   {"双因素认证", "Two-factor sign-in"},
	"totp.login.help":    {"请输入手机验证器应用（如 Google Authenticator、Microsoft Authenticator、阿里云 App）中显示的 6 位动态验证码；手机丢失时可输入一个恢复码。", "Give the 6-digit code your phone's authenticator app shows; if the phone is lost, give one of your recovery codes."},
	"totp.code":          {"动态验证码或恢复码", "Code or recovery code"},
	"totp.login.submit":  {"验证并登录", "Verify and sign in"},
	"totp.login.restart": {"重新登录", "Sign in again"},

	// The enrolment page (/account/totp).
	"totp.account.title":   {"双因素认证", "Two-factor sign-in"},
	"totp.account.limited": {"您的角色须使用双因素认证。绑定完成前，其他页面均不可用。", "Your role must use two-factor sign-in. Until you enrol, no other page is open to you."},
	"totp.enrol.help":      {"1. 在手机上安装验证器应用，扫描下面的二维码（或手动输入密钥）。2. 输入应用中显示的 6 位验证码完成绑定。", "1. Install an authenticator app on your phone and scan the QR code below (or type the secret). 2. Give the 6-digit code the app shows to finish."},
	"totp.secret":          {"密钥", "Secret"},
	"totp.qr":              {"绑定二维码", "QR code to enrol"},
	"totp.confirm":         {"绑定", "Enrol"},
	"totp.enabled.at":      {"已于 %s 启用双因素认证。", "Two-factor sign-in enabled on %s."},
	"totp.recovery.left":   {"剩余未使用的恢复码：%d 个", "Unused recovery codes left: %d"},
	"totp.recovery.title":  {"恢复码", "Recovery codes"},
	"totp.recovery.help":   {"请立即抄写或打印并妥善保存：手机丢失时，每个恢复码可代替动态验证码登录一次。恢复码只显示这一次。", "Write them down or print them now and keep them safe: if the phone is lost, each recovery code signs you in once instead of a code. They are shown this once."},
	"totp.enrolled":        {"已绑定双因素认证，下次登录时需输入动态验证码", "Two-factor sign-in is enabled: signing in asks for a code from now on"},
	"totp.disable":         {"停用双因素认证", "Disable two-factor sign-in"},
	"totp.disable.help":    {"停用需输入当前的动态验证码。", "Disabling asks for a current code."},
	"totp.disabled.notice": {"已停用双因素认证", "Two-factor sign-in is disabled"},
	"totp.required.note":   {"您的角色须使用双因素认证，不能停用；手机丢失时请使用恢复码，或请安全管理员重置。", "Your role must use two-factor sign-in, so it cannot be disabled; if the phone is lost, use a recovery code or ask the security administrator to reset it."},
	"totp.account.link":    {"双因素认证", "Two-factor sign-in"},

	// The security administrator's page (/admin/totp).
	"totp.admin.title":            {"双因素认证", "Two-factor sign-in"},
	"totp.admin.help":             {"所选角色的账户登录时必须输入密码和手机动态验证码（RFC 6238 TOTP）；尚未绑定的账户登录后只能打开绑定页面。", "Accounts of the roles chosen sign in with a password and a code from a phone (RFC 6238 TOTP); those not yet enrolled reach only the enrolment page after signing in."},
	"totp.policy.roles":           {"须使用双因素认证的角色", "Roles that must use two-factor sign-in"},
	"totp.policy.save":            {"保存", "Save"},
	"totp.policy.saved":           {"已保存须使用双因素认证的角色", "The roles that must use two-factor sign-in are saved"},
	"totp.accounts":               {"账户", "Accounts"},
	"totp.state":                  {"状态", "State"},
	"totp.state.enabled":          {"已绑定（%s）", "enrolled (%s)"},
	"totp.state.none":             {"未绑定", "not enrolled"},
	"totp.state.required":         {"必须", "required"},
	"totp.reset":                  {"重置", "Reset"},
	"totp.reset.help":             {"重置后该账户须重新绑定手机（如手机丢失）。", "After a reset the account enrols a phone again (a lost phone)."},
	"totp.reset.done":             {"已重置账户 %s 的双因素认证", "Two-factor sign-in of %s is reset"},
	"openapi.op.complete_session": {"登录第二步：提交动态验证码或恢复码，换取会话令牌", "Second step of signing in: a code or a recovery code for the session token"},
	"totp.recovery.column":        {"剩余恢复码", "Recovery codes left"},
}
