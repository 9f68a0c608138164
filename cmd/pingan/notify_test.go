package main

import (
	"flag"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// The notice channels are on exactly when their addresses are set, and a
// bad setting is refused naming the flag.
func TestNotifyFlags(t *testing.T) {
	parse := func(args ...string) (*notifyFlags, error) {
		var f notifyFlags
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		f.register(fs)
		return &f, fs.Parse(args)
	}
	f, err := parse()
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := f.senders(pingan.SystemClock); err != nil || len(cs) != 0 || f.signWithin.Hours() != 4 {
		t.Errorf("defaults: %v, %v, within %v", cs.List(), err, f.signWithin)
	}
	f, _ = parse("--wecom-webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
		"--dingtalk-webhook", "https://oapi.dingtalk.com/robot/send?access_token=t", "--dingtalk-secret", "SEC1",
		"--sms-url", "https://sms.example.gov.cn/send")
	cs, err := f.senders(pingan.SystemClock)
	if err != nil || len(cs.List()) != 3 {
		t.Fatalf("all three: %v, %v", cs.List(), err)
	}
	for _, bad := range [][]string{
		{"--wecom-webhook", "qyapi.weixin.qq.com/send"},
		{"--dingtalk-secret", "SEC1"},
		{"--sms-url", "https://sms/{{.Phone"},
		{"--sms-url", "https://sms/", "--sms-body", ""},
	} {
		f, _ := parse(bad...)
		if _, err := f.senders(pingan.SystemClock); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
