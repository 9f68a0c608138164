package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/workflow"
)

// A petition on the case page (信访, pingan/petition.go): the card of its
// registration, stage, running statutory period, level (复查, 复核),
// answers, repeats and 包案 leader; its documents, each linked to its
// printed form and, until delivered, with a 送达 form; and the forms of
// the procedure's steps, which post to /cases/{id}/act like every other
// action. A form whose step issues a document carries its number and
// text, filled from the draft (PetitionService.Draft) and editable, with
// a 保存草稿 button that keeps the draft (POST
// /cases/{id}/petition/drafts/{kind}). The workflow and the store check
// the steps once and name every bad field, shown beside it (act).

func init() {
	// The fields of the petition's steps the generic form draws; the
	// others are drawn by the template "petition-form" (petition.html).
	actionFields[pingan.ActInform] = []string{}
	actionFields[pingan.ActPetitionAccept] = []string{"note"}
	actionFields[pingan.ActPetitionRefuse] = []string{}
	actionFields[pingan.ActPetitionExtend] = []string{}
	actionFields[pingan.ActAnswer] = []string{"result"}
	actionFields[pingan.ActDeliver] = []string{}
	actionFields[pingan.ActRequestReview] = []string{}
	actionFields[pingan.ActRequestRecheck] = []string{}
	actionFields[pingan.ActLead] = []string{}
	// A representative of a visit by many is a party with its own role.
	partyRoles[pingan.PartyRepresentative] = "pw.representative"
}

// petitionFormFields are the fields of the petition's forms beyond the
// generic ones, kept when a form is refused.
var petitionFormFields = []string{"document.number", "document.body", "forward_mode", "referral", "opinion", "on",
	"late_reason", "merge_as", "lead", "doc_id", "method", "to_case", "to_case_other"}

// petitionView is what the case page shows of a petition.
type petitionView struct {
	P *pingan.Petition
	// Due is the running statutory period (the case's resolve deadline)
	// and DueLabel the key of its name, by stage; nil when none runs.
	Due      *Deadline
	DueLabel string
	// Window says until when the next level may be asked (复查, 复核), in
	// words; Final that the procedure has ended.
	Window string
	Final  bool
	Docs   []docView
	// Kinds are the documents the forms issue, by action.
	Kinds map[pingan.ActionName]pingan.DocKind
	// Opinions are those the answer may give at the petition's level.
	Opinions []pingan.Opinion
	// Deliver: the reader may record a delivery (送达); Merge: merge this
	// petition into a matter, with the Similar matters suggested; Leaders
	// the leaders a 包案 may name.
	Deliver bool
	Merge   bool
	Similar []pingan.SimilarMatter
	Leaders []leaderOption
	// Merged are the petitions merged into this matter the reader sees.
	Merged []string
	Today  string
	// The refused 送达 or merge form (the others are the actions card's):
	// Open names it, Doc the document of a refused delivery.
	Open   string
	Doc    int64
	Values map[string]string
	Errors map[string]string
	Error  string
}

// docView is a document of the petition as the card lists it.
type docView struct {
	pingan.PetitionDocumentRef
	// PDF links its printed form, for a reader who sees personal data.
	PDF string
}

// leaderOption is a leader a 包案 may name.
type leaderOption struct {
	ID   int64
	Name string
}

// Value answers what was typed in a field of the refused 送达 or merge form.
func (p *petitionView) Value(field string) string { return p.Values[field] }

// Err answers the error of a field of the refused form open.
func (p *petitionView) Err(form, field string) string {
	if p.Open != form {
		return ""
	}
	return p.Errors[field]
}

// DocErr answers the error of a field of the 送达 form of document id.
func (p *petitionView) DocErr(id int64, field string) string {
	if p.Open != string(pingan.ActDeliver) || p.Doc != id {
		return ""
	}
	return p.Errors[field]
}

// DocValue answers what was typed in a field of the 送达 form of document id.
func (p *petitionView) DocValue(id int64, field string) string {
	if p.Open != string(pingan.ActDeliver) || p.Doc != id {
		return ""
	}
	return p.Values[field]
}

// petitionService is what the case page reads a petition's documents,
// drafts and similar matters from (Config.Petitions), or the case service
// when it answers them too.
func (s *Server) petitionService() pingan.PetitionService {
	return ownOrCases(s.petitions, s.cases)
}

// runningStages are the stages whose statutory period is the case's
// resolve deadline.
var runningStages = []pingan.PetitionStage{pingan.StageRegistered, pingan.StageForwarded, pingan.StageAccepted,
	pingan.StageReview, pingan.StageRecheck}

// loadPetition reads what the case page shows of a petition and fills
// the forms of its steps (d.Actions) with their documents' drafts; nil for
// the other kinds.
func (s *Server) loadPetition(ctx context.Context, u *pingan.User, c *pingan.Case, d *caseData, lang pingan.Lang) (*petitionView, error) {
	if c.Kind != pingan.KindPetition {
		return nil, nil
	}
	p := c.Petition
	if p == nil {
		p = &pingan.Petition{}
	}
	now := s.clock.Now()
	pv := &petitionView{P: p, Kinds: map[pingan.ActionName]pingan.DocKind{}, Opinions: pingan.OpinionsAt(p.Level),
		Today: pingan.DayOf(now).Format(time.DateOnly), Merged: c.Merged, Final: p.Final()}
	if c.Status.Open() && c.ResolveBy != nil && slices.Contains(runningStages, p.Stage) {
		for _, due := range s.dues(c, nil, now, lang) {
			if due.Kind == pingan.DueResolve {
				pv.Due, pv.DueLabel = due, "pw.due."+string(p.Stage)
			}
		}
	}
	if p.DeliveredOn != nil && (p.Stage == pingan.StageAnswered || p.Stage == pingan.StageReviewed) {
		if last, err := s.cal.Calendar().Due(*p.DeliveredOn, pingan.PetitionReviewDays, calendar.CalendarDays); err == nil {
			key := "pw.window.review"
			if p.Stage == pingan.StageReviewed {
				key = "pw.window.recheck"
			}
			pv.Window = pingan.Text(lang, key, last.In(pingan.CST).Format(time.DateOnly))
		}
	}
	ps := s.petitionService()
	if ps != nil {
		rec, err := ps.Petition(ctx, u, c.ID)
		if err != nil {
			return nil, err
		}
		for _, ref := range rec.Documents {
			dv := docView{PetitionDocumentRef: ref}
			if !c.PersonalMasked {
				dv.PDF = "/cases/" + c.ID + "/petition/documents/" + strconv.FormatInt(ref.ID, 10) + ".pdf"
			}
			pv.Docs = append(pv.Docs, dv)
		}
	}
	// The forms: each step's document with its draft; 送达 in the list
	// of documents and the merge in this card, not the actions card.
	var forms []*actionForm
	for _, f := range d.Actions {
		switch f.Name {
		case pingan.ActDeliver:
			pv.Deliver = true
			continue
		}
		forms = append(forms, f)
		kind := workflow.DocumentKind(c, f.Name)
		if kind == "" {
			continue
		}
		pv.Kinds[f.Name] = kind
		if ps == nil {
			continue
		}
		dr, err := ps.Draft(ctx, u, c.ID, kind)
		if err != nil {
			if pingan.ErrorCode(err) == pingan.EINTERNAL {
				return nil, err
			}
			continue // a saved text the reader may not see: the form starts empty
		}
		if f.Values == nil {
			f.Values = map[string]string{}
		}
		f.Values["document.number"], f.Values["document.body"] = dr.Number, dr.Body
	}
	d.Actions = forms
	if d.Rel != nil && d.Rel.CanMerge {
		d.Rel.CanMerge, pv.Merge = false, true
		if ps != nil {
			sim, err := ps.Similar(ctx, u, c.ID)
			if err != nil && pingan.ErrorCode(err) == pingan.EINTERNAL {
				return nil, err
			}
			pv.Similar = sim
		}
	}
	if slices.Contains(c.AllowedActions, pingan.ActLead) {
		pv.Leaders = s.leaders(ctx, u, c)
	}
	return pv, nil
}

// leaders answers the leaders of the reader's jurisdiction who see the
// case, whom a 包案 may name; none when the user service lists no users.
func (s *Server) leaders(ctx context.Context, u *pingan.User, c *pingan.Case) []leaderOption {
	dir, ok := s.users.(UserDirectory)
	if !ok {
		return nil
	}
	users, err := dir.FindUsers(ctx, u)
	if err != nil {
		return nil
	}
	var out []leaderOption
	for _, x := range users {
		if x.Has(pingan.RoleLeader) && !x.Disabled && (x.Sees(c.UnitPath) || x.Sees(c.HoldingPath)) {
			out = append(out, leaderOption{ID: x.ID, Name: x.Name})
		}
	}
	return out
}

// readPetition reads the fields of a petition's step from the form into
// in; what cannot be read (a day that is no day) goes into bad, named as
// the domain names the field. Fields a form does not have stay empty.
func readPetition(r *http.Request, in *pingan.ActionInput, bad *pingan.Invalid) {
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	_, num := r.PostForm["document.number"]
	_, body := r.PostForm["document.body"]
	if num || body {
		in.Document = &pingan.DocumentInput{Number: val("document.number"), Body: r.PostFormValue("document.body")}
	}
	in.ForwardMode = pingan.ForwardMode(val("forward_mode"))
	in.Opinion = pingan.Opinion(val("opinion"))
	in.Method = pingan.SendMethod(val("method"))
	in.LateReason = val("late_reason")
	in.MergeAs = pingan.MergeAs(val("merge_as"))
	if in.Referral == "" {
		in.Referral = pingan.Referral(val("referral"))
	}
	if in.ToCase == "" {
		in.ToCase = val("to_case_other")
	}
	if s := val("doc_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad.Add("doc_id", "pw.doc_id.bad")
		}
		in.DocID = n
	}
	if s := val("on"); s != "" {
		if t := readDay(s, "on", bad); !t.IsZero() {
			in.On = &t
		}
	}
	if s := val("lead"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad.Add("lead", "pw.number.bad")
		}
		in.Lead = n
	}
}

// petitionValues answers what was typed in a refused petition's form.
func petitionValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, k := range petitionFormFields {
		if vs, ok := r.PostForm[k]; ok && len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// refused shows a refused 送达 or merge of a petition in this card, each
// error beside its field; it reports whether the form was one of these.
func (p *petitionView) refused(v *view, r *http.Request, name pingan.ActionName, err error, rel *relationsCard) bool {
	switch {
	case name == pingan.ActDeliver:
		p.Doc, _ = strconv.ParseInt(strings.TrimSpace(r.PostFormValue("doc_id")), 10, 64)
	case name == pingan.ActMerge && p.Merge:
		if rel != nil {
			rel.Error, rel.Open = "", "" // told here, beside the form
		}
	default:
		return false
	}
	p.Open, p.Errors, p.Values = string(name), v.fields(err), petitionValues(r)
	p.Values["reason"] = r.PostFormValue("reason")
	if len(p.Errors) == 0 {
		p.Error = v.Message(err)
	}
	return true
}

// saveDraft keeps the draft of a step's document (保存草稿) from the
// step's form and shows the page again with the form open.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request) {
	ctx, u, id := r.Context(), userOf(r), r.PathValue("id")
	kind := pingan.DocKind(r.PathValue("kind"))
	name := pingan.ActionName(r.PostFormValue("action"))
	ps := s.petitionService()
	if ps == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
		return
	}
	_, err := ps.SaveDraft(ctx, u, id, kind, strings.TrimSpace(r.PostFormValue("document.number")), r.PostFormValue("document.body"))
	if err != nil && pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	d, lerr := s.loadCase(ctx, u, id, langOf(r))
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	v := s.newView(r, "case")
	v.Title, v.Nav, v.D = d.C.Number, "inbox", d
	for _, f := range d.Actions {
		if f.Name != name {
			continue
		}
		f.Open = true
		if err != nil {
			f.Errors = map[string]string{}
			for k, msg := range v.fields(err) {
				if k == "number" || k == "body" {
					k = "document." + k
				}
				f.Errors[k] = msg
			}
			f.Values = map[string]string{}
			for k, vs := range r.PostForm {
				if k != "csrf" && k != "action" && len(vs) > 0 {
					f.Values[k] = vs[0]
				}
			}
			if len(f.Errors) == 0 {
				f.Error = v.Message(err)
			}
		}
	}
	status := http.StatusOK
	if err != nil {
		status = statusOf(err)
	} else {
		v.Notice = v.T("pw.draft.saved")
	}
	s.renderStatus(w, r, v, status)
}

// routesPetitions registers the pages of petitions.
func (s *Server) routesPetitions(h func(string, http.HandlerFunc)) {
	h("POST /cases/{id}/petition/drafts/{kind}", s.signedIn(s.may(pingan.CapReadCases, s.form(s.saveDraft))))
}

// ---- the words of petitions in templates ----

// ActionOn names an action on the case: a petition's dispatch is its
// 转送交办, its reject the 信访部门's 不予受理.
func (v *view) ActionOn(c *pingan.Case, a pingan.ActionName) string {
	if c != nil && c.Kind == pingan.KindPetition {
		switch a {
		case pingan.ActDispatch:
			return v.T("pw.act.dispatch")
		case pingan.ActReject:
			return v.T("pw.act.reject")
		}
	}
	return v.Action(a)
}

// PetitionStage names a stage.
func (v *view) PetitionStage(s pingan.PetitionStage) string {
	return v.T("petition.stage." + string(s))
}

// ForwardModes lists the ways of forwarding.
func (v *view) ForwardModes() []pingan.ForwardMode {
	return []pingan.ForwardMode{pingan.ForwardTransfer, pingan.ForwardAssign}
}

// ForwardMode names a way of forwarding.
func (v *view) ForwardMode(m pingan.ForwardMode) string { return v.T("petition.forward." + string(m)) }

// Opinion names an opinion.
func (v *view) Opinion(o pingan.Opinion) string { return v.T("petition.opinion." + string(o)) }

// DocTitle names a kind of document.
func (v *view) DocTitle(k pingan.DocKind) string { return v.T("petition.doc." + string(k)) }

// SendMethods lists the ways of delivery.
func (v *view) SendMethods() []pingan.SendMethod { return pingan.SendMethods }

// SendMethod names a way of delivery.
func (v *view) SendMethod(m pingan.SendMethod) string { return v.T("petition.method." + string(m)) }

// MergeAsList lists what a merged petition may be.
func (v *view) MergeAsList() []pingan.MergeAs {
	return []pingan.MergeAs{pingan.MergeRepeat, pingan.MergeOverreach}
}

// MergeAs names what a merged petition is.
func (v *view) MergeAs(m pingan.MergeAs) string { return v.T("pw.merge_as." + string(m)) }

// PetitionLevel names a level of the procedure (初次办理, 复查, 复核).
func (v *view) PetitionLevel(n int) string { return v.T("pw.level." + strconv.Itoa(min(max(n, 0), 2))) }
