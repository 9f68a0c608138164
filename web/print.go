package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// routesPrint registers the pages of printed orders (交办单, 督办单, the case
// summary) and of a dispute's mediation (人民调解协议书, 人民调解卷宗). Each
// reads the case as the case page does, through the case service in the
// reader's jurisdiction (another county's case answers 404 like no case),
// and answers a PDF. The orders and the summary show personal data masked
// only; the mediation's documents show it as the reader may see it
// (printMediation).
func (s *Server) routesPrint(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /cases/{id}/print/assign.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printCase("assign", (*paper.Printer).Assignment))))
	h("GET /cases/{id}/print/supervise.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printCase("supervise", (*paper.Printer).Supervision))))
	h("GET /cases/{id}/print/summary.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printCase("summary", (*paper.Printer).Summary))))
	h("GET /cases/{id}/print/agreement.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printMediation("agreement", (*paper.Printer).Agreement))))
	h("GET /cases/{id}/print/dossier.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printMediation("dossier", (*paper.Printer).Dossier))))
}

// printCase answers the document that print makes of the case in the path.
func (s *Server) printCase(name string, print func(*paper.Printer, *paper.Sheet) ([]byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, u, id := r.Context(), userOf(r), r.PathValue("id")
		c, err := s.cases.FindCase(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// A printed page leaves the system: whoever prints, the people of
		// the case are masked.
		masked := *c
		if c.Reporter != nil {
			p := c.Reporter.Masked()
			masked.Reporter = &p
		}
		masked.Parties = nil
		for _, p := range c.Parties {
			masked.Parties = append(masked.Parties, p.Masked())
		}
		masked.PersonalMasked = true
		sheet, err := s.printSheet(ctx, r, &masked)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := paper.New(s.font)
		var pdf []byte
		if err == nil {
			pdf, err = print(p, sheet)
		}
		if err != nil {
			s.printFailed(w, r, err)
			return
		}
		writePDF(w, name+"-"+c.Number+".pdf", pdf)
	}
}

// printMediation answers the document that print makes of the mediation
// of the dispute in the path: its written agreement (a dispute whose
// mediation ended in one) or its dossier (a dispute whose mediation
// ended). Another state is a 409 page that says what is missing.
//
// These documents carry the parties as the reader may see them
// (pingan.SeesPersonal, applied by the case and mediation services, which
// audit the read): the agreement is printed for the parties to sign, so a
// reader who sees the case masked may not print it (403); the dossier is
// printed for them masked, and says so.
func (s *Server) printMediation(name string, print func(*paper.Printer, *paper.MediationSheet) ([]byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, u, id := r.Context(), userOf(r), r.PathValue("id")
		c, err := s.cases.FindCase(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := c.Mediation
		switch {
		case name == "agreement" && (m == nil || m.Outcome != pingan.OutcomeAgreement):
			s.fail(w, r, pingan.E(pingan.ECONFLICT, "mediation.no_agreement"))
			return
		case name == "agreement" && c.PersonalMasked:
			s.fail(w, r, pingan.E(pingan.EFORBIDDEN, "print.agreement.masked"))
			return
		case m == nil || m.Outcome == "":
			s.fail(w, r, pingan.E(pingan.ECONFLICT, "print.dossier.open"))
			return
		}
		svc := s.mediationService()
		if svc == nil {
			s.printFailed(w, r, pingan.E(pingan.EINTERNAL, "print.mediation.unavailable"))
			return
		}
		rec, err := svc.Mediation(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if name == "agreement" && rec.Agreement == nil {
			s.fail(w, r, pingan.E(pingan.ECONFLICT, "mediation.no_agreement"))
			return
		}
		sheet, err := s.printSheet(ctx, r, c)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := paper.New(s.font)
		var pdf []byte
		if err == nil {
			pdf, err = print(p, &paper.MediationSheet{Sheet: *sheet, Record: rec})
		}
		if err != nil {
			s.printFailed(w, r, err)
			return
		}
		writePDF(w, name+"-"+c.Number+".pdf", pdf)
	}
}

// printSheet answers what a printed page says of c for the reader of r:
// its timeline, its category, the names of its units.
func (s *Server) printSheet(ctx context.Context, r *http.Request, c *pingan.Case) (*paper.Sheet, error) {
	u := userOf(r)
	tl, err := s.cases.Timeline(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		return nil, err
	}
	sheet := &paper.Sheet{Case: c, Timeline: tl, Category: indexCategories(cats)[c.Category],
		Units: map[string]string{}, ActorUnits: map[int64]string{u.ID: u.UnitCode},
		Lang: langOf(r), PrintedBy: u.Name, PrintedAt: s.clock.Now()}
	if sheet.PrintedBy == "" {
		sheet.PrintedBy = u.Username
	}
	codes := []string{c.Unit, c.HoldingUnit, c.AssignedUnit, u.UnitCode}
	for _, a := range tl {
		codes = append(codes, a.FromUnit, a.ToUnit)
	}
	for _, code := range codes {
		if _, ok := sheet.Units[code]; code != "" && !ok {
			sheet.Units[code] = s.unitName(ctx, u, code)
		}
	}
	return sheet, nil
}

// writePDF answers a PDF to be shown in the browser, saved as file.
func writePDF(w http.ResponseWriter, file string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q; filename*=UTF-8''%s", file, url.PathEscape(file)))
	w.Header().Set("Content-Length", fmt.Sprint(len(pdf)))
	w.Write(pdf)
}

// printFailed answers a document that cannot be made — most likely the
// font is missing — with the reason and what to do, for the administrator
// the reader will tell, and logs it.
func (s *Server) printFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "web: print", "path", r.URL.Path, "err", err)
	v := s.newView(r, "error")
	v.Title = v.T("print.unavailable")
	msg := v.T("error.internal")
	if e, ok := err.(*pingan.Error); ok {
		msg = e.Text(v.Lang)
	}
	v.D = struct {
		Status  int
		Message string
	}{http.StatusInternalServerError, msg}
	s.renderStatus(w, r, v, http.StatusInternalServerError)
}
