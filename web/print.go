package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// routesPrint registers the pages of printed orders (交办单, 督办单, the case summary).
// Each reads the case as the case page does, through the case service in the
// reader's jurisdiction (another county's case answers 404 like no case),
// and answers a PDF. What is printed shows personal data masked only.
func (s *Server) routesPrint(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /cases/{id}/print/assign.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printCase("assign", (*paper.Printer).Assignment))))
	h("GET /cases/{id}/print/supervise.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printCase("supervise", (*paper.Printer).Supervision))))
	h("GET /cases/{id}/print/summary.pdf", s.signedIn(s.may(pingan.CapReadCases, s.printCase("summary", (*paper.Printer).Summary))))
}

// printCase answers the document that print makes of the case in the path.
func (s *Server) printCase(name string, print func(*paper.Printer, *paper.Sheet) ([]byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, u, id, lang := r.Context(), userOf(r), r.PathValue("id"), langOf(r)
		c, err := s.cases.FindCase(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		tl, err := s.cases.Timeline(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cats, err := s.categories.Categories(ctx)
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
		sheet := &paper.Sheet{Case: &masked, Timeline: tl, Category: indexCategories(cats)[c.Category],
			Units: map[string]string{}, ActorUnits: map[int64]string{u.ID: u.UnitCode},
			Lang: lang, PrintedBy: u.Name, PrintedAt: s.clock.Now()}
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
		p, err := paper.New(s.font)
		var pdf []byte
		if err == nil {
			pdf, err = print(p, sheet)
		}
		if err != nil {
			s.printFailed(w, r, err)
			return
		}
		file := name + "-" + c.Number + ".pdf"
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q; filename*=UTF-8''%s", file, url.PathEscape(file)))
		w.Header().Set("Content-Length", fmt.Sprint(len(pdf)))
		w.Write(pdf)
	}
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
