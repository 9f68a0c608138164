package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// page is a parsed page: the layout with the page's "content".
type page struct {
	t *template.Template
}

// pageNames are the templates under templates/ that are pages; the others
// (layout.html, parts.html and the sharedFiles) are parsed into them.
var pageNames = []string{"login", "error", "inbox", "case", "report", "mobile", "dashboard",
	"admin_units", "admin_users", "admin_categories", "admin_grids", "admin_holidays", "admin_holidays_preview",
	"public_report", "public_receipt", "public_track", "public_case", "campaigns", "campaign",
	"reception_days", "receptions", "reception", "petition_backlog", "petitions_led", "public_receptions",
	"assess", "assess_scheme", "assess_period", "assess_result", "monthly", "handlers"}

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
	"list":   func(xs ...string) []string { return xs },
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
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(assets, pageFiles(name)...))
		out[name] = &page{t: t}
	}
	return out
}

// baseFiles are parsed into every page; sharedFiles into the pages that
// call a template one of them defines (the case page the mediation's
// card, the dashboard its sections …), directly or through another.
// Every page holds its own copy of the trees it parses, and the escaped
// copies after its first answer: parsing every file into each of the
// sixty pages kept some 50 MB of trees alive, which the collector marks
// on every cycle.
var (
	baseFiles   = []string{"templates/layout.html", "templates/parts.html"}
	sharedFiles = []string{"templates/mediation.html", "templates/petition.html", "templates/hazard_steps.html",
		"templates/dashboard_hazards.html", "templates/dashboard_creation.html", "templates/dashboard_risks.html",
		"templates/dashboard_sites.html"}
)

var (
	templateCall   = regexp.MustCompile(`\{\{-?\s*(?:template|block)\s+"([^"]+)"`)
	templateDefine = regexp.MustCompile(`\{\{-?\s*(?:define|block)\s+"([^"]+)"`)
)

// sharedFile is a shared template file: the templates it defines and
// those it calls.
type sharedFile struct {
	name           string
	defines, calls []string
}

// shared are the sharedFiles, read once for every page's pageFiles.
var shared = sync.OnceValue(func() []sharedFile {
	out := make([]sharedFile, len(sharedFiles))
	for i, f := range sharedFiles {
		text := readTemplate(f)
		out[i] = sharedFile{name: f, defines: templateNames(templateDefine, text), calls: templateNames(templateCall, text)}
	}
	return out
})

// baseCalls are the templates the base files call, read once.
var baseCalls = sync.OnceValue(func() []string {
	var out []string
	for _, f := range baseFiles {
		out = append(out, templateNames(templateCall, readTemplate(f))...)
	}
	return out
})

// pageFiles answers the files of the page name: the base files, the
// shared files whose templates it calls, and its own, last.
func pageFiles(name string) []string {
	own := "templates/" + name + ".html"
	called := map[string]bool{}
	call := func(names []string) {
		for _, n := range names {
			called[n] = true
		}
	}
	call(baseCalls())
	call(templateNames(templateCall, readTemplate(own)))
	// Until no shared file left out defines a template called.
	taken := map[string]bool{}
	for more := true; more; {
		more = false
		for _, f := range shared() {
			if !taken[f.name] && slices.ContainsFunc(f.defines, func(n string) bool { return called[n] }) {
				taken[f.name], more = true, true
				call(f.calls)
			}
		}
	}
	files := slices.Clone(baseFiles)
	for _, f := range sharedFiles { // in their order, as before
		if taken[f] {
			files = append(files, f)
		}
	}
	return append(files, own)
}

// readTemplate answers the text of the embedded template file f.
func readTemplate(f string) string {
	b, err := fs.ReadFile(assets, f)
	if err != nil {
		panic(err) // the files are embedded: a missing one is a build fault
	}
	return string(b)
}

// templateNames answers the names of the templates re finds in text.
func templateNames(re *regexp.Regexp, text string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
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
	Lang   pingan.Lang
	User   *pingan.User
	CSRF   string
	Title  string
	Nav    string
	Path   string // the request's path and query, for the language switch
	Notice string
	Public bool // the citizen pages are served
	// Limited: the session opens only the page it must finish first
	// (enrol in TOTP, change an expired password); no menu is drawn.
	Limited bool
	D       any
	// MissingNotice is the year whose holiday notice an administrator
	// should enter now (the banner on the dashboard and the inbox), or 0.
	MissingNotice int

	name string
	s    *Server
	now  time.Time
	ctx  context.Context
}

func (s *Server) newView(r *http.Request, name string) *view {
	v := &view{Lang: langOf(r), Path: safeNext(r.URL.RequestURI()), name: name, s: s, now: s.clock.Now(), Public: s.public != nil,
		ctx: r.Context()}
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
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := p.t.ExecuteTemplate(buf, "layout", v); err != nil {
		s.log.Error("web: render", "page", v.name, "err", err)
		http.Error(w, v.T("error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageBuffers keeps the buffers pages render into: a city's dashboard is
// 600 KB, grown anew in every request a megabyte of garbage.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for the next page; a larger
// one (an unusual page) is left to the collector.
const maxPooledBuffer = 4 << 20

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// T answers the message with key in the view's language, formatted with
// args: the one catalogue of pingan (pingan.Text), which the API shares.
func (v *view) T(key string, args ...any) string { return pingan.Text(v.Lang, key, args...) }

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
func (v *view) En() bool { return v.Lang == pingan.EN }

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
	if !pingan.HasMessage("action." + string(a)) {
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

// Message answers the text of an error for a person, in the view's
// language; an internal error answers only the generic sentence.
func (v *view) Message(err error) string { return pingan.ErrorText(err, v.Lang) }

// fields answers the field errors of err in the view's language, or nil.
func (v *view) fields(err error) map[string]string { return pingan.FieldTexts(err, v.Lang) }

// Deadline is a deadline with the time left before it, in words.
type Deadline struct {
	At      time.Time
	Words   string
	Overdue bool
	Soon    bool // due within a day
	// Provisional says the deadline lies in a year whose holiday notice
	// has not been entered and was counted provisionally (暂定).
	Provisional bool
	// Label is the key of the deadline's name (签收时限, 办结时限, 督办时限).
	Label string
	// Kind is which deadline it is.
	Kind pingan.DueKind

	lang pingan.Lang
}

// ProvisionalText and ProvisionalWhy are the 暂定 mark and its tooltip.
func (d *Deadline) ProvisionalText() string { return pingan.Text(d.lang, "due.provisional") }
func (d *Deadline) ProvisionalWhy() string  { return pingan.Text(d.lang, "due.provisional.why") }

// Name is the deadline's name in the page's language.
func (d *Deadline) Name() string { return pingan.Text(d.lang, d.Label) }

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

// dueLabels are the keys of the deadlines' names.
var dueLabels = map[pingan.DueKind]string{pingan.DueSign: "due.sign", pingan.DueResolve: "due.resolve",
	pingan.DueSupervise: "deadline.supervise"}

// deadline answers the time left before due, or past it, in words
// (countdown), in lang; unit is the unit of the policy it was counted in
// (hours, calendar or working), which counts the days of a long one.
func (s *Server) deadline(now time.Time, due *time.Time, unit string, lang pingan.Lang) *Deadline {
	if due == nil {
		return nil
	}
	d := &Deadline{At: *due, Overdue: now.After(*due), Soon: !now.After(*due) && due.Sub(now) < 24*time.Hour, lang: lang}
	d.Words = s.countdown(now, *due, unit, lang)
	return d
}

// countdown says how long before due now is, or how long past it: in
// minutes under an hour, in hours under a day, then in days — working days
// for a deadline counted in them, on the official calendar. Time left is
// rounded down (never promise more than there is); time past is rounded
// up (a minute, an hour or a day that has begun counts), so a deadline
// missed by six minutes reads "已超期 6 分钟", never "1 小时".
func (s *Server) countdown(now, due time.Time, unit string, lang pingan.Lang) string {
	gap, over := due.Sub(now), now.After(due)
	if over {
		gap = -gap
	}
	round := func(d time.Duration) int {
		n := int(gap / d)
		if over && gap%d != 0 {
			n++
		}
		return n
	}
	say := func(what string, n int) string {
		key := "countdown.left." + what
		if over {
			key = "countdown.over." + what
		}
		if n == 1 {
			key += ".one"
		}
		return pingan.Text(lang, key, n)
	}
	if m := round(time.Minute); m < 60 {
		if m == 0 {
			return pingan.Text(lang, "countdown.now")
		}
		return say("minutes", m)
	}
	if h := round(time.Hour); h < 24 {
		return say("hours", h)
	}
	if calendar.Unit(unit) == calendar.WorkingDays && s.cal != nil {
		if span, err := s.cal.Calendar().Remaining(now, due, calendar.WorkingDays); err == nil && span.N > 0 {
			return say("workdays", span.N)
		}
	}
	return say("days", round(24*time.Hour))
}

// dues dresses the deadlines the case must meet now (pingan.Case.Dues),
// with the units of its category's policy (cat may be nil).
func (s *Server) dues(c *pingan.Case, cat *pingan.Category, now time.Time, lang pingan.Lang) []*Deadline {
	var out []*Deadline
	for _, due := range c.Dues() {
		unit := ""
		if cat != nil {
			switch due.Kind {
			case pingan.DueSign:
				unit = cat.Policy.Sign.Unit
			case pingan.DueResolve:
				unit = cat.Policy.Resolve.Unit
			}
		}
		at := due.At
		d := s.deadline(now, &at, unit, lang)
		d.Kind, d.Label, d.Provisional = due.Kind, dueLabels[due.Kind], due.Provisional
		d.Overdue = due.PassedAt(now)
		if due.Stopped != nil {
			d.Soon = false
			d.Words = pingan.Text(lang, "due.suspended")
			if d.Overdue {
				d.Words = pingan.Text(lang, "countdown.stopped.over")
			}
		}
		out = append(out, d)
	}
	return out
}

// deadlineCard is what the 办理时限 card of a case shows.
type deadlineCard struct {
	Dues []*Deadline
	// OverdueNow: one of Dues has passed (超期); Missed: the case missed a
	// deadline before (曾超期, the overdue flag).
	OverdueNow, Missed bool
	// Kinds of the deadlines that have passed, for the 超期 tags.
	Passed []pingan.DueKind
}

// Deadlines answers the 办理时限 card of c (template "deadlines").
func (v *view) Deadlines(c *pingan.Case) *deadlineCard {
	var cat *pingan.Category
	if v.s != nil && v.s.categories != nil {
		ctx := v.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		if cats, err := v.s.categories.Categories(ctx); err == nil {
			cat = indexCategories(cats)[c.Category]
		}
	}
	return newDeadlineCard(v.s.dues(c, cat, v.now, v.Lang), c)
}

func newDeadlineCard(dues []*Deadline, c *pingan.Case) *deadlineCard {
	card := &deadlineCard{Dues: dues, Missed: c.Overdue}
	for _, d := range dues {
		if d.Overdue {
			card.OverdueNow = true
			card.Passed = append(card.Passed, d.Kind)
		}
	}
	return card
}

// rateCell is a rate as a figure: "—" with a tooltip when there is
// nothing to count.
type rateCell struct {
	Text, Why string
	None      bool
}

// Rate answers the rate id of st as a figure.
func (v *view) Rate(st *pingan.Stats, id string) rateCell {
	return rateOf(st, id, v.Lang)
}

func rateOf(st *pingan.Stats, id string, lang pingan.Lang) rateCell {
	if st == nil || rateBase(st, id) == 0 {
		return rateCell{Text: pingan.Text(lang, "rate.none"), Why: pingan.Text(lang, "rate.none."+id), None: true}
	}
	return rateCell{Text: pctText(st.Rates[id])}
}
