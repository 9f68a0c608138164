package pingan

import (
	"context"
	"time"
)

// HolidayYear is one year's holiday arrangement (节假日安排) entered at run
// time: the days of the State Council's notice for the year, read from its
// text or entered day by day by an administrator. A year entered wins over
// the data shipped with the program; a year neither entered nor shipped is
// counted on the provisional rule (package calendar).
type HolidayYear struct {
	Year int `json:"year"`
	// Holidays maps each day off ("YYYY-MM-DD") to its holiday's name;
	// Workdays each make-up working day (调休上班, a Saturday or Sunday)
	// to the holiday it makes up for. Days are filed under their own
	// year: a notice that starts 元旦 on 30 December is entered as two
	// years.
	Holidays  map[string]string `json:"holidays"`
	Workdays  map[string]string `json:"workdays"`
	Notice    string            `json:"notice,omitempty"` // the notice's text, when read from one
	EnteredBy string            `json:"entered_by,omitempty"`
	EnteredAt time.Time         `json:"entered_at"`
}

// DeadlineChange is one open deadline moved by a change of the calendar.
type DeadlineChange struct {
	CaseID string    `json:"case_id"`
	Field  string    `json:"field"` // sign_by or resolve_by
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
}

// Recount reports what entering a holiday arrangement did, or would do, to
// the open deadlines counted across it (时限重算).
type Recount struct {
	Years    []int `json:"years"`
	Examined int   `json:"examined"` // open cases whose deadlines could cross the years
	Cases    int   `json:"cases"`    // cases with a moved deadline
	Moved    int   `json:"moved"`    // deadlines moved
	// Kept counts the deadlines the timeline does not explain (their
	// category's policy changed since they were counted): left as they are.
	Kept    int              `json:"kept"`
	Changes []DeadlineChange `json:"changes"` // the first MaxRecountChanges
	Applied bool             `json:"applied"` // false for a preview
}

// MaxRecountChanges bounds Recount.Changes.
const MaxRecountChanges = 200

// CalendarService keeps the holiday arrangements entered at run time.
type CalendarService interface {
	// HolidayYears answers the years entered at run time, oldest first.
	HolidayYears(ctx context.Context) ([]*HolidayYear, error)
	// EnterHolidayYears enters (or replaces) the arrangements of the
	// given years and recounts every open deadline counted across them,
	// in one transaction: all of it or nothing. With preview it answers
	// what would change and writes nothing. The actor must be an
	// administrator whose jurisdiction is the whole tree; nil is the
	// operator at the command line. EINVALID names the year and the day
	// that is wrong (a date outside its year, a make-up working day on a
	// weekday, a day both off and working, a year that leaves a gap);
	// EFORBIDDEN for any other actor.
	EnterHolidayYears(ctx context.Context, actor *User, years []*HolidayYear, preview bool) (*Recount, error)
}
