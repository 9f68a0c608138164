package pingan

// totpMessages: two-factor sign-in (totp.go, store/totp.go, web/totp.go).
var totpMessages = map[string][2]string{}
