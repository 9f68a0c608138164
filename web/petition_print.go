package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// routesPetitionPrint registers the page of a petition's printed document
// (信访文书). Go's patterns take a wildcard as a whole segment: the
// document is {doc} and its path ends in .pdf (/cases/{id}/petition/
// documents/7.pdf).
func (s *Server) routesPetitionPrint(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /cases/{id}/petition/documents/{doc}", s.signedIn(s.may(pingan.CapReadCases, s.printPetition)))
}

// printPetition answers one issued document of the petition in the path
// as a PDF laid out as an official document (paper.Printer.Petition). The
// case is read as the case page reads it, in the reader's jurisdiction
// (another county's case answers 404 like no case). The document's text
// names the petitioner, so a reader who sees the case's personal data
// masked may not print it (403), and the petition service audits the
// read of those who may.
func (s *Server) printPetition(w http.ResponseWriter, r *http.Request) {
	ctx, u, id := r.Context(), userOf(r), r.PathValue("id")
	name, ok := strings.CutSuffix(r.PathValue("doc"), ".pdf")
	docID, err := strconv.ParseInt(name, 10, 64)
	if !ok || err != nil || docID <= 0 {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "print.petition.notfound"))
		return
	}
	c, err := s.cases.FindCase(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case c.Kind != pingan.KindPetition:
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "print.petition.notfound"))
		return
	case c.PersonalMasked:
		s.fail(w, r, pingan.E(pingan.EFORBIDDEN, "print.petition.masked"))
		return
	}
	ps := s.petitionService()
	if ps == nil {
		s.printFailed(w, r, pingan.E(pingan.EINTERNAL, "print.petition.unavailable"))
		return
	}
	d, err := ps.Document(ctx, u, c.ID, docID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sheet, err := s.printSheet(ctx, r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x := &paper.PetitionDoc{Sheet: *sheet, Doc: *d, UnitName: d.UnitName}
	if x.UnitName == "" {
		x.UnitName = s.unitName(ctx, u, d.Unit)
	}
	if c.Reporter != nil {
		x.Petitioner = c.Reporter.Name
	}
	if d.Kind == pingan.DocForward {
		x.ToUnit = forwardedTo(sheet, d)
	}
	p, err := paper.New(s.font)
	var pdf []byte
	if err == nil {
		pdf, err = p.Petition(x)
	}
	if err != nil {
		s.printFailed(w, r, err)
		return
	}
	writePDF(w, "petition-"+string(d.Kind)+"-"+c.Number+"-"+name+".pdf", pdf)
}

// forwardedTo answers the name of the unit the dispatch that issued the
// forwarding slip d sent the matter to, "" when the timeline does not say
// (the case's assigned unit is printed then).
func forwardedTo(sheet *paper.Sheet, d *pingan.PetitionDocument) string {
	for _, a := range sheet.Timeline {
		if a.Seq == d.Seq && a.ToUnit != "" {
			if n := sheet.Units[a.ToUnit]; n != "" {
				return n
			}
			return a.ToUnit
		}
	}
	return ""
}
