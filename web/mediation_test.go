package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The pages of mediation (mediation.go): the card of a dispute's
// mediation, the forms of its actions with their refusals beside the
// fields, the parties of the report forms and the mediator's tabs.

// dispute reports a dispute of two parties in 富康社区 with its facts,
// accepted by 东北街's centre and dispatched to 东北街街道 (the mediator's
// unit, its 调委会), signed by the mediator when signed.
func (e *env) dispute(signed bool) *pingan.Case {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "宅基地边界纠纷", Description: "两户因院墙位置发生争执。", Address: "富康路 8 号",
		Parties: []pingan.Person{
			{Role: pingan.PartyApplicant, Type: pingan.PartyPerson, Name: "王建国", Phone: "13912345678", Address: "富康路 8 号 3 单元"},
			{Role: pingan.PartyRespondent, Type: pingan.PartyOrganisation, Name: "富康物业管理有限公司", Phone: "09372345678"},
		},
		Dispute: &pingan.DisputeFacts{AmountFen: 1234567, People: 6}})
	if err != nil {
		e.t.Fatalf("create dispute: %v", err)
	}
	d := e.fx.TownshipDispatcher
	e.act(d, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(d, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: e.fx.Township.Code})
	if signed {
		e.act(e.fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	}
	return c
}

// sessionForm is a 记录调解 form held an hour before now.
func sessionForm(e *env) url.Values {
	return url.Values{"action": {"mediate"},
		"session.held_at":         {e.clock.Now().Add(-time.Hour).In(pingan.CST).Format("2006-01-02T15:04")},
		"session.place":           {"东北街人民调解室"},
		"session.mediators":       {"李明\n张华，赵强"},
		"session.attendees":       {"王建国；富康物业代理人刘某"},
		"session.rights_notified": {"1"},
		"session.record":          {"双方陈述院墙位置争议，同意下次带齐宅基地证。"}}
}

// agreementForm is a 达成协议 form of two terms, the second row of the
// table left empty.
func agreementForm(e *env) url.Values {
	day := pingan.DayOf(e.clock.Now())
	return url.Values{"action": {"agree"}, "agreement.written": {"written"},
		"agreement.signed_on":     {day.Format(time.DateOnly)},
		"agreement.facts":         {"双方因院墙位置发生争议，经调解达成如下协议。"},
		"agreement.terms.1.text":  {"被申请人拆除越界院墙"},
		"agreement.terms.1.by":    {"被申请人"},
		"agreement.terms.1.how":   {"自行拆除"},
		"agreement.terms.1.due":   {day.AddDate(0, 0, 10).Format(time.DateOnly)},
		"agreement.terms.3.text":  {"被申请人赔偿修缮费 3000 元"},
		"agreement.terms.3.by":    {"被申请人"},
		"agreement.terms.3.how":   {"一次性转账"},
		"agreement.terms.3.due":   {day.AddDate(0, 0, 20).Format(time.DateOnly)},
		"agreement.terms.2.how":   {""},
		"agreement.terms.2.text":  {""},
		"agreement.terms.2.by":    {""},
		"agreement.terms.2.due":   {""},
		"agreement.terms.4.text":  {""},
		"agreement.terms.10.text": {""}}
}

// actOK posts the action as the client and answers the case page it is
// sent back to.
func actOK(t *testing.T, cl *client, id string, form url.Values) string {
	t.Helper()
	res := cl.post("/cases/"+id+"/act", form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/cases/"+id) {
		t.Fatalf("%s: status %d, location %q: %s", form.Get("action"), res.status, res.location, errorsOf(res.body))
	}
	page := cl.get(res.location)
	if page.status != http.StatusOK {
		t.Fatalf("case page after %s: %d", form.Get("action"), page.status)
	}
	return page.body
}

var errorRe = regexp.MustCompile(`<(?:span|p) class="(?:field-error|error)"[^>]*>([^<]+)<`)

// errorsOf answers the errors a page shows, for failures' messages.
func errorsOf(body string) string {
	var out []string
	for _, m := range errorRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, "; ")
}

// section answers the part of the page from the element with the id to
// the end of its closing tag's kind (the first </tag> of that kind after
// it: enough for the forms and cards here, which do not nest their kind).
func section(t *testing.T, body, tag, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element %s", id)
	}
	j := strings.Index(body[i:], "</"+tag+">")
	if j < 0 {
		t.Fatalf("element %s does not end", id)
	}
	return body[i : i+j]
}

// The case page of a dispute shows its parties with their roles and types
// in Chinese, its facts and its mediation organisation; the mediator's
// forms record a session, an agreement of two terms, a term's performance,
// the court's answer and the follow-up visit, each shown on the page.
func TestMediationCasePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.dispute(true)
	cl := e.login(e.fx.Mediator)
	page := cl.get("/cases/" + c.ID)
	if page.status != http.StatusOK {
		t.Fatalf("case page %d", page.status)
	}
	mustContain(t, page.body, "申请人", "被申请人", "自然人", "法人或其他组织", "王建国", "富康物业管理有限公司",
		`id="med-amount">12,345.67 元`, `id="med-people">6 人`, `id="med-group"`, `id="med-org">东北街街道`,
		`id="act-mediate"`, `id="act-agree"`, `id="act-mediation_fail"`, `id="act-refuse_mediation"`, `id="med-sessions-none"`)
	mustNotContain(t, page.body, ">applicant<", ">respondent<", ">organisation<", `id="act-perform"`)

	body := actOK(t, cl, c.ID, sessionForm(e))
	card := section(t, body, "section", "mediation")
	mustContain(t, card, "东北街人民调解室", "李明、张华、赵强", "已告知", "继续调解", "王建国；富康物业代理人刘某",
		"双方陈述院墙位置争议", `id="med-sessions">1<`)

	body = actOK(t, cl, c.ID, agreementForm(e))
	card = section(t, body, "section", "mediation")
	day := pingan.DayOf(e.clock.Now())
	mustContain(t, card, "调解成功", "书面调解协议", `id="term-1"`, "被申请人拆除越界院墙", "自行拆除",
		`id="term-2"`, "被申请人赔偿修缮费 3000 元", day.AddDate(0, 0, 20).Format(time.DateOnly),
		"申请期限至 "+day.AddDate(0, 0, pingan.ConfirmWindowDays).Format(time.DateOnly), "还剩 30 天",
		"应于 "+day.AddDate(0, 0, pingan.DefaultRevisitDays).Format(time.DateOnly)+" 前回访")
	mustNotContain(t, card, `id="term-3"`)

	// 履行登记 of the first term; the second stays to perform.
	body = actOK(t, cl, c.ID, url.Values{"action": {"perform"}, "term": {"1"},
		"performed_on.1": {day.Format(time.DateOnly)}, "performed_on.2": {day.Format(time.DateOnly)}})
	mustContain(t, section(t, body, "tr", "term-1"), "已于 "+day.Format(time.DateOnly)+" 履行")
	mustContain(t, section(t, body, "tr", "term-2"), "未履行")
	if strings.Contains(body, `id="perform-1"`) || !strings.Contains(body, `id="perform-2"`) {
		t.Error("the 履行登记 form should offer the second term only")
	}

	body = actOK(t, cl, c.ID, url.Values{"action": {"confirm"}, "confirmation": {"confirmed"}})
	mustContain(t, section(t, body, "p", "med-confirm"), "法院确认有效")

	body = actOK(t, cl, c.ID, url.Values{"action": {"revisit"}, "revisit.on": {day.Format(time.DateOnly)},
		"revisit.result": {"performing"}, "revisit.note": {"第一项已履行，第二项正在筹款。"}})
	mustContain(t, section(t, body, "ul", "med-revisits"), "履行中", "第二项正在筹款")
	mustContain(t, body, "已于 "+day.Format(time.DateOnly)+" 回访")

	// A reader who does not see the parties' data reads neither the
	// attendees nor the record.
	viewer := e.login(e.fx.Viewer).get("/cases/" + c.ID)
	if viewer.status != http.StatusOK {
		t.Fatalf("the viewer's page: %d", viewer.status)
	}
	mustContain(t, viewer.body, `id="med-masked"`, "东北街人民调解室", `id="term-1"`)
	mustNotContain(t, viewer.body, "双方陈述院墙位置争议", "王建国；富康物业代理人刘某", "王建国", `id="print-agreement"`)
}

// Each refusal of a mediation's form is shown beside its field in
// Chinese, with what was typed kept, and nothing is written.
func TestMediationFormRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.dispute(true)
	cl := e.login(e.fx.Mediator)
	day := pingan.DayOf(e.clock.Now())
	for _, tc := range []struct {
		name   string
		form   func() url.Values
		form2  string // the form's id
		field  string // the message beside the field
		typed  string // what was typed, shown again
		inside string // the element the message is in
	}{
		{"session in the future", func() url.Values {
			f := sessionForm(e)
			f.Set("session.held_at", e.clock.Now().Add(48*time.Hour).In(pingan.CST).Format("2006-01-02T15:04"))
			return f
		}, "act-mediate", "调解时间不能晚于现在", "双方陈述院墙位置争议", `name="session.held_at"`},
		{"session without mediators", func() url.Values {
			f := sessionForm(e)
			f.Set("session.mediators", " \n ，")
			return f
		}, "act-mediate", "请填写主持调解的调解员", "东北街人民调解室", `name="session.mediators"`},
		{"agreement without terms", func() url.Values {
			f := agreementForm(e)
			for _, k := range []string{"1", "3"} {
				for _, x := range []string{"text", "by", "how", "due"} {
					f.Del("agreement.terms." + k + "." + x)
				}
			}
			return f
		}, "act-agree", "调解协议须有至少一项协议内容", "双方因院墙位置发生争议", `id="agree-terms-label"`},
		{"term without a date", func() url.Values {
			f := agreementForm(e)
			f.Set("agreement.terms.3.due", "")
			return f
		}, "act-agree", "请填写该项的履行期限", "被申请人赔偿修缮费 3000 元", `name="agreement.terms.2.due"`},
		{"agreement in the future", func() url.Values {
			f := agreementForm(e)
			f.Set("agreement.signed_on", day.AddDate(0, 0, 2).Format(time.DateOnly))
			return f
		}, "act-agree", "协议日期不能晚于今天", "被申请人拆除越界院墙", `name="agreement.signed_on"`},
		{"failure without a route", func() url.Values {
			return url.Values{"action": {"mediation_fail"}, "reason": {"双方分歧过大"}}
		}, "act-mediation_fail", "请选择告知当事人的其他解决途径", "双方分歧过大", `name="referral"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			res := cl.post("/cases/"+c.ID+"/act", tc.form())
			if res.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", res.status, errorsOf(res.body))
			}
			form := section(t, res.body, "details", tc.form2)
			mustContain(t, form, tc.field, tc.typed, " open>")
			// The message follows the field it names.
			at := strings.Index(form, tc.inside)
			if at < 0 || !strings.Contains(form[at:], tc.field) || strings.Index(form[at:], tc.field) > 1200 {
				t.Errorf("the message %q is not beside %s", tc.field, tc.inside)
			}
			after, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Version != before.Version || after.Status != before.Status {
				t.Errorf("the refused form wrote: version %d → %d", before.Version, after.Version)
			}
		})
	}
	// A date that is no date is named too, before the store is asked.
	f := sessionForm(e)
	f.Set("session.held_at", "昨天下午")
	res := cl.post("/cases/"+c.ID+"/act", f)
	if res.status != http.StatusBadRequest {
		t.Fatalf("a time that is none: status %d", res.status)
	}
	mustContain(t, section(t, res.body, "details", "act-mediate"), "请填写正确的时间", "昨天下午")
}

// The staff's report form takes a dispute's parties (at least two rows)
// and facts; a party without a name is refused beside its row, the rows
// kept; the amount is typed in yuan and kept in fen.
func TestReportDisputeParties(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cl := e.login(e.fx.TownshipDispatcher)
	page := cl.get("/report")
	mustContain(t, page.body, `name="parties.1.name"`, `name="parties.2.name"`, `name="dispute.amount"`, `name="dispute.people"`,
		`<option value="applicant" selected>申请人</option>`, `<option value="respondent" selected>被申请人</option>`, "法人或其他组织")
	form := url.Values{"source": {"visit"}, "category": {"0102"}, "title": {"邻里漏水纠纷"}, "description": {"楼上漏水致楼下受损。"},
		"unit":           {e.fx.Village.Code},
		"parties.1.role": {"applicant"}, "parties.1.type": {"person"}, "parties.1.name": {"陈芳"}, "parties.1.phone": {"13700001111"},
		"parties.2.role": {"respondent"}, "parties.2.type": {"person"}, "parties.2.name": {""}, "parties.2.phone": {"13700002222"},
		"parties.2.address": {"富康路 9 号 502"},
		"dispute.amount":    {"2,500.5"}, "dispute.people": {"2"}}
	res := cl.postMultipart("/report", form, nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("a party without a name: status %d", res.status)
	}
	mustContain(t, res.body, "陈芳", "13700002222", "富康路 9 号 502", `value="2,500.5"`)
	row := res.body[strings.Index(res.body, `name="parties.2.name"`):]
	if i := strings.Index(row, "</fieldset>"); i < 0 || !strings.Contains(row[:i], `class="field-error"`) || !strings.Contains(row[:i], "必填") {
		t.Errorf("the second party's row shows no error beside its name: %s", errorsOf(res.body))
	}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("parties.2.name", "刘强")
	bad.Set("dispute.amount", "两千元")
	res = cl.postMultipart("/report", bad, nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("an amount that is none: status %d", res.status)
	}
	mustContain(t, res.body, "请填写金额，如 1234.50", `value="两千元"`)

	form.Set("parties.2.name", "刘强")
	res = cl.postMultipart("/report", form, nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("report: status %d: %s", res.status, errorsOf(res.body))
	}
	id := strings.TrimPrefix(strings.Split(res.location, "?")[0], "/cases/")
	c, err := e.db.Cases.FindCase(context.Background(), e.fx.TownshipDispatcher, id) // who sees the parties whole
	if err != nil {
		t.Fatal(err)
	}
	if c.Mediation == nil || c.Mediation.AmountFen != 250050 || c.Mediation.People != 2 {
		t.Errorf("facts %+v, want 250050 fen and 2 people", c.Mediation)
	}
	if len(c.Parties) != 2 || c.Parties[1].Name != "刘强" || c.Parties[1].Role != pingan.PartyRespondent || c.Parties[1].Address != "富康路 9 号 502" {
		t.Errorf("parties %+v", c.Parties)
	}
}

// The grid worker's phone page reports a dispute with its parties; a
// party without a name is refused at the parties' place.
func TestPhoneDisputeParties(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cl := e.login(e.fx.GridWorker)
	mustContain(t, cl.get("/m").body, `id="m-dispute"`, `name="parties.1.name"`, `name="dispute.amount"`)
	form := url.Values{"source": {"grid_worker"}, "category": {"0102"}, "description": {"两户因停车位争吵。"},
		"parties.1.name": {"马丽"}, "parties.2.phone": {"13600001111"}, "dispute.people": {"2"}}
	res := cl.postMultipart("/m/report", form, nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("status %d", res.status)
	}
	mustContain(t, section(t, res.body, "details", "m-dispute"), "马丽", "13600001111", "必填", ` open>`)
	form.Set("parties.2.name", "黄伟")
	if res = cl.postMultipart("/m/report", form, nil); res.status != http.StatusSeeOther {
		t.Fatalf("report: status %d: %s", res.status, errorsOf(res.body))
	}
}

// The dispatcher's 受理 form of a dispute may add or correct its parties;
// a party without a name is refused beside it, nothing written.
func TestAcceptDisputeParties(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, err := e.db.Cases.CreateCase(context.Background(), e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "邻里噪音纠纷", Description: "夜间噪音。", Parties: []pingan.Person{{Role: pingan.PartyApplicant, Name: "周敏"}}})
	if err != nil {
		t.Fatal(err)
	}
	cl := e.login(e.fx.TownshipDispatcher)
	page := cl.get("/cases/" + c.ID)
	mustContain(t, section(t, page.body, "details", "act-accept"), `name="parties.1.name"`, `value="周敏"`, `name="parties.2.name"`)
	form := url.Values{"action": {"accept"}, "parties.1.role": {"applicant"}, "parties.1.name": {"周敏"},
		"parties.2.role": {"respondent"}, "parties.2.phone": {"13500001111"}}
	res := cl.post("/cases/"+c.ID+"/act", form)
	if res.status != http.StatusBadRequest {
		t.Fatalf("status %d", res.status)
	}
	mustContain(t, section(t, res.body, "details", "act-accept"), "必填", "13500001111")
	form.Set("parties.2.name", "孙磊")
	actOK(t, cl, c.ID, form)
	got, err := e.db.Cases.FindCase(context.Background(), e.fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != pingan.StatusAccepted || len(got.Parties) != 2 || got.Parties[1].Name != "孙磊" {
		t.Errorf("status %s, parties %+v", got.Status, got.Parties)
	}
}

// A mediator's tabs: 待签收 and 调解中 of the organisation's disputes,
// 履行跟踪 of agreements with terms to perform (the soonest first), 待回访
// of visits due; each lists exactly its cases.
func TestMediatorTabs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	waiting := e.dispute(false)
	mediating := e.dispute(true)
	soon, later := e.dispute(true), e.dispute(true)
	day := pingan.DayOf(e.clock.Now())
	agree := func(c *pingan.Case, due int) {
		e.act(e.fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{Written: true,
			Facts: "院墙纠纷", SignedOn: day, Terms: []pingan.Term{{Text: "拆除院墙", By: "被申请人", Due: day.AddDate(0, 0, due)}}}})
	}
	agree(later, 20)
	agree(soon, 5)
	other := e.newCase(e.fx.GridWorker, "FW03", "路灯不亮") // not a dispute
	e.act(e.fx.TownshipDispatcher, other.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.TownshipDispatcher, other.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: e.fx.Township.Code})
	e.act(e.fx.TownshipHandler, other.ID, pingan.ActionInput{Action: pingan.ActSign})

	cl := e.login(e.fx.Mediator)
	for _, tc := range []struct {
		tab  string
		want []*pingan.Case
	}{
		{"sign", []*pingan.Case{waiting}},
		{"mediating", []*pingan.Case{mediating}},
		{"performing", []*pingan.Case{soon, later}},
		{"mediation_revisit", []*pingan.Case{soon, later}},
	} {
		page := cl.get("/inbox?tab=" + tc.tab)
		if page.status != http.StatusOK {
			t.Fatalf("%s: %d", tc.tab, page.status)
		}
		if got, want := listed(page.body), sortedIDs(tc.want...); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s lists %v, want %v", tc.tab, got, want)
		}
		if got := tabCount(t, page.body, "tab-"+tc.tab); got != strconv.Itoa(len(tc.want)) {
			t.Errorf("%s counts %s, want %d", tc.tab, got, len(tc.want))
		}
	}
	// Soonest first, whatever order they were agreed in.
	page := cl.get("/inbox?tab=performing").body
	if strings.Index(page, soon.ID) > strings.Index(page, later.ID) {
		t.Error("履行跟踪 should list the term due soonest first")
	}
	mustContain(t, page, day.AddDate(0, 0, 5).Format(time.DateOnly), "协议共 1 项，已履行 0 项")
	// Performed in full, it leaves 履行跟踪.
	e.act(e.fx.Mediator, soon.ID, pingan.ActionInput{Action: pingan.ActPerform, Term: 1, PerformedOn: &day})
	if got := listed(cl.get("/inbox?tab=performing").body); strings.Join(got, " ") != later.ID {
		t.Errorf("after performing: %v", got)
	}
}

// The pages of mediation hold no Latin word in Chinese.
func TestMediationPagesInChinese(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.dispute(true)
	cl := e.login(e.fx.Mediator)
	actOK(t, cl, c.ID, sessionForm(e))
	actOK(t, cl, c.ID, agreementForm(e))
	for _, p := range []string{"/cases/" + c.ID, "/report", "/inbox?tab=performing", "/inbox?tab=mediation_revisit", "/inbox?tab=mediating"} {
		res := cl.get(p)
		if res.status != http.StatusOK {
			t.Errorf("%s: %d", p, res.status)
			continue
		}
		if w := latinWords(res.body); len(w) > 0 {
			t.Errorf("%s: Latin words %v", p, w)
		}
	}
	res := e.login(e.fx.TownshipDispatcher).get("/cases/" + c.ID)
	if w := latinWords(res.body); len(w) > 0 {
		t.Errorf("the centre's page: Latin words %v", w)
	}
	// And in English, by the same catalogue.
	cl.get("/lang/en?next=/inbox")
	en := cl.get("/cases/" + c.ID)
	if en.status != http.StatusOK {
		t.Fatalf("the English page: %d", en.status)
	}
	mustContain(t, en.body, "Mediation organisation", "Applicant", "Organisation", "12,345.67 yuan", "Written agreement")
}

// Amounts in yuan and fen.
func TestYuan(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"", 0, true}, {"12", 1200, true}, {"12.5", 1250, true}, {"12.05", 1205, true}, {"1,234.56", 123456, true},
		{"¥ 3000 元", 300000, true}, {".5", 50, true}, {"12.345", 0, false}, {"-5", 0, false}, {"两千", 0, false}, {".", 0, false},
	} {
		fen, ok := parseYuan(tc.in)
		if ok != tc.ok || ok && fen != tc.fen {
			t.Errorf("parseYuan(%q) = %d, %v; want %d, %v", tc.in, fen, ok, tc.fen, tc.ok)
		}
	}
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1,234.56", 100000000: "1,000,000.00"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
