package web

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The centre's queues (docs/queues.md): 待受理 by level (本级, 下级), 被退回
// with the reason of the return, 不满意 and 待回访; each lists exactly its
// cases, with its count on the tab.

var caseLinkRe = regexp.MustCompile(`href="/cases/([^"/]+)"`)

// listed answers the ids of the cases a page links to, sorted, once each.
func listed(body string) []string {
	var out []string
	for _, m := range caseLinkRe.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

func sortedIDs(cs ...*pingan.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

// tabCount answers the count a tab (or a level of 待受理) shows.
func tabCount(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `"[^>]*>[^<]*<span class="count">([^<]+)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Errorf("no count of %s", id)
		return ""
	}
	return m[1]
}

func TestInboxQueues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fx := e.fx
	d := fx.TownshipDispatcher
	closeCase := func(c *pingan.Case) {
		e.act(d, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
		e.act(d, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
		e.act(fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
		e.act(fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"})
		e.act(d, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	}
	rate := func(c *pingan.Case, s pingan.Satisfaction) {
		e.act(d, c.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: s})
	}

	// Closed long ago: out of every queue's window.
	longAgo := e.newCase(fx.GridWorker, "FW03", "很久以前结案")
	closeCase(longAgo)
	longAgoUnhappy := e.newCase(fx.GridWorker, "FW03", "很久以前不满意")
	closeCase(longAgoUnhappy)
	rate(longAgoUnhappy, pingan.Dissatisfied)
	e.clock.Advance(100 * 24 * time.Hour)

	below := e.newCase(fx.GridWorker, "0102", "社区上报待受理") // held by the community, below the township
	own, err := e.db.Cases.CreateCase(context.Background(), d, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01",
		Title: "街道本级待受理", Description: "路灯不亮", Unit: fx.Township.Code})
	if err != nil {
		t.Fatal(err)
	}
	returned := e.newCase(fx.GridWorker, "FW01", "派错单位的路灯")
	e.act(d, returned.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(d, returned.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, returned.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本单位职责，应由住建局办理"})
	waiting := e.newCase(fx.GridWorker, "FW01", "已受理待派遣") // accepted, never returned
	e.act(d, waiting.ID, pingan.ActionInput{Action: pingan.ActAccept})
	unhappy := e.newCase(fx.GridWorker, "0102", "调解后仍不满意")
	closeCase(unhappy)
	rate(unhappy, pingan.Dissatisfied)
	happy := e.newCase(fx.GridWorker, "0102", "调解后满意")
	closeCase(happy)
	rate(happy, pingan.Satisfied)
	unrated := e.newCase(fx.GridWorker, "FW03", "结案待回访")
	closeCase(unrated)

	c := e.login(d)
	inbox := c.get("/inbox").body
	for id, want := range map[string]string{"tab-register": "2", "tab-returned": "1", "tab-dissatisfied": "1", "tab-revisit": "1",
		"tab-dispatch": "2", "level-own": "1", "level-below": "1"} {
		if got := tabCount(t, inbox, id); got != want {
			t.Errorf("%s counts %s, want %s", id, got, want)
		}
	}
	// 待受理 shows both levels apart.
	own1, below1 := regexp.MustCompile(`(?s)id="section-own".*?</section>`).FindString(inbox), regexp.MustCompile(`(?s)id="section-below".*?</section>`).FindString(inbox)
	if got := listed(own1); !slices.Equal(got, sortedIDs(own)) {
		t.Errorf("本级 lists %v, want %v", got, sortedIDs(own))
	}
	if got := listed(below1); !slices.Equal(got, sortedIDs(below)) {
		t.Errorf("下级 lists %v, want %v", got, sortedIDs(below))
	}

	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/inbox?tab=register&holding=own", sortedIDs(own)},
		{"/inbox?tab=register&holding=below", sortedIDs(below)},
		{"/inbox?tab=returned", sortedIDs(returned)},
		{"/inbox?tab=dissatisfied", sortedIDs(unhappy)},
		{"/inbox?tab=revisit", sortedIDs(unrated)},
	} {
		res := c.get(tc.path)
		if res.status != 200 {
			t.Errorf("GET %s: %d", tc.path, res.status)
			continue
		}
		if got := listed(res.body); !slices.Equal(got, tc.want) {
			t.Errorf("%s lists %v, want %v", tc.path, got, tc.want)
		}
	}
	ret := c.get("/inbox?tab=returned").body
	mustContain(t, ret, "不属于本单位职责，应由住建局办理", "东北街街道", "退回原因")
	mustContain(t, c.get("/inbox?tab=revisit").body, "近 30 天结案", "未评价")
	if res := c.get("/inbox?tab=register&holding=sideways"); res.status != 400 {
		t.Errorf("unknown level: %d", res.status)
	}

	// The case leaves 被退回 when dispatched again.
	e.act(d, returned.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	if got := tabCount(t, c.get("/inbox").body, "tab-returned"); got != "0" {
		t.Errorf("被退回 counts %s after the case was dispatched again", got)
	}

	// Handlers keep their own tabs.
	h := e.login(fx.TownshipHandler).get("/inbox").body
	mustContain(t, h, `id="tab-sign"`, `id="tab-handle"`)
	mustNotContain(t, h, `id="tab-register"`, `id="tab-returned"`, `id="tab-dissatisfied"`, `id="tab-revisit"`, `id="level-own"`)
}
