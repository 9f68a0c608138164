package jobs

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// SignDue tells the staff of the unit a case is dispatched to that its sign
// deadline (签收时限) is near: once for each deadline, Within before it
// (or at once when it is closer than that already).
type SignDue struct {
	Notifier pingan.Notifier
	Clock    pingan.Clock
	Within   time.Duration // how near is near; default four hours
	Interval time.Duration // between passes; default one minute
	Batch    int           // cases per claim; default 100
	Logger   *slog.Logger
}

// Run makes a pass at once and then every Interval until ctx is done.
func (s *SignDue) Run(ctx context.Context) {
	every(ctx, s.Interval, time.Minute, func() {
		if _, err := s.Pass(ctx); err != nil && ctx.Err() == nil {
			loggerOr(s.Logger).Error("sign deadline pass failed", "err", err)
		}
	})
}

// Pass notifies every case due now, batch after batch, and answers how many.
func (s *SignDue) Pass(ctx context.Context) (int, error) {
	within := s.Within
	if within <= 0 {
		within = 4 * time.Hour
	}
	batch := s.Batch
	if batch <= 0 {
		batch = 100
	}
	total := 0
	for ctx.Err() == nil {
		n, err := s.Notifier.NotifySignDue(ctx, s.Clock.Now(), within, batch)
		total += n
		if err != nil {
			return total, err
		}
		if n < batch {
			break
		}
	}
	if total > 0 {
		loggerOr(s.Logger).Info("sign deadlines near", "cases", total)
	}
	return total, nil
}

// Outbox sends the notices of the outbox (发件箱) — to the staff groups'
// robots and the citizens' text messages — which the store writes in the
// transaction of the action that causes them. A notice that fails is
// logged and tried again later, each time after twice the wait before
// (Backoff), and given up after MaxAttempts; the action that caused it
// never waits for it. A citizen's phone is logged masked only.
type Outbox struct {
	Outbox      pingan.Outbox
	Sender      pingan.NoticeSender
	Clock       pingan.Clock
	Interval    time.Duration // between passes; default ten seconds
	Batch       int           // notices per claim; default 20
	MaxAttempts int           // default 10
	Logger      *slog.Logger
}

// Run makes a pass at once and then every Interval until ctx is done.
func (o *Outbox) Run(ctx context.Context) {
	every(ctx, o.Interval, 10*time.Second, func() {
		if _, err := o.Pass(ctx); err != nil && ctx.Err() == nil {
			loggerOr(o.Logger).Error("outbox pass failed", "err", err)
		}
	})
}

// Backoff is the wait before the next try of a notice that failed its
// attempts-th time: 30 s, 1 min, 2 min … at most an hour.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Pass sends the notices due now, batch after batch, and answers how many
// went out. A notice that fails does not stop the others; only a failure
// of the outbox itself is answered.
func (o *Outbox) Pass(ctx context.Context) (int, error) {
	batch := o.Batch
	if batch <= 0 {
		batch = 20
	}
	maxAttempts := o.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 10
	}
	log := loggerOr(o.Logger)
	sent := 0
	for ctx.Err() == nil {
		ns, err := o.Outbox.ClaimNotices(ctx, o.Clock.Now(), batch)
		if err != nil {
			return sent, err
		}
		for _, n := range ns {
			serr := o.Sender.Send(ctx, n)
			now := o.Clock.Now()
			if serr == nil {
				if err := o.Outbox.NoticeSent(ctx, n.ID, now); err != nil {
					return sent, err
				}
				sent++
				continue
			}
			attempts := n.Attempts + 1
			reason := serr.Error()
			if n.Phone != "" {
				reason = strings.ReplaceAll(reason, n.Phone, pingan.MaskPhone(n.Phone))
			}
			var retry time.Time
			if attempts < maxAttempts {
				retry = now.Add(Backoff(attempts))
			}
			attrs := []any{"notice", n.ID, "channel", n.Channel, "case", n.Number, "attempts", attempts, "err", reason}
			if n.Phone != "" {
				attrs = append(attrs, "phone", pingan.MaskPhone(n.Phone))
			}
			if retry.IsZero() {
				log.Error("notice given up", attrs...)
			} else {
				log.Warn("notice not sent, will try again", append(attrs, "retry", retry)...)
			}
			if err := o.Outbox.NoticeFailed(ctx, n.ID, now, retry, reason); err != nil {
				return sent, err
			}
		}
		if len(ns) < batch {
			break
		}
	}
	if sent > 0 {
		log.Info("notices sent", "count", sent)
	}
	return sent, nil
}

func loggerOr(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
