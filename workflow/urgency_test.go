package workflow

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// An urgent, critical or 重大敏感 report is given a shorter resolve period
// than its category's (docs/urgency.md): the policy's 10 working days
// halved for urgent (5), quartered and rounded up for critical or
// sensitive (3), counted from Monday 2026-03-02, the start day not counted.
func TestReportUrgencyShortensResolve(t *testing.T) {
	end := func(day int) time.Time { return time.Date(2026, 3, day, 23, 59, 59, 0, pingan.CST) }
	for _, tt := range []struct {
		name      string
		urgency   pingan.Urgency
		sensitive bool
		want      time.Time
	}{
		{"normal", pingan.UrgencyNormal, false, end(16)},
		{"none given", "", false, end(16)},
		{"urgent", pingan.UrgencyUrgent, false, end(9)},
		{"critical", pingan.UrgencyCritical, false, end(5)},
		{"sensitive", pingan.UrgencyNormal, true, end(5)},
		{"urgent and sensitive", pingan.UrgencyUrgent, true, end(5)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &pingan.Case{Kind: pingan.KindDispute, Category: "0102", Unit: village.Code, UnitPath: village.Path, ReportedAt: t0}
			in := &pingan.NewCase{Title: "t", Urgency: tt.urgency, Sensitive: tt.sensitive}
			act, err := Report(c, reporter, in, envAt(t0))
			if err != nil {
				t.Fatal(err)
			}
			if !c.ResolveBy.Equal(tt.want) || !act.Deadline.Equal(tt.want) {
				t.Errorf("resolve_by %v (entry %v), want %v", c.ResolveBy, act.Deadline, tt.want)
			}
		})
	}
}

// The shorter period holds for every resolve period a case is given again:
// an escalation gives the unit above a critical case a quarter of the
// policy's period, not the whole.
func TestEscalationKeepsUrgency(t *testing.T) {
	for _, tt := range []struct {
		urgency pingan.Urgency
		want    time.Time
	}{
		{pingan.UrgencyNormal, time.Date(2026, 3, 16, 23, 59, 59, 0, pingan.CST)},
		{pingan.UrgencyCritical, time.Date(2026, 3, 5, 23, 59, 59, 0, pingan.CST)},
	} {
		c := &pingan.Case{Kind: pingan.KindDispute, Category: "0102", Unit: village.Code, UnitPath: village.Path,
			ReportedAt: t0, Urgency: tt.urgency}
		if _, err := Report(c, reporter, &pingan.NewCase{Title: "t", Urgency: tt.urgency}, envAt(t0)); err != nil {
			t.Fatal(err)
		}
		c.HoldingUnit, c.HoldingPath = township.Code, township.Path
		if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "镇级无法化解"}, envAt(t0)); err != nil {
			t.Fatal(err)
		}
		if !c.ResolveBy.Equal(tt.want) {
			t.Errorf("%s: resolve_by after escalation %v, want %v", tt.urgency, c.ResolveBy, tt.want)
		}
	}
}
