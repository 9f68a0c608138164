package web

import (
	"context"
	"net/http"
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
	pingan.ActDispatch:  {"to_unit"},
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
	case pingan.ActAccept, pingan.ActDispatch, pingan.ActSign, pingan.ActResolve, pingan.ActClose, pingan.ActRate:
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
	HoldingName  string
	AssignedName string
	SignDue      *Deadline
	ResolveDue   *Deadline
	Masked       bool // the store masked the personal data for this reader (pingan.SeesPersonal)
	Reporter     *pingan.Person
	Parties      []pingan.Person
	Timeline     []*timelineRow
	Actions      []*actionForm
	Categories   []*pingan.Category
	Units        []*pingan.Unit
	Done         pingan.ActionName
	Error        string
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
	d := &caseData{C: c, Categories: cats, Masked: c.PersonalMasked, Reporter: c.Reporter, Parties: c.Parties,
		UnitName: s.unitName(ctx, u, c.Unit), HoldingName: s.unitName(ctx, u, c.HoldingUnit),
		AssignedName: s.unitName(ctx, u, c.AssignedUnit)}
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
		tr := &timelineRow{A: a, FromUnitName: s.unitName(ctx, u, a.FromUnit), ToUnitName: s.unitName(ctx, u, a.ToUnit)}
		for _, ref := range a.Attachments {
			if sum, ok := strings.CutPrefix(ref, "sha256:"); ok && validSum(sum) {
				tr.Photos = append(tr.Photos, sum)
			}
		}
		d.Timeline = append(d.Timeline, tr)
	}
	for _, name := range c.AllowedActions {
		f := &actionForm{Name: name, fields: actionFields[name]}
		d.Actions = append(d.Actions, f)
		if name == pingan.ActDispatch {
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
		}
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
	}
	var bad pingan.Invalid
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
	if err == nil && (name == pingan.ActResolve || name == pingan.ActComment) {
		in.Photos, err = readPhotos(r, photoField)
	}
	if err == nil {
		_, err = s.cases.Act(ctx, u, id, in)
	}
	if err == nil {
		http.Redirect(w, r, "/cases/"+id+"?done="+string(name), http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) == pingan.ENOTFOUND || pingan.ErrorCode(err) == pingan.EINTERNAL {
		s.fail(w, r, err)
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
	found := false
	for _, f := range d.Actions {
		if f.Name == name {
			f.Open, f.Errors, f.Values, found = true, v.fields(err), values, true
			if len(f.Errors) == 0 {
				f.Error = v.Message(err)
			}
		}
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
