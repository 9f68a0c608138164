package pingan

import (
	"strings"
	"testing"
	"time"
)

// The fields of the trade on a report: the 12345 work order number, the
// urgency and the 重大敏感 flag (docs/urgency.md).
func TestNewCaseValidateUrgency(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, CST)
	water := &Category{Code: "0301", Kind: KindService}
	for _, tt := range []struct {
		name        string
		in          NewCase
		want        map[string]string // field → message key; empty: valid
		wantUrgency Urgency
	}{
		{"none given is normal", NewCase{Category: "0301", Title: "x"}, nil, UrgencyNormal},
		{"work order number", NewCase{Category: "0301", Title: "x", HotlineNo: " 2026112700123A "}, nil, UrgencyNormal},
		{"work order number at the bound", NewCase{Category: "0301", Title: "x", HotlineNo: strings.Repeat("9", MaxHotlineNo)}, nil, UrgencyNormal},
		{"work order number too long", NewCase{Category: "0301", Title: "x", HotlineNo: strings.Repeat("9", MaxHotlineNo+1)},
			map[string]string{"hotline_no": "urgency.hotline_no.long"}, UrgencyNormal},
		{"work order number with a dash", NewCase{Category: "0301", Title: "x", HotlineNo: "2026-001"},
			map[string]string{"hotline_no": "urgency.hotline_no.bad"}, UrgencyNormal},
		{"work order number in Chinese digits", NewCase{Category: "0301", Title: "x", HotlineNo: "一二三"},
			map[string]string{"hotline_no": "urgency.hotline_no.bad"}, UrgencyNormal},
		{"urgent", NewCase{Category: "0301", Title: "x", Urgency: UrgencyUrgent}, nil, UrgencyUrgent},
		{"critical and sensitive", NewCase{Category: "0301", Title: "x", Urgency: " critical ", Sensitive: true}, nil, UrgencyCritical},
		{"unknown urgency", NewCase{Category: "0301", Title: "x", Urgency: "紧急"},
			map[string]string{"urgency": "urgency.unknown"}, "紧急"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Normalize(water)
			if in.Urgency != tt.wantUrgency {
				t.Errorf("Normalize: urgency %q, want %q", in.Urgency, tt.wantUrgency)
			}
			var v Invalid
			in.Validate(&v, water, now)
			err := v.Err()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("Validate = %v, want an *Error", err)
			}
			if len(e.Fields) != len(tt.want) {
				t.Errorf("fields %v, want %v", e.Fields, tt.want)
			}
			for f, key := range tt.want {
				if e.Fields[f].Key != key {
					t.Errorf("field %s: %q, want %q", f, e.Fields[f].Key, key)
				}
			}
		})
	}
}

func TestPolicyResolveFor(t *testing.T) {
	for _, tt := range []struct {
		resolve   Period
		urgency   Urgency
		sensitive bool
		want      Period
	}{
		{Period{15, "working"}, UrgencyNormal, false, Period{15, "working"}},
		{Period{15, "working"}, "", false, Period{15, "working"}},
		{Period{15, "working"}, UrgencyUrgent, false, Period{8, "working"}},
		{Period{15, "working"}, UrgencyCritical, false, Period{4, "working"}},
		{Period{15, "working"}, UrgencyNormal, true, Period{4, "working"}},
		{Period{15, "working"}, UrgencyUrgent, true, Period{4, "working"}},
		{Period{15, "working"}, UrgencyCritical, true, Period{4, "working"}},
		{Period{24, "hours"}, UrgencyUrgent, false, Period{12, "hours"}},
		{Period{24, "hours"}, UrgencyCritical, false, Period{6, "hours"}},
		{Period{1, "calendar"}, UrgencyCritical, false, Period{1, "calendar"}},
		{Period{0, "calendar"}, UrgencyCritical, false, Period{0, "calendar"}}, // refused by the deadline, as it is
	} {
		got := Policy{Resolve: tt.resolve}.ResolveFor(tt.urgency, tt.sensitive)
		if got != tt.want {
			t.Errorf("%v, %q, sensitive %v: %v, want %v", tt.resolve, tt.urgency, tt.sensitive, got, tt.want)
		}
	}
}
