package pingan

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Leaders and petitions (领导接访, 包案, 积案; 《信访工作条例》 art. 14,
// docs/petitions.md). A leader receives petitioners on published days at a
// centre (领导接访日, ReceptionDay), goes down to the places matters arise
// (下访) or meets by appointment (约访); each reception held is recorded
// (Reception) with the matters it was about. A leader takes ownership of a
// matter (包案) with the case's lead action; the matters they lead are
// theirs to follow. A matter open too long, or petitioned again and again,
// is a long-standing one (积案, BacklogItem) for the centre to settle.
//
// Everything here is about matters and the leaders who answer for them:
// nothing lists, flags or follows a petitioner. A reception's notes may
// name people: they are sealed at rest, and every read of them is audited.

// ReceptionKind is how a leader met the people of a matter.
type ReceptionKind string

const (
	ReceptionAtCentre    ReceptionKind = "reception"   // 接访: at the centre, on a reception day
	ReceptionVisitDown   ReceptionKind = "visit_down"  // 下访: where the matter arose
	ReceptionAppointment ReceptionKind = "appointment" // 约访: by appointment
)

// ReceptionKinds lists the kinds of reception.
var ReceptionKinds = []ReceptionKind{ReceptionAtCentre, ReceptionVisitDown, ReceptionAppointment}

// Valid reports whether k is a known kind.
func (k ReceptionKind) Valid() bool {
	for _, x := range ReceptionKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Limits of what a schedule row and a record hold.
const (
	MaxReceptionPlace  = 200
	MaxReceptionTopic  = 200
	MaxReceptionPost   = 60
	MaxReceptionNotes  = 5000
	MaxReceptionPeople = 10000
	MaxReceptionCases  = 20
)

// ReceptionDay is a row of the leaders' reception schedule (领导接访日): which
// leader receives at which unit (a centre, 综治中心) on which day, from when
// to when, where and on what. A published row is shown on the public site,
// as PublicReceptionDay. A leader's name and post are public; nothing here
// is about a petitioner.
type ReceptionDay struct {
	ID         int64  `json:"id"`
	Unit       string `json:"unit"`
	UnitName   string `json:"unit_name"`
	LeaderID   int64  `json:"leader_id"`
	LeaderName string `json:"leader_name"`
	LeaderPost string `json:"leader_post"`
	Day        string `json:"day"`       // YYYY-MM-DD
	TimeFrom   string `json:"time_from"` // "09:00"
	TimeTo     string `json:"time_to"`
	Place      string `json:"place"`
	Topic      string `json:"topic"`
	Published  bool   `json:"published"`
}

// Normalize trims the typed fields.
func (d *ReceptionDay) Normalize() {
	d.Unit = strings.TrimSpace(d.Unit)
	d.LeaderPost = strings.TrimSpace(d.LeaderPost)
	d.Day = strings.TrimSpace(d.Day)
	d.TimeFrom = strings.TrimSpace(d.TimeFrom)
	d.TimeTo = strings.TrimSpace(d.TimeTo)
	d.Place = strings.TrimSpace(d.Place)
	d.Topic = strings.TrimSpace(d.Topic)
}

// Check names each bad field into v: the unit, the leader and the place
// are required; the day is a date, not before today (YYYY-MM-DD) when
// pastOK is false (a new row, or a row moved to another day); the times
// are HH:MM and time_to comes after time_from. Whether the leader is one,
// and in the creator's jurisdiction, is the store's to check.
func (d *ReceptionDay) Check(v *Invalid, today string, pastOK bool) {
	v.Require("unit", d.Unit)
	if d.LeaderID <= 0 {
		v.Add("leader_id", "field.required")
	}
	if d.Day == "" {
		v.Add("day", "field.required")
	} else if _, ok := ParseDay(d.Day); !ok {
		v.Add("day", "reception.day.bad", ShowText(d.Day, 32))
	} else if !pastOK && d.Day < today {
		v.Add("day", "reception.day.past", d.Day)
	}
	from, okFrom := checkClock(v, "time_from", d.TimeFrom)
	to, okTo := checkClock(v, "time_to", d.TimeTo)
	if okFrom && okTo && to <= from {
		v.Add("time_to", "reception.time.order", d.TimeTo, d.TimeFrom)
	}
	v.Require("place", d.Place)
	checkRunes(v, "place", d.Place, MaxReceptionPlace)
	checkRunes(v, "topic", d.Topic, MaxReceptionTopic)
	checkRunes(v, "leader_post", d.LeaderPost, MaxReceptionPost)
}

// checkClock checks a time of day (HH:MM, 00:00 to 23:59) and answers it
// as written, which orders as the times do.
func checkClock(v *Invalid, field, s string) (string, bool) {
	if s == "" {
		v.Add(field, "field.required")
		return "", false
	}
	t, err := time.Parse("15:04", s)
	if err != nil || t.Format("15:04") != s {
		v.Add(field, "reception.time.bad", ShowText(s, 16))
		return "", false
	}
	return s, true
}

// checkRunes names field when s is longer than max characters.
func checkRunes(v *Invalid, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "reception.text.long", max)
	}
}

// PublicReceptionDay is what the public site shows of a published
// schedule row: the leader's name and post, the centre, the day, the time,
// the place and the topic — nothing else.
type PublicReceptionDay struct {
	LeaderName string `json:"leader_name"`
	LeaderPost string `json:"leader_post"`
	UnitName   string `json:"unit_name"`
	Day        string `json:"day"`
	TimeFrom   string `json:"time_from"`
	TimeTo     string `json:"time_to"`
	Place      string `json:"place"`
	Topic      string `json:"topic"`
}

// Reception is the record of a reception held (接访, 下访 or 约访): by which
// leader, for which unit, on which day, where, how many people came, the
// notes (sealed: they may name people) and the matters (the ids of cases,
// which are their numbers) it was about. NotesMasked says that the notes
// were left out for the reader (a list, or a reader who may not see them).
type Reception struct {
	ID          int64         `json:"id"`
	Kind        ReceptionKind `json:"kind"`
	Unit        string        `json:"unit"`
	UnitName    string        `json:"unit_name"`
	LeaderID    int64         `json:"leader_id"`
	LeaderName  string        `json:"leader_name"`
	HeldOn      string        `json:"held_on"` // YYYY-MM-DD
	Place       string        `json:"place"`
	People      int           `json:"people"`
	Notes       string        `json:"notes,omitempty"`
	NotesMasked bool          `json:"notes_masked,omitempty"`
	Cases       []string      `json:"cases"`
}

// Normalize trims the typed fields and drops empty and repeated matters.
func (r *Reception) Normalize() {
	r.Unit = strings.TrimSpace(r.Unit)
	r.HeldOn = strings.TrimSpace(r.HeldOn)
	r.Place = strings.TrimSpace(r.Place)
	r.Notes = strings.TrimSpace(r.Notes)
	var cases []string
	seen := map[string]bool{}
	for _, c := range r.Cases {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			cases = append(cases, c)
		}
	}
	r.Cases = cases
}

// Check names each bad field into v: the kind, the unit, the leader, the
// day (not after today), the place, the people (at least one) and the
// length of the notes and of the list of matters. Whether the leader is
// one and the matters lie in the jurisdiction is the store's to check.
func (r *Reception) Check(v *Invalid, today string) {
	if !r.Kind.Valid() {
		v.Add("kind", "reception.kind.bad", ShowText(string(r.Kind), 32))
	}
	v.Require("unit", r.Unit)
	if r.LeaderID <= 0 {
		v.Add("leader_id", "field.required")
	}
	if r.HeldOn == "" {
		v.Add("held_on", "field.required")
	} else if _, ok := ParseDay(r.HeldOn); !ok {
		v.Add("held_on", "reception.day.bad", ShowText(r.HeldOn, 32))
	} else if r.HeldOn > today {
		v.Add("held_on", "reception.held.future", r.HeldOn)
	}
	v.Require("place", r.Place)
	checkRunes(v, "place", r.Place, MaxReceptionPlace)
	if r.People < 1 || r.People > MaxReceptionPeople {
		v.Add("people", "reception.people.range", MaxReceptionPeople)
	}
	checkRunes(v, "notes", r.Notes, MaxReceptionNotes)
	if len(r.Cases) > MaxReceptionCases {
		v.Add("cases", "reception.cases.many", MaxReceptionCases)
	}
}

// BacklogItem is a petition matter as the leaders' lists show it: a
// long-standing one (积案) or one a leader leads (包案). It names the
// matter, never the petitioner.
type BacklogItem struct {
	ID         string        `json:"id"`
	Number     string        `json:"number"`
	Title      string        `json:"title"`
	Unit       string        `json:"unit"`
	Status     Status        `json:"status"`
	ReportedAt time.Time     `json:"reported_at"`
	DaysOpen   int           `json:"days_open"`
	Repeats    int           `json:"repeats"`
	Stage      PetitionStage `json:"stage"`
	Deadline   *time.Time    `json:"deadline"`
	Overdue    bool          `json:"overdue"`
	LeadName   string        `json:"lead_name"`
	// LastAction and LastActionAt are the latest step of the matter's
	// timeline (the leader's list).
	LastAction   ActionName `json:"last_action,omitempty"`
	LastActionAt *time.Time `json:"last_action_at,omitempty"`
}

// Led reports whether a leader leads the matter (包案).
func (b *BacklogItem) Led() bool { return b.LeadName != "" }

// BacklogLead filters the backlog by whether a leader leads the matter.
type BacklogLead string

const (
	BacklogAll   BacklogLead = ""    // every long-standing matter
	BacklogLed   BacklogLead = "yes" // led by a leader (已包案)
	BacklogUnled BacklogLead = "no"  // led by nobody yet (未包案)
)

// Valid reports whether l is a known filter.
func (l BacklogLead) Valid() bool { return l == BacklogAll || l == BacklogLed || l == BacklogUnled }

// Backlog is the list of long-standing matters (积案) in a jurisdiction,
// oldest first, with the counts by 包案 over all of them (whatever the
// filter) and the rules that made them long-standing.
type Backlog struct {
	Items    []*BacklogItem   `json:"items"`
	Total    int              `json:"total"`
	Led      int              `json:"led"`
	Unled    int              `json:"unled"`
	Settings PetitionSettings `json:"settings"`
}

// ReceptionService keeps the leaders' reception schedule, the records of
// receptions, and answers the matters leaders lead and the long-standing
// ones. Every method works in the actor's jurisdiction: a row outside it
// answers ENOTFOUND like one that does not exist. Writing needs
// CapReceptions (dispatchers and leaders; EFORBIDDEN otherwise).
type ReceptionService interface {
	// ReceptionDays answers the schedule rows in the actor's jurisdiction
	// from the day from (YYYY-MM-DD; all when "") on, by day and time.
	ReceptionDays(ctx context.Context, actor *User, from string) ([]*ReceptionDay, error)
	// CreateReceptionDay adds a schedule row and sets its ID and names.
	// EINVALID names each bad field: ReceptionDay.Check's, a unit outside
	// the jurisdiction, a leader who is no leader of it.
	CreateReceptionDay(ctx context.Context, actor *User, d *ReceptionDay) error
	// UpdateReceptionDay replaces the row d.ID (published included); errors
	// as CreateReceptionDay's, ENOTFOUND for a row outside the jurisdiction.
	UpdateReceptionDay(ctx context.Context, actor *User, d *ReceptionDay) error
	// PublishReceptionDay shows (or withdraws) the row on the public site.
	PublishReceptionDay(ctx context.Context, actor *User, id int64, published bool) error
	// PublicReceptionDays answers the published rows from today on, for
	// everyone: nobody signs in to read them.
	PublicReceptionDays(ctx context.Context) ([]*PublicReceptionDay, error)
	// Leaders answers the leaders of the actor's jurisdiction (id and
	// name), for the forms.
	Leaders(ctx context.Context, actor *User) ([]*User, error)

	// Receptions answers the records in the actor's jurisdiction, newest
	// first, without their notes.
	Receptions(ctx context.Context, actor *User) ([]*Reception, error)
	// Reception answers one record with its notes opened; the read is
	// written to the audit log.
	Reception(ctx context.Context, actor *User, id int64) (*Reception, error)
	// CreateReception records a reception and its matters, and sets its ID.
	// EINVALID names each bad field: Reception.Check's, a unit outside the
	// jurisdiction, a leader who is no leader of it, a matter outside it.
	CreateReception(ctx context.Context, actor *User, r *Reception) error

	// Backlog answers the long-standing matters (积案) of the actor's
	// jurisdiction: open petitions, not merged, reported more than
	// BacklogDays ago or petitioned BacklogRepeats times or more, oldest
	// first. EINVALID names a bad filter.
	Backlog(ctx context.Context, actor *User, lead BacklogLead) (*Backlog, error)
	// Led answers the matters the actor leads (包案), open ones first, with
	// their stage, deadline, lateness and latest step.
	Led(ctx context.Context, actor *User) ([]*BacklogItem, error)
}
