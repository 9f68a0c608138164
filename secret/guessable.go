package secret

import (
	"strings"
	"unicode/utf8"
)

// Guessable answers why password is easy to guess for the account
// username, as WeakPassword does but without its length and kinds, which
// the deployment's security policy (pingan.SecurityPolicy) sets: one
// character repeated, one of the commonest passwords, or the username in
// it; "" when none of these.
func Guessable(password, username string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n > 0 && strings.Count(password, string([]rune(password)[:1])) == n:
		return "密码不能由同一个字符重复组成 (not one character repeated)"
	case common[strings.ToLower(password)]:
		return "密码过于常见，请换一个 (one of the commonest passwords; choose another)"
	case len(username) >= 3 && strings.Contains(strings.ToLower(password), strings.ToLower(username)):
		return "密码不能包含用户名 (must not contain the username)"
	}
	return ""
}
