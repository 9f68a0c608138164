package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// Purger deletes the personal data of the closed cases past their
// retention (store.Security.PurgePersonal).
type Purger interface {
	PurgePersonal(ctx context.Context, dryRun bool) (*pingan.PurgeReport, error)
}

// Retention is the daily pass of the retention of personal data
// (个人信息保存期限, retention.go): it deletes, a batch to a transaction
// until none is left, the personal data of the closed cases past their
// kind's months, and stops between batches when ctx ends (the server's
// shutdown).
type Retention struct {
	Purger   Purger
	Logger   *slog.Logger
	Interval time.Duration // between passes; default a day
}

// Run passes at once and then every Interval until ctx is done.
func (r *Retention) Run(ctx context.Context) {
	every(ctx, r.Interval, 24*time.Hour, func() { r.Pass(ctx) })
}

// Pass deletes what is past its retention now and logs the counts.
func (r *Retention) Pass(ctx context.Context) (*pingan.PurgeReport, error) {
	logger := r.Logger
	if logger == nil {
		logger = slog.Default()
	}
	rep, err := r.Purger.PurgePersonal(ctx, false)
	if err != nil && ctx.Err() == nil {
		logger.Error("retention pass failed", "err", err)
	}
	if rep != nil && rep.Total > 0 {
		args := []any{"cases", rep.Total}
		for _, k := range pingan.Kinds {
			args = append(args, string(k.Kind), rep.ByKind[k.Kind])
		}
		logger.Info("personal data deleted at the end of its retention", args...)
	}
	return rep, err
}
