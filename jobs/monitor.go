package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// Monitor is the background work of monitoring (监测, docs/monitoring.md):
// each pass raises a no-data alarm, once, for every sensor silent longer
// than its limit (store.Monitor.MarkNoData), and deletes raw readings
// older than the retention period (the hourly rollups the charts read
// stay).
type Monitor struct {
	Watch     pingan.MonitorWatch
	Clock     pingan.Clock
	Logger    *slog.Logger
	Interval  time.Duration // between passes; default one minute
	Retention time.Duration // raw readings kept; default 90 days, none pruned when negative
	Batch     int           // sensors or readings a round handles at most; default 500 and 10,000
}

// DefaultRetention is how long raw readings are kept unless configured.
const DefaultRetention = 90 * 24 * time.Hour

// Run passes at once and then every Interval until ctx is done.
func (m *Monitor) Run(ctx context.Context) {
	every(ctx, m.Interval, time.Minute, func() {
		if _, _, err := m.Pass(ctx); err != nil && ctx.Err() == nil {
			logger := m.Logger
			if logger == nil {
				logger = slog.Default()
			}
			logger.Error("monitoring watch failed", "err", err)
		}
	})
}

// Pass raises the no-data alarms due now and prunes old readings, round
// after round, and answers how many alarms it raised and readings it
// deleted.
func (m *Monitor) Pass(ctx context.Context) (alarms, pruned int, err error) {
	clock := m.Clock
	if clock == nil {
		clock = pingan.SystemClock
	}
	now := clock.Now()
	batch := m.Batch
	if batch <= 0 {
		batch = 500
	}
	for {
		n, err := m.Watch.MarkNoData(ctx, now, batch)
		alarms += n
		if err != nil || n < batch {
			if err != nil {
				return alarms, pruned, err
			}
			break
		}
	}
	keep := m.Retention
	if keep == 0 {
		keep = DefaultRetention
	}
	if keep < 0 {
		return alarms, pruned, nil
	}
	rows := batch * 20
	for {
		n, err := m.Watch.PruneReadings(ctx, now.Add(-keep), rows)
		pruned += n
		if err != nil || n < rows || ctx.Err() != nil {
			return alarms, pruned, err
		}
	}
}
