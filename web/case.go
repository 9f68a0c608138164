package web

import (
	"context"
	"fmt"
	"html/template"
	"maps"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// actionFields names the form fields each action needs (API.md, lifecycle).
var actionFields = map[pingan.ActionName][]string{
	pingan.ActReport:    nil,
	pingan.ActAccept:    {"category"},
	pingan.ActReject:    {"reason"},
	pingan.ActDispatch:  {"to_unit", assistUnitsField},
	pingan.ActSign:      {},
	pingan.ActReturn:    {"reason"},
	pingan.ActResolve:   {"result", "photos"},
	pingan.ActClose:     {"note"},
	pingan.ActRework:    {"reason"},
	pingan.ActEscalate:  {"reason"},
	pingan.ActExtend:    {"days", "reason"},
	pingan.ActSuspend:   {"reason"},
	pingan.ActResume:    {"note"},
	pingan.ActSupervise: {"deadline", "note"},
	pingan.ActComment:   {"note", "photos"},
	pingan.ActRate:      {"satisfaction"},
	pingan.ActReopen:    {"reason"},

	pingan.ActRequestExtend:  {"days", "reason"},
	pingan.ActRequestSuspend: {"reason"},
	pingan.ActApproveRequest: {"note"},
	pingan.ActRefuseRequest:  {"reason"},

	pingan.ActAssistSign:   {},                   // 协办签收 (cohandle.go)
	pingan.ActAssistReport: {"result", "photos"}, // 协办反馈

	// Duplicates and links: the forms of their own card (merge.go).
	pingan.ActMerge:  {"to_case", "reason"},
	pingan.ActLink:   {"to_case", "note"},
	pingan.ActUnlink: {"to_case"},
}

// actionForm is one action the reader may take now, as a small form.
type actionForm struct {
	Name   pingan.ActionName
	fields []string
	Open   bool // shown unfolded: it was just tried and failed
	Errors map[string]string
	Values map[string]string
	Error  string
}

// Has reports whether the form has the field.
func (a *actionForm) Has(field string) bool {
	for _, f := range a.fields {
		if f == field {
			return true
		}
	}
	return false
}

// Primary reports whether the action moves the case forward (a filled button).
func (a *actionForm) Primary() bool {
	switch a.Name {
	case pingan.ActAccept, pingan.ActDispatch, pingan.ActSign, pingan.ActResolve, pingan.ActClose, pingan.ActRate,
		pingan.ActAssistSign, pingan.ActAssistReport:
		return true
	}
	return false
}

type timelineRow struct {
	A            *pingan.Action
	FromUnitName string
	ToUnitName   string
	Photos       []string // sha256 sums
}

type caseData struct {
	C            *pingan.Case
	CategoryName string
	UnitName     string
	HoldingName  string // the centre holding the case (受理), by name
	AssignedName string
	GridName     string
	// Escalated says in words where the case was escalated to ("已上报至县（区）级（肃州区综治中心）").
	Escalated string
	// EscalateTarget is where 上报上级 would send the case now (docs/escalation.md),
	// shown before it is confirmed; EscalateTop when there is nowhere above.
	EscalateTarget string
	EscalateTop    bool
	// Map draws the case's grid with its position; empty without a grid or a position.
	Map        template.HTML
	SignDue    *Deadline
	ResolveDue *Deadline
	Masked     bool // the store masked the personal data for this reader (pingan.SeesPersonal)
	Reporter   *pingan.Person
	Parties    []pingan.Person
	Timeline   []*timelineRow
	Actions    []*actionForm
	Categories []*pingan.Category
	Units      []*pingan.Unit
	Done       pingan.ActionName
	Error      string
	// Rel is the card of duplicates and links (合并与关联, merge.go).
	Rel *relationsCard
	// Assists are the assisting units (协办) of the card 协办单位 (cohandle.go).
	Assists []*assistView
	// Med is the mediation of a dispute (调解, mediation.go); nil for the
	// other kinds.
	Med *mediationView
	// Pet is a petition's card (信访, petition.go); nil for the other kinds.
	Pet *petitionView
	// Hz is a hazard's card (安全隐患, hazard.go); nil for the other kinds.
	Hz *hazardView
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadCase(r.Context(), userOf(r), r.PathValue("id"), langOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := pingan.ActionName(r.URL.Query().Get("done")); knownAction(done) {
		d.Done = done
	}
	s.renderCase(w, r, d, http.StatusOK)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, d *caseData, status int) {
	v := s.newView(r, "case")
	v.Title, v.Nav, v.D = d.C.Number, "inbox", d
	if d.Done != "" {
		v.Notice = v.T("case.done", v.Action(d.Done))
	}
	s.renderStatus(w, r, v, status)
}

// caseUnits is what the store answers beyond pingan.CaseService for the
// case page (store.Cases implements it): the units a case names and the
// centres serving them, by name, the case's grid, and where an escalation
// would send it. A service without it leaves the page showing codes.
type caseUnits interface {
	CaseUnits(ctx context.Context, actor *pingan.User, id string) ([]*pingan.Unit, error)
	CaseGrid(ctx context.Context, actor *pingan.User, id string) (*pingan.Grid, error)
	EscalationTarget(ctx context.Context, actor *pingan.User, id string) (*pingan.Unit, error)
}

// caseNames answers the names of the units the case names and of the
// centres serving them, learned by the reader who sees the case, and
// remembers them for the inbox's sentence after the case left the reader's
// jurisdiction. centre answers a unit's centre (综治中心), if it has one.
func (s *Server) caseNames(ctx context.Context, u *pingan.User, id string) (name func(code string) string, centre, unit func(code string) *pingan.Unit) {
	byCode, centres := map[string]*pingan.Unit{}, map[string]*pingan.Unit{}
	if cu, ok := s.cases.(caseUnits); ok {
		if units, err := cu.CaseUnits(ctx, u, id); err == nil {
			s.rememberUnits(units...)
			for _, x := range units {
				byCode[x.Code] = x
				if x.Level == pingan.LevelCentre && centres[x.ParentCode] == nil {
					centres[x.ParentCode] = x
				}
			}
		}
	}
	name = func(code string) string {
		if x := byCode[code]; x != nil {
			return x.Name
		}
		return s.unitName(ctx, u, code)
	}
	return name, func(code string) *pingan.Unit { return centres[code] }, func(code string) *pingan.Unit { return byCode[code] }
}

// holderName names the unit holding a case: its centre (综治中心) when it
// has one, else the unit itself.
func holderName(code string, name func(string) string, centre func(string) *pingan.Unit) string {
	if c := centre(code); c != nil {
		return c.Name
	}
	return name(code)
}

// loadCase reads what the case page shows. A case outside the user's
// jurisdiction answers ENOTFOUND, like one that does not exist.
func (s *Server) loadCase(ctx context.Context, u *pingan.User, id string, lang pingan.Lang) (*caseData, error) {
	c, err := s.cases.FindCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	tl, err := s.cases.Timeline(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		return nil, err
	}
	name, centre, unit := s.caseNames(ctx, u, id)
	d := &caseData{C: c, Categories: cats, Masked: c.PersonalMasked, Reporter: c.Reporter, Parties: c.Parties,
		UnitName: name(c.Unit), HoldingName: holderName(c.HoldingUnit, name, centre),
		AssignedName: name(c.AssignedUnit), GridName: c.Grid}
	d.Assists = assistViews(c, u, name) // 协办 (cohandle.go)
	cu, _ := s.cases.(caseUnits)
	if c.Grid != "" && cu != nil {
		if g, err := cu.CaseGrid(ctx, u, id); err == nil {
			d.GridName = g.Name
			d.Map = caseMapSVG(g, c.Location, pingan.Text(lang, "case.map.point"))
		}
	}
	if c.EscalationLevel > 0 {
		level := ""
		if h := unit(c.HoldingUnit); h != nil && h.Level.Administrative() {
			level = pingan.Text(lang, "escalate.level."+string(h.Level))
		}
		if level != "" {
			d.Escalated = pingan.Text(lang, "case.escalated.to", level, d.HoldingName)
		} else {
			d.Escalated = pingan.Text(lang, "case.escalated.words", c.EscalationLevel, d.HoldingName)
		}
	}
	cat := indexCategories(cats)[c.Category]
	var signUnit string
	if cat != nil {
		d.CategoryName = cat.Name
		signUnit = cat.Policy.Sign.Unit
	}
	now := s.clock.Now()
	if c.Status == pingan.StatusDispatched {
		if d.SignDue = s.deadline(now, c.SignBy, signUnit, lang); d.SignDue != nil {
			d.SignDue.Provisional = c.SignByProvisional
		}
	}
	if c.Status.Open() && c.Status != pingan.StatusResolved {
		d.ResolveDue, _ = s.dueOf(&pingan.Case{Status: pingan.StatusInProgress, ResolveBy: c.ResolveBy,
			ResolveByProvisional: c.ResolveByProvisional, Overdue: c.Overdue, Suspended: c.Suspended}, cat, now, lang)
	}
	for _, a := range tl {
		tr := &timelineRow{A: a, FromUnitName: name(a.FromUnit), ToUnitName: name(a.ToUnit)}
		for _, ref := range a.Attachments {
			if sum, ok := strings.CutPrefix(ref, "sha256:"); ok && validSum(sum) {
				tr.Photos = append(tr.Photos, sum)
			}
		}
		d.Timeline = append(d.Timeline, tr)
	}
	d.Rel = s.relationsOf(ctx, u, c) // duplicates and links (merge.go)
	// A dispute's mediation (mediation.go).
	if d.Med, err = s.loadMediation(ctx, u, c, name, unit, lang); err != nil {
		return nil, err
	}
	for _, name := range c.AllowedActions {
		if pairAction(name) {
			continue // the card's own forms
		}
		f := &actionForm{Name: name, fields: actionFields[name]}
		d.Actions = append(d.Actions, f)
		switch name {
		case pingan.ActDispatch:
			units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
			if err != nil {
				return nil, err
			}
			s.rememberUnits(units...)
			for _, x := range units {
				if x.Level != pingan.LevelCentre && x.Level != pingan.LevelProvince {
					d.Units = append(d.Units, x)
				}
			}
			if code := mediationOrgFor(c, cat, d.Units); code != "" { // a dispute's (dispatch_org.go)
				f.Values = map[string]string{"to_unit": code}
			}
		case pingan.ActEscalate:
			if cu == nil {
				continue
			}
			target, err := cu.EscalationTarget(ctx, u, id)
			if err != nil {
				return nil, err
			}
			if target == nil {
				d.EscalateTop = true
				continue
			}
			s.rememberUnits(target)
			d.EscalateTarget = pingan.Text(lang, "escalate.target", pingan.Text(lang, "escalate.level."+string(target.Level)), target.Name)
		}
	}
	// A petition's card and its steps' documents (petition.go).
	if d.Pet, err = s.loadPetition(ctx, u, c, d, lang); err != nil {
		return nil, err
	}
	if d.Hz, err = s.loadHazard(ctx, u, c, name); err != nil { // a hazard's (hazard.go)
		return nil, err
	}
	return d, nil
}

// act applies one lifecycle action from the case page's forms.
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	ctx, u, id := r.Context(), userOf(r), r.PathValue("id")
	name := pingan.ActionName(r.PostFormValue("action"))
	in := pingan.ActionInput{
		Action:       name,
		Reason:       strings.TrimSpace(r.PostFormValue("reason")),
		Result:       strings.TrimSpace(r.PostFormValue("result")),
		Note:         strings.TrimSpace(r.PostFormValue("note")),
		ToUnit:       strings.TrimSpace(r.PostFormValue("to_unit")),
		Category:     strings.TrimSpace(r.PostFormValue("category")),
		Satisfaction: pingan.Satisfaction(r.PostFormValue("satisfaction")),
		ToCase:       strings.TrimSpace(r.PostFormValue("to_case")),
	}
	if name == pingan.ActDispatch {
		in.AssistUnits = assistCodes(r.PostForm[assistUnitsField]) // 协办 (cohandle.go)
	}
	var bad pingan.Invalid
	if mediationAction(name) {
		readMediation(r, &in, &bad) // a dispute's mediation (mediation.go)
	}
	if name == pingan.ActAccept {
		readAcceptParties(r, &in)        // a dispute's parties (mediation.go)
		readAcceptPetition(r, &in, &bad) // a petition's registration (petition_accept.go)
	}
	readPetition(r, &in, &bad) // a petition's steps (petition.go)
	readHazard(r, &in, &bad)   // a hazard's steps (hazard.go)
	if days := strings.TrimSpace(r.PostFormValue("days")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil {
			bad.Add("days", "act.days.bad")
		}
		in.Days = n
	}
	if dl := strings.TrimSpace(r.PostFormValue("deadline")); dl != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", dl, pingan.CST)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02", dl, pingan.CST); err == nil {
				t = t.Add(18 * time.Hour) // the end of that working day
			}
		}
		if err != nil {
			bad.Add("deadline", "act.deadline.bad")
		} else {
			in.Deadline = &t
		}
	}
	err := bad.Err()
	if err == nil && (name == pingan.ActResolve || name == pingan.ActComment || name == pingan.ActAssistReport || name == pingan.ActRectifyDone) {
		in.Photos, err = readPhotos(r, photoField)
	}
	if err == nil && (name == pingan.ActEscalate || name == pingan.ActReturn) {
		// Learn the names of where the case may go while the reader
		// still sees it: the inbox names it after it has gone.
		s.caseNames(ctx, u, id)
		if cu, ok := s.cases.(caseUnits); ok && name == pingan.ActEscalate {
			if t, terr := cu.EscalationTarget(ctx, u, id); terr == nil && t != nil {
				s.rememberUnits(t)
			}
		}
	}
	if err == nil && name == pingan.ActMerge && r.PostFormValue("confirm") == "" {
		s.mergePreview(w, r, in) // 合并到: show the main case before merging (merge.go)
		return
	}
	var c *pingan.Case
	if err == nil {
		c, err = s.cases.Act(ctx, u, id, in)
	}
	if err == nil {
		if c != nil && !u.Sees(c.UnitPath) && !u.Sees(c.HoldingPath) && !u.Sees(c.AssignedPath) && c.ActiveAssist(u.UnitCode) == nil {
			// The action took the case out of the reader's jurisdiction
			// (a handler's 退回 or 上报上级): its page would answer "not
			// found", so the inbox says what happened and where it went.
			q := url.Values{"moved": {string(name)}, "moved_case": {c.Number}, "moved_to": {c.HoldingUnit}}
			http.Redirect(w, r, "/inbox?"+q.Encode(), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/cases/"+id+"?done="+string(name), http.StatusSeeOther)
		return
	}
	if (pingan.ErrorCode(err) == pingan.ENOTFOUND && !pairAction(name)) || pingan.ErrorCode(err) == pingan.EINTERNAL {
		s.fail(w, r, err) // a second case not found is told in its card, below
		return
	}
	// Show the page again with the error beside the fields of the form.
	d, lerr := s.loadCase(ctx, u, id, langOf(r))
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	v := s.newView(r, "case")
	values := map[string]string{}
	for _, k := range []string{"reason", "result", "note", "to_unit", "category", "days", "deadline", "satisfaction"} {
		values[k] = r.PostFormValue(k)
	}
	values[assistUnitsField] = strings.Join(r.PostForm[assistUnitsField], ",")
	if mediationAction(name) {
		maps.Copy(values, mediationValues(r, name))
	}
	maps.Copy(values, petitionValues(r)) // petition.go
	maps.Copy(values, hazardValues(r))   // hazard.go
	if name == pingan.ActAccept {
		maps.Copy(values, acceptPetitionValues(r)) // petition_accept.go
	}
	found := false
	if pairAction(name) {
		d.Rel.refusedPair(v, r, name, err)
		found = true
	}
	for _, f := range d.Actions {
		if f.Name == name {
			f.Open, f.Errors, f.Values, found = true, v.fields(err), values, true
			if len(f.Errors) == 0 {
				f.Error = v.Message(err)
			}
			if name == pingan.ActAccept {
				d.refusedAccept(r, f.Errors)
			}
		}
	}
	if d.Pet != nil && d.Pet.refused(v, r, name, err, d.Rel) { // 送达, merge (petition.go)
		found = true
	}
	if !found || pingan.ErrorCode(err) != pingan.EINVALID {
		d.Error = v.Message(err)
	}
	s.renderCase(w, r, d, statusOf(err))
}

// caseFile serves a photo of a case to a user who may see the case.
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) {
	s.serveFile(w, r, r.PathValue("id"), r.PathValue("sum"))
}

func knownAction(a pingan.ActionName) bool {
	_, ok := actionFields[a]
	return ok
}

// movedNotice answers the inbox's sentence after an action took a case out
// of the reader's jurisdiction (act): what was done to which case and which
// unit holds it now, by the name learned while the reader saw the case.
// Empty when the request carries no such news.
func (s *Server) movedNotice(r *http.Request, v *view) string {
	q := r.URL.Query()
	action, number, to := pingan.ActionName(q.Get("moved")), q.Get("moved_case"), q.Get("moved_to")
	if !knownAction(action) || number == "" || to == "" {
		return ""
	}
	holder := s.knownName(to)
	switch action {
	case pingan.ActEscalate:
		return v.T("moved.escalate", number, holder)
	case pingan.ActReturn:
		return v.T("moved.return", number, holder)
	}
	return v.T("moved.other", number, holder, v.Action(action))
}

// knownName answers the name of a unit the server has learned, else its
// code: never a look-up on behalf of a request's parameters.
func (s *Server) knownName(code string) string {
	s.names.mu.Lock()
	defer s.names.mu.Unlock()
	if e, ok := s.names.m[code]; ok {
		return e.name
	}
	return code
}

// caseMapSVG draws the case's grid with a pin where the case happened, as
// inline SVG in the projection of the grid maps (gridmap.go); empty when the
// grid has no area to draw. A position outside the grid's polygon (a grid
// chosen by hand) widens the map to hold it.
func caseMapSVG(g *pingan.Grid, at *pingan.Location, label string) template.HTML {
	shapes := rings(g.Geometry)
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range shapes {
		for _, p := range r {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
			minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
		}
	}
	if at != nil {
		minX, maxX = math.Min(minX, at.Lng), math.Max(maxX, at.Lng)
		minY, maxY = math.Min(minY, at.Lat), math.Max(maxY, at.Lat)
	}
	if math.IsInf(minX, 1) || maxX == minX || maxY == minY {
		return ""
	}
	const w = 480.0
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	scale := w / ((maxX - minX) * k)
	h := (maxY - minY) * scale
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="map case-map" id="case-map" viewBox="-12 -12 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w+24, h+24, esc(g.Name), esc(g.Name))
	for _, r := range shapes {
		pts := make([]string, 0, len(r))
		for _, p := range r {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", (p[0]-minX)*k*scale, (maxY-p[1])*scale))
		}
		fmt.Fprintf(&b, `<polygon class="gt-%s" points="%s"><title>%s</title></polygon>`, esc(string(g.Type)), strings.Join(pts, " "), esc(g.Name))
	}
	if at != nil {
		fmt.Fprintf(&b, `<circle class="pin" id="case-pin" cx="%.1f" cy="%.1f" r="7"><title>%s</title></circle>`,
			(at.Lng-minX)*k*scale, (maxY-at.Lat)*scale, esc(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
