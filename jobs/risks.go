package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// RiskReviews is the deadline watch of the risk ledger (风险台账): each
// pass marks the risks in control whose review (研判复核) fell due as
// overdue, once each, with their timeline row and counters
// (store.Risks.MarkOverdue). Its watch has the shape of the tasks'.
type RiskReviews struct {
	Watch    TaskWatch
	Clock    pingan.Clock
	Logger   *slog.Logger
	Interval time.Duration // between passes; default five minutes
	Batch    int           // risks a pass marks at most per round; default 500
}

// Run passes at once and then every Interval until ctx is done.
func (r *RiskReviews) Run(ctx context.Context) {
	every(ctx, r.Interval, 5*time.Minute, func() {
		if _, err := r.Pass(ctx); err != nil && ctx.Err() == nil {
			logger := r.Logger
			if logger == nil {
				logger = slog.Default()
			}
			logger.Error("risk review watch failed", "err", err)
		}
	})
}

// Pass marks what is due now, batch after batch, and answers how many
// risks it marked.
func (r *RiskReviews) Pass(ctx context.Context) (int, error) {
	return (&Tasks{Watch: r.Watch, Clock: r.Clock, Batch: r.Batch}).Pass(ctx)
}
