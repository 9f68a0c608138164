package secret

import (
	"strings"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// MinPasswordLength is the shortest password an account may have.
const MinPasswordLength = 10

// WeakPassword answers why password is too weak for the account username,
// as a sentence "中文 (English)" for the field "password", or "" when it
// will do. A password must be at least MinPasswordLength characters, not
// one character repeated, of at least two kinds (lower case, upper case,
// digits, others), not one of the commonest passwords, and must not
// contain the username.
func WeakPassword(password, username string) string {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return "密码至少 10 位 (at least 10 characters)"
	}
	if why := Guessable(password, username); why != "" {
		return why
	}
	if pingan.CharacterClasses(password) < 2 {
		return "密码须包含至少两类字符：小写字母、大写字母、数字、符号 (at least two of: lower case, upper case, digits, symbols)"
	}
	return ""
}

// common are the commonest passwords of ten characters or more that pass
// the other rules, from the published lists of leaked passwords (Chinese
// sites' among them: woaini, 5201314 …), in lower case.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
		password123 password1234 password12345 password1! password01 password@123 password#1
		p@ssw0rd123 p@ssword123 passw0rd123 passw0rd!! pa55w0rd123 p@55w0rd123
		qwerty1234 qwerty12345 qwerty123456 qwertyuiop1 qwertyuiop123 qwerty123!
		1qaz2wsx3edc 1q2w3e4r5t 1q2w3e4r5t6y 1qaz@wsx3edc zaq12wsxcde 1qazxsw23edc qazwsx1234 qazwsxedc123 q1w2e3r4t5
		abc1234567 abc12345678 abcd123456 abcd1234567 abc123456789 a123456789 a1234567890 aa12345678 aa123456789
		asdf123456 asdfghjkl1 asdfghjkl123 zxcvbnm123 zxcvbnm1234 1234567890a 123456789a 12345678910a
		admin12345 admin123456 admin@1234 admin@12345 administrator1 root123456 test123456 user123456
		iloveyou12 iloveyou123 iloveyou1234 letmein123 welcome123 welcome1234 changeme123 sunshine12 football12
		woaini1314 woaini5201314 woaini123456 5201314abc 5201314woaini a5201314 wo5201314 aini1314520
		qq12345678 qq123456789 qq5201314 zhang123456 wang123456 li123456789 liu123456 chen123456 yang123456
		huang123456 zhao123456 zhou123456 wu12345678 xiaoming123 baobao1234 taotao1234 hao123456789
		pingan12345 pingan123456 pingan@123 ping@n12345 china123456 beijing123 shanghai123 123qweasdzxc qweasdzxc123
		1234qwer 1234qwerasdf qwer1234qwer asd123456789 zxc123456789 1q2w3e4r!! 123456abc! abc@123456
	`) {
		m[p] = true
	}
	return m
}()
