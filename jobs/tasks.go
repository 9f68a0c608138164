package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// TaskWatch is what the tasks' watch needs of the store: the pass that
// marks each missed milestone of a supervised task once and escalates it
// (催办 → 督办 → 通报), and brings the behind-schedule flags up to now.
type TaskWatch interface {
	MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error)
}

// Tasks is the deadline watch of the supervised work tasks (督办事项).
type Tasks struct {
	Watch    TaskWatch
	Clock    pingan.Clock
	Logger   *slog.Logger
	Interval time.Duration // between passes; default five minutes
	Batch    int           // milestones a pass marks at most; default 500
}

// Run passes at once and then every Interval until ctx is done.
func (t *Tasks) Run(ctx context.Context) {
	every(ctx, t.Interval, 5*time.Minute, func() {
		if _, err := t.Pass(ctx); err != nil && ctx.Err() == nil {
			t.logger().Error("task watch failed", "err", err)
		}
	})
}

// Pass marks what is due now, batch after batch, and answers how many
// milestones it marked.
func (t *Tasks) Pass(ctx context.Context) (int, error) {
	batch := t.Batch
	if batch <= 0 {
		batch = 500
	}
	total := 0
	for ctx.Err() == nil {
		n, err := t.Watch.MarkOverdue(ctx, t.Clock.Now(), batch)
		total += n
		if err != nil || n < batch {
			return total, err
		}
	}
	return total, ctx.Err()
}

func (t *Tasks) logger() *slog.Logger {
	if t.Logger == nil {
		return slog.Default()
	}
	return t.Logger
}
