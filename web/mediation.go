package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The mediation of a dispute on the case page (调解, pingan/dispute.go):
// the card of the mediation organisation, the facts, the sessions, the
// outcome, the agreement with its terms, the 30 days of 司法确认 and the
// follow-up visit (回访); and the forms of the mediation's actions, which
// post to /cases/{id}/act like every other action. The forms are read
// here into pingan.ActionInput; the workflow and the store check them
// once and name every bad field, shown beside it (act, case.go).

// The form fields of the mediation's actions (actionFields): each form is
// drawn by the template "mediation-form" (mediation.html), the fields
// named here are those act keeps when the form is refused.
func init() {
	actionFields[pingan.ActMediate] = []string{"session"}
	actionFields[pingan.ActAgree] = []string{"agreement"}
	actionFields[pingan.ActMediationFail] = []string{"reason", "referral"}
	actionFields[pingan.ActRefuseMediation] = []string{"reason", "referral"}
	actionFields[pingan.ActConfirm] = []string{"confirmation", "note"}
	actionFields[pingan.ActPerform] = []string{"term", "performed_on", "note"}
	actionFields[pingan.ActRevisit] = []string{"revisit"}
}

// mediationAction reports whether the action is one of the mediation's,
// drawn by its own form.
func mediationAction(a pingan.ActionName) bool {
	switch a {
	case pingan.ActMediate, pingan.ActAgree, pingan.ActMediationFail, pingan.ActRefuseMediation, pingan.ActConfirm,
		pingan.ActPerform, pingan.ActRevisit:
		return true
	}
	return false
}

// Mediation reports whether the form is one of the mediation's.
func (a *actionForm) Mediation() bool { return mediationAction(a.Name) }

// Value answers what was typed in the field of a refused form.
func (a *actionForm) Value(field string) string { return a.Values[field] }

// Err answers the error of the field of a refused form.
func (a *actionForm) Err(field string) string { return a.Errors[field] }

// formTerms is how many rows the agreement's table of terms offers at
// least; a small script adds more (static/mediation.js).
const formTerms = 3

// termRow is a row of the agreement form's table of terms.
type termRow struct {
	No                   int
	Text, By, How, Due   string
	ErrText, ErrBy       string
	ErrHow, ErrDue       string
	TextF, ByF, HowF, DF string // the fields' names
}

// TermRows answers the rows of the agreement form: what was typed in a
// refused form, and empty rows up to formTerms.
func (a *actionForm) TermRows() []termRow {
	n := formTerms
	for i := 1; i <= pingan.MaxTerms; i++ {
		p := termField(i, "")
		if a.Values[p+"text"] != "" || a.Values[p+"by"] != "" || a.Values[p+"how"] != "" || a.Values[p+"due"] != "" {
			n = max(n, i)
		}
	}
	out := make([]termRow, n)
	for i := range out {
		p := termField(i+1, "")
		out[i] = termRow{No: i + 1, Text: a.Values[p+"text"], By: a.Values[p+"by"], How: a.Values[p+"how"], Due: a.Values[p+"due"],
			ErrText: a.Errors[p+"text"], ErrBy: a.Errors[p+"by"], ErrHow: a.Errors[p+"how"], ErrDue: a.Errors[p+"due"],
			TextF: p + "text", ByF: p + "by", HowF: p + "how", DF: p + "due"}
	}
	return out
}

// termField names a field of the term numbered no (from 1), as the domain
// names it in its errors (pingan.Agreement.Check).
func termField(no int, name string) string {
	return "agreement.terms." + strconv.Itoa(no) + "." + name
}

// TermValue answers what was typed for the term numbered no in a refused
// 履行登记 form, and TermErr its error: the form of that term only.
func (a *actionForm) TermValue(no int, field string) string {
	if a.Values["term"] != strconv.Itoa(no) {
		return ""
	}
	return a.Values[field]
}

// TermErr answers the error of a field of the 履行登记 form of term no.
func (a *actionForm) TermErr(no int, field string) string {
	if a.Values["term"] != strconv.Itoa(no) {
		return ""
	}
	if e := a.Errors[field]; e != "" {
		return e
	}
	return a.Errors["term"]
}

// mediationView is what the case page shows of a dispute's mediation.
type mediationView struct {
	M *pingan.Mediation
	// Rec is what the mediation recorded (sessions, agreement, visits);
	// nil when the service does not answer it.
	Rec *pingan.MediationRecord
	// OrgName is the mediation organisation (the assigned unit), OrgType
	// its kind in words ("" when the unit names none).
	OrgName, OrgType string
	// Amount is the amount in dispute in yuan, two decimals ("" when none).
	Amount string
	// Today is the reader's day (2006-01-02), the forms' default.
	Today, Now string
	// ConfirmLeft is the days left to apply for judicial confirmation
	// (ConfirmBy is its last day); ConfirmOver once it passed.
	ConfirmLeft int
	ConfirmOver bool
	// Terms are the agreement's terms, Unperformed those still to perform.
	Terms       []termView
	Unperformed []termView
	// RevisitOverdue says the follow-up visit is due and not made.
	RevisitOverdue bool
	// AgreementPDF links the printed 调解协议书 (for a reader who sees the
	// parties), DossierPDF the 人民调解卷宗 of an ended mediation, when the
	// server prints them (print.go).
	AgreementPDF, DossierPDF string
	// AcceptParties are the rows of parties of the 受理 form, which may
	// add or correct them: the case's, when the reader sees them whole.
	AcceptParties []partyRow
}

// acceptValues answers the case's parties as the values of the 受理
// form's rows; none when they are masked for the reader.
func acceptValues(c *pingan.Case) map[string]string {
	out := map[string]string{}
	if c.PersonalMasked {
		return out
	}
	for i, p := range c.Parties {
		row := []string{p.Role, string(p.Type), p.Name, p.Phone, p.IDNumber, p.Address}
		for j, f := range partyFields {
			out[partyField(i+1, f)] = row[j]
		}
	}
	return out
}

// termView is a term of the agreement as the page shows it.
type termView struct {
	pingan.Term
	Due, PerformedOn string
	Overdue          bool
}

// mediationService is what the case page reads the record of a mediation
// from (Config.Mediation), or the case service when it answers it too.
func (s *Server) mediationService() pingan.MediationService {
	return ownOrCases(s.mediation, s.cases)
}

// ownOrCases answers the service own when it is set, or else the case
// service cases when it answers that service too; nil otherwise.
func ownOrCases[T any](own T, cases any) T {
	if any(own) != nil {
		return own
	}
	t, _ := cases.(T)
	return t
}

// loadMediation reads what the case page shows of a dispute's mediation;
// nil for the other kinds.
func (s *Server) loadMediation(ctx context.Context, u *pingan.User, c *pingan.Case, name func(string) string,
	unit func(string) *pingan.Unit, lang pingan.Lang) (*mediationView, error) {
	if c.Kind != pingan.KindDispute {
		return nil, nil
	}
	m := c.Mediation
	if m == nil {
		m = &pingan.Mediation{}
	}
	now := s.clock.Now()
	today := pingan.DayOf(now)
	mv := &mediationView{M: m, Today: today.Format(time.DateOnly), Now: now.In(pingan.CST).Format("2006-01-02T15:04")}
	if c.AssignedUnit != "" {
		mv.OrgName = name(c.AssignedUnit)
		if x := unit(c.AssignedUnit); x != nil && x.OrgType != "" {
			mv.OrgType = pingan.Text(lang, "org.type."+string(x.OrgType))
		}
	}
	if m.AmountFen > 0 {
		mv.Amount = yuan(m.AmountFen)
	}
	if m.ConfirmBy != nil {
		last := pingan.DayOf(*m.ConfirmBy)
		mv.ConfirmLeft = days(today, last)
		mv.ConfirmOver = today.After(last)
	}
	if m.RevisitBy != nil {
		mv.RevisitOverdue = today.After(pingan.DayOf(*m.RevisitBy))
	}
	if ms := s.mediationService(); ms != nil {
		rec, err := ms.Mediation(ctx, u, c.ID)
		if err != nil {
			return nil, err
		}
		mv.Rec = rec
		if rec != nil && rec.Agreement != nil {
			for _, t := range rec.Agreement.Terms {
				tv := termView{Term: t, Due: pingan.DayOf(t.Due).Format(time.DateOnly)}
				if t.PerformedOn != nil {
					tv.PerformedOn = pingan.DayOf(*t.PerformedOn).Format(time.DateOnly)
				} else {
					tv.Overdue = today.After(pingan.DayOf(t.Due))
					mv.Unperformed = append(mv.Unperformed, tv)
				}
				mv.Terms = append(mv.Terms, tv)
			}
		}
	}
	if slices.Contains(c.AllowedActions, pingan.ActAccept) {
		mv.AcceptParties = partyRows(acceptValues(c), nil)
	}
	if m.Outcome == pingan.OutcomeAgreement && !c.PersonalMasked && s.hasRoute("GET /cases/{id}/print/agreement.pdf") {
		mv.AgreementPDF = "/cases/" + c.ID + "/print/agreement.pdf"
	}
	if m.Outcome != "" && s.hasRoute("GET /cases/{id}/print/dossier.pdf") {
		mv.DossierPDF = "/cases/" + c.ID + "/print/dossier.pdf"
	}
	return mv, nil
}

// hasRoute reports whether the server registered the pattern.
func (s *Server) hasRoute(pattern string) bool { return slices.Contains(s.patterns, pattern) }

// days answers the whole days from a to b (both midnights), negative
// when b is before a.
func days(a, b time.Time) int {
	return int(b.Sub(a).Round(time.Hour).Hours()) / 24
}

// yuan answers an amount in fen as yuan with two decimals: 123456 →
// "1,234.56".
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		out = "-" + out
	}
	return out
}

// parseYuan reads an amount typed in yuan ("1234.5", "1,234.50", "¥12")
// into fen; ok is false for what is no amount. Empty is 0.
func parseYuan(s string) (fen int64, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSuffix(strings.TrimSpace(s), "元")
	s = strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", "")
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && !dot || len(frac) > 2 || (dot && frac == "" && whole == "") {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	if len(whole) > 13 {
		return 0, false
	}
	var w, f int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, true
}

// readMediation reads the fields of a mediation's action from the form
// into in; what cannot be read (a date that is none) goes into bad, named
// as the domain names the field.
func readMediation(r *http.Request, in *pingan.ActionInput, bad *pingan.Invalid) {
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	switch in.Action {
	case pingan.ActMediate:
		in.Session = &pingan.MediationSession{
			HeldAt:         readTime(val("session.held_at"), "session.held_at", bad),
			Place:          val("session.place"),
			Mediators:      names(r.PostFormValue("session.mediators")),
			Attendees:      val("session.attendees"),
			RightsNotified: val("session.rights_notified") != "",
			Record:         val("session.record"),
			Result:         pingan.SessionContinue,
		}
	case pingan.ActAgree:
		a := &pingan.Agreement{Written: val("agreement.written") != "oral", Facts: val("agreement.facts"),
			SignedOn: readDay(val("agreement.signed_on"), "agreement.signed_on", bad)}
		for _, row := range agreementRows(r) {
			a.Terms = append(a.Terms, pingan.Term{Text: row[0], By: row[1], How: row[2],
				Due: readDay(row[3], termField(len(a.Terms)+1, "due"), bad)})
		}
		in.Agreement = a
	case pingan.ActMediationFail, pingan.ActRefuseMediation:
		in.Referral = pingan.Referral(val("referral"))
	case pingan.ActConfirm:
		in.Confirmation = pingan.Confirmation(val("confirmation"))
	case pingan.ActPerform:
		if t := val("term"); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil {
				bad.Add("term", "mw.term.bad")
			}
			in.Term = n
		}
		// Each unperformed term has its day and its button (term=N) in
		// the one form.
		d := val("performed_on." + strconv.Itoa(in.Term))
		if d == "" {
			d = val("performed_on")
		}
		if d != "" {
			t := readDay(d, "performed_on", bad)
			in.PerformedOn = &t
		}
	case pingan.ActRevisit:
		in.Revisit = &pingan.Revisit{On: readDay(val("revisit.on"), "revisit.on", bad),
			Result: pingan.RevisitResult(val("revisit.result")), Note: val("revisit.note")}
	}
}

// agreementRows answers the rows of the table of terms that hold
// something (text, who, how, when), in order; an empty row is skipped, so
// the terms are numbered as the domain numbers them.
func agreementRows(r *http.Request) [][4]string {
	var out [][4]string
	for i := 1; i <= pingan.MaxTerms+formTerms; i++ {
		p := termField(i, "")
		row := [4]string{strings.TrimSpace(r.PostFormValue(p + "text")), strings.TrimSpace(r.PostFormValue(p + "by")),
			strings.TrimSpace(r.PostFormValue(p + "how")), strings.TrimSpace(r.PostFormValue(p + "due"))}
		if row != ([4]string{}) {
			out = append(out, row)
		}
	}
	return out
}

// readAcceptParties reads the parties a dispatcher gives when accepting a
// dispute (受理): they replace the report's; none given keeps them.
func readAcceptParties(r *http.Request, c *pingan.ActionInput) {
	if ps := readParties(r); len(ps) > 0 {
		c.Parties = ps
	}
}

// refusedAccept shows the refused 受理 form's parties again, each error
// beside its field.
func (d *caseData) refusedAccept(r *http.Request, errs map[string]string) {
	if d.Med != nil {
		d.Med.AcceptParties = partyRows(disputeValues(r), errs)
	}
}

// mediationValues answers what was typed in a refused mediation form, to
// show it again: the agreement's terms renumbered as they were read.
func mediationValues(r *http.Request, name pingan.ActionName) map[string]string {
	out := map[string]string{}
	for k, vs := range r.PostForm {
		if k == "csrf" || k == "action" || strings.HasPrefix(k, "agreement.terms.") || len(vs) == 0 {
			continue
		}
		out[k] = vs[0]
	}
	if name == pingan.ActAgree {
		for i, row := range agreementRows(r) {
			for j, f := range []string{"text", "by", "how", "due"} {
				out[termField(i+1, f)] = row[j]
			}
		}
	}
	return out
}

// names splits the mediators typed one per line or apart by commas (、
// too).
func names(s string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
	}) {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// readTime reads a time typed in a datetime-local field (China Standard
// Time); empty is the zero time, which the domain names as missing.
func readTime(s, field string, bad *pingan.Invalid) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, pingan.CST); err == nil {
			return t
		}
	}
	bad.Add(field, "mw.time.bad")
	return time.Time{}
}

// readDay reads a day (2006-01-02) as its midnight in China Standard
// Time; empty is the zero time.
func readDay(s, field string, bad *pingan.Invalid) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateOnly, s, pingan.CST)
	if err != nil {
		bad.Add(field, "mw.day.bad")
		return time.Time{}
	}
	return t
}

// ---- the words of mediation in templates ----

// PartyType answers the type of a party in words (自然人, 法人或其他组织).
func (v *view) PartyType(t pingan.PartyType) string {
	if t == "" {
		t = pingan.PartyPerson
	}
	return v.T("party.type." + string(t))
}

// PartyTypes lists the types of parties.
func (v *view) PartyTypes() []pingan.PartyType {
	return []pingan.PartyType{pingan.PartyPerson, pingan.PartyOrganisation}
}

// PartyRoles lists the roles of the parties of a dispute.
func (v *view) PartyRoles() []string { return pingan.PartyRoles }

// Referrals lists the routes a failed mediation names.
func (v *view) Referrals() []pingan.Referral { return pingan.Referrals }

// Referral names a route in words.
func (v *view) Referral(r pingan.Referral) string { return v.T("referral." + string(r)) }

// Outcome names how a mediation ended.
func (v *view) Outcome(o pingan.MediationOutcome) string { return v.T("outcome." + string(o)) }

// SessionResult names how a session ended.
func (v *view) SessionResult(r pingan.SessionResult) string {
	return v.T("session.result." + string(r))
}

// Confirmations lists the court's answers to judicial confirmation.
func (v *view) Confirmations() []pingan.Confirmation {
	return []pingan.Confirmation{pingan.ConfirmApplied, pingan.ConfirmConfirmed, pingan.ConfirmRefused}
}

// Confirmation names a state of judicial confirmation.
func (v *view) Confirmation(c pingan.Confirmation) string { return v.T("confirmation." + string(c)) }

// RevisitResults lists what a follow-up visit may find.
func (v *view) RevisitResults() []pingan.RevisitResult {
	return []pingan.RevisitResult{pingan.RevisitSettled, pingan.RevisitPerforming, pingan.RevisitUnsettled}
}

// RevisitResult names what a follow-up visit found.
func (v *view) RevisitResult(r pingan.RevisitResult) string {
	return v.T("revisit.result." + string(r))
}

// DateP formats an optional day.
func (v *view) DateP(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.Date(*t)
}

// Yuan formats an amount in fen as yuan with two decimals.
func (v *view) Yuan(fen int64) string { return yuan(fen) }
