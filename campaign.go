package pingan

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// A campaign (专项行动) is a period in which the grid workers of some units
// visit every household of their grids once: the 矛盾纠纷大排查 (a sweep for
// disputes) and the 敲门行动 (door-knocking) are the usual ones. A city or a
// county creates it; the workers record each visit (走访) on the phone page
// by the grid and the door plate or place (门牌号或地点) — never by a person —
// and either "nothing found" (未发现矛盾) or a new dispute or hazard case
// reported in the same step. The coverage (覆盖率) of each grid and unit is
// the places visited against the households (户数) of its grids, kept by
// counters written with each visit (docs/campaigns.md).

// Campaign kinds. Any other text of at most MaxCampaignKind characters is
// the name of a kind of its own (e.g. 安全生产大检查).
const (
	CampaignSweep = "sweep"      // 矛盾纠纷大排查
	CampaignKnock = "door_knock" // 敲门行动
)

// Limits of a campaign's and a visit's texts, in characters.
const (
	MaxCampaignName = 100
	MaxCampaignKind = 20
	MaxCampaignNote = 500
	MaxVisitPlace   = 100
	MaxVisitNote    = 200
	// MaxCampaignDays bounds a campaign's period.
	MaxCampaignDays = 366
)

// DayLayout is how a whole day is written: 2026-11-27, China Standard Time.
const DayLayout = "2006-01-02"

// Campaign is a 大排查 or 敲门行动: a period, the unit that owns it and the
// units that take part (each with its whole subtree).
type Campaign struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Kind is CampaignSweep, CampaignKnock or a name of its own.
	Kind string `json:"kind"`
	// From and To are the first and the last day of the period (YYYY-MM-DD,
	// both included).
	From string `json:"from"`
	To   string `json:"to"`
	// Unit is the owning unit: a city or a county, inside the creator's
	// jurisdiction; the creator's own when not given.
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name,omitempty"`
	// Units are the codes of the participating units: their subtrees take
	// part. The owning unit alone when none is given.
	Units     []string  `json:"units"`
	Note      string    `json:"note,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Closed    bool      `json:"closed"`
}

// Normalize trims the texts of c and drops repeated units.
func (c *Campaign) Normalize() {
	c.Name, c.Kind, c.Note = strings.TrimSpace(c.Name), strings.TrimSpace(c.Kind), strings.TrimSpace(c.Note)
	c.From, c.To, c.Unit = strings.TrimSpace(c.From), strings.TrimSpace(c.To), strings.TrimSpace(c.Unit)
	var units []string
	seen := map[string]bool{}
	for _, u := range c.Units {
		u = strings.TrimSpace(u)
		if u != "" && !seen[u] {
			seen[u] = true
			units = append(units, u)
		}
	}
	c.Units = units
}

// Check adds to v every field of c that is wrong without looking at the
// database: the name and kind, the period (whole days, to not before from,
// at most MaxCampaignDays) and the note. The store adds the units.
func (c *Campaign) Check(v *Invalid) {
	v.Require("name", c.Name)
	if n := utf8.RuneCountInString(c.Name); n > MaxCampaignName {
		v.Add("name", "campaign.name.long", MaxCampaignName)
	}
	v.Require("kind", c.Kind)
	if n := utf8.RuneCountInString(c.Kind); n > MaxCampaignKind {
		v.Add("kind", "campaign.kind.long", MaxCampaignKind)
	}
	from, fok := ParseDay(c.From)
	to, tok := ParseDay(c.To)
	if !fok {
		v.Add("from", "campaign.day.bad", c.From)
	}
	if !tok {
		v.Add("to", "campaign.day.bad", c.To)
	}
	if fok && tok {
		if to.Before(from) {
			v.Add("to", "campaign.to.before", c.To, c.From)
		} else if to.Sub(from) >= MaxCampaignDays*24*time.Hour {
			v.Add("to", "campaign.span.long", MaxCampaignDays)
		}
	}
	if utf8.RuneCountInString(c.Note) > MaxCampaignNote {
		v.Add("note", "campaign.note.long", MaxCampaignNote)
	}
}

// Active reports whether visits may be recorded in c on day (YYYY-MM-DD).
func (c *Campaign) Active(day string) bool {
	return !c.Closed && c.From <= day && day <= c.To
}

// ParseDay reads a whole day (YYYY-MM-DD) as its midnight in China Standard
// Time; ok is false for anything else.
func ParseDay(s string) (t time.Time, ok bool) {
	t, err := time.ParseInLocation(DayLayout, s, CST)
	return t, err == nil && t.Format(DayLayout) == s
}

// Day answers the day of t in China Standard Time (YYYY-MM-DD).
func Day(t time.Time) string { return t.In(CST).Format(DayLayout) }

// Visit outcomes.
const (
	VisitNothing = "none" // 未发现矛盾
	VisitCase    = "case" // 发现矛盾纠纷或隐患，已上报: CaseID says which
)

// Visit is one door knocked at (走访): a grid, a door plate or place, a day
// and what was found. It names no person but the worker.
type Visit struct {
	ID       int64  `json:"id"`
	Campaign int64  `json:"campaign"`
	Region   string `json:"-"`
	Grid     string `json:"grid"`
	// Place is the door plate or place as typed (门牌号或地点, e.g.
	// 3号楼2单元501, 东关村12号); it counts once per campaign and grid by
	// its PlaceKey.
	Place     string `json:"place"`
	VisitedOn string `json:"visited_on"` // YYYY-MM-DD
	Worker    int64  `json:"worker"`
	Outcome   string `json:"outcome"` // VisitNothing | VisitCase
	// CaseID is the case reported from the visit when Outcome is VisitCase.
	CaseID    string    `json:"case_id,omitempty"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// NewVisit is a visit to record. Case is the report made from it (a
// dispute or a hazard) when Outcome is VisitCase; its grid is the visit's,
// its address the place unless given, and the worker's position may place
// it more exactly.
type NewVisit struct {
	Grid      string   `json:"grid"`
	Place     string   `json:"place"`
	VisitedOn string   `json:"visited_on"` // today when empty
	Outcome   string   `json:"outcome"`
	Note      string   `json:"note,omitempty"`
	Case      *NewCase `json:"case,omitempty"`
}

// Normalize trims the texts of in and fills the day with today.
func (in *NewVisit) Normalize(today string) {
	in.Grid, in.Place, in.Note = strings.TrimSpace(in.Grid), strings.TrimSpace(in.Place), strings.TrimSpace(in.Note)
	in.VisitedOn, in.Outcome = strings.TrimSpace(in.VisitedOn), strings.TrimSpace(in.Outcome)
	if in.VisitedOn == "" {
		in.VisitedOn = today
	}
	if in.Outcome == "" && in.Case != nil {
		in.Outcome = VisitCase
	}
}

// Check adds to v every field of the visit in campaign c that is wrong
// without looking at the database: the grid and place given, the day a day
// of the campaign's period and not after today, the outcome known and with
// a report exactly when it is VisitCase, that report a dispute or a hazard.
// The store adds that the grid is the worker's and takes part.
func (in *NewVisit) Check(v *Invalid, c *Campaign, today string) {
	v.Require("grid", in.Grid)
	v.Require("place", in.Place)
	if utf8.RuneCountInString(in.Place) > MaxVisitPlace {
		v.Add("place", "campaign.place.long", MaxVisitPlace)
	}
	switch _, ok := ParseDay(in.VisitedOn); {
	case !ok:
		v.Add("visited_on", "campaign.day.bad", in.VisitedOn)
	case in.VisitedOn > today:
		v.Add("visited_on", "campaign.visit.future", in.VisitedOn)
	case in.VisitedOn < c.From || in.VisitedOn > c.To:
		v.Add("visited_on", "campaign.visit.outside", in.VisitedOn, c.From, c.To)
	}
	switch in.Outcome {
	case VisitNothing:
		if in.Case != nil {
			v.Add("outcome", "campaign.outcome.case")
		}
	case VisitCase:
		if in.Case == nil {
			v.Add("case", "campaign.case.none")
		} else if in.Case.Kind != "" && in.Case.Kind != KindDispute && in.Case.Kind != KindHazard {
			v.Add("kind", "campaign.case.kind")
		}
	default:
		v.Add("outcome", "campaign.outcome.bad", in.Outcome)
	}
	if utf8.RuneCountInString(in.Note) > MaxVisitNote {
		v.Add("note", "campaign.note.long", MaxVisitNote)
	}
}

// PlaceKey answers the door plate or place as it counts: trimmed, full-width
// letters, digits and signs as half-width (３号楼 = 3号楼), the ideographic
// space as a space, runs of spaces as none, and Latin letters upper-case
// (a栋 = A栋). Two visits to the same grid whose places have one key count
// as one household covered.
func PlaceKey(place string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(place) {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if unicode.IsSpace(r) {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CampaignFilter selects campaigns for a list.
type CampaignFilter struct {
	// Active keeps the campaigns open on this day (YYYY-MM-DD), for the
	// phone page; all when empty.
	Active string
}

// Coverage is what a campaign has done under one unit, line by line: its
// children (the units below it that take part) or, under a village or
// community, its grids.
type Coverage struct {
	Campaign *Campaign      `json:"campaign"`
	Unit     *Unit          `json:"unit"`
	Total    CoverageLine   `json:"total"`
	ByGrid   bool           `json:"by_grid"` // the lines are grids
	Lines    []CoverageLine `json:"lines"`
}

// CoverageLine is the coverage of one unit or grid: 覆盖率 = 已走访户数 / 户数.
type CoverageLine struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level Level  `json:"level,omitempty"` // empty for a grid
	// Households is the sum of the households (户数) of the grids that take
	// part under the line.
	Households int64 `json:"households"`
	// Places are the door plates and places visited (已走访户数), each once
	// per grid.
	Places int64 `json:"places"`
	// Rate is Places / Households; nil when there are no households.
	Rate     *float64 `json:"rate"`
	Visits   int64    `json:"visits"`   // 走访次数
	Cases    int64    `json:"cases"`    // cases reported from the visits (发现问题)
	Disputes int64    `json:"disputes"` // of them disputes (矛盾纠纷)
	Hazards  int64    `json:"hazards"`  // of them hazards (安全隐患)
}

// SetRate fills Rate from Places and Households.
func (l *CoverageLine) SetRate() {
	l.Rate = nil
	if l.Households > 0 {
		r := float64(l.Places) / float64(l.Households)
		l.Rate = &r
	}
}

// CampaignService keeps the campaigns and their visits.
type CampaignService interface {
	// CreateCampaign creates c and answers it with its ID. EFORBIDDEN for a
	// role that does not manage campaigns (CapManageCampaigns); EINVALID
	// naming each bad field: those of Check, an owning unit that is no city
	// or county in the actor's jurisdiction ("unit"), a participating unit
	// outside it or not administrative ("units"). Nothing is written on error.
	CreateCampaign(ctx context.Context, actor *User, c *Campaign) (*Campaign, error)
	// FindCampaigns answers the campaigns that touch the actor's
	// jurisdiction (a participating subtree meets it), newest first.
	FindCampaigns(ctx context.Context, actor *User, f CampaignFilter) ([]*Campaign, error)
	// FindCampaign answers one campaign; ENOTFOUND when there is none or
	// it does not touch the actor's jurisdiction.
	FindCampaign(ctx context.Context, actor *User, id int64) (*Campaign, error)
	// RecordVisit records a visit of the actor (a grid worker, CapPatrol)
	// in campaign id, and with VisitCase reports its case through the path
	// of every report, all in one transaction with the campaign's counters.
	// ENOTFOUND for a campaign the actor does not see; ECONFLICT when it is
	// closed; EINVALID naming each bad field — those of NewVisit.Check and
	// the report's, a grid the actor does not work in or that does not take
	// part ("grid"). Nothing is written on error.
	RecordVisit(ctx context.Context, actor *User, id int64, in *NewVisit) (*Visit, error)
	// FindVisits answers the visits of campaign id in the actor's
	// jurisdiction, newest first, at most limit (0: 200).
	FindVisits(ctx context.Context, actor *User, id int64, limit int) ([]*Visit, error)
	// Coverage answers the coverage of campaign id under unit (the owning
	// unit, or the actor's own when that lies outside their jurisdiction,
	// when empty), read from the counters. ENOTFOUND for a campaign or
	// unit the actor does not see.
	Coverage(ctx context.Context, actor *User, id int64, unit string) (*Coverage, error)
}
