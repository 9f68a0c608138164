package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/pingan-gov/pingan"
)

// AuditChainer links the audit rows the services wrote (store.Audit.Chain)
// and writes the daily anchor (store.Audit.Anchor).
type AuditChainer interface {
	Chain(ctx context.Context) (int, error)
	Anchor(ctx context.Context) (pingan.AuditAnchor, bool, error)
}

// AuditChain is the chainer of the audit trail (审计链): every Interval it
// links the rows written since its last pass, so that a row is chained
// within seconds of its writing, and once a day it writes the chain's head
// to the log ("audit anchor") and to the table of anchors. It chains once
// more when ctx ends, so that a clean shutdown leaves nothing unchained.
type AuditChain struct {
	Trail    AuditChainer
	Logger   *slog.Logger
	Interval time.Duration // between passes; default five seconds
}

// Run passes at once and then every Interval until ctx is done, and once
// more after.
func (a *AuditChain) Run(ctx context.Context) {
	every(ctx, a.Interval, 5*time.Second, func() { a.Pass(ctx) })
	final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	a.Pass(final)
}

// Pass chains what is unchained and anchors the head if today's anchor is
// not written yet.
func (a *AuditChain) Pass(ctx context.Context) {
	logger := a.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if _, err := a.Trail.Chain(ctx); err != nil {
		if ctx.Err() == nil {
			logger.Error("audit chain failed", "err", err)
		}
		return
	}
	anchor, wrote, err := a.Trail.Anchor(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Error("audit anchor failed", "err", err)
	case wrote:
		logger.Info("audit anchor", "seq", anchor.Seq, "hash", anchor.Hash)
	}
}
