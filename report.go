package pingan

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A report (上报) is validated once, here, into one field collector; the
// store adds to the same collector only what needs the database — that the
// category exists, where the case goes (placement), that the place lies in
// the reporter's jurisdiction — and every interface (the API, the staff
// form, the grid worker's phone page, the citizens' form, imports) answers
// one error naming every bad field, in the same words.

// Limits of a report's text.
const (
	MaxTitle       = 200
	MaxDescription = 20000
	// TitleFromDescription is the length of a title made from the
	// description when a report has none.
	TitleFromDescription = 40
)

// Normalize tidies a report before it is checked: trims its text, makes a
// missing title from the beginning of the description, and takes the kind
// from the category when none is given (cat is the category the report
// names, nil when unknown; a report without a kind takes its category's).
func (in *NewCase) Normalize(cat *Category) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.Category, in.Unit, in.Grid = strings.TrimSpace(in.Category), strings.TrimSpace(in.Unit), strings.TrimSpace(in.Grid)
	in.Address, in.Result = strings.TrimSpace(in.Address), strings.TrimSpace(in.Result)
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	in.HotlineNo = strings.TrimSpace(in.HotlineNo)
	if in.Urgency = Urgency(strings.TrimSpace(string(in.Urgency))); in.Urgency == "" {
		in.Urgency = UrgencyNormal
	}
	if in.Title == "" && in.Description != "" {
		in.Title = Excerpt(in.Description, TitleFromDescription)
	}
	if in.Kind == "" && cat != nil {
		in.Kind = cat.Kind
	}
	// The parties are the report's own from here: a caller may share one
	// slice between reports, as a form's template.
	in.Parties = slices.Clone(in.Parties)
	NormalizeParties(in.Parties)
}

// NormalizeParties trims the parties' fields and gives a party without a
// role the plain one (当事人); one without a type is a person.
func NormalizeParties(ps []Person) {
	for i := range ps {
		p := &ps[i]
		p.Role, p.Name, p.Phone = strings.TrimSpace(p.Role), strings.TrimSpace(p.Name), strings.TrimSpace(p.Phone)
		p.IDNumber, p.Address = strings.TrimSpace(p.IDNumber), strings.TrimSpace(p.Address)
		p.Type = PartyType(strings.TrimSpace(string(p.Type)))
		if p.Role == "" {
			p.Role = PartyOther
		}
	}
}

// CheckParties adds to v what is wrong with the normalized parties: at
// most MaxParties (field parties), and each (parties.N, N from 1) with a
// name, a known role (PartyRoles) and type, and texts of sensible length.
func CheckParties(v *Invalid, ps []Person) {
	if len(ps) > MaxParties {
		v.Add("parties", "report.parties.many", MaxParties)
		return
	}
	for i, p := range ps {
		f := "parties." + strconv.Itoa(i+1) + "."
		v.Require(f+"name", p.Name)
		checkLen(v, f+"name", p.Name, MaxMediationLine)
		if !slices.Contains(PartyRoles, p.Role) && p.Role != PartyRepresentative {
			v.Add(f+"role", "report.party.role", p.Role)
		}
		if p.Type != "" && p.Type != PartyPerson && p.Type != PartyOrganisation {
			v.Add(f+"type", "report.party.type", string(p.Type))
		}
		checkLen(v, f+"phone", p.Phone, 50)
		checkLen(v, f+"id_number", p.IDNumber, 50)
		checkLen(v, f+"address", p.Address, MaxMediationLine)
	}
}

// Validate adds to v what is wrong with the normalized report: its kind,
// its category (cat is the category it names, nil when the store found
// none), title and description, source, position, report time (not after
// now), the 12345 work order number and the urgency, the result of a case
// resolved on site (就地化解), its photos, its parties (CheckParties) and a
// dispute's facts (only a dispute has them, and only a dispute comes from
// a court). It checks nothing that needs the database.
func (in *NewCase) Validate(v *Invalid, cat *Category, now time.Time) {
	if in.Kind != "" && !in.Kind.Valid() {
		v.Add("kind", "report.kind.unknown", string(in.Kind))
	}
	switch {
	case in.Category == "":
		v.Require("category", "")
	case cat == nil:
		v.Add("category", "report.category.unknown", in.Category)
	case in.Kind.Valid() && cat.Kind != in.Kind:
		v.Add("category", "report.category.kind", cat.Code, string(in.Kind), string(cat.Kind))
	}
	if in.Title == "" {
		v.Add("title", "report.title.required")
	}
	if n := utf8.RuneCountInString(in.Title); n > MaxTitle {
		v.Add("title", "report.title.long", MaxTitle)
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxDescription {
		v.Add("description", "report.description.long", MaxDescription)
	}
	if in.Source != "" && !in.Source.Valid() {
		v.Add("source", "report.source.unknown", string(in.Source))
	}
	// A dispute's parties and facts (dispute.go); a court refers disputes
	// only (诉前调解).
	CheckParties(v, in.Parties)
	if in.Dispute != nil {
		if in.Kind.Valid() && in.Kind != KindDispute {
			v.Add("dispute", "report.dispute.kind", string(in.Kind))
		} else {
			in.Dispute.Check(v, "dispute.")
		}
	}
	if in.Source == SourceCourt && in.Kind.Valid() && in.Kind != KindDispute {
		v.Add("source", "report.source.court", string(in.Kind))
	}
	// A petition's registration and the representatives of a visit by
	// many (petition.go, art. 20).
	if in.Petition != nil {
		if in.Kind.Valid() && in.Kind != KindPetition {
			v.Add("petition", "report.petition.kind", string(in.Kind))
		} else {
			in.Petition.Check(v, "petition.", now)
		}
	}
	// A hazard's level and site (hazard.go).
	if in.Hazard != nil {
		if in.Kind.Valid() && in.Kind != KindHazard {
			v.Add("hazard", "report.hazard.kind", string(in.Kind))
		} else {
			in.Hazard.Check(v)
		}
	}
	reps := 0
	for _, p := range in.Parties {
		if p.Role == PartyRepresentative {
			reps++
		}
	}
	switch {
	case reps > 0 && in.Kind.Valid() && in.Kind != KindPetition:
		v.Add("parties", "report.representative.kind")
	case reps > MaxRepresentatives:
		v.Add("parties", "report.representatives.many", MaxRepresentatives)
	}
	if n := utf8.RuneCountInString(in.HotlineNo); n > MaxHotlineNo {
		v.Add("hotline_no", "urgency.hotline_no.long", MaxHotlineNo)
	} else if !alphanumeric(in.HotlineNo) {
		v.Add("hotline_no", "urgency.hotline_no.bad")
	}
	if in.Urgency != "" && !in.Urgency.Valid() {
		v.Add("urgency", "urgency.unknown", string(in.Urgency))
	}
	if l := in.Location; l != nil {
		switch {
		case math.IsNaN(l.Lat): // a form's coordinate that is no number
			v.Add("location.lat", "report.lat.number")
		case l.Lat < -90 || l.Lat > 90:
			v.Add("location.lat", "report.lat.range")
		}
		switch {
		case math.IsNaN(l.Lng):
			v.Add("location.lng", "report.lng.number")
		case l.Lng < -180 || l.Lng > 180:
			v.Add("location.lng", "report.lng.range")
		}
	}
	if !in.ReportedAt.IsZero() && in.ReportedAt.After(now.Add(time.Minute)) {
		v.Add("reported_at", "report.time.future")
	}
	if in.ResolvedOnSite && in.Result == "" {
		v.Add("result", "report.result.required")
	}
	CheckPhotos(v, "photos", in.Photos)
}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool {
	for _, x := range Sources {
		if x == s {
			return true
		}
	}
	return false
}

// alphanumeric reports whether s holds ASCII letters and digits only.
func alphanumeric(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// Excerpt answers the first n characters of s on one line, with "…" when
// cut.
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
