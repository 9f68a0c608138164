// Package jobs runs pingan's background work: a ticker over the database
// that finds what is due with an indexed query and does it — the deadline
// watch (marking cases overdue and escalating them, 超期上报; marking those
// that missed a supervision deadline, 督办超期) — and the daily
// reminder of a missing holiday arrangement.
// Several servers may run it against one PostgreSQL database; the store
// claims rows with FOR UPDATE SKIP LOCKED so each case is handled once.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// Deadlines watches the deadlines of cases (docs/deadlines.md): a missed
// resolve deadline marks the case overdue and escalates it when it can; a
// missed supervision deadline (督办) marks it, never escalating it.
type Deadlines struct {
	Escalator pingan.Escalator
	Clock     pingan.Clock
	Interval  time.Duration // between passes; default one minute
	Batch     int           // cases per claim; default 100
	Logger    *slog.Logger
}

// Run makes a pass at once and then every Interval until ctx is done.
func (d *Deadlines) Run(ctx context.Context) {
	every(ctx, d.Interval, time.Minute, func() {
		if _, err := d.Pass(ctx); err != nil && ctx.Err() == nil {
			d.logger().Error("deadline pass failed", "err", err)
		}
	})
}

// every calls fn at once and then every interval (def when not positive)
// until ctx is done.
func every(ctx context.Context, interval, def time.Duration, fn func()) {
	if interval <= 0 {
		interval = def
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass handles everything due now, batch after batch, and answers how many
// cases it touched.
func (d *Deadlines) Pass(ctx context.Context) (int, error) {
	batch := d.Batch
	if batch <= 0 {
		batch = 100
	}
	total := 0
	for ctx.Err() == nil {
		n, err := d.Escalator.EscalateDue(ctx, d.Clock.Now(), batch)
		total += n
		if err != nil {
			return total, err
		}
		if n < batch {
			break
		}
	}
	if total > 0 {
		d.logger().Info("deadline pass", "cases", total)
	}
	return total, nil
}

func (d *Deadlines) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}

// HolidayNotice reminds the operators, once a day in the log, that the
// holiday arrangement of a year that deadlines already reach has not been
// entered (see calendar.MissingNotice): from 1 October for the next year.
// The dashboard shows administrators the same as a banner.
type HolidayNotice struct {
	Calendar calendar.Source
	Clock    pingan.Clock
	Logger   *slog.Logger
	Interval time.Duration // between looks; default one hour

	lastDay string // the CST date of the last reminder
}

// Run looks at once and then every Interval until ctx is done.
func (h *HolidayNotice) Run(ctx context.Context) {
	every(ctx, h.Interval, time.Hour, func() { h.Check() })
}

// Check logs the reminder if one is due and none was logged today, and
// reports whether it logged.
func (h *HolidayNotice) Check() bool {
	now := h.Clock.Now().In(pingan.CST)
	year, missing := h.Calendar.Calendar().MissingNotice(now)
	day := now.Format(time.DateOnly)
	if !missing || day == h.lastDay {
		return false
	}
	h.lastDay = day
	logger := h.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.Warn(fmt.Sprintf("%d 年的节假日安排尚未录入：该年的期限按法定节假日暂定计算。国务院通知发布后，请在“节假日安排”页面或用 pingan calendar import 录入 "+
		"(the %d holiday arrangement has not been entered: deadlines in it are provisional; enter the notice when it is published)", year, year),
		"year", year)
	return true
}
