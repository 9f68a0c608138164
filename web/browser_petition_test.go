package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
)

// A letter in a browser, through the regulation's steps: the county's
// 信访部门 registers it with its postmark, day received and a
// representative, accepts it and assigns it (交办) with the slip's number
// edited; the township's handler signs and accepts it; the dispatcher
// extends it by 20 days; the handler answers (处理意见书); the dispatcher
// closes it, records the answer's delivery by post, registers a 复查
// request and answers it (复查意见书). Each page shows the stage, the
// running period and the documents' numbers.
func TestBrowserPetition(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)
	now := e.clock.Now().In(pingan.CST)
	today := now.Format("2006-01-02")
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	submit := func(name string) chromedp.CSS {
		return css(`#act-` + name + ` button[type="submit"]:not([formaction])`)
	}
	stage := func(want string) {
		t.Helper()
		waitFor(t, ctx, "stage "+want, `(document.querySelector("#pet-stage") || {}).textContent === "`+want+`"`)
	}
	// open unfolds the form of a step.
	open := func(name string) {
		t.Helper()
		do(t, ctx, "the form "+name, chromedp.WaitReady(css("#act-"+name+" summary")))
		if !js[bool](t, ctx, `document.getElementById("act-`+name+`").open`) {
			do(t, ctx, "open "+name, chromedp.Click(css("#act-"+name+" summary")))
		}
		do(t, ctx, "see "+name, chromedp.WaitVisible(submit(name)))
	}

	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "register the letter", chromedp.Navigate(base+"/report"), chromedp.WaitVisible(chromedp.ID("petition-channel")),
		chromedp.SetValue(chromedp.ID("source"), "letter"),
		chromedp.SetValue(chromedp.ID("category"), "XF01"),
		chromedp.SetValue(chromedp.ID("title"), "反映小区拆迁补偿不到位"),
		chromedp.SetValue(chromedp.ID("description"), "要求按标准补偿，附拆迁协议复印件。"),
		chromedp.SetValue(chromedp.ID("reporter_name"), "赵六"),
		chromedp.SetValue(chromedp.ID("reporter_phone"), "13900001111"),
		chromedp.SetValue(chromedp.ID("petition-channel"), "letter"),
		chromedp.SetValue(chromedp.ID("petition-received_on"), now.AddDate(0, 0, -3).Format("2006-01-02")),
		chromedp.SetValue(chromedp.ID("petition-postmarked_on"), now.AddDate(0, 0, -5).Format("2006-01-02")),
		chromedp.SetValue(chromedp.ID("rep-1-name"), "钱七"),
		chromedp.SetValue(chromedp.ID("rep-1-phone"), "13900002222"),
		chromedp.SetValue(chromedp.ID("rep-1-id_number"), "620902199001011234"))
	shot(t, ctx, dir, "petition-01-register")
	do(t, ctx, "send", chromedp.Click(chromedp.ID("report-submit")), chromedp.WaitVisible(chromedp.ID("pet-stage")))
	stage("已登记")
	if got := text(t, ctx, "#pet-postmark"); got != now.AddDate(0, 0, -5).Format("2006-01-02") {
		t.Errorf("postmark %q", got)
	}
	if got := text(t, ctx, "#pet-due"); !strings.Contains(got, "转送交办期限") || !strings.Contains(got, "还剩") {
		t.Errorf("period %q", got)
	}
	if got := text(t, ctx, "table.people"); !strings.Contains(got, "代表人") || !strings.Contains(got, "钱七") {
		t.Errorf("people %q", got)
	}
	id := js[string](t, ctx, `location.pathname.split("/").pop()`)

	open("accept")
	do(t, ctx, "accept", chromedp.Click(submit("accept")))
	waitStatus(t, ctx, "#case-status", pingan.StatusAccepted)
	open("dispatch")
	number := js[string](t, ctx, `document.getElementById("dispatch-document-number").value`)
	if !strings.HasPrefix(number, "肃信转〔2026〕") {
		t.Errorf("the slip's number is filled with %q", number)
	}
	do(t, ctx, "assign",
		chromedp.SetValue(chromedp.ID("dispatch-to_unit"), e.fx.Township.Code),
		chromedp.Click(chromedp.ID("dispatch-mode-assign")),
		chromedp.SetValue(chromedp.ID("dispatch-document-number"), "肃信交〔2026〕7号"))
	shot(t, ctx, dir, "petition-02-assign")
	do(t, ctx, "send the slip", chromedp.Click(submit("dispatch")))
	stage("已转送交办")
	if got := text(t, ctx, "#pet-docs"); !strings.Contains(got, "肃信交〔2026〕7号") || !strings.Contains(got, "信访事项转送交办单") {
		t.Errorf("documents %q", got)
	}
	if got := text(t, ctx, "#pet-due"); !strings.Contains(got, "受理告知期限") {
		t.Errorf("period %q", got)
	}
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, e.fx.TownshipHandler.Username)
	do(t, ctx, "the unit's tab", chromedp.Navigate(base+"/inbox?tab=petition_decide"),
		chromedp.WaitVisible(css(`a[href="/cases/`+id+`"]`)), chromedp.Click(css(`a[href="/cases/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("act-sign")), chromedp.Click(submit("sign")))
	waitStatus(t, ctx, "#case-status", pingan.StatusInProgress)
	open("petition_accept")
	do(t, ctx, "accept the matter", chromedp.Click(submit("petition_accept")))
	stage("已受理")
	if got := text(t, ctx, "#pet-due"); !strings.Contains(got, "办理期限") {
		t.Errorf("period %q", got)
	}
	if n := js[int](t, ctx, `document.querySelectorAll("#act-resolve, #act-extend, #act-reopen").length`); n != 0 {
		t.Errorf("%d generic forms a petition does not take", n)
	}
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "the case", chromedp.Navigate(base+"/cases/"+id), chromedp.WaitVisible(chromedp.ID("pet-stage")))
	open("petition_extend")
	do(t, ctx, "extend", chromedp.SetValue(chromedp.ID("petition_extend-days"), "20"),
		chromedp.SetValue(chromedp.ID("petition_extend-reason"), "需要现场核查补偿面积"),
		chromedp.Click(submit("petition_extend")), chromedp.WaitVisible(chromedp.ID("pet-extended")))
	if got := text(t, ctx, "#pet-extended"); got != "已延期 20 日" {
		t.Errorf("extension %q", got)
	}
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, e.fx.TownshipHandler.Username)
	do(t, ctx, "the case", chromedp.Navigate(base+"/cases/"+id), chromedp.WaitVisible(chromedp.ID("pet-stage")))
	open("answer")
	do(t, ctx, "answer", chromedp.SetValue(chromedp.ID("answer-opinion"), "support"),
		chromedp.Click(submit("answer")))
	stage("已出具处理意见")
	shot(t, ctx, dir, "petition-03-answered")
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "the case", chromedp.Navigate(base+"/cases/"+id), chromedp.WaitVisible(chromedp.ID("pet-stage")))
	open("close")
	do(t, ctx, "close", chromedp.Click(submit("close")))
	waitStatus(t, ctx, "#case-status", pingan.StatusClosed)
	answer := js[string](t, ctx, `document.querySelector("tr.doc-answer").id.slice(4)`)
	do(t, ctx, "deliver by post", chromedp.SetValue(chromedp.ID("deliver-"+answer+"-method"), "post"),
		chromedp.Click(chromedp.ID("deliver-"+answer+"-button")), chromedp.WaitVisible(chromedp.ID("doc-sent-"+answer)))
	if got := text(t, ctx, "#doc-sent-"+answer); got != today+" 邮寄" {
		t.Errorf("delivery %q", got)
	}
	if got := text(t, ctx, "#pet-window"); !strings.Contains(got, "请求复查") {
		t.Errorf("window %q", got)
	}
	open("request_review")
	do(t, ctx, "the 复查 request", chromedp.SetValue(chromedp.ID("request_review-note"), "对补偿标准不服"),
		chromedp.Click(submit("request_review")))
	stage("复查中")
	if got := text(t, ctx, "#pet-due"); !strings.Contains(got, "复查期限") || !strings.Contains(got, "还剩 30 天") {
		t.Errorf("period %q", got)
	}
	open("answer")
	reviewNo := js[string](t, ctx, `document.getElementById("answer-document-number").value`)
	if !strings.HasPrefix(reviewNo, "肃信复查〔2026〕") {
		t.Errorf("the review answer's number is filled with %q", reviewNo)
	}
	do(t, ctx, "answer the review", chromedp.SetValue(chromedp.ID("answer-opinion"), "uphold"), chromedp.Click(submit("answer")))
	stage("已复查")
	shot(t, ctx, dir, "petition-04-reviewed")
	if got := text(t, ctx, "#pet-review-opinion"); !strings.Contains(got, "维持原处理意见") {
		t.Errorf("review opinion %q", got)
	}
	docs := text(t, ctx, "#pet-docs")
	for _, want := range []string{"肃信交〔2026〕7号", "东信受〔2026〕1号", "肃信延〔2026〕1号", "东信处〔2026〕1号", reviewNo} {
		if !strings.Contains(docs, want) {
			t.Errorf("documents lack %s: %q", want, docs)
		}
	}
}
