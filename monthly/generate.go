package monthly

import (
	"context"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// Generate builds the report of unit for month as actor reads it, writes
// it as XLSX and PDF in Chinese and keeps both in keep, generated at now
// by by ("" for the scheduled run).
func Generate(ctx context.Context, s Services, keep pingan.MonthlyReportService, p *paper.Printer,
	actor *pingan.User, unit, month string, now time.Time, by string) (*pingan.MonthlyReport, error) {
	r, err := Build(ctx, s, actor, unit, month, now)
	if err != nil {
		return nil, err
	}
	x, err := XLSX(pingan.ZH, r)
	if err != nil {
		return nil, err
	}
	pdf, err := PDF(p, pingan.ZH, r)
	if err != nil {
		return nil, err
	}
	kept := &pingan.MonthlyReport{Unit: r.Unit, UnitName: r.UnitName, Month: r.Month, GeneratedAt: now, GeneratedBy: by}
	if err := keep.KeepMonthlyReport(ctx, kept, x, pdf); err != nil {
		return nil, err
	}
	return kept, nil
}

// MayGenerate reports whether u may generate a report again: a leader, a
// dispatcher or an assessor.
func MayGenerate(u *pingan.User) bool {
	return u != nil && (u.Has(pingan.RoleLeader) || u.Has(pingan.RoleDispatcher) || u.Has(pingan.RoleAssessor))
}

// Requester names u as the one who generated a report again: their name,
// else their username.
func Requester(u *pingan.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}

// CheckMonth answers EINVALID naming month unless month is a month
// (YYYY-MM) that has ended at now.
func CheckMonth(month string, now time.Time) error {
	p, err := monthOf(month)
	if err != nil {
		return err
	}
	if !p.Ended(now) {
		return pingan.Invalidf("month", "monthly.month.open", month)
	}
	return nil
}

// ReportUnit answers the unit of code as actor sees it, when it is one a
// report is made of: the city or a county (EINVALID naming unit otherwise).
func ReportUnit(ctx context.Context, units pingan.UnitService, actor *pingan.User, code string) (*pingan.Unit, error) {
	un, err := units.FindUnit(ctx, actor, code)
	if err != nil {
		return nil, err
	}
	if un.Level != pingan.LevelCity && un.Level != pingan.LevelCounty {
		return nil, pingan.Invalidf("unit", "monthly.unit.level", un.Name)
	}
	return un, nil
}

// ReportUnits answers the units reports are made of that actor sees: the
// city, then the counties.
func ReportUnits(ctx context.Context, units pingan.UnitService, actor *pingan.User) ([]*pingan.Unit, error) {
	var all []*pingan.Unit
	for _, level := range []pingan.Level{pingan.LevelCity, pingan.LevelCounty} {
		us, err := units.FindUnits(ctx, actor, pingan.UnitFilter{Level: level})
		if err != nil {
			return nil, err
		}
		all = append(all, us...)
	}
	return all, nil
}
