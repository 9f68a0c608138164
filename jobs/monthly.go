package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/monthly"
	"github.com/pingan-gov/pingan/paper"
)

// MonthlyReports generates the monthly reports (平安报表): on the first
// working day of a month (official calendar), and on any later day it
// finds them missing, last month's report of the city and of each county —
// the administrative units of level city and county — once each, kept for
// the archive. It reads as the system: the whole tree.
type MonthlyReports struct {
	Services monthly.Services
	Reports  pingan.MonthlyReportService
	Calendar calendar.Source
	// Font is the TrueType font of the PDF ("" for the first of
	// paper.FontPaths found).
	Font     string
	Clock    pingan.Clock
	Logger   *slog.Logger
	Interval time.Duration // between looks; default one hour
}

// SystemReader is the actor the background work reads as: the system,
// seeing the whole tree.
func SystemReader() *pingan.User {
	return &pingan.User{Username: "system", Name: pingan.SystemActor, Roles: []pingan.Role{pingan.RoleAdmin}, ScopePath: "/"}
}

// Run looks at once and then every Interval until ctx is done.
func (m *MonthlyReports) Run(ctx context.Context) {
	every(ctx, m.Interval, time.Hour, func() {
		if _, err := m.Pass(ctx); err != nil && ctx.Err() == nil {
			m.logger().Error("monthly report pass failed", "err", err)
		}
	})
}

// Due answers the month whose reports are due at now (YYYY-MM, the month
// before now's), or "" before the month's first working day.
func Due(cal *calendar.Calendar, now time.Time) (string, error) {
	now = now.In(pingan.CST)
	day := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, pingan.CST)
	for {
		working, err := cal.IsWorkingDay(day)
		if err != nil {
			return "", err
		}
		if working {
			break
		}
		day = day.AddDate(0, 0, 1)
	}
	if now.Before(day) {
		return "", nil
	}
	return day.AddDate(0, -1, 0).Format("2006-01"), nil
}

// Pass generates the reports due and missing, and answers how many it
// kept. A unit whose report fails is logged and left for the next pass.
func (m *MonthlyReports) Pass(ctx context.Context) (int, error) {
	now := m.Clock.Now()
	month, err := Due(m.Calendar.Calendar(), now)
	if err != nil || month == "" {
		return 0, err
	}
	actor := SystemReader()
	kept, err := m.Reports.MonthlyReports(ctx, actor, "")
	if err != nil {
		return 0, err
	}
	have := map[string]bool{}
	for _, r := range kept {
		if r.Month == month {
			have[r.Unit] = true
		}
	}
	units, err := monthly.ReportUnits(ctx, m.Services.Units, actor)
	if err != nil {
		return 0, err
	}
	n := 0
	var printer *paper.Printer
	for _, u := range units {
		if have[u.Code] || ctx.Err() != nil {
			continue
		}
		if printer == nil {
			if printer, err = paper.New(m.Font); err != nil {
				return n, err
			}
		}
		if _, err := monthly.Generate(ctx, m.Services, m.Reports, printer, actor, u.Code, month, now, ""); err != nil {
			m.logger().Error("monthly report failed", "unit", u.Code, "month", month, "err", err)
			continue
		}
		n++
	}
	if n > 0 {
		m.logger().Info(fmt.Sprintf("平安报表已生成 (monthly reports generated): %s", month), "reports", n)
	}
	return n, nil
}

func (m *MonthlyReports) logger() *slog.Logger {
	if m.Logger == nil {
		return slog.Default()
	}
	return m.Logger
}
