package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pingan-gov/pingan"
)

// TestBrowserPickUnit: on the staff form a dispatcher types the initials
// XBC into the unit picker, sees the two 下坝村委会 of the county each with
// its path, chooses the one of 银达镇 with the keyboard, and the report
// lands in that village.
func TestBrowserPickUnit(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newPickerEnv(t)
	base, dir := e.ts.URL, shots(t)
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "report form", chromedp.Navigate(base+"/report"), chromedp.WaitVisible(`[role="combobox"]`))
	// The label of the unit now names the search box; the select is hidden.
	waitFor(t, ctx, "the label on the box", `document.querySelector('label[for^="picker-"]').textContent !== '' && `+
		`document.getElementById(document.querySelector('label[for^="picker-"]').htmlFor).getAttribute('role') === 'combobox'`)
	waitFor(t, ctx, "the select hidden", `document.getElementById('unit').hidden === true && document.getElementById('grid').type === 'hidden'`)
	do(t, ctx, "type the initials", chromedp.SendKeys(`#unit + .picker input`, "xbc"))
	waitFor(t, ctx, "two 下坝村委会 with their paths",
		`document.querySelectorAll('#unit + .picker [role="option"]').length === 2 && `+
			`document.querySelector('#unit + .picker [role="listbox"]').textContent.indexOf('银达镇') >= 0`)
	shot(t, ctx, dir, "40-picker-units")
	// Down to the one of 银达镇, then Enter.
	idx, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.prototype.findIndex.call(
		document.querySelectorAll('#unit + .picker [role="option"]'), function (o) { return o.textContent.indexOf('银达镇') >= 0; })`))
	if err != nil || idx < 0 {
		t.Fatalf("the option of 银达镇: %d %v", idx, err)
	}
	// A mark on the page that a navigation (the form sent by the Enter) would drop.
	do(t, ctx, "mark the page", chromedp.Evaluate[chromedp.Void](`window.stayed = true`))
	do(t, ctx, "choose with the keyboard", chromedp.SendKeys(`#unit + .picker input`, strings.Repeat(kb.ArrowDown, idx+1)+kb.Enter))
	waitFor(t, ctx, "the village chosen", `document.getElementById('unit').value === '`+xiabaYinda+`'`)
	if stayed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stayed === true`)); err != nil || !stayed {
		t.Fatalf("the Enter that chose sent the form (%v)", err)
	}
	if got := text(t, ctx, "#unit + .picker input + ul + span"); got != "肃州区 / 银达镇 / 下坝村委会" {
		t.Errorf("the choice is shown as %q", got)
	}
	do(t, ctx, "report",
		chromedp.SetValue(chromedp.ID("category"), "FW03"),
		chromedp.SetValue(chromedp.ID("title"), "下坝村垃圾堆放"),
		chromedp.SetValue(chromedp.ID("description"), "村口垃圾堆放多日，无人清运。"),
		chromedp.Click(chromedp.ID("report-submit")),
		chromedp.WaitVisible(chromedp.ID("case-status")))
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: "下坝村垃圾堆放"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("the case: %v %v", cs, err)
	}
	if cs[0].Unit != xiabaYinda {
		t.Errorf("the case lies in %s, want %s (下坝村委会 of 银达镇)", cs[0].Unit, xiabaYinda)
	}
}

// TestBrowserPublicCascade: a citizen chooses county → township →
// village from three short selects instead of the long one, and files a
// report that lands in the village.
func TestBrowserPublicCascade(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newPickerEnv(t)
	base, dir := e.ts.URL, shots(t)
	do(t, ctx, "public form", chromedp.Navigate(base+"/public/report"), chromedp.WaitVisible(`select[data-level="county"]`))
	waitFor(t, ctx, "the counties", `document.querySelector('select[data-level="county"]').options.length === 3 && document.getElementById('unit').hidden`)
	choose := func(level, code, next string) {
		t.Helper()
		do(t, ctx, "choose "+code, chromedp.SetValue(`select[data-level="`+level+`"]`, code),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('select[data-level="`+level+`"]').dispatchEvent(new Event('change'))`))
		if next != "" {
			waitFor(t, ctx, "the "+next+" of "+code, `Array.prototype.some.call(document.querySelector('select[data-level="`+next+`"]').options, function (o) { return o.value !== ''; })`)
		}
	}
	choose("county", "620902", "township")
	choose("township", "620902100000", "village")
	choose("village", xiabaYinda, "")
	waitFor(t, ctx, "the place held", `document.getElementById('unit').value === '`+xiabaYinda+`'`)
	shot(t, ctx, dir, "41-picker-public")
	do(t, ctx, "send report",
		chromedp.SetValue(chromedp.ID("category"), "FW01"),
		chromedp.SetValue(chromedp.ID("title"), "下坝村路灯不亮"),
		chromedp.SetValue(chromedp.ID("description"), "村口路灯一周不亮，晚上出行不便。"),
		chromedp.Click(chromedp.ID("public-submit")),
		chromedp.WaitVisible(chromedp.ID("receipt-number")))
	number := text(t, ctx, "#receipt-number")
	c, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, number)
	if err != nil {
		t.Fatalf("case %s: %v", number, err)
	}
	if c.Unit != xiabaYinda {
		t.Errorf("the citizen's case lies in %s, want %s", c.Unit, xiabaYinda)
	}
}
