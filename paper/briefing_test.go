package paper

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// TestBriefing prints a held week's briefing and reads it back: the unit
// and the week in words on every page, the meeting, the figures of each
// part, the trend's change, and the decisions with the task each became.
func TestBriefing(t *testing.T) {
	p := need(t)
	p.missing = func(r rune) { t.Errorf("no glyph for %q", r) }
	at := time.Date(2026, 11, 27, 16, 0, 0, 0, pingan.CST)
	b := &pingan.Briefing{ID: 3, Unit: "620902", UnitName: "肃州区", Week: "2026-W48", Held: true,
		Meeting: &pingan.Meeting{On: "2026-11-27", Chair: "区委政法委书记", Attendees: "区综治中心、住建局", Summary: "研判涉房风险，部署排查。"},
		Figures: &pingan.BriefingFigures{At: at,
			RiskSteps: []pingan.BriefingRiskSteps{{Level: pingan.RiskRed, Registered: 2, Reviewed: 1}, {Level: pingan.RiskBlue, Resolved: 1}},
			Risks: []pingan.BriefingRisk{{ID: 9, Title: "某小区逾期交房", Level: pingan.RiskRed, Status: pingan.RiskControlled,
				Steps: []string{pingan.RiskRegister, pingan.RiskReview}}},
			OpenRisks: []pingan.BriefingLevel{{Level: pingan.RiskRed, Count: 4}, {Level: pingan.RiskOrange, Count: 3}},
			Warnings:  []pingan.BriefingWarnings{{Level: pingan.RiskOrange, RuleKind: pingan.RuleCluster, Raised: 5, Open: 2}},
			Overdue:   pingan.BriefingOverdue{Cases: 17, Risks: 1, Warnings: 2, Behind: 3, Missed: 4},
			Trends:    []pingan.BriefingTrend{pingan.NewTrend("kind", string(pingan.KindDispute), "", 30, 80), pingan.NewTrend("category", "0102", "邻里纠纷", 9, 0)}},
		Decisions: []*pingan.Decision{{Seq: 1, Text: "东北街街道十日内完成涉房矛盾排查", LeadName: "东北街街道", TaskID: 41},
			{Seq: 2, Text: "住建局每周报告交房进度", LeadName: "住建局"}}}
	pdf, err := p.Briefing(b, pingan.ZH, at)
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "briefing", pdf)
	pages := pageTexts(t, pdf)
	for i, pg := range pages {
		if !strings.Contains(pg, "肃州区·2026年第48周（11月23日—11月29日）·周研判") {
			t.Errorf("page %d lacks the header: %s", i+1, pg)
		}
	}
	all := strings.Join(pages, "")
	last := 0
	for _, want := range []string{"肃州区周研判（2026年第48周", "已召开研判会", "会议时间：2026-11-27；主持：区委政法委书记。", "参加单位：区综治中心、住建局。",
		"一、风险动态", "本周新登记风险2件，调整等级0件，研判复核1件，化解1件；在控风险7件（红色4、橙色3）。", "某小区逾期交房", "登记、研判复核",
		"二、预警情况", "本周发出预警5条，其中尚未解除2条。", "聚集性事件",
		"三、超期事项", "超期案件（当前）17", "逾期未复核的在控风险1", "超期未办结的预警2", "进度滞后的督办事项3", "有节点逾期的督办事项4",
		"四、案件趋势", "上升50.0%", "邻里纠纷", "新增（前四周为零）",
		"五、会议决定", "东北街街道十日内完成涉房矛盾排查", "第41号", "住建局每周报告交房进度", "未转督办"} {
		i := strings.Index(all[last:], want)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in %s", want, all[last:])
		}
		last += i
	}
	// A draft has no meeting and no decisions.
	b.Held, b.Meeting = false, nil
	doc := BriefingDoc(b, pingan.ZH, at)
	for _, blk := range doc.Blocks {
		if blk.Heading == pingan.Text(pingan.ZH, "briefing.h.meeting") || blk.Heading == pingan.Text(pingan.ZH, "briefing.h.decisions") {
			t.Errorf("a draft prints %s", blk.Heading)
		}
	}
}
