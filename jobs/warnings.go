package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// Warnings runs the warning engine (预警, docs/warnings.md): every Interval
// it evaluates the rules over the counters and the cases and raises what is
// new (a raised key is never raised again), then marks the warnings past a
// deadline, each once. The job is the truth: nothing else raises warnings.
type Warnings struct {
	Engine   pingan.WarningEngine
	Clock    pingan.Clock
	Logger   *slog.Logger
	Interval time.Duration // between runs; default fifteen minutes
	Batch    int           // warnings a pass marks overdue at most; default 500
}

// Run runs at once and then every Interval until ctx is done.
func (w *Warnings) Run(ctx context.Context) {
	every(ctx, w.Interval, 15*time.Minute, func() {
		if _, _, err := w.Pass(ctx); err != nil && ctx.Err() == nil {
			w.logger().Error("warning engine failed", "err", err)
		}
	})
}

// Pass runs the rules once and the overdue marks batch after batch, and
// answers how many warnings it raised and marked.
func (w *Warnings) Pass(ctx context.Context) (raised, marked int, err error) {
	now := w.Clock.Now()
	if raised, err = w.Engine.RunWarnings(ctx, now); err != nil {
		return raised, 0, err
	}
	batch := w.Batch
	if batch <= 0 {
		batch = 500
	}
	for ctx.Err() == nil {
		n, err := w.Engine.MarkOverdue(ctx, now, batch)
		marked += n
		if err != nil || n < batch {
			return raised, marked, err
		}
	}
	return raised, marked, ctx.Err()
}

func (w *Warnings) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.Default()
	}
	return w.Logger
}
