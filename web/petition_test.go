package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// The pages of petitions (petition.go): the registration in the report
// form, the 信访 card with its documents, the forms of the procedure's
// steps with their drafts and refusals beside the fields, and the petition
// tabs.

// petitionPage is a petition's case page driven through its forms.
type petitionPage struct {
	t    *testing.T
	e    *env
	path string
}

var (
	docNumberRe = regexp.MustCompile(`id="([a-z_]+)-document-number" name="document.number" maxlength="60" value="([^"]*)"`)
	docBodyRe   = regexp.MustCompile(`(?s)id="([a-z_]+)-document-body" name="document.body" rows="8">(.*?)</textarea>`)
	docIDRe     = regexp.MustCompile(`name="doc_id" value="(\d+)"`)
	petStageRe  = regexp.MustCompile(`(?s)<dd id="pet-stage">(.*?)</dd>`)
	petDueRe    = regexp.MustCompile(`(?s)<dd id="pet-due">(.*?)</dd>`)
	petTagRe    = regexp.MustCompile(`<[^>]+>`)
)

// plain answers the text of a piece of a page.
func plain(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(petTagRe.ReplaceAllString(s, " "))), " ")
}

// part answers the text re finds in body, "" when none.
func part(re *regexp.Regexp, body string) string {
	if m := re.FindStringSubmatch(body); m != nil {
		return plain(m[1])
	}
	return ""
}

// registerLetter registers a letter through the report form as the
// county's dispatcher: received three days ago, postmarked five days ago,
// with one representative.
func registerLetter(t *testing.T, e *env) *petitionPage {
	t.Helper()
	cl := e.login(e.fx.CountyDispatcher)
	res := cl.post("/report", letterForm(e))
	if res.status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", res.status, fieldErrors(res.body))
	}
	return &petitionPage{t: t, e: e, path: strings.Split(res.location, "?")[0]}
}

// letterForm is the report form of a letter with its registration.
func letterForm(e *env) url.Values {
	now := e.clock.Now().In(pingan.CST)
	return url.Values{"category": {"XF01"}, "source": {"letter"}, "title": {"反映小区拆迁补偿不到位"},
		"description": {"要求按标准补偿"}, "unit": {e.fx.Village.Code}, "reporter_name": {"赵六"}, "reporter_phone": {"13900001111"},
		"petition.channel": {"letter"}, "petition.received_on": {now.AddDate(0, 0, -3).Format("2006-01-02")},
		"petition.postmarked_on": {now.AddDate(0, 0, -5).Format("2006-01-02")}, "petition.people": {"3"},
		"representatives.1.name": {"钱七"}, "representatives.1.phone": {"13900002222"},
		"representatives.1.id_number": {"620902199001011234"}}
}

var fieldErrorRe = regexp.MustCompile(`(?s)(?:field-error|class="error")[^>]*>([^<]*)<`)

// fieldErrors answers the errors a page shows.
func fieldErrors(body string) []string {
	var out []string
	for _, m := range fieldErrorRe.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// id answers the case's id.
func (p *petitionPage) id() string { return strings.TrimPrefix(p.path, "/cases/") }

// form answers the form of the step as the page fills it: its
// document's number and text from the draft, then the fields given.
func (p *petitionPage) form(cl *client, name string, fields url.Values) url.Values {
	p.t.Helper()
	page := cl.get(p.path)
	form := url.Values{"action": {string(name)}}
	for _, m := range docNumberRe.FindAllStringSubmatch(page.body, -1) {
		if m[1] == name {
			form.Set("document.number", html.UnescapeString(m[2]))
		}
	}
	for _, m := range docBodyRe.FindAllStringSubmatch(page.body, -1) {
		if m[1] == name {
			form.Set("document.body", html.UnescapeString(m[2]))
		}
	}
	for k, vs := range fields {
		form[k] = vs
	}
	return form
}

// step takes the step through its form and answers the page after it.
func (p *petitionPage) step(cl *client, name string, fields url.Values) string {
	p.t.Helper()
	res := cl.post(p.path+"/act", p.form(cl, name, fields))
	if res.status != http.StatusSeeOther {
		p.t.Fatalf("%s: %d %v", name, res.status, fieldErrors(res.body))
	}
	return cl.get(p.path).body
}

// petition answers the petition as the store holds it.
func (p *petitionPage) petition() *pingan.Case {
	p.t.Helper()
	c, err := p.e.db.Cases.FindCase(context.Background(), p.e.fx.Admin, p.id())
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// inTab reports whether the user's inbox tab lists the case.
func (p *petitionPage) inTab(cl *client, tab string) bool {
	return strings.Contains(cl.get("/inbox?tab="+tab).body, `href="`+p.path+`"`)
}

// A letter through the procedure on its pages: registered with its
// postmark and representative, forwarded (交办) with an edited number,
// accepted, extended, answered, closed, delivered, reviewed; each page
// shows the stage, the running period and the documents' numbers, and
// each tab lists the petition while it waits there.
func TestPetitionProcedurePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fx := e.fx
	p := registerLetter(t, e)
	d, h := e.login(fx.CountyDispatcher), e.login(fx.TownshipHandler)
	now := e.clock.Now().In(pingan.CST)
	today := now.Format("2006-01-02")

	page := d.get(p.path).body
	mustContain(t, page, `<dd id="pet-channel">来信</dd>`, `<dd id="pet-postmark">`+now.AddDate(0, 0, -5).Format("2006-01-02")+`</dd>`,
		`<dd id="pet-received">`+now.AddDate(0, 0, -3).Format("2006-01-02")+`</dd>`, "钱七", "代表人")
	if got := part(petStageRe, page); got != "已登记" {
		t.Errorf("stage %q", got)
	}
	// 15 days from the day received (2026-02-27): 2026-03-14 is a
	// Saturday, a working day by the 2026 notice? The period ends on the
	// day the calendar says; the page says how many days are left.
	if got := part(petDueRe, page); !strings.Contains(got, "转送交办期限") || !strings.Contains(got, "还剩") {
		t.Errorf("due %q", got)
	}
	if !p.inTab(d, "petition_forward") {
		t.Error("待转送 does not list the registered letter")
	}

	p.step(d, "accept", nil)
	form := p.form(d, "dispatch", url.Values{"to_unit": {fx.Township.Code}, "forward_mode": {"assign"}})
	if !strings.HasPrefix(form.Get("document.number"), "肃信转〔2026〕") || !strings.Contains(form.Get("document.body"), "赵六") {
		t.Errorf("the forward slip's draft: %q %q", form.Get("document.number"), form.Get("document.body"))
	}
	form.Set("document.number", "肃信交〔2026〕7号")
	if res := d.post(p.path+"/act", form); res.status != http.StatusSeeOther {
		t.Fatalf("dispatch: %d %v", res.status, fieldErrors(res.body))
	}
	page = d.get(p.path).body
	mustContain(t, page, "肃信交〔2026〕7号", `<dd id="pet-forward">交办</dd>`, `<strong>转送交办</strong>`)
	if got := part(petStageRe, page); got != "已转送交办" {
		t.Errorf("stage after dispatch %q", got)
	}
	if p.inTab(d, "petition_forward") || !p.inTab(h, "petition_decide") {
		t.Error("the forwarded letter is not where it waits: 待受理告知 of the unit")
	}

	p.step(h, "sign", nil)
	page = p.step(h, "petition_accept", nil)
	if got := part(petStageRe, page); got != "已受理" {
		t.Errorf("stage after accept %q", got)
	}
	if got := part(petDueRe, page); !strings.Contains(got, "办理期限") {
		t.Errorf("due after accept %q", got)
	}
	mustContain(t, page, "东信受〔2026〕1号")
	// A petition is answered, not resolved, and extended by its own step.
	mustNotContain(t, page, `id="act-resolve"`, `id="act-extend"`, `id="act-reopen"`, `id="act-request_extend"`)
	if !p.inTab(h, "petition_handling") || p.inTab(h, "petition_decide") {
		t.Error("the accepted letter is not in 信访办理中")
	}
	due := p.petition().ResolveBy

	page = p.step(d, "petition_extend", url.Values{"days": {"20"}, "reason": {"需要现场核查"}})
	mustContain(t, page, `<span class="tag" id="pet-extended">已延期 20 日</span>`, "肃信延〔2026〕1号")
	if c := p.petition(); c.ResolveBy == nil || due == nil || c.ResolveBy.Sub(*due).Hours() < 20*24-1 {
		t.Errorf("the period moved from %v to %v", due, c.ResolveBy)
	}

	page = p.step(h, "answer", url.Values{"opinion": {"support"}, "result": {"已协调补偿"}})
	mustContain(t, page, "东信处〔2026〕1号", `<dd id="pet-opinion">予以支持`)
	if got := part(petStageRe, page); got != "已出具处理意见" {
		t.Errorf("stage after answer %q", got)
	}
	p.step(d, "close", nil)

	// The answer delivered by post: its row says so, the 复查 window opens.
	page = d.get(p.path).body
	ids := docIDRe.FindAllStringSubmatch(page, -1)
	if len(ids) != 4 {
		t.Fatalf("%d documents to deliver, want 4", len(ids))
	}
	answer := ids[3][1]
	res := d.post(p.path+"/act", url.Values{"action": {"deliver"}, "doc_id": {answer}, "on": {today}, "method": {"post"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("deliver: %d %v", res.status, fieldErrors(res.body))
	}
	page = d.get(p.path).body
	mustContain(t, page, `<span id="doc-sent-`+answer+`">`+today+` 邮寄</span>`, `id="pet-window"`)

	page = p.step(d, "request_review", url.Values{"on": {today}, "note": {"对补偿标准不服"}})
	if got := part(petStageRe, page); got != "复查中" {
		t.Errorf("stage after the request %q", got)
	}
	if got := part(petDueRe, page); !strings.Contains(got, "复查期限") || !strings.Contains(got, "还剩 30 天") {
		t.Errorf("due of the review %q", got)
	}
	if !p.inTab(d, "petition_review") {
		t.Error("复查复核 of the county's dispatcher does not list the review")
	}
	form = p.form(d, "answer", url.Values{"opinion": {"uphold"}})
	if !strings.HasPrefix(form.Get("document.number"), "肃信复查〔2026〕") {
		t.Errorf("the review answer's number %q", form.Get("document.number"))
	}
	if res := d.post(p.path+"/act", form); res.status != http.StatusSeeOther {
		t.Fatalf("answer the review: %d %v", res.status, fieldErrors(res.body))
	}
	page = d.get(p.path).body
	mustContain(t, page, `<dd id="pet-review-opinion">维持原处理意见`, form.Get("document.number"), `<dd id="pet-level">复查</dd>`)
	if got := part(petStageRe, page); got != "已复查" {
		t.Errorf("stage after the review %q", got)
	}
	if w := latinWords(page); len(w) > 0 {
		t.Errorf("Latin words on the petition's page: %v", w)
	}
}

// Bad input shows the field's error beside it and writes nothing: an
// extension of 31 days, a document without a number, a postmark on a
// visit.
func TestPetitionRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fx := e.fx
	p := registerLetter(t, e)
	d, h := e.login(fx.CountyDispatcher), e.login(fx.TownshipHandler)
	p.step(d, "accept", nil)
	p.step(d, "dispatch", url.Values{"to_unit": {fx.Township.Code}, "forward_mode": {"transfer"}})
	p.step(h, "sign", nil)

	// 受理 without a number: the number's error in the form, no document.
	form := p.form(h, "petition_accept", nil)
	form.Set("document.number", "")
	res := h.post(p.path+"/act", form)
	if res.status != http.StatusBadRequest {
		t.Fatalf("accept without a number: %d", res.status)
	}
	accept := formOf(t, res.body, "petition_accept")
	if !strings.Contains(accept, `<details class="action" id="act-petition_accept" open>`) ||
		!regexp.MustCompile(`name="document.number"[^>]*value=""[^>]*><span class="field-error" role="alert">`+pingan.Text(pingan.ZH, "field.required")).MatchString(accept) {
		t.Errorf("the number's error is not beside it:\n%s", accept)
	}
	if !strings.Contains(accept, html.EscapeString(form.Get("document.body"))[:30]) {
		t.Error("the text typed is not kept")
	}
	if c := p.petition(); c.Petition.Stage != pingan.StageForwarded {
		t.Errorf("stage %s after a refused accept", c.Petition.Stage)
	}
	if n := strings.Count(h.get(p.path).body, `class="doc doc-`); n != 1 {
		t.Errorf("%d documents after a refused accept, want the forward slip", n)
	}
	p.step(h, "petition_accept", nil)

	// 延期 31 days: the days' error, nothing extended.
	due := p.petition().ResolveBy
	form = p.form(d, "petition_extend", url.Values{"days": {"31"}, "reason": {"需要现场核查"}})
	res = d.post(p.path+"/act", form)
	if res.status != http.StatusBadRequest {
		t.Fatalf("extend 31 days: %d", res.status)
	}
	extend := formOf(t, res.body, "petition_extend")
	want := pingan.Text(pingan.ZH, "petition.extend.days", pingan.MaxPetitionExtension)
	if !regexp.MustCompile(`id="petition_extend-days"[^>]*value="31"><span class="field-error" role="alert">` + regexp.QuoteMeta(html.EscapeString(want))).MatchString(extend) {
		t.Errorf("the days' error %q is not beside them:\n%s", want, extend)
	}
	if c := p.petition(); c.Petition.ExtendedDays != 0 || !c.ResolveBy.Equal(*due) {
		t.Errorf("a refused extension moved the period: %d days, %v → %v", c.Petition.ExtendedDays, due, c.ResolveBy)
	}
	if n := strings.Count(d.get(p.path).body, `class="doc doc-`); n != 2 {
		t.Errorf("%d documents after a refused extension, want 2", n)
	}

	// A postmark on a visit, on the report form: its error, no case.
	before := countCases(t, e)
	lf := letterForm(e)
	lf.Set("petition.channel", "visit")
	res = d.post("/report", lf)
	if res.status != http.StatusBadRequest {
		t.Fatalf("a visit with a postmark: %d", res.status)
	}
	if !regexp.MustCompile(`name="petition.postmarked_on"[^>]*><span class="field-error" role="alert">` +
		regexp.QuoteMeta(pingan.Text(pingan.ZH, "petition.postmark.letter"))).MatchString(res.body) {
		t.Errorf("the postmark's error is not beside it: %v", fieldErrors(res.body))
	}
	mustContain(t, res.body, `value="钱七"`, `value="620902199001011234"`)
	if after := countCases(t, e); after != before {
		t.Errorf("%d cases after a refused report, want %d", after, before)
	}
	// Six representatives: refused beside their table.
	for i := 2; i <= 6; i++ {
		lf.Set(repField(i, "name"), "代表"+string(rune('甲'+i)))
	}
	lf.Set("petition.channel", "letter")
	res = d.post("/report", lf)
	if res.status != http.StatusBadRequest || !regexp.MustCompile(`<span class="label">代表人[^<]*</span><span class="field-error"`).MatchString(res.body) {
		t.Errorf("six representatives: %d %v", res.status, fieldErrors(res.body))
	}
}

// formOf answers the action form of name on a case page.
func formOf(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `id="act-`+name+`"`)
	if i < 0 {
		t.Fatalf("no form %s", name)
	}
	j := strings.Index(body[i:], "</details>")
	return body[max(0, i-40) : i+j]
}

// countCases counts the cases of the fixture city.
func countCases(t *testing.T, e *env) int {
	t.Helper()
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.Admin, pingan.CaseFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

// 保存草稿 keeps the number and text typed; the page fills the form with
// them, and nothing is issued.
func TestPetitionDraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := registerLetter(t, e)
	d := e.login(e.fx.CountyDispatcher)
	p.step(d, "accept", nil)
	form := p.form(d, "dispatch", url.Values{"to_unit": {e.fx.Township.Code}})
	form.Set("document.number", "肃信转〔2026〕88号")
	form.Set("document.body", "赵六：\n草稿正文，待领导审定。")
	res := d.post(p.path+"/petition/drafts/forward", form)
	if res.status != http.StatusOK {
		t.Fatalf("save the draft: %d %v", res.status, fieldErrors(res.body))
	}
	mustContain(t, res.body, pingan.Text(pingan.ZH, "pw.draft.saved"))
	again := p.form(d, "dispatch", nil)
	if again.Get("document.number") != "肃信转〔2026〕88号" || !strings.Contains(again.Get("document.body"), "待领导审定") {
		t.Errorf("the page fills %q %q", again.Get("document.number"), again.Get("document.body"))
	}
	if c := p.petition(); c.Status != pingan.StatusAccepted || c.Petition.Stage != pingan.StageRegistered {
		t.Errorf("saving a draft moved the case: %s %s", c.Status, c.Petition.Stage)
	}
	// A draft without a number: its error beside the number.
	form.Set("document.number", "")
	res = d.post(p.path+"/petition/drafts/forward", form)
	if res.status != http.StatusBadRequest || !regexp.MustCompile(`name="document.number"[^>]*value=""[^>]*><span class="field-error"`).MatchString(formOf(t, res.body, "dispatch")) {
		t.Errorf("a draft without a number: %d %v", res.status, fieldErrors(res.body))
	}
}

// A repeat: the similar matter is offered as a choice, without the
// petitioner, and the merge counts the repeat on the main matter.
func TestPetitionMergeRepeat(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := registerLetter(t, e)
	second := registerLetter(t, e)
	d := e.login(e.fx.CountyDispatcher)
	page := d.get(second.path).body
	card := page[strings.Index(page, `id="act-merge"`):]
	card = card[:strings.Index(card, "</details>")]
	if !strings.Contains(card, `value="`+first.id()+`"`) {
		t.Fatalf("the first letter is not offered:\n%s", card)
	}
	mustNotContain(t, card, "赵六", "13900001111", "钱七")
	res := d.post(second.path+"/act", url.Values{"action": {"merge"}, "confirm": {"1"}, "merge_as": {"repeat"},
		"to_case": {first.id()}, "reason": {"同一信访人反映同一事项"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("merge: %d %v", res.status, fieldErrors(res.body))
	}
	if c := first.petition(); c.Petition.Repeats != 1 {
		t.Errorf("repeats %d", c.Petition.Repeats)
	}
	mustContain(t, d.get(first.path).body, `<dd id="pet-repeats">1 次 <a href="/cases/`+second.id()+`"`)
	mustContain(t, d.get(second.path).body, `<dd id="pet-merged-as">重复件`)
}

// The petition pages read in Chinese: the report form, the tabs and the
// case page at each step a reader may see.
func TestPetitionPagesInChinese(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := registerLetter(t, e)
	d, h := e.login(e.fx.CountyDispatcher), e.login(e.fx.TownshipHandler)
	check := func(cl *client, path string) {
		t.Helper()
		res := cl.get(path)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", path, res.status)
		}
		if w := latinWords(res.body); len(w) > 0 {
			t.Errorf("%s: Latin words %v", path, w)
		}
	}
	check(d, "/report")
	check(d, p.path)
	check(d, "/inbox?tab=petition_forward")
	p.step(d, "accept", nil)
	p.step(d, "dispatch", url.Values{"to_unit": {e.fx.Township.Code}, "forward_mode": {"assign"}})
	check(h, "/inbox?tab=petition_decide")
	p.step(h, "sign", nil)
	check(h, p.path)
	p.step(h, "petition_accept", nil)
	check(h, "/inbox?tab=petition_handling")
	check(d, p.path)
	check(e.login(e.fx.CountyLeader), p.path)
}
