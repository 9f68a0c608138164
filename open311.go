package pingan

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Open311 GeoReport v2 (docs/open311.md): existing 311 clients — a city's
// app, FixMyStreet — file reports through the standard interface and follow
// them. A report arrives as a case with source open311, placed in its grid
// like any other, its reporter (first_name + last_name, phone) sealed as
// always, and its e-mail and device id sealed beside it. What is answered
// back is the public status of the case, never personal data, staff names
// or internal notes.
//
// A service (Open311ServiceType) is a category of the public form; its
// attributes are the facts of its kind (Open311Attributes).

// Open311 limits.
const (
	// Open311MaxList caps an answer of GET requests (the spec's 1,000).
	Open311MaxList = 1000
	// Open311DefaultDays is the window of GET requests without dates.
	Open311DefaultDays = 90
	// Open311MaxURL bounds a media_url.
	Open311MaxURL = 1000
	// Open311MaxShort bounds e-mail, names, phone, address_string, device_id.
	Open311MaxShort = 200
	// Open311MaxIDs bounds the service_request_id list of GET requests.
	Open311MaxIDs = 200
)

// The statuses Open311 knows: open and closed (closed = closed, rejected
// or merged).
const (
	Open311Open   = "open"
	Open311Closed = "closed"
)

// Open311StatusOf answers the Open311 status of a case's status.
func Open311StatusOf(s Status) string {
	if s.Open() {
		return Open311Open
	}
	return Open311Closed
}

// The statuses of servicerequestupdates, in FixMyStreet's extended
// vocabulary (its Open311.pm map_state reads them case-blind with _ for a
// space): every one is a state FixMyStreet knows.
const (
	Open311UpdOpen          = "OPEN"                        // FixMyStreet: confirmed
	Open311UpdInvestigating = "INVESTIGATING"               // investigating
	Open311UpdScheduled     = "ACTION_SCHEDULED"            // action scheduled
	Open311UpdInProgress    = "IN_PROGRESS"                 // in progress
	Open311UpdFixed         = "FIXED"                       // fixed - council
	Open311UpdNotOurs       = "NOT_COUNCILS_RESPONSIBILITY" // not responsible
	Open311UpdDuplicate     = "DUPLICATE"                   // duplicate
)

// Open311UpdateStatus answers the status a step of servicerequestupdates
// carries for pingan's status after it (docs/open311.md has the table):
// accepted → INVESTIGATING, dispatched → ACTION_SCHEDULED, in progress and
// resolved (awaiting the centre's check) → IN_PROGRESS, closed → FIXED,
// rejected → NOT_COUNCILS_RESPONSIBILITY, merged → DUPLICATE, any other
// open status → OPEN.
func Open311UpdateStatus(s Status) string {
	switch s {
	case StatusAccepted:
		return Open311UpdInvestigating
	case StatusDispatched:
		return Open311UpdScheduled
	case StatusInProgress, StatusResolved:
		return Open311UpdInProgress
	case StatusClosed:
		return Open311UpdFixed
	case StatusRejected:
		return Open311UpdNotOurs
	case StatusMerged:
		return Open311UpdDuplicate
	}
	if s.Open() {
		return Open311UpdOpen
	}
	return Open311UpdFixed
}

// Open311ServiceType is a service a client may report on: a category.
type Open311ServiceType struct {
	Code        string
	Name        string
	Description string
	Metadata    bool // it has attributes (GET services/{code})
	Kind        Kind // its group, shown by the key kind.<kind>
}

// Open311Value is a value of a list attribute; Name is a message key.
type Open311Value struct {
	Key, Name string
}

// Open311Attribute is an extra field of a service.
type Open311Attribute struct {
	Code        string
	Datatype    string // string | number | datetime | text | singlevaluelist | multivaluelist
	Required    bool
	Description string // a message key
	Order       int
	Values      []Open311Value
}

// The attributes of the kinds (attribute[...] of a POST).
const (
	Open311AttrPeople = "people" // 涉及人数, a dispute's
	Open311AttrAmount = "amount" // 标的额 in yuan, a dispute's
	Open311AttrLevel  = "level"  // 隐患等级, a hazard's
)

// Open311Attributes answers the attributes of a service of kind k: the
// facts of a dispute (涉及人数, 标的额) and a hazard's level; none for the
// other kinds.
func Open311Attributes(k Kind) []Open311Attribute {
	switch k {
	case KindDispute:
		return []Open311Attribute{
			{Code: Open311AttrPeople, Datatype: "number", Description: "open311.attr.people", Order: 1},
			{Code: Open311AttrAmount, Datatype: "number", Description: "open311.attr.amount", Order: 2},
		}
	case KindHazard:
		return []Open311Attribute{{Code: Open311AttrLevel, Datatype: "singlevaluelist", Description: "open311.attr.level", Order: 1,
			Values: []Open311Value{{Key: string(HazardGeneral), Name: "hazard.level.general"}, {Key: string(HazardMajor), Name: "hazard.level.major"}}}}
	}
	return nil
}

// Open311Report is a POST requests: what a client sends.
type Open311Report struct {
	ServiceCode   string
	Location      *Location // lat + long
	AddressString string
	AddressID     string // not supported: refused
	Description   string
	Email         string
	FirstName     string
	LastName      string
	Phone         string
	MediaURL      string
	DeviceID      string // device_id or deviceid: sealed, never listed
	// DeviceField is the name the device id came under: "deviceid" when
	// FixMyStreet's, "" for the spec's device_id.
	DeviceField string
	Attributes  map[string]string // attribute[code]
}

// Normalize trims the fields.
func (in *Open311Report) Normalize() {
	for _, p := range []*string{&in.ServiceCode, &in.AddressString, &in.AddressID, &in.Description, &in.Email,
		&in.FirstName, &in.LastName, &in.Phone, &in.MediaURL, &in.DeviceID} {
		*p = strings.TrimSpace(*p)
	}
}

// Validate checks what needs no database into v, by the Open311 names of
// the fields: service_code and description required, a position (lat+long
// or address_string; address_id is not supported), the lengths, text
// without control characters, media_url http(s), the known attributes.
func (in *Open311Report) Validate(v *Invalid, k Kind) {
	v.Require("service_code", in.ServiceCode)
	v.Require("description", in.Description)
	switch {
	case in.AddressID != "":
		v.Add("address_id", "open311.address_id.unsupported")
	case in.Location == nil && in.AddressString == "":
		v.Add("lat", "open311.position.required")
	case in.Location != nil && !in.Location.Valid():
		v.Add("lat", "open311.position.bad")
		v.Add("long", "open311.position.bad")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"service_code", in.ServiceCode, Open311MaxShort}, {"address_string", in.AddressString, Open311MaxShort},
		{"email", in.Email, Open311MaxShort}, {"first_name", in.FirstName, Open311MaxShort},
		{"last_name", in.LastName, Open311MaxShort}, {"phone", in.Phone, Open311MaxShort},
		{in.deviceField(), in.DeviceID, Open311MaxShort}, {"description", in.Description, MaxDescription},
		{"media_url", in.MediaURL, Open311MaxURL}} {
		if p := BadText(f.value); p != "" {
			v.Add(f.name, p)
		} else if Open311ControlChar(f.value) {
			v.Add(f.name, "open311.text.control")
		} else if utf8.RuneCountInString(f.value) > f.max {
			v.Add(f.name, "open311.text.long", f.max)
		}
	}
	if in.Email != "" && !v.Has("email") && (!strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " <>")) {
		v.Add("email", "open311.email.bad")
	}
	if in.MediaURL != "" && !v.Has("media_url") {
		u, err := url.Parse(in.MediaURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("media_url", "open311.media_url.bad")
		}
	}
	for code, val := range in.Attributes {
		field := "attribute[" + ShowText(code, 40) + "]"
		if p := BadText(val); p != "" {
			v.Add(field, p)
			continue
		}
		switch {
		case k == KindDispute && code == Open311AttrPeople:
			if n, err := strconv.Atoi(strings.TrimSpace(val)); strings.TrimSpace(val) != "" && (err != nil || n < 0 || n > 1_000_000) {
				v.Add(field, "open311.attribute.number")
			}
		case k == KindDispute && code == Open311AttrAmount:
			if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); strings.TrimSpace(val) != "" &&
				(err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f*100 > MaxAmountFen) {
				v.Add(field, "open311.attribute.number")
			}
		case k == KindHazard && code == Open311AttrLevel:
			if l := HazardLevel(strings.TrimSpace(val)); l != "" && !l.Valid() {
				v.Add(field, "open311.attribute.value", ShowText(val, 20))
			}
		}
	}
}

// deviceField is the name the device id came under.
func (in *Open311Report) deviceField() string {
	if in.DeviceField != "" {
		return in.DeviceField
	}
	return "device_id"
}

// Open311ControlChar reports whether s holds a control character other
// than tab, line feed and carriage return.
func Open311ControlChar(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	}) >= 0
}

// NewCase answers the report as the input of intake for the category cat:
// source open311, the reporter's name and phone, a dispute's or a
// hazard's facts from the attributes (unknown attributes are ignored).
func (in *Open311Report) NewCase(cat *Category) *NewCase {
	nc := &NewCase{Kind: cat.Kind, Category: cat.Code, Description: in.Description, Location: in.Location,
		Address: in.AddressString, Source: SourceOpen311}
	// The name as the citizen typed it: FixMyStreet, the best-known client,
	// puts the first word of it into first_name and the rest into
	// last_name, so first then last gives it back ("张 三" → 张三); Latin
	// names keep a space between.
	name := strings.TrimSpace(strings.TrimSpace(in.FirstName) + strings.TrimSpace(in.LastName))
	if isLatin(in.FirstName + in.LastName) {
		name = strings.TrimSpace(strings.TrimSpace(in.FirstName) + " " + strings.TrimSpace(in.LastName))
	}
	if name != "" || in.Phone != "" {
		nc.Reporter = &Person{Role: "reporter", Name: name, Phone: in.Phone}
	}
	attr := func(code string) string { return strings.TrimSpace(in.Attributes[code]) }
	switch cat.Kind {
	case KindDispute:
		var f DisputeFacts
		if n, err := strconv.Atoi(attr(Open311AttrPeople)); err == nil {
			f.People = n
		}
		if y, err := strconv.ParseFloat(attr(Open311AttrAmount), 64); err == nil {
			f.AmountFen = int64(y*100 + 0.5)
		}
		if f != (DisputeFacts{}) {
			nc.Dispute = &f
		}
	case KindHazard:
		if l := HazardLevel(attr(Open311AttrLevel)); l.Valid() {
			nc.Hazard = &HazardFacts{Level: l}
		}
	}
	return nc
}

// isLatin reports whether s has letters and all of them are Latin: such a
// name is written given name first.
func isLatin(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters = true
			if r > unicode.MaxLatin1 {
				return false
			}
		}
	}
	return letters
}

// Open311Receipt is the answer to a POST: the case number at once, and a
// token that answers it too.
type Open311Receipt struct {
	ServiceRequestID string
	Token            string
	ServiceNotice    string
}

// Open311Case is a request as Open311 shows it: the public status of a
// case reported through Open311.
type Open311Case struct {
	ID                string
	Status            string // open | closed
	StatusNotes       string // the public outcome: a rejection's reason, the result
	MergedInto        string // the case it was merged into, "" when not merged
	ServiceName       string
	ServiceCode       string
	Description       string // the reporter's own text
	AgencyResponsible string // the handling unit's name
	ServiceNotice     string
	Requested         time.Time
	Updated           time.Time
	Expected          *time.Time // the resolve deadline while open
	Address           string
	Location          *Location
	MediaURL          string
}

// Open311Update is one public step of a case's timeline
// (servicerequestupdates, the extension FixMyStreet follows).
type Open311Update struct {
	UpdateID         string // number-seq
	ServiceRequestID string
	Status           string     // Open311UpdateStatus of ExternalStatus: OPEN, IN_PROGRESS, FIXED …
	ExternalStatus   Status     // pingan's status after the step
	Action           ActionName // the step
	Description      string     // the public note of the step: a rejection's reason, a result; "" for others
	Updated          time.Time
}

// Open311Query selects the requests of GET requests. IDs, when given,
// override every other argument (as the specification says).
type Open311Query struct {
	IDs          []string
	ServiceCodes []string  // any of them; none: every service
	Start, End   time.Time // [Start, End); zero: End now, Start 90 days before End
	Statuses     []string  // open and/or closed; none: both
	Limit        int       // 0: Open311MaxList
}

// Open311Service is the store behind the Open311 interface. A key is the
// pseudo-user of an API key (APIKeyService.Authenticate); the reads need
// one (EFORBIDDEN without) and answer the requests it filed itself and,
// when its roles hold CapReadCases, those of its unit's subtree — of
// these only the status, dates, service and agency.
type Open311Service interface {
	// Services answers the services: every category of the public form.
	Services(ctx context.Context) ([]*Open311ServiceType, error)
	// Submit files the report as the key. EINVALID names each bad field by
	// its Open311 name (an unknown service_code, a position outside every
	// unit, an address_string that names no unit); EFORBIDDEN when the key
	// may not report (CapReport) or the position lies outside the key's
	// unit. Nothing is written on an error.
	Submit(ctx context.Context, key *User, in *Open311Report) (*Open311Receipt, error)
	// Requests answers the Open311 requests of q, newest first, inside the
	// key's subtree. EINVALID for a bad status.
	Requests(ctx context.Context, key *User, q Open311Query) ([]*Open311Case, error)
	// Request answers one Open311 request; ENOTFOUND for any other case.
	Request(ctx context.Context, key *User, id string) (*Open311Case, error)
	// Token answers the service_request_id of a token; ENOTFOUND.
	Token(ctx context.Context, token string) (string, error)
	// Updates answers the public steps of Open311 requests taken in
	// [since, until), oldest first; EINVALID (start_date) when more than
	// Open311MaxList match.
	Updates(ctx context.Context, key *User, since, until time.Time) ([]*Open311Update, error)
}
