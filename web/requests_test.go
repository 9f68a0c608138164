package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/pingan-gov/pingan"
)

// postAct posts an action through the case page and answers the page it
// leads to.
func postAct(t *testing.T, cl *client, id string, form url.Values) string {
	t.Helper()
	res := cl.post("/cases/"+id+"/act", form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303: %s", form.Get("action"), res.status, res.body)
	}
	page := cl.get(res.location)
	if page.status != http.StatusOK {
		t.Fatalf("after %s: %d", form.Get("action"), page.status)
	}
	return page.body
}

// Handlers ask, centres decide: the handler's page offers 延期申请 and
// 挂起申请, the centre's shows the pending request with 批准 and 驳回.
func TestRequestThroughTheCasePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.departmentCase(true)
	before := *c.ResolveBy
	handler, centre := e.login(e.fx.CountyHandler), e.login(e.fx.CountyDispatcher)

	page := handler.get("/cases/" + c.ID).body
	mustContain(t, page, `id="act-request_extend"`, `id="act-request_suspend"`, "延期申请", "挂起申请")
	mustNotContain(t, page, `id="act-approve_request"`, `id="case-request"`)
	mustNotContain(t, centre.get("/cases/"+c.ID).body, `id="act-approve_request"`, `id="act-refuse_request"`)

	// A request without a reason is refused, naming the field.
	res := handler.post("/cases/"+c.ID+"/act", url.Values{"action": {"request_extend"}, "days": {"5"}})
	if res.status == http.StatusSeeOther {
		t.Fatalf("a request without a reason was taken")
	}
	mustContain(t, res.body, "必填")

	postAct(t, handler, c.ID, url.Values{"action": {"request_extend"}, "days": {"5"}, "reason": {"需要房屋安全鉴定"}})
	page = handler.get("/cases/" + c.ID).body
	mustContain(t, page, `id="case-request"`, "处置单位申请延期 5 天：需要房屋安全鉴定")
	mustNotContain(t, page, `id="act-request_extend"`, `id="act-approve_request"`)

	page = centre.get("/cases/" + c.ID).body
	mustContain(t, page, `id="case-request"`, "处置单位申请延期 5 天：需要房屋安全鉴定", `id="act-approve_request"`, `id="act-refuse_request"`, "批准申请", "驳回申请")

	postAct(t, centre, c.ID, url.Values{"action": {"approve_request"}, "note": {"同意"}})
	got, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RequestAction != "" || !got.ResolveBy.After(before) {
		t.Errorf("after approval: request %q, resolve_by %v (was %v)", got.RequestAction, got.ResolveBy, before)
	}
	mustNotContain(t, centre.get("/cases/"+c.ID).body, `id="case-request"`, `id="act-approve_request"`)

	// A suspension asked and refused leaves the case running.
	postAct(t, handler, c.ID, url.Values{"action": {"request_suspend"}, "reason": {"当事人住院"}})
	mustContain(t, centre.get("/cases/"+c.ID).body, "处置单位申请挂起：当事人住院")
	postAct(t, centre, c.ID, url.Values{"action": {"refuse_request"}, "reason": {"可先行调解"}})
	got, err = e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Suspended || got.RequestAction != "" {
		t.Errorf("after refusal: suspended %v, request %q", got.Suspended, got.RequestAction)
	}
	if got.Status != pingan.StatusInProgress {
		t.Errorf("status %s", got.Status)
	}
}
