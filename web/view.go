package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// page is a parsed page: the layout with the page's "content".
type page struct {
	t *template.Template
}

// pageNames are the templates under templates/ that are pages; the others
// (layout.html, parts.html) are parsed into each.
var pageNames = []string{"login", "error", "inbox", "case", "report", "mobile", "dashboard",
	"admin_units", "admin_users", "admin_categories", "admin_grids", "admin_holidays", "admin_holidays_preview",
	"public_report", "public_receipt", "public_track", "public_case"}

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"pct": func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"join": func(sep string, xs []string) string {
		return strings.Join(xs, sep)
	},
	"hasRole": func(roles []pingan.Role, r pingan.Role) bool {
		for _, x := range roles {
			if x == r {
				return true
			}
		}
		return false
	},
	"indent": func(level pingan.Level) int { return max(level.Rank()-1, 0) },
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

func loadPages() map[string]*page {
	out := map[string]*page{}
	for _, name := range pageNames {
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(assets,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html"))
		out[name] = &page{t: t}
	}
	return out
}

// templateFiles answers the names of the embedded templates (for tests).
func templateFiles() ([]string, error) {
	return fs.Glob(assets, "templates/*.html")
}

// view is what every page's template is given: the language, the user,
// the anti-forgery token, and the page's own data in D.
type view struct {
	Lang   string
	User   *pingan.User
	CSRF   string
	Title  string
	Nav    string
	Path   string // the request's path and query, for the language switch
	Notice string
	Public bool // the citizen pages are served
	D      any
	// MissingNotice is the year whose holiday notice an administrator
	// should enter now (the banner on the dashboard and the inbox), or 0.
	MissingNotice int

	name string
	s    *Server
	now  time.Time
}

func (s *Server) newView(r *http.Request, name string) *view {
	v := &view{Lang: langOf(r), Path: safeNext(r.URL.RequestURI()), name: name, s: s, now: s.clock.Now(), Public: s.public != nil}
	if sess := sessionOf(r); sess != nil {
		v.User, v.CSRF = sess.user, sess.csrf
	}
	return v
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderStatus(w, r, v, http.StatusOK)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, v *view, status int) {
	p := s.pages[v.name]
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("web: render", "page", v.name, "err", err)
		http.Error(w, "内部错误 (internal error)", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// T answers the message id in the view's language, formatted with args.
func (v *view) T(id string, args ...any) string { return tr(v.Lang, id, args...) }

// KindList answers the kinds in order.
func (v *view) KindList() []pingan.Kind {
	out := make([]pingan.Kind, len(pingan.Kinds))
	for i, k := range pingan.Kinds {
		out[i] = k.Kind
	}
	return out
}

// SatList answers the ratings, best first.
func (v *view) SatList() []pingan.Satisfaction {
	return []pingan.Satisfaction{pingan.Satisfied, pingan.BasicallySatisfied, pingan.Dissatisfied}
}

// En reports whether the page is in English.
func (v *view) En() bool { return v.Lang == "en" }

func (v *view) Status(s pingan.Status) string     { return v.T("status." + string(s)) }
func (v *view) Action(a pingan.ActionName) string { return v.action(a) }
func (v *view) Kind(k pingan.Kind) string         { return v.T("kind." + string(k)) }
func (v *view) Role(r pingan.Role) string         { return v.T("role." + string(r)) }
func (v *view) Level(l pingan.Level) string       { return v.T("level." + string(l)) }
func (v *view) Source(s pingan.Source) string     { return v.T("source." + string(s)) }
func (v *view) Sat(s pingan.Satisfaction) string  { return v.T("sat." + string(s)) }
func (v *view) PeriodUnit(u string) string        { return v.T("period." + u) }
func (v *view) GridType(t pingan.GridType) string { return v.T("gridtype." + string(t)) }
func (v *view) Position(p string) string          { return v.T("gridpos." + p) }

// action names an action; one the catalogue does not know (an action of
// the system added later) by its Chinese label rather than its id.
func (v *view) action(a pingan.ActionName) string {
	if _, ok := catalogue["action."+string(a)]; !ok {
		return a.Label()
	}
	return v.T("action." + string(a))
}

// HolidaysReady reports whether the holiday arrangements can be entered
// here (a calendar service is configured).
func (v *view) HolidaysReady() bool { return v.s != nil && v.s.holidays != nil }

// GridsReady reports whether grids are set up (a grid service is configured).
func (v *view) GridsReady() bool { return v.s != nil && v.s.grids != nil }

// SatP is Sat for an optional rating.
func (v *view) SatP(s *pingan.Satisfaction) string {
	if s == nil {
		return ""
	}
	return v.Sat(*s)
}

// Time formats a time in China Standard Time.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(pingan.CST).Format("2006-01-02 15:04")
}

// TimeP formats an optional time.
func (v *view) TimeP(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.Time(*t)
}

// Date formats a date.
func (v *view) Date(t time.Time) string { return t.In(pingan.CST).Format("2006-01-02") }

// Message answers the text of an error for a person, in the view's language.
func (v *view) Message(err error) string {
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code == pingan.EINTERNAL {
		return v.T("error.internal")
	}
	if e.Message == msgBadCSRF {
		return v.T("error.csrf")
	}
	if e.Message == msgCrossOrigin {
		return v.T("error.crossorigin")
	}
	return v.Bi(e.Message)
}

// Bi answers the part of a bilingual message "中文 (English)" in the view's
// language; a message that is not bilingual is answered whole.
func (v *view) Bi(msg string) string {
	zh, en := splitBilingual(msg)
	if v.Lang == "en" {
		return en
	}
	return zh
}

// splitBilingual splits the domain's "中文 (English) rest" messages.
func splitBilingual(msg string) (zh, en string) {
	for i := 0; i < len(msg); i++ {
		if msg[i] != '(' {
			continue
		}
		j := strings.IndexByte(msg[i:], ')')
		if j < 0 {
			break
		}
		inner := msg[i+1 : i+j]
		if !latin(inner) {
			continue
		}
		rest := strings.TrimSpace(msg[i+j+1:])
		zh = strings.TrimSpace(strings.TrimSpace(msg[:i]) + " " + rest)
		if rest == "" || latin(rest) || isCode(rest) {
			en = strings.TrimSpace(inner + " " + rest)
		} else {
			en = msg
		}
		if strings.TrimSpace(msg[:i]) == "" {
			zh = msg
		}
		return zh, en
	}
	return msg, msg
}

// isCode reports whether s is a code or number: digits, letters, - and _.
func isCode(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || r == ' ' {
			return false
		}
	}
	return true
}

// latin reports whether s has letters and no Han characters.
func latin(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r == '，' || r == '。' || r == '；' || r == '：' {
			return false
		}
		if unicode.IsLetter(r) {
			letters = true
		}
	}
	return letters
}

// Fields localises the field errors of err, or nil.
func (v *view) fields(err error) map[string]string {
	var e *pingan.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for k, m := range e.Fields {
		out[k] = v.Bi(m)
	}
	return out
}

// Deadline is a deadline with the time left before it, in words.
type Deadline struct {
	At      time.Time
	Words   string
	Overdue bool
	Soon    bool // due within a day
	// Provisional says the deadline lies in a year whose holiday notice
	// has not been entered and was counted provisionally (暂定).
	Provisional bool

	lang string
}

// ProvisionalText and ProvisionalWhy are the 暂定 mark and its tooltip.
func (d *Deadline) ProvisionalText() string { return tr(d.lang, "due.provisional") }
func (d *Deadline) ProvisionalWhy() string  { return tr(d.lang, "due.provisional.why") }

// Class answers the CSS class of the deadline's urgency.
func (d *Deadline) Class() string {
	switch {
	case d == nil:
		return ""
	case d.Overdue:
		return "overdue"
	case d.Soon:
		return "soon"
	}
	return "ok"
}

// deadline answers the time left before due, counted in unit (hours,
// calendar or working) on the official calendar, in lang.
func (s *Server) deadline(now time.Time, due *time.Time, unit, lang string) *Deadline {
	if due == nil {
		return nil
	}
	u := calendar.Unit(unit)
	if unit == "" {
		u = calendar.CalendarDays
	}
	d := &Deadline{At: *due, Overdue: now.After(*due), Soon: !now.After(*due) && due.Sub(now) < 24*time.Hour, lang: lang}
	cal := s.cal.Calendar()
	span, err := cal.Remaining(now, *due, u)
	if err != nil {
		// Outside the calendar's years: count calendar days.
		span, err = cal.Remaining(now, *due, calendar.CalendarDays)
	}
	if err != nil {
		d.Words = due.In(pingan.CST).Format("2006-01-02 15:04")
		return d
	}
	if lang == "en" {
		d.Words = span.String()
	} else {
		d.Words = span.Chinese()
	}
	return d
}
