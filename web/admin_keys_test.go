package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// keyRe finds an API key's secret in a page.
var keyRe = regexp.MustCompile(pingan.APIKeyPrefix + `[a-z2-7]{40,}`)

// API keys' page: a key added shows its secret once, and the secret works
// as the key of its unit; the list never shows it again; a bad form names
// the field and adds nothing; a revoked key stops at once.
func TestAdminKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := countySecAdmin(t, e)
	res := a.get("/admin/keys")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/keys: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="keys-none"`, `id="key-form"`, `value="reporter" checked`, "接入上报")
	mustNotContain(t, res.body, `value="admin"`) // a key never administers

	res = a.post("/admin/keys", url.Values{"name": {"12345热线转办"}, "unit": {"620902"}, "role": {"reporter"}})
	if res.status != http.StatusOK {
		t.Fatalf("add: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="key-secret"`, "只显示这一次", "12345热线转办")
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the key: Cache-Control %q", cc)
	}
	secret := keyRe.FindString(res.body)
	if secret == "" {
		t.Fatal("the new key's secret is not on the answer")
	}
	res = a.get("/admin/keys")
	mustContain(t, res.body, `id="keys"`, "12345热线转办", secret[:len(pingan.APIKeyPrefix)+6]+"…", "从未使用")
	mustNotContain(t, res.body, secret, `id="key-secret"`)
	u, err := e.db.APIKeys.Authenticate(t.Context(), secret, "GET /api/v1/units")
	if err != nil || u.UnitCode != "620902" || !u.Has(pingan.RoleReporter) || u.Has(pingan.RoleAdmin) {
		t.Fatalf("the key shown: %+v %v", u, err)
	}
	mustNotContain(t, a.get("/admin/keys").body, "从未使用")

	// Bad forms: no role, an administrator's role, a unit of another county,
	// the name taken — each named, nothing added.
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"name": {"无角色"}, "unit": {"620902"}}, "roles"},
		{url.Values{"name": {"管理员密钥"}, "unit": {"620902"}, "role": {"admin"}}, "roles"},
		{url.Values{"name": {"外区"}, "unit": {"620921"}, "role": {"reporter"}}, ""},
		{url.Values{"name": {"12345热线转办"}, "unit": {"620902"}, "role": {"reporter"}}, "name"},
	} {
		res := a.post("/admin/keys", c.form)
		if res.status == http.StatusOK || keyRe.MatchString(res.body) {
			t.Errorf("%v: %d, a key shown %v", c.form, res.status, keyRe.MatchString(res.body))
		}
		if c.field != "" && !strings.Contains(res.body, `class="field-error"`) {
			t.Errorf("%v: the field %s is not named\n%s", c.form, c.field, res.body)
		}
	}
	keys, err := e.db.APIKeys.List(t.Context(), nil)
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys after the refusals: %d %v", len(keys), err)
	}

	res = a.post("/admin/keys/revoke", url.Values{"name": {"12345热线转办"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", res.status, res.body)
	}
	mustContain(t, a.get(res.location).body, "已吊销密钥", "已吊销（")
	if _, err := e.db.APIKeys.Authenticate(t.Context(), secret, ""); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("a revoked key: %v", err)
	}
	// Not an administrator: no page.
	if res := e.login(e.fx.CountyDispatcher).get("/admin/keys"); res.status != http.StatusForbidden {
		t.Errorf("a dispatcher: %d", res.status)
	}
}
