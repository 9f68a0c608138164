// Package jobs runs pingan's background work: a ticker over the database
// that finds what is due with an indexed query and does it — today the
// deadline watch (marking cases overdue and escalating them, 超期上报).
// Several servers may run it against one PostgreSQL database; the store
// claims rows with FOR UPDATE SKIP LOCKED so each case is handled once.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// Deadlines watches resolve deadlines.
type Deadlines struct {
	Escalator pingan.Escalator
	Clock     pingan.Clock
	Interval  time.Duration // between passes; default one minute
	Batch     int           // cases per claim; default 100
	Logger    *slog.Logger
}

// Run makes a pass at once and then every Interval until ctx is done.
func (d *Deadlines) Run(ctx context.Context) {
	interval := d.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.Pass(ctx); err != nil && ctx.Err() == nil {
			d.logger().Error("deadline pass failed", "err", err)
		}
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
