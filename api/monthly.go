package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/monthly"
	"github.com/pingan-gov/pingan/paper"
	"github.com/pingan-gov/pingan/sheet"
)

// The monthly reports (平安报表, docs/api.md "Monthly reports"): the archive
// of the reports generated on each month's first working day for the city
// and each county, their files, and a report generated again on demand.

// routesMonthly registers the routes when the reports are kept.
func (s *Server) routesMonthly() {
	if s.monthly == nil {
		return
	}
	s.authed("GET /api/v1/reports/monthly", s.may(pingan.CapStatistics, s.listMonthly))
	s.authed("GET /api/v1/reports/monthly/{unit}/{file}", s.may(pingan.CapStatistics, s.monthlyFile))
	s.authed("POST /api/v1/reports/monthly/{unit}/{month}", s.may(pingan.CapStatistics, s.generateMonthly))
}

// listMonthly answers GET /api/v1/reports/monthly?unit= with {"reports":
// […]}: the reports kept of the units of the caller's jurisdiction (of
// unit alone when given), newest month first, each with its files' sizes.
func (s *Server) listMonthly(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.monthly.MonthlyReports(r.Context(), userFrom(r.Context()), newQuery(r).str("unit"))
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []*pingan.MonthlyReport{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"reports": rs})
	return nil
}

// monthlyFile answers GET /api/v1/reports/monthly/{unit}/{month}.pdf (or
// .xlsx) with the kept file; 404 when none was generated.
func (s *Server) monthlyFile(w http.ResponseWriter, r *http.Request) error {
	unit, file := r.PathValue("unit"), r.PathValue("file")
	month, ext, _ := strings.Cut(file, ".")
	f := pingan.ReportFormat(ext)
	if f != pingan.ReportPDF && f != pingan.ReportXLSX {
		return pingan.E(pingan.ENOTFOUND, "monthly.report.none", unit, month)
	}
	ctx, u := r.Context(), userFrom(r.Context())
	b, err := s.monthly.MonthlyReportFile(ctx, u, unit, month, f)
	if err != nil {
		return err
	}
	if err := s.auditDownload(r); err != nil { // 审计 (audit.go)
		return err
	}
	name := pingan.Text(langOf(r), "monthly.archive.file", unit, month) + "." + ext
	ctype := sheet.MediaType
	if f == pingan.ReportPDF {
		ctype = "application/pdf"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", sheet.Attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(b); err != nil {
		s.log.DebugContext(ctx, "api: monthly report file", "err", err)
	}
	return nil
}

// generateMonthly answers POST /api/v1/reports/monthly/{unit}/{month}: the
// report of the city or county unit for a month that has ended, generated
// again now and kept in place of the one before, with 201 and the report
// kept. Leaders, dispatchers and assessors of the unit's jurisdiction may;
// 400 naming month for a month malformed or not yet ended, naming unit for
// a unit neither a city nor a county.
func (s *Server) generateMonthly(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), userFrom(r.Context())
	if !monthly.MayGenerate(u) {
		return pingan.E(pingan.EFORBIDDEN, "monthly.generate.forbidden")
	}
	now := s.clock.Now()
	month := r.PathValue("month")
	if err := monthly.CheckMonth(month, now); err != nil {
		return err
	}
	un, err := monthly.ReportUnit(ctx, s.units, u, r.PathValue("unit"))
	if err != nil {
		return err
	}
	p, err := paper.New(s.font)
	if err != nil {
		return err
	}
	kept, err := monthly.Generate(ctx, monthly.Services{Stats: s.stats, Cases: s.cases, Units: s.units, Schemes: s.schemes,
		Assess: s.assess, Categories: s.categories}, s.monthly, p, u, un.Code, month, now, monthly.Requester(u))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, kept)
	return nil
}
