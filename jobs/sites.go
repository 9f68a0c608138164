package jobs

import (
	"context"
	"log/slog"
	"time"
)

// SiteWatch marks the key sites whose inspection due day has passed
// (store.Sites.MarkOverdueInspections): each once, with its counters.
type SiteWatch interface {
	MarkOverdueInspections(ctx context.Context) (int, error)
}

// SiteInspections is the schedule watch of the register of key sites
// (重点场所, docs/sites.md): each pass marks the sites whose planned
// inspection (计划检查日期) passed uninspected as overdue, once each,
// counted per department and month.
type SiteInspections struct {
	Watch    SiteWatch
	Logger   *slog.Logger
	Interval time.Duration // between passes; default fifteen minutes
}

// Run passes at once and then every Interval until ctx is done.
func (s *SiteInspections) Run(ctx context.Context) {
	every(ctx, s.Interval, 15*time.Minute, func() {
		if _, err := s.Pass(ctx); err != nil && ctx.Err() == nil {
			logger := s.Logger
			if logger == nil {
				logger = slog.Default()
			}
			logger.Error("site inspection watch failed", "err", err)
		}
	})
}

// Pass marks what is overdue now, round after round while rounds come
// back full (the store marks at most a thousand a round), and answers how
// many sites it marked.
func (s *SiteInspections) Pass(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.Watch.MarkOverdueInspections(ctx)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}
