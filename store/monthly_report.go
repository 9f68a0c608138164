package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pingan-gov/pingan"
)

// MonthlyReports keeps the monthly reports (平安报表) as their files, for
// the archive: pingan.MonthlyReportService.
type MonthlyReports struct{ *handle }

var _ pingan.MonthlyReportService = (*MonthlyReports)(nil)

// MonthlyReports answers the kept reports of units in actor's jurisdiction
// — of unit alone when it is not "" (ENOTFOUND outside it) — newest month
// first, then by unit; the files' sizes, not the files.
func (s *MonthlyReports) MonthlyReports(ctx context.Context, actor *pingan.User, unit string) ([]*pingan.MonthlyReport, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	var a args
	w := unitIn("r.unit_path", a.add(scope))
	if unit != "" {
		if _, err := unitInScope(ctx, s.read, unit, scope); err != nil {
			return nil, err
		}
		w += " AND r.unit_code = " + a.add(unit)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.unit_code, u.name, r.month, r.generated_at, r.generated_by,
		length(r.xlsx), length(r.pdf) FROM monthly_reports r JOIN units u ON u.code = r.unit_code
		WHERE `+w+` ORDER BY r.month DESC, r.unit_path`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.MonthlyReport
	for rows.Next() {
		var r pingan.MonthlyReport
		var at stamp
		if err := rows.Scan(&r.Unit, &r.UnitName, &r.Month, &at, &r.GeneratedBy, &r.XLSXBytes, &r.PDFBytes); err != nil {
			return nil, err
		}
		r.GeneratedAt = at.T
		out = append(out, &r)
	}
	return out, rows.Err()
}

// MonthlyReportFile answers a kept report's file: ENOTFOUND when there is
// none or the unit lies outside actor's jurisdiction, EINVALID naming
// format for a format other than PDF and XLSX.
func (s *MonthlyReports) MonthlyReportFile(ctx context.Context, actor *pingan.User, unit, month string, f pingan.ReportFormat) ([]byte, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	col := map[pingan.ReportFormat]string{pingan.ReportPDF: "pdf", pingan.ReportXLSX: "xlsx"}[f]
	if col == "" {
		return nil, pingan.Invalidf("format", "monthly.format.bad", string(f))
	}
	var b []byte
	err = s.read.QueryRowContext(ctx, `SELECT `+col+` FROM monthly_reports WHERE unit_code = $1 AND month = $2 AND `+
		unitIn("unit_path", "$3"), unit, month, scope).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "monthly.report.none", unit, month)
	}
	return b, err
}

// KeepMonthlyReport stores the files of a report, replacing those kept of
// the unit's month. ENOTFOUND for a unit that does not exist.
func (s *MonthlyReports) KeepMonthlyReport(ctx context.Context, r *pingan.MonthlyReport, xlsx, pdf []byte) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT path FROM units WHERE code = $1`, r.Unit).Scan(&path); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errUnitNotFound(r.Unit)
		}
		return err
	}
	if xlsx == nil {
		xlsx = []byte{}
	}
	if pdf == nil {
		pdf = []byte{}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO monthly_reports (unit_code, unit_path, month, generated_at, generated_by, xlsx, pdf)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (unit_code, month) DO UPDATE SET unit_path = excluded.unit_path, generated_at = excluded.generated_at,
		generated_by = excluded.generated_by, xlsx = excluded.xlsx, pdf = excluded.pdf`,
		r.Unit, path, r.Month, s.dialect.ts(r.GeneratedAt), r.GeneratedBy, xlsx, pdf); err != nil {
		return err
	}
	r.XLSXBytes, r.PDFBytes = len(xlsx), len(pdf)
	return tx.Commit()
}
