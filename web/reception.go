package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The leaders' side of petitions (reception.go): the reception schedule
// (领导接访日) with the form that adds a day and the button that publishes
// it, the citizens' view of the published days (/public/receptions), the
// records of receptions (接访, 下访, 约访) with their form, the
// long-standing matters (积案) and a leader's own matters (我的包案). The
// pages are about matters and leaders: none lists or follows a petitioner.

// routesReceptions registers the pages when a reception service is
// configured.
func (s *Server) routesReceptions(h func(pattern string, handler http.HandlerFunc)) {
	if s.receptions == nil {
		return
	}
	h("GET /public/receptions", s.limited(s.limits.Public, "limit.public", s.publicReceptions))
	h("GET /reception-days", s.signedIn(s.may(pingan.CapReceptions, s.receptionDaysPage)))
	h("POST /reception-days", s.signedIn(s.may(pingan.CapReceptions, s.form(s.createReceptionDay))))
	h("POST /reception-days/publish", s.signedIn(s.may(pingan.CapReceptions, s.form(s.publishReceptionDay))))
	h("GET /receptions", s.signedIn(s.may(pingan.CapReceptions, s.receptionsPage)))
	h("POST /receptions", s.signedIn(s.may(pingan.CapReceptions, s.form(s.createReception))))
	h("GET /receptions/record", s.signedIn(s.may(pingan.CapReceptions, s.receptionPage)))
	h("GET /petitions/backlog", s.signedIn(s.may(pingan.CapReceptions, s.backlogPage)))
	h("GET /petitions/led", s.signedIn(s.may(pingan.CapLeadCases, s.ledPage)))
}

// ReceptionsReady reports whether the reception pages are served (the menus).
func (v *view) ReceptionsReady() bool { return v.s != nil && v.s.receptions != nil }

// ReceptionKind names a kind of reception.
func (v *view) ReceptionKind(k pingan.ReceptionKind) string { return v.T("rw.kind." + string(k)) }

// ReceptionKinds lists the kinds of reception for the form.
func (v *view) ReceptionKinds() []pingan.ReceptionKind { return pingan.ReceptionKinds }

// MatterStage names a petition's stage, "" for none.
func (v *view) MatterStage(s pingan.PetitionStage) string {
	if s == "" {
		return ""
	}
	return v.T("petition.stage." + string(s))
}

// receptionForm is what the schedule's and the records' forms need: the
// centres and the leaders of the reader's jurisdiction, what was typed and
// the bad fields after a refusal.
type receptionForm struct {
	Units   []*pingan.Unit
	Leaders []*pingan.User
	Values  url.Values
	Errors  map[string]string
	Error   string
	Today   string
}

// Selected reports whether the form's field holds value (the selects).
func (f *receptionForm) Selected(field, value string) bool { return f.Values.Get(field) == value }

// fill reads the centres and leaders of the reader's jurisdiction and the
// refusal ferr into f.
func (s *Server) fillReceptionForm(r *http.Request, v *view, f *receptionForm, ferr error) error {
	ctx, u := r.Context(), userOf(r)
	f.Today = pingan.Day(s.clock.Now())
	if ferr != nil {
		f.Errors, f.Error = v.fields(ferr), v.Message(ferr)
	}
	var err error
	if f.Units, err = s.units.FindUnits(ctx, u, pingan.UnitFilter{Level: pingan.LevelCentre}); err != nil {
		return err
	}
	f.Leaders, err = s.receptions.Leaders(ctx, u)
	return err
}

// formID reads a number the form names; 0 when it is none.
func formID(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// ---- the schedule ----

type receptionDaysData struct {
	Days []*pingan.ReceptionDay
	All  bool
	Form receptionForm
}

func (s *Server) receptionDaysPage(w http.ResponseWriter, r *http.Request) {
	s.renderReceptionDays(w, r, url.Values{"time_from": {"09:00"}, "time_to": {"11:30"}}, nil, http.StatusOK)
}

// renderReceptionDays draws the schedule from today on (all with ?all=1)
// and the form; after a refused form, with what was typed and each bad
// field marked.
func (s *Server) renderReceptionDays(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	v := s.newView(r, "reception_days")
	v.Title, v.Nav = v.T("rw.days.title"), "receptions"
	d := &receptionDaysData{All: r.URL.Query().Get("all") != "", Form: receptionForm{Values: values}}
	switch {
	case r.URL.Query().Get("created") != "":
		v.Notice = v.T("rw.days.created")
	case r.URL.Query().Get("published") != "":
		v.Notice = v.T("rw.days.published")
	case r.URL.Query().Get("withdrawn") != "":
		v.Notice = v.T("rw.days.withdrawn")
	}
	from := pingan.Day(s.clock.Now())
	if d.All {
		from = ""
	}
	days, err := s.receptions.ReceptionDays(r.Context(), userOf(r), from)
	if err == nil {
		err = s.fillReceptionForm(r, v, &d.Form, ferr)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Days = days
	v.D = d
	s.renderStatus(w, r, v, status)
}

func (s *Server) createReceptionDay(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	day := &pingan.ReceptionDay{Unit: f.Get("unit"), LeaderID: formID(f.Get("leader_id")), LeaderPost: f.Get("leader_post"),
		Day: f.Get("day"), TimeFrom: f.Get("time_from"), TimeTo: f.Get("time_to"), Place: f.Get("place"), Topic: f.Get("topic"),
		Published: f.Get("published") != ""}
	if err := s.receptions.CreateReceptionDay(r.Context(), userOf(r), day); err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderReceptionDays(w, r, f, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/reception-days?created=1", http.StatusSeeOther)
}

// publishReceptionDay shows the day the form names (id) on the public
// site (published=1) or withdraws it.
func (s *Server) publishReceptionDay(w http.ResponseWriter, r *http.Request) {
	id := formID(r.PostForm.Get("id"))
	if id == 0 {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "reception.day.notfound", int64(0)))
		return
	}
	on := r.PostForm.Get("published") == "1"
	if err := s.receptions.PublishReceptionDay(r.Context(), userOf(r), id, on); err != nil {
		s.fail(w, r, err)
		return
	}
	if on {
		http.Redirect(w, r, "/reception-days?published=1", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/reception-days?withdrawn=1", http.StatusSeeOther)
}

// publicReceptions is the citizens' view of the schedule: the published
// days from today on.
func (s *Server) publicReceptions(w http.ResponseWriter, r *http.Request) {
	days, err := s.receptions.PublicReceptionDays(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "public_receptions")
	v.Title, v.Nav = v.T("rw.public.title"), "public_receptions"
	v.D = days
	s.render(w, r, v)
}

// ---- the records ----

type receptionsData struct {
	Receptions []*pingan.Reception
	Form       receptionForm
}

func (s *Server) receptionsPage(w http.ResponseWriter, r *http.Request) {
	values := url.Values{"held_on": {pingan.Day(s.clock.Now())}, "people": {"1"}}
	if c := r.URL.Query().Get("case"); c != "" {
		values.Set("cases", c) // from a matter's row: the form starts with it
	}
	s.renderReceptions(w, r, values, nil, http.StatusOK)
}

func (s *Server) renderReceptions(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	v := s.newView(r, "receptions")
	v.Title, v.Nav = v.T("rw.records.title"), "receptions"
	if r.URL.Query().Get("created") != "" {
		v.Notice = v.T("rw.records.created")
	}
	d := &receptionsData{Form: receptionForm{Values: values}}
	rs, err := s.receptions.Receptions(r.Context(), userOf(r))
	if err == nil {
		err = s.fillReceptionForm(r, v, &d.Form, ferr)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Receptions = rs
	v.D = d
	s.renderStatus(w, r, v, status)
}

// matterNumbers splits the matters typed into the form: numbers separated
// by spaces, commas or new lines.
func matterNumbers(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
}

func (s *Server) createReception(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	people, err := strconv.Atoi(strings.TrimSpace(f.Get("people")))
	if err != nil {
		people = 0
	}
	rec := &pingan.Reception{Kind: pingan.ReceptionKind(f.Get("kind")), Unit: f.Get("unit"), LeaderID: formID(f.Get("leader_id")),
		HeldOn: f.Get("held_on"), Place: f.Get("place"), People: people, Notes: f.Get("notes"), Cases: matterNumbers(f.Get("cases"))}
	if err := s.receptions.CreateReception(r.Context(), userOf(r), rec); err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderReceptions(w, r, f, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/receptions/record?id="+strconv.FormatInt(rec.ID, 10)+"&created=1", http.StatusSeeOther)
}

// receptionPage shows one record (?id=) with its notes (the read is
// audited).
func (s *Server) receptionPage(w http.ResponseWriter, r *http.Request) {
	id := formID(r.URL.Query().Get("id"))
	if id == 0 {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "reception.notfound", int64(0)))
		return
	}
	rec, err := s.receptions.Reception(r.Context(), userOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "reception")
	v.Title, v.Nav = v.T("rw.record.title"), "receptions"
	if r.URL.Query().Get("created") != "" {
		v.Notice = v.T("rw.records.created")
	}
	v.D = rec
	s.render(w, r, v)
}

// ---- the matters: 积案 and 我的包案 ----

type backlogData struct {
	B    *pingan.Backlog
	Lead string
}

// backlogPage lists the long-standing matters, filtered by 包案 with
// ?lead=yes|no.
func (s *Server) backlogPage(w http.ResponseWriter, r *http.Request) {
	lead := r.URL.Query().Get("lead")
	b, err := s.receptions.Backlog(r.Context(), userOf(r), pingan.BacklogLead(lead))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "petition_backlog")
	v.Title, v.Nav = v.T("rw.backlog.title"), "receptions"
	v.D = &backlogData{B: b, Lead: lead}
	s.render(w, r, v)
}

// ledPage is a leader's own page: the matters they lead (我的包案).
func (s *Server) ledPage(w http.ResponseWriter, r *http.Request) {
	items, err := s.receptions.Led(r.Context(), userOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "petitions_led")
	v.Title, v.Nav = v.T("rw.led.title"), "led"
	v.D = items
	s.render(w, r, v)
}
