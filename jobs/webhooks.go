package jobs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/pingan-gov/pingan"
)

// Webhooks sends the deliveries of the webhooks' outbox (事件推送), which
// the store writes in the transaction of each event. A delivery is a POST
// of its JSON body, signed (pingan.SignWebhook) with the webhook's secret,
// with the headers X-Pingan-Event, X-Pingan-Delivery, X-Pingan-Timestamp
// and X-Pingan-Signature; an answer 2xx within Timeout delivers it.
// Anything else is logged as an attempt and tried again after Backoff —
// 30 s, 1 min, 2 min … at most an hour — until GiveUp after its first
// attempt, when it is given up and the next delivery of its subject may
// go. The store hands out only the earliest pending delivery of each
// webhook and subject, so the events of one case arrive in order; those
// of different subjects go out side by side (Workers). Nothing here holds
// a transaction while it waits for a receiver, so a receiver that is down
// or hangs never slows the work that writes events.
//
// The connection to a webhook that does not allow private addresses is
// refused at connect time when the address it resolved to is loopback,
// private, link-local, unspecified, multicast or carrier-grade NAT
// (pingan.PrivateAddr), so a name that resolved to a public address when
// the webhook was registered cannot be pointed inside later (DNS
// rebinding). Redirects are not followed.
type Webhooks struct {
	Outbox pingan.WebhookOutbox
	Clock  pingan.Clock
	// Client, when set, sends every delivery (tests); otherwise a client
	// of WebhookClient for each delivery's allow-private setting.
	Client   *http.Client
	Interval time.Duration // between passes; default five seconds
	Batch    int           // deliveries per claim; default 20
	Workers  int           // deliveries sent at once; default 4
	Timeout  time.Duration // of one attempt; default ten seconds
	GiveUp   time.Duration // after the first attempt; default a day
	Logger   *slog.Logger

	once            sync.Once
	strict, private *http.Client
}

// Run makes a pass at once and then every Interval until ctx is done.
func (w *Webhooks) Run(ctx context.Context) {
	every(ctx, w.Interval, 5*time.Second, func() {
		if _, err := w.Pass(ctx); err != nil && ctx.Err() == nil {
			loggerOr(w.Logger).Error("webhook pass failed", "err", err)
		}
	})
}

func (w *Webhooks) timeout() time.Duration {
	if w.Timeout > 0 {
		return w.Timeout
	}
	return 10 * time.Second
}

// Pass sends the deliveries due now, batch after batch, and answers how
// many were delivered. A delivery that fails does not stop the others;
// only a failure of the outbox itself is answered.
func (w *Webhooks) Pass(ctx context.Context) (int, error) {
	batch := w.Batch
	if batch <= 0 {
		batch = 20
	}
	workers := w.Workers
	if workers <= 0 {
		workers = 4
	}
	// A claim is held for longer than its batch may take: the batch goes
	// out in ceil(batch/workers) rounds of at most one attempt each.
	rounds := (batch + workers - 1) / workers
	lease := time.Duration(rounds)*w.timeout() + 30*time.Second
	delivered := 0
	for ctx.Err() == nil {
		ds, err := w.Outbox.ClaimDeliveries(ctx, w.Clock.Now(), lease, batch)
		if err != nil {
			return delivered, err
		}
		var (
			mu   sync.Mutex
			errs []error
			wg   sync.WaitGroup
			sem  = make(chan struct{}, workers)
		)
		for _, d := range ds {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				defer func() {
					// A panic in one delivery must not take the server down;
					// the claim runs out and the delivery is tried again.
					if p := recover(); p != nil {
						loggerOr(w.Logger).Error("webhook delivery panicked", "delivery", d.ID, "panic", p)
					}
				}()
				ok, err := w.deliver(ctx, d)
				mu.Lock()
				defer mu.Unlock()
				if ok {
					delivered++
				}
				if err != nil {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return delivered, err
		}
		if len(ds) < batch {
			break
		}
	}
	if delivered > 0 {
		loggerOr(w.Logger).Info("webhook deliveries sent", "count", delivered)
	}
	return delivered, nil
}

// deliver makes one attempt of d and records it; ok when delivered. The
// error is the outbox's only.
func (w *Webhooks) deliver(ctx context.Context, d *pingan.WebhookDelivery) (ok bool, err error) {
	a := w.attempt(ctx, d)
	// The attempt is recorded even when the server is stopping meanwhile:
	// an attempt made and not logged would be made again blind.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	log := loggerOr(w.Logger)
	if a.Error == "" {
		return true, w.Outbox.Delivered(ctx, d.ID, d.Claim, a)
	}
	attempts := d.Attempts + 1
	// The day counts from when the event was written (or from the first
	// attempt, were that earlier): a case's later events, which waited
	// behind an earlier one, are not kept a day more each.
	first := a.At
	if d.FirstAt != nil && d.FirstAt.Before(first) {
		first = *d.FirstAt
	}
	if !d.CreatedAt.IsZero() && d.CreatedAt.Before(first) {
		first = d.CreatedAt
	}
	giveUp := w.GiveUp
	if giveUp <= 0 {
		giveUp = 24 * time.Hour
	}
	retry := a.At.Add(Backoff(attempts))
	if retry.After(first.Add(giveUp)) {
		retry = time.Time{}
	}
	attrs := []any{"webhook", d.Webhook, "delivery", d.ID, "event", d.Event, "subject", d.Subject, "attempts", attempts,
		"status", a.Status, "err", a.Error}
	if retry.IsZero() {
		log.Error("webhook delivery given up", attrs...)
	} else {
		log.Warn("webhook delivery failed, will try again", append(attrs, "retry", retry)...)
	}
	return false, w.Outbox.DeliveryFailed(ctx, d.ID, d.Claim, a, retry)
}

// attempt posts d once and answers the attempt: Error empty when the
// receiver answered 2xx.
func (w *Webhooks) attempt(ctx context.Context, d *pingan.WebhookDelivery) *pingan.WebhookAttempt {
	at := w.Clock.Now()
	a := &pingan.WebhookAttempt{At: at}
	ctx, cancel := context.WithTimeout(ctx, w.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	ts := at.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pingan-webhooks/1")
	req.Header.Set("X-Pingan-Event", d.Event)
	req.Header.Set("X-Pingan-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set("X-Pingan-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Pingan-Signature", "sha256="+pingan.SignWebhook(d.Secret, ts, d.Body))
	start := time.Now()
	res, err := w.client(d.AllowPrivate).Do(req)
	a.Duration = time.Since(start)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	a.Status = res.StatusCode
	if res.StatusCode < 200 || res.StatusCode > 299 {
		a.Error = res.Status
	}
	return a
}

// client answers the client for a webhook that allows private addresses
// or not.
func (w *Webhooks) client(allowPrivate bool) *http.Client {
	if w.Client != nil {
		return w.Client
	}
	w.once.Do(func() {
		w.strict, w.private = WebhookClient(false, w.timeout()), WebhookClient(true, w.timeout())
	})
	if allowPrivate {
		return w.private
	}
	return w.strict
}

// ErrPrivateAddress is the refusal of a connection to a private address.
var ErrPrivateAddress = errors.New("webhook: the address is loopback or private, which the webhook does not allow")

// WebhookClient answers an HTTP client for webhooks: no proxy, no
// redirects, and — unless allowPrivate — a dialer that refuses to connect
// to an address pingan.PrivateAddr names.
func WebhookClient(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			a, err := netip.ParseAddr(host)
			if err != nil || pingan.PrivateAddr(a) {
				return ErrPrivateAddress
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: timeout, MaxIdleConns: 20,
			IdleConnTimeout: 90 * time.Second, ResponseHeaderTimeout: timeout},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       timeout,
	}
}
