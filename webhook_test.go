package pingan_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

func TestWebhookEventMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, ev string
		want        bool
	}{
		{"case.created", "case.created", true},
		{"case.created", "case.closed", false},
		{"case.*", "case.closed", true},
		{"case.*", "case.dispatch", true},
		{"case.*", "risk.review", false},
		{"case.*", "casefile.x", false},
		{"risk.*", "risk.review", true},
		{"*", "task.issue", true},
		{"case.close", "case.closed", false},
		{"", "case.created", false},
	} {
		if got := pingan.WebhookEventMatches(c.pattern, c.ev); got != c.want {
			t.Errorf("WebhookEventMatches(%q, %q) = %v, want %v", c.pattern, c.ev, got, c.want)
		}
	}
	w := &pingan.Webhook{Events: []string{"case.created", "warning.*"}}
	if !w.Wants("warning.sign") || !w.Wants("case.created") || w.Wants("case.closed") {
		t.Error("Wants does not follow its events")
	}
}

func TestCaseActionEvent(t *testing.T) {
	for a, want := range map[pingan.ActionName]string{
		pingan.ActReport: "case.created", pingan.ActEscalate: "case.escalated", pingan.ActClose: "case.closed",
		pingan.ActDispatch: "case.dispatch", pingan.ActRate: "case.rate",
	} {
		if got := pingan.CaseActionEvent(a); got != want {
			t.Errorf("CaseActionEvent(%s) = %s, want %s", a, got, want)
		}
	}
	for _, ev := range pingan.CaseEvents() {
		if !pingan.ValidWebhookEvent(ev) {
			t.Errorf("the case event %s is not valid", ev)
		}
	}
	for _, bad := range []string{"", "case", "case.", "dossier.*", "person.created", "case.Created", "case.a b"} {
		if pingan.ValidWebhookEvent(bad) {
			t.Errorf("%q is valid", bad)
		}
	}
}

// TestSignWebhook checks the signature against one computed here with
// crypto/hmac, and that a changed body, timestamp or secret changes it.
func TestSignWebhook(t *testing.T) {
	secret, ts, body := "whsec_test-secret-0123456789", int64(1795000000), []byte(`{"id":7,"event":"case.created"}`)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("1795000000." + string(body)))
	want := hex.EncodeToString(m.Sum(nil))
	if got := pingan.SignWebhook(secret, ts, body); got != want {
		t.Fatalf("SignWebhook = %s, want %s", got, want)
	}
	if pingan.SignWebhook(secret, ts+1, body) == want || pingan.SignWebhook(secret+"x", ts, body) == want ||
		pingan.SignWebhook(secret, ts, append(body, ' ')) == want {
		t.Error("the signature does not cover the timestamp, the secret and the body")
	}
}

func TestCheckWebhookURL(t *testing.T) {
	hosts := map[string][]string{
		"hooks.example.org": {"203.0.113.10"},
		"localhost":         {"127.0.0.1", "::1"},
		"intranet.city":     {"10.2.3.4"},
		"mixed.example.org": {"203.0.113.11", "192.168.1.5"},
	}
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		as, ok := hosts[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		var out []netip.Addr
		for _, a := range as {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
	for _, c := range []struct {
		url          string
		allowPrivate bool
		key          string // the refusal's message key; "" when allowed
	}{
		{"https://hooks.example.org/pingan", false, ""},
		{"http://hooks.example.org:8080/in", false, ""},
		{"http://8.8.8.8/in", false, ""},
		{"ftp://hooks.example.org/", false, "webhook.url.scheme"},
		{"hooks.example.org/in", false, "webhook.url.scheme"},
		{"javascript:alert(1)", false, "webhook.url.scheme"},
		{"https://user:pw@hooks.example.org/", false, "webhook.url.scheme"},
		{"", false, "field.required"},
		{"http://127.0.0.1/", false, "webhook.url.private"},
		{"http://[::1]:9000/", false, "webhook.url.private"},
		{"http://localhost/", false, "webhook.url.private"},
		{"http://10.1.2.3/", false, "webhook.url.private"},
		{"http://192.168.0.9/", false, "webhook.url.private"},
		{"http://172.16.5.5/", false, "webhook.url.private"},
		{"http://172.31.255.1/", false, "webhook.url.private"},
		{"http://172.32.0.1/", false, ""},
		{"http://169.254.169.254/latest", false, "webhook.url.private"},
		{"http://100.64.0.1/", false, "webhook.url.private"},
		{"http://100.127.255.254/", false, "webhook.url.private"},
		{"http://100.128.0.1/", false, ""},
		{"http://0.0.0.0/", false, "webhook.url.private"},
		{"http://224.0.0.1/", false, "webhook.url.private"},
		{"http://[fd00::1]/", false, "webhook.url.private"},
		{"http://[::ffff:127.0.0.1]/", false, "webhook.url.private"},
		{"http://0.1.2.3/", false, "webhook.url.private"},
		{"http://255.255.255.255/", false, "webhook.url.private"},
		{"http://192.0.0.8/", false, "webhook.url.private"},
		{"http://198.18.0.1/", false, "webhook.url.private"},
		{"http://240.0.0.1/", false, "webhook.url.private"},
		{"http://[64:ff9b::a00:1]/", false, "webhook.url.private"},    // NAT64 of 10.0.0.1
		{"http://[64:ff9b:1::7f00:1]/", false, "webhook.url.private"}, // local NAT64 of 127.0.0.1
		{"http://[2002:c0a8:0101::1]/", false, "webhook.url.private"}, // 6to4 of 192.168.1.1
		{"http://[::a00:1]/", false, "webhook.url.private"},           // IPv4-compatible 10.0.0.1
		{"http://[64:ff9b::cb00:710a]/", false, ""},                   // NAT64 of 203.0.113.10
		{"http://[2400:3200::1]/", false, ""},                         // a public IPv6 address
		{"http://intranet.city/in", false, "webhook.url.private"},
		{"http://mixed.example.org/in", false, "webhook.url.private"},
		{"http://nowhere.invalid/in", false, "webhook.url.unresolved"},
		{"http://10.1.2.3/", true, ""},
		{"http://localhost:8080/", true, ""},
		{"http://intranet.city/in", true, ""},
		{"ftp://10.1.2.3/", true, "webhook.url.scheme"},
	} {
		err := pingan.CheckWebhookURL(context.Background(), c.url, c.allowPrivate, resolve)
		if c.key == "" {
			if err != nil {
				t.Errorf("%s (allow private %v): %v", c.url, c.allowPrivate, err)
			}
			continue
		}
		var e *pingan.Error
		if !errors.As(err, &e) || e.Code != pingan.EINVALID {
			t.Errorf("%s (allow private %v): %v, want invalid", c.url, c.allowPrivate, err)
			continue
		}
		if m, ok := e.Fields["url"]; !ok || m.Key != c.key {
			t.Errorf("%s: fields %v, want url: %s", c.url, e.Fields, c.key)
		}
		if zh := pingan.FieldTexts(err, pingan.ZH)["url"]; c.key != "field.required" && !strings.Contains(zh, "网址") {
			t.Errorf("%s: %q does not name the field 网址", c.url, zh)
		}
	}
}

func TestNewWebhookValidate(t *testing.T) {
	n := &pingan.NewWebhook{Name: "  ", Events: []string{" case.created ", "case.created", "dossier.*"}, Secret: "short"}
	n.Normalize()
	if len(n.Events) != 2 {
		t.Fatalf("events %v, want each once", n.Events)
	}
	var v pingan.Invalid
	n.Validate(&v)
	for _, f := range []string{"name", "unit", "events", "secret"} {
		if !v.Has(f) {
			t.Errorf("the field %s is not named", f)
		}
	}
}
