package pingan

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Key sites (重点场所/重点单位), docs/sites.md: the register of the places
// that must be inspected on a schedule — schools, hospitals, stations,
// markets, industrial parks, construction sites and the enterprises with a
// major hazard source (重大危险源, GB 18218, 一级–四级).
//
// A site lies in a grid (its position inside the grid's polygon) and
// answers to a responsible department (主管部门). Its type and level set its
// inspection schedule (检查周期); each inspection is recorded against its
// type's checklist (检查表), each item 合格 or 不合格 with a photo, and each
// failed item files a hazard case (安全隐患) in the inspection's one
// transaction. An inspection moves the site's next due day by the
// schedule; a due day that passes uninspected marks the site overdue once.
// The site's contact (联系人 and phone) is personal data: sealed at rest,
// masked in lists and exports, shown whole only on an audited reveal.

// Site is one entry of the register.
type Site struct {
	ID      int64   `json:"id"`
	Region  string  `json:"region"`
	Name    string  `json:"name"`
	Type    string  `json:"type"`            // a SiteType's code
	Level   int     `json:"level,omitempty"` // 1–4 for a major hazard source; 0 otherwise
	Grid    string  `json:"grid"`            // the grid it lies in
	Unit    string  `json:"unit"`            // the unit that owns the grid
	Path    string  `json:"-"`               // that unit's path (jurisdiction)
	Lat     float64 `json:"lat"`
	Lng     float64 `json:"lng"`
	Address string  `json:"address,omitempty"`
	// Department is the unit code of the responsible department (主管部门).
	Department string `json:"department,omitempty"`

	// Code is an outside code (an import's 编码), unique when set.
	Code           string `json:"code,omitempty"`
	TypeName       string `json:"type_name,omitempty"`
	GridName       string `json:"grid_name,omitempty"`
	UnitName       string `json:"unit_name,omitempty"`
	DepartmentName string `json:"department_name,omitempty"`
	DeptPath       string `json:"-"`
	// Contact is the site's contact, masked unless revealed (ContactMasked).
	Contact       *SiteContact `json:"contact,omitempty"`
	ContactMasked bool         `json:"contact_masked,omitempty"`
	// NextDue is the day the next inspection is due (计划检查日期,
	// YYYY-MM-DD); Overdue says it passed uninspected (marked by the watch,
	// cleared by the next inspection).
	NextDue       string    `json:"next_due"`
	Overdue       bool      `json:"overdue"`
	LastInspected string    `json:"last_inspected,omitempty"`
	Inspections   int       `json:"inspections"`
	Active        bool      `json:"active"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int       `json:"version"`
}

// SiteContact is the person to call at a site (联系人).
type SiteContact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Masked answers c with its name and phone masked.
func (c SiteContact) Masked() SiteContact {
	return SiteContact{Name: MaskName(c.Name), Phone: MaskPhone(c.Phone)}
}

// Site types seeded by migration 0030; a city may add others.
const (
	SiteSchool         = "school"          // 学校
	SiteHospital       = "hospital"        // 医院
	SiteStation        = "station"         // 车站
	SiteMarket         = "market"          // 商圈/市场
	SiteIndustrialPark = "industrial_park" // 工业园区
	SiteConstruction   = "construction"    // 建筑工地
	SiteHazardSource   = "hazard_source"   // 重大危险源企业
	SiteOther          = "other"           // 其他
)

// MaxHazardSourceLevel is the lowest grade of a major hazard source under
// GB 18218 (一级 the most serious … 四级).
const MaxHazardSourceLevel = 4

// SiteTypeLeveled reports whether sites of the type have a level (1–4):
// only major hazard sources do.
func SiteTypeLeveled(typ string) bool { return typ == SiteHazardSource }

// Limits of a site's and an inspection's texts, in characters.
const (
	MaxSiteName       = 100
	MaxSiteCode       = 40
	MaxSiteAddress    = 200
	MaxContactName    = 40
	MaxContactPhone   = 20
	MaxChecklistItems = 40
	MaxChecklistText  = 100
	MaxInspectionNote = 1000
	MaxSiteTypeName   = 20
)

// SiteSchedule is the inspection cadence (检查周期) of a type and level
// (0 for a type without levels): the next inspection is due Months and
// Days after the last one.
type SiteSchedule struct {
	Level  int `json:"level"`
	Months int `json:"months"`
	Days   int `json:"days"`
}

// Next answers the day (YYYY-MM-DD) the inspection after one on day is
// due; day itself when the schedule is empty or day is not a day.
func (s SiteSchedule) Next(day string) string {
	t, ok := ParseDay(day)
	if !ok || (s.Months <= 0 && s.Days <= 0) {
		return day
	}
	return t.AddDate(0, s.Months, s.Days).Format(DayLayout)
}

// ChecklistItem is an item of a type's checklist (检查项): what to check,
// and the category of the hazard a failure files.
type ChecklistItem struct {
	Seq      int    `json:"seq"`
	Text     string `json:"text"`
	Category string `json:"category,omitempty"`
}

// SiteType is a type of key site with its schedules and checklist.
type SiteType struct {
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Seq       int             `json:"seq"`
	Active    bool            `json:"active"`
	Leveled   bool            `json:"leveled"`
	Schedules []SiteSchedule  `json:"schedules"`
	Checklist []ChecklistItem `json:"checklist"`
}

// Schedule answers the schedule of the level (the level 0 one for a type
// without levels); ok false when there is none.
func (t *SiteType) Schedule(level int) (SiteSchedule, bool) {
	if !t.Leveled {
		level = 0
	}
	for _, s := range t.Schedules {
		if s.Level == level {
			return s, true
		}
	}
	return SiteSchedule{}, false
}

// Validate adds to v what is wrong with t as an edit: a name, schedules
// with a positive cadence (and one per level 1–4 for a leveled type), and
// a checklist of 1 to MaxChecklistItems items with a text each.
func (t *SiteType) Validate(v *Invalid) {
	t.Code, t.Name = strings.TrimSpace(t.Code), strings.TrimSpace(t.Name)
	v.Require("code", t.Code)
	v.Require("name", t.Name)
	if utf8.RuneCountInString(t.Name) > MaxSiteTypeName {
		v.Add("name", "site.text.long", MaxSiteTypeName)
	}
	// One schedule for each level 1–4 of a leveled type, one (level 0)
	// for the others: an inspection always finds its cadence.
	seen := map[int]bool{}
	for i, s := range t.Schedules {
		f := "schedules[" + strconv.Itoa(i) + "]"
		if seen[s.Level] {
			v.Add(f+".level", "site.schedule.twice", s.Level)
		}
		seen[s.Level] = true
		if s.Months < 0 || s.Days < 0 || (s.Months == 0 && s.Days == 0) || s.Months > 24 || s.Days > 366 {
			v.Add(f, "site.schedule.bad")
		}
		if (t.Leveled && (s.Level < 1 || s.Level > MaxHazardSourceLevel)) || (!t.Leveled && s.Level != 0) {
			v.Add(f+".level", "site.level.bad")
		}
	}
	first, last := 0, 0
	if t.Leveled {
		first, last = 1, MaxHazardSourceLevel
	}
	for l := first; l <= last; l++ {
		if !seen[l] {
			v.Add("schedules", "site.schedule.missing", l)
			break
		}
	}
	if len(t.Checklist) == 0 {
		v.Add("checklist", "field.required")
	}
	if len(t.Checklist) > MaxChecklistItems {
		v.Add("checklist", "site.too_many", MaxChecklistItems)
	}
	for i := range t.Checklist {
		it := &t.Checklist[i]
		it.Text, it.Category = strings.TrimSpace(it.Text), strings.TrimSpace(it.Category)
		f := "checklist[" + strconv.Itoa(i) + "]"
		v.Require(f+".text", it.Text)
		if utf8.RuneCountInString(it.Text) > MaxChecklistText {
			v.Add(f+".text", "site.text.long", MaxChecklistText)
		}
		it.Seq = i + 1
	}
}

// NewSite is a site to add, or the new state of one to change.
type NewSite struct {
	Code       string       `json:"code,omitempty"`
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	Level      int          `json:"level,omitempty"`
	Grid       string       `json:"grid,omitempty"` // placed by its position when empty
	Location   *Location    `json:"location"`
	Address    string       `json:"address,omitempty"`
	Department string       `json:"department"`
	Contact    *SiteContact `json:"contact,omitempty"`
	// NextDue is the first inspection's due day (YYYY-MM-DD); today when
	// empty (a new site is inspected first). Changes ignore it.
	NextDue string `json:"next_due,omitempty"`
	// Active false retires a site (changes only); nil keeps it.
	Active *bool `json:"active,omitempty"`
	// Version is the row's version the actor saw (changes; 0: unchecked).
	Version int `json:"version,omitempty"`
}

// Normalize trims the texts of in.
func (in *NewSite) Normalize() {
	in.Code, in.Name, in.Type = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.Type)
	in.Grid, in.Address, in.Department = strings.TrimSpace(in.Grid), strings.TrimSpace(in.Address), strings.TrimSpace(in.Department)
	in.NextDue = strings.TrimSpace(in.NextDue)
	if in.Contact != nil {
		in.Contact.Name, in.Contact.Phone = strings.TrimSpace(in.Contact.Name), strings.TrimSpace(in.Contact.Phone)
		if *in.Contact == (SiteContact{}) {
			in.Contact = nil
		}
	}
}

// Validate adds to v every field of in that is wrong without the
// database: a name, a type, a level 1–4 for a major hazard source and none
// for the others, a position, a department, texts not too long, a phone of
// digits, a due day that is a day. The store adds the type, the grid
// (the position must lie in it: "location"), the department.
func (in *NewSite) Validate(v *Invalid) {
	v.Require("name", in.Name)
	if utf8.RuneCountInString(in.Name) > MaxSiteName {
		v.Add("name", "site.text.long", MaxSiteName)
	}
	if utf8.RuneCountInString(in.Code) > MaxSiteCode {
		v.Add("code", "site.text.long", MaxSiteCode)
	}
	if utf8.RuneCountInString(in.Address) > MaxSiteAddress {
		v.Add("address", "site.text.long", MaxSiteAddress)
	}
	v.Require("type", in.Type)
	switch {
	case SiteTypeLeveled(in.Type) && (in.Level < 1 || in.Level > MaxHazardSourceLevel):
		v.Add("level", "site.level.required")
	case !SiteTypeLeveled(in.Type) && in.Level != 0:
		v.Add("level", "site.level.none")
	}
	if in.Location == nil {
		v.Add("location", "field.required")
	} else if !in.Location.Valid() || (in.Location.Lat == 0 && in.Location.Lng == 0) {
		v.Add("location", "site.location.bad")
	}
	v.Require("department", in.Department)
	if c := in.Contact; c != nil {
		if utf8.RuneCountInString(c.Name) > MaxContactName {
			v.Add("contact.name", "site.text.long", MaxContactName)
		}
		if len(c.Phone) > MaxContactPhone || strings.Trim(c.Phone, "0123456789-+ ") != "" {
			v.Add("contact.phone", "site.phone.bad")
		}
	}
	if in.NextDue != "" {
		if _, ok := ParseDay(in.NextDue); !ok {
			v.Add("next_due", "site.day.bad", in.NextDue)
		}
	}
}

// Inspection is one inspection of a site (检查记录).
type Inspection struct {
	ID            int64            `json:"id"`
	Site          int64            `json:"site"`
	SiteName      string           `json:"site_name,omitempty"`
	Inspector     int64            `json:"inspector"`
	InspectorName string           `json:"inspector_name,omitempty"`
	Day           string           `json:"day"` // YYYY-MM-DD
	Due           string           `json:"due"` // the due day it answered
	OnTime        bool             `json:"on_time"`
	Failed        int              `json:"failed"`
	Note          string           `json:"note,omitempty"`
	Items         []InspectionItem `json:"items,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
}

// InspectionItem is one checked item: the text as it was, 合格 or not, and
// for a failed one its photo (a file's reference), the hazard's level and
// the case filed.
type InspectionItem struct {
	Seq      int         `json:"seq"`
	Text     string      `json:"text"`
	Category string      `json:"category,omitempty"`
	OK       bool        `json:"ok"`
	Photo    string      `json:"photo,omitempty"` // "sha256:…"
	Level    HazardLevel `json:"level,omitempty"`
	Case     string      `json:"case,omitempty"`
	Note     string      `json:"note,omitempty"`
}

// NewInspection is an inspection to record: the day (today when empty),
// one entry per checklist item, and a note.
type NewInspection struct {
	Day   string              `json:"day,omitempty"`
	Items []NewInspectionItem `json:"items"`
	Note  string              `json:"note,omitempty"`
}

// NewInspectionItem is the result of one checklist item (by its seq): OK,
// or failed with a photo, a note, and Major when the hazard is 重大隐患.
type NewInspectionItem struct {
	Seq   int     `json:"seq"`
	OK    bool    `json:"ok"`
	Major bool    `json:"major,omitempty"`
	Note  string  `json:"note,omitempty"`
	Photo *Upload `json:"-"`
}

// Validate adds to v what is wrong with in for a checklist of n items and
// today (YYYY-MM-DD): the day a day not after today, each item once, one
// entry for every item, a photo for each failed item (items[i].photo).
func (in *NewInspection) Validate(v *Invalid, n int, today string) {
	in.Day, in.Note = strings.TrimSpace(in.Day), strings.TrimSpace(in.Note)
	if in.Day == "" {
		in.Day = today
	}
	switch _, ok := ParseDay(in.Day); {
	case !ok:
		v.Add("day", "site.day.bad", in.Day)
	case in.Day > today:
		v.Add("day", "site.day.future", in.Day)
	}
	if utf8.RuneCountInString(in.Note) > MaxInspectionNote {
		v.Add("note", "site.text.long", MaxInspectionNote)
	}
	if len(in.Items) != n {
		v.Add("items", "inspection.items.count", n)
	}
	seen := map[int]bool{}
	for i := range in.Items {
		it := &in.Items[i]
		it.Note = strings.TrimSpace(it.Note)
		f := "items[" + strconv.Itoa(i) + "]"
		if it.Seq < 1 || it.Seq > n || seen[it.Seq] {
			v.Add(f+".seq", "inspection.item.bad", it.Seq)
		}
		seen[it.Seq] = true
		if utf8.RuneCountInString(it.Note) > MaxChecklistText*5 {
			v.Add(f+".note", "site.text.long", MaxChecklistText*5)
		}
		if it.OK {
			continue
		}
		if it.Photo == nil || len(it.Photo.Data) == 0 {
			v.Add(f+".photo", "inspection.photo.required")
		} else {
			CheckPhotos(v, f+".photo", []Upload{*it.Photo})
		}
	}
}

// SiteFilter selects sites for the register.
type SiteFilter struct {
	Type       string `json:"type,omitempty"`
	Level      int    `json:"level,omitempty"`
	Unit       string `json:"unit,omitempty"` // a subtree of the jurisdiction (the site's grid's unit)
	Grid       string `json:"grid,omitempty"`
	Department string `json:"department,omitempty"` // the department or a unit above it
	Overdue    bool   `json:"overdue,omitempty"`
	Q          string `json:"q,omitempty"` // in the name or address
	Inactive   bool   `json:"inactive,omitempty"`
	Limit      int    `json:"limit,omitempty"` // 0: 500
	Offset     int    `json:"offset,omitempty"`
}

// InspectionFigure is one row of the inspections' numbers (检查统计) for a
// unit (a department, or a unit above the departments) and a month: due
// in the month, done in it, of the due done by their day (按期), marked
// overdue, and failed items (hazards filed). From the counters.
type InspectionFigure struct {
	Unit    string `json:"unit"`
	Name    string `json:"name,omitempty"`
	Month   string `json:"month"`
	Due     int64  `json:"due"`
	Done    int64  `json:"done"`
	OnTime  int64  `json:"on_time"`
	Overdue int64  `json:"overdue"`
	Failed  int64  `json:"failed"`
}

// OnTimeRate answers 按期检查率 in percent (on time / due), and false when
// nothing was due.
func (f InspectionFigure) OnTimeRate() (float64, bool) {
	if f.Due == 0 {
		return 0, false
	}
	return float64(f.OnTime) * 100 / float64(f.Due), true
}

// SiteImportRow is a row of an imported register: the site, and its sheet
// row number for messages.
type SiteImportRow struct {
	Row  int     `json:"row"`
	Site NewSite `json:"site"`
}

// SiteImportResult says what an import did or would do.
type SiteImportResult struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
}

// SiteService keeps the register and its inspections.
type SiteService interface {
	// AddSite adds a site. EFORBIDDEN without CapSitesEdit; EINVALID naming
	// each bad field (NewSite.Validate, an unknown type, a grid outside the
	// jurisdiction or not holding the position "location", a department
	// that is not a department in the jurisdiction); ECONFLICT naming name
	// or code when the grid has a site of that name, or the code is taken.
	AddSite(ctx context.Context, actor *User, in *NewSite) (*Site, error)
	// UpdateSite changes a site as AddSite checks it; ECONFLICT naming
	// version when it changed since the actor read it.
	UpdateSite(ctx context.Context, actor *User, id int64, in *NewSite) (*Site, error)
	// FindSite answers a site, its contact masked; ENOTFOUND when there is
	// none or the actor does not see it (its grid's unit or its
	// department in the jurisdiction).
	FindSite(ctx context.Context, actor *User, id int64) (*Site, error)
	// RevealContact answers the site's contact whole, and audits the read.
	RevealContact(ctx context.Context, actor *User, id int64) (*SiteContact, error)
	// FindSites answers the register of the jurisdiction, overdue first,
	// then by due day; contacts masked.
	FindSites(ctx context.Context, actor *User, f SiteFilter) ([]*Site, error)
	// SiteTypes answers the types with their schedules and checklists.
	SiteTypes(ctx context.Context) ([]*SiteType, error)
	// SaveSiteType changes a type's name, schedules and checklist (an
	// administrator or a dispatcher); EINVALID naming each bad field.
	SaveSiteType(ctx context.Context, actor *User, t *SiteType) error
	// RecordInspection records an inspection of a site with its type's
	// checklist and files a hazard case per failed item, all in one
	// transaction. EFORBIDDEN without CapInspect; ENOTFOUND as FindSite;
	// EINVALID naming each bad field (NewInspection.Validate).
	RecordInspection(ctx context.Context, actor *User, site int64, in *NewInspection) (*Inspection, error)
	// Inspections answers a site's inspections, newest first.
	Inspections(ctx context.Context, actor *User, site int64, limit int) ([]*Inspection, error)
	// MarkOverdueInspections marks each active site past its due day
	// overdue once and counts it; answers how many.
	MarkOverdueInspections(ctx context.Context) (int, error)
	// InspectionFigures answers the numbers of a month (YYYY-MM) for unit
	// (the actor's scope when empty) and each unit directly under it that
	// has numbers.
	InspectionFigures(ctx context.Context, actor *User, unit, month string) (total *InspectionFigure, rows []*InspectionFigure, err error)
	// ImportSites adds or changes (by code, else by name and grid) the
	// rows in one transaction; EINVALID naming "rows[N].field" for every
	// bad row, nothing written then. dry answers what it would do.
	ImportSites(ctx context.Context, actor *User, rows []SiteImportRow, dry bool) (*SiteImportResult, error)
}

// SeesSiteContact reports whether u's work needs a site's contact whole
// (on an audited reveal): a dispatcher, a handler, a grid worker or a
// leader of the site's jurisdiction. Viewers, assessors and administrators
// read it masked.
func SeesSiteContact(u *User) bool {
	return u != nil && (u.Has(RoleDispatcher) || u.Has(RoleHandler) || u.Has(RoleGridWorker) || u.Has(RoleLeader))
}

// SiteLevelLabel answers 一级 … 四级 for a hazard source's level, "" for 0.
func SiteLevelLabel(level int) string {
	switch level {
	case 1:
		return "一级"
	case 2:
		return "二级"
	case 3:
		return "三级"
	case 4:
		return "四级"
	}
	return ""
}
