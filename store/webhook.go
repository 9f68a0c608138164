package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// Webhooks keeps the webhooks of other systems (事件推送) and their outbox:
// pingan.WebhookService and pingan.WebhookOutbox.
//
// An event — a case's report or timeline entry, the deadline watch marking
// it overdue, a step of a risk, 稳评, warning or task — writes one delivery
// for each active webhook that wants it and whose unit's subtree holds the
// subject (hookCase, hookItem), in the event's own transaction, with its
// body fixed then. The active webhooks are kept in memory (webhookCache),
// so an event that no webhook wants costs no statement: the usual case,
// and the report's path stays as fast as without webhooks. The secret is
// sealed like personal data.
type Webhooks struct{ *handle }

var (
	_ pingan.WebhookService = (*Webhooks)(nil)
	_ pingan.WebhookOutbox  = (*Webhooks)(nil)
)

// webhookVersion is the migration that made the webhooks' tables.
const webhookVersion = 35

// Audit actions of webhooks.
const (
	auditWebhookAdd    = "webhook_add"    // 新增事件推送
	auditWebhookUpdate = "webhook_update" // 修改事件推送
	auditWebhookActive = "webhook_active" // 停用或启用事件推送
	auditWebhookResend = "webhook_resend" // 重新发送
)

// webhookRefresh is how long the active webhooks in memory are trusted
// before they are read again, so that a change made on another server
// sharing the database applies within it; a change made here applies at
// once.
const webhookRefresh = 5 * time.Second

// hookEntry is an active webhook as events match it.
type hookEntry struct {
	id     int64
	events []string
	path   string // the unit's path: the subtree
}

// webhookCache holds the active webhooks in memory.
type webhookCache struct {
	ready   atomic.Bool // the schema has the tables (webhookVersion)
	entries atomic.Pointer[[]hookEntry]
	mu      sync.Mutex // one reload at a time
	loaded  atomic.Int64
	// gen counts the changes made through this store: a reload that began
	// before a change keeps nothing of what it read.
	gen atomic.Int64
	// resolve answers a host's addresses when a URL is checked; the
	// system's resolver when nil (SetResolver).
	resolve pingan.Resolver
}

// SetResolver replaces the resolver URLs are checked with (tests).
func (s *Webhooks) SetResolver(r pingan.Resolver) { s.hooks.resolve = r }

// changed drops the webhooks in memory, after a change.
func (c *webhookCache) changed() {
	c.gen.Add(1)
	c.entries.Store(nil)
}

// active answers the active webhooks, read through q when those in memory
// are older than webhookRefresh or were dropped.
func (h *handle) activeHooks(ctx context.Context, q rowsQueryer) ([]hookEntry, error) {
	c := &h.hooks
	if !c.ready.Load() {
		return nil, nil
	}
	now := h.clock.Now().UnixNano()
	if p := c.entries.Load(); p != nil && now-c.loaded.Load() < int64(webhookRefresh) && now >= c.loaded.Load() {
		return *p, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.entries.Load(); p != nil && now-c.loaded.Load() < int64(webhookRefresh) && now >= c.loaded.Load() {
		return *p, nil
	}
	gen := c.gen.Load()
	rows, err := q.QueryContext(ctx, `SELECT id, events, unit_path FROM webhooks WHERE active = $1 ORDER BY id`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []hookEntry{}
	for rows.Next() {
		var e hookEntry
		var events string
		if err := rows.Scan(&e.id, &events, &e.path); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(events), &e.events); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if c.gen.Load() == gen {
		c.entries.Store(&out)
		c.loaded.Store(now)
	}
	return out, nil
}

// hooksFor answers the ids of the active webhooks that want ev for a
// subject in any of the unit paths, which paths answers only when some
// webhook wants ev at all.
func (h *handle) hooksFor(ctx context.Context, tx *sql.Tx, ev string, paths func() ([]string, error)) ([]int64, error) {
	all, err := h.activeHooks(ctx, tx)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	var want []hookEntry
	for _, e := range all {
		w := pingan.Webhook{Events: e.events}
		if w.Wants(ev) {
			want = append(want, e)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	ps, err := paths()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, e := range want {
		for _, p := range ps {
			if p != "" && strings.HasPrefix(p, e.path) {
				ids = append(ids, e.id)
				break
			}
		}
	}
	return ids, nil
}

// hookPayload is the body of a delivery but its id, which the claim puts
// first: the event, when, and the subject — codes, states and times,
// never personal data, notes or descriptions.
type hookPayload struct {
	Event      string      `json:"event"`
	OccurredAt time.Time   `json:"occurred_at"`
	Case       *hookCase   `json:"case,omitempty"`
	Action     *hookAction `json:"action,omitempty"`
	Item       *hookItem   `json:"item,omitempty"`
}

type hookCase struct {
	ID              string     `json:"id"`
	Number          string     `json:"number"`
	Kind            string     `json:"kind"`
	Category        string     `json:"category"`
	Status          string     `json:"status"`
	Unit            string     `json:"unit"`
	HoldingUnit     string     `json:"holding_unit"`
	AssignedUnit    string     `json:"assigned_unit"`
	Grid            string     `json:"grid"`
	ReportedAt      time.Time  `json:"reported_at"`
	ResolveBy       *time.Time `json:"resolve_by"`
	Overdue         bool       `json:"overdue"`
	EscalationLevel int        `json:"escalation_level"`
}

type hookAction struct {
	Seq        int       `json:"seq"`
	Action     string    `json:"action"`
	At         time.Time `json:"at"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	FromUnit   string    `json:"from_unit"`
	ToUnit     string    `json:"to_unit"`
}

// hookItem is a risk, 稳评, warning or task an event is about.
type hookItem struct {
	Kind string    `json:"kind"`
	ID   int64     `json:"id"`
	Unit string    `json:"unit"`
	Step string    `json:"step"`
	At   time.Time `json:"at"`
}

// hookCase writes the deliveries of an event of case c — its timeline
// entry act, or, when act is nil, the event ev (case.overdue) — in tx.
func (h *handle) hookCase(ctx context.Context, tx *sql.Tx, c *pingan.Case, act *pingan.Action, ev string, at time.Time) error {
	if act != nil {
		ev, at = pingan.CaseActionEvent(act.Action), act.At
	}
	ids, err := h.hooksFor(ctx, tx, ev, func() ([]string, error) {
		return []string{c.UnitPath, c.HoldingPath, c.AssignedPath}, nil // as caseIn (jurisdiction.go)
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	p := hookPayload{Event: ev, OccurredAt: at.In(cst), Case: &hookCase{ID: c.ID, Number: c.Number, Kind: string(c.Kind),
		Category: c.Category, Status: string(c.Status), Unit: c.Unit, HoldingUnit: c.HoldingUnit, AssignedUnit: c.AssignedUnit,
		Grid: c.Grid, ReportedAt: c.ReportedAt.In(cst), ResolveBy: c.ResolveBy, Overdue: c.Overdue, EscalationLevel: c.EscalationLevel}}
	if act != nil {
		p.Action = &hookAction{Seq: act.Seq, Action: string(act.Action), At: act.At.In(cst), FromStatus: string(act.FromStatus),
			ToStatus: string(act.ToStatus), FromUnit: act.FromUnit, ToUnit: act.ToUnit}
	}
	return h.queueDeliveries(ctx, tx, ids, ev, c.Number, p, at)
}

// hookTables are the tables of the items whose steps are events, with
// the columns of the unit paths their subtree is matched on.
var hookTables = map[string]struct{ table, paths string }{
	pingan.WebhookKindRisk:      {"risks", "unit_path, resp_path"},
	pingan.WebhookKindStability: {"stability", "unit_path, unit_path"},
	pingan.WebhookKindWarning:   {"warnings", "unit_path, issuer_path"},
	pingan.WebhookKindTask:      {"tasks", "unit_path, lead_path"},
}

// hookItem writes the deliveries of step of the item id of kind (risk,
// stability, warning, task), in tx.
func (h *handle) hookItem(ctx context.Context, tx *sql.Tx, kind string, id int64, step string, at time.Time) error {
	ev := pingan.ItemEvent(kind, step)
	t, ok := hookTables[kind]
	if !ok {
		return errors.New("store: no webhook events of " + kind)
	}
	var unit string
	ids, err := h.hooksFor(ctx, tx, ev, func() ([]string, error) {
		var p1, p2 string
		err := tx.QueryRowContext(ctx, `SELECT unit_code, `+t.paths+` FROM `+t.table+` WHERE id = $1`, id).Scan(&unit, &p1, &p2)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return []string{p1, p2}, err
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	p := hookPayload{Event: ev, OccurredAt: at.In(cst), Item: &hookItem{Kind: kind, ID: id, Unit: unit, Step: step, At: at.In(cst)}}
	return h.queueDeliveries(ctx, tx, ids, ev, kind+"/"+strconv.FormatInt(id, 10), p, at)
}

// queueDeliveries writes one pending delivery of p for each webhook of
// ids, due at once, in one statement.
func (h *handle) queueDeliveries(ctx context.Context, tx *sql.Tx, ids []int64, ev, subject string, p hookPayload, at time.Time) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var a args
	evP, subP, bodyP, atP := a.add(ev), a.add(subject), a.add(string(b)), a.add(h.dialect.ts(at))
	values := make([]string, len(ids))
	for i, id := range ids {
		values[i] = `(` + a.add(id) + `, ` + evP + `, ` + subP + `, ` + bodyP + `, ` + atP + `, '` + pingan.DeliveryPending + `', ` + atP + `)`
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, subject, payload, created_at, state, next_at) VALUES `+
		strings.Join(values, ", "), a...)
	return err
}

// mayWebhooks refuses an actor who is not the operator (nil) or an
// administrator of webhooks whose jurisdiction holds the unit of path.
func mayWebhooks(actor *pingan.User, path string) error {
	if actor == nil {
		return nil
	}
	if err := pingan.Permit(actor, pingan.CapAdminWebhooks); err != nil {
		return err
	}
	if path != "" && !actor.Sees(path) {
		return errWebhookNotFound()
	}
	return nil
}

func errWebhookNotFound() error { return pingan.E(pingan.ENOTFOUND, "webhook.notfound") }

// webhookResolveTimeout bounds the lookup of a webhook's host.
const webhookResolveTimeout = 5 * time.Second

// checkWebhook normalizes and validates in, its URL included — the host
// looked up within webhookResolveTimeout — before any transaction, so that
// a slow name server never holds the writer.
func (s *Webhooks) checkWebhook(ctx context.Context, in *pingan.NewWebhook) *pingan.Invalid {
	in.Normalize()
	v := &pingan.Invalid{}
	in.Validate(v)
	if !v.Has("url") {
		rctx, cancel := context.WithTimeout(ctx, webhookResolveTimeout)
		defer cancel()
		_ = v.Merge(pingan.CheckWebhookURL(rctx, in.URL, in.AllowPrivate, s.hooks.resolve)) // always EINVALID
	}
	return v
}

// webhookUnit answers the unit of in, read in tx, adding to v when it is
// unknown or outside the actor's jurisdiction; v's error, if any.
func webhookUnit(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewWebhook, v *pingan.Invalid) (*pingan.Unit, error) {
	var u *pingan.Unit
	if in.Unit != "" {
		var err error
		if u, err = unitByCode(ctx, tx, in.Unit); err != nil {
			return nil, err
		}
		if u == nil || (actor != nil && !actor.Sees(u.Path)) {
			v.Add("unit", "webhook.unit.unknown", pingan.ShowText(in.Unit, 40))
		}
	}
	return u, v.Err()
}

// Add registers a webhook and answers it with its secret, shown once.
func (s *Webhooks) Add(ctx context.Context, actor *pingan.User, in *pingan.NewWebhook) (*pingan.Webhook, string, error) {
	if err := mayWebhooks(actor, ""); err != nil {
		return nil, "", err
	}
	if in == nil {
		in = &pingan.NewWebhook{}
	}
	n := *in
	v := s.checkWebhook(ctx, &n)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	u, err := webhookUnit(ctx, tx, actor, &n, v)
	if err != nil {
		return nil, "", err
	}
	secret := n.Secret
	if secret == "" {
		var raw [24]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return nil, "", err
		}
		secret = "whsec_" + base64.RawURLEncoding.EncodeToString(raw[:])
	}
	sealed, err := s.sealer.Seal([]byte(secret))
	if err != nil {
		return nil, "", err
	}
	events, _ := json.Marshal(n.Events)
	w := &pingan.Webhook{Name: n.Name, URL: n.URL, Events: n.Events, Unit: u.Code, UnitPath: u.Path, AllowPrivate: n.AllowPrivate,
		Active: true, CreatedAt: s.now(), CreatedBy: nameOf(operator(actor))}
	if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (name, url, events, unit_code, unit_path, allow_private, active,
		secret_sealed, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		w.Name, w.URL, string(events), w.Unit, w.UnitPath, w.AllowPrivate, true, sealed, s.dialect.ts(w.CreatedAt), w.CreatedBy).Scan(&w.ID); err != nil {
		return nil, "", err
	}
	if err := s.auditWebhook(ctx, tx, actor, auditWebhookAdd, u.Region, w); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", err
	}
	s.hooks.changed()
	return w, secret, nil
}

// auditWebhook writes the audit row of a change of w: its name, URL, unit
// and events, never its secret.
func (s *Webhooks) auditWebhook(ctx context.Context, tx *sql.Tx, actor *pingan.User, action, region string, w *pingan.Webhook) error {
	b, _ := json.Marshal(map[string]any{"webhook": w.ID, "name": w.Name, "url": w.URL, "unit": w.Unit, "events": w.Events,
		"allow_private": w.AllowPrivate, "active": w.Active})
	return s.audit(ctx, tx, operator(actor), action, region, "", string(b))
}

// Update changes a webhook but its secret.
func (s *Webhooks) Update(ctx context.Context, actor *pingan.User, id int64, in *pingan.NewWebhook) (*pingan.Webhook, error) {
	if err := mayWebhooks(actor, ""); err != nil {
		return nil, err
	}
	if in == nil {
		in = &pingan.NewWebhook{}
	}
	n := *in
	n.Secret = ""
	v := s.checkWebhook(ctx, &n)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := s.webhook(ctx, tx, actor, id, true)
	if err != nil {
		return nil, err
	}
	u, err := webhookUnit(ctx, tx, actor, &n, v)
	if err != nil {
		return nil, err
	}
	events, _ := json.Marshal(n.Events)
	if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET name = $1, url = $2, events = $3, unit_code = $4, unit_path = $5,
		allow_private = $6 WHERE id = $7`, n.Name, n.URL, string(events), u.Code, u.Path, n.AllowPrivate, id); err != nil {
		return nil, err
	}
	old.Name, old.URL, old.Events, old.Unit, old.UnitPath, old.AllowPrivate = n.Name, n.URL, n.Events, u.Code, u.Path, n.AllowPrivate
	if err := s.auditWebhook(ctx, tx, actor, auditWebhookUpdate, u.Region, old); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.hooks.changed()
	return old, nil
}

// SetActive disables or enables a webhook.
func (s *Webhooks) SetActive(ctx context.Context, actor *pingan.User, id int64, active bool) error {
	if err := mayWebhooks(actor, ""); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w, err := s.webhook(ctx, tx, actor, id, true)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = $1 WHERE id = $2`, active, id); err != nil {
		return err
	}
	w.Active = active
	if err := s.auditWebhook(ctx, tx, actor, auditWebhookActive, regionOfPath(w.UnitPath), w); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.hooks.changed()
	return nil
}

// regionOfPath answers the county of a unit's path (its third code), or
// the deepest code above it, for the audit rows of webhooks.
func regionOfPath(path string) string {
	codes := strings.Split(strings.Trim(path, "/"), "/")
	if len(codes) >= 3 {
		return codes[2]
	}
	return codes[len(codes)-1]
}

const webhookColumns = `id, name, url, events, unit_code, unit_path, allow_private, active, created_at, created_by`

func scanWebhook(s scanner) (*pingan.Webhook, error) {
	var w pingan.Webhook
	var events string
	var created stamp
	if err := s.Scan(&w.ID, &w.Name, &w.URL, &events, &w.Unit, &w.UnitPath, &w.AllowPrivate, &w.Active, &created, &w.CreatedBy); err != nil {
		return nil, err
	}
	w.CreatedAt = created.T
	return &w, json.Unmarshal([]byte(events), &w.Events)
}

// webhook answers webhook id in the actor's jurisdiction (locked on
// PostgreSQL when lock): ENOTFOUND.
func (s *Webhooks) webhook(ctx context.Context, q queryer, actor *pingan.User, id int64, lock bool) (*pingan.Webhook, error) {
	sqlText := `SELECT ` + webhookColumns + ` FROM webhooks WHERE id = $1`
	if lock {
		sqlText += s.dialect.forUpdate()
	}
	w, err := scanWebhook(q.QueryRowContext(ctx, sqlText, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errWebhookNotFound()
	} else if err != nil {
		return nil, err
	}
	if err := mayWebhooks(actor, w.UnitPath); err != nil {
		return nil, err
	}
	return w, nil
}

// List answers the webhooks of the actor's jurisdiction, newest first.
func (s *Webhooks) List(ctx context.Context, actor *pingan.User) ([]*pingan.Webhook, error) {
	if err := mayWebhooks(actor, ""); err != nil {
		return nil, err
	}
	scope := "/"
	if actor != nil {
		scope = actor.ScopePath
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE `+unitIn("unit_path", "$1")+` ORDER BY id DESC`,
		likePrefix(scope))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook answers one webhook.
func (s *Webhooks) Webhook(ctx context.Context, actor *pingan.User, id int64) (*pingan.Webhook, error) {
	if err := mayWebhooks(actor, ""); err != nil {
		return nil, err
	}
	return s.webhook(ctx, s.read, actor, id, false)
}

const deliveryColumns = `d.id, d.webhook_id, d.event, d.subject, d.created_at, d.state, d.attempts, d.next_at, d.first_at, d.last_at,
	d.last_status, d.last_error, d.resend_of`

func scanDelivery(s scanner, extra ...any) (*pingan.WebhookDelivery, error) {
	var d pingan.WebhookDelivery
	var created, next, first, last stamp
	if err := s.Scan(append([]any{&d.ID, &d.Webhook, &d.Event, &d.Subject, &created, &d.State, &d.Attempts, &next, &first, &last,
		&d.LastStatus, &d.LastError, &d.ResendOf}, extra...)...); err != nil {
		return nil, err
	}
	d.CreatedAt, d.NextAt, d.FirstAt, d.LastAt = created.T, next.ptr(), first.ptr(), last.ptr()
	return &d, nil
}

// Deliveries answers the latest deliveries of a webhook, newest first.
func (s *Webhooks) Deliveries(ctx context.Context, actor *pingan.User, webhook int64, limit int) ([]*pingan.WebhookDelivery, error) {
	if _, err := s.Webhook(ctx, actor, webhook); err != nil {
		return nil, err
	}
	switch {
	case limit <= 0:
		limit = 50
	case limit > 500:
		limit = 500
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d WHERE d.webhook_id = $1
		ORDER BY d.id DESC LIMIT $2`, webhook, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Delivery answers one delivery with its attempts, oldest first.
func (s *Webhooks) Delivery(ctx context.Context, actor *pingan.User, id int64) (*pingan.WebhookDelivery, error) {
	if err := mayWebhooks(actor, ""); err != nil {
		return nil, err
	}
	d, err := s.delivery(ctx, s.read, actor, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT at, status, error, duration_ms FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a pingan.WebhookAttempt
		var at stamp
		var ms int64
		if err := rows.Scan(&at, &a.Status, &a.Error, &ms); err != nil {
			return nil, err
		}
		a.At, a.Duration = at.T, time.Duration(ms)*time.Millisecond
		d.Log = append(d.Log, &a)
	}
	return d, rows.Err()
}

// delivery answers delivery id when its webhook lies in the actor's
// jurisdiction: ENOTFOUND.
func (s *Webhooks) delivery(ctx context.Context, q queryer, actor *pingan.User, id int64) (*pingan.WebhookDelivery, error) {
	var path string
	d, err := scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryColumns+`, w.unit_path FROM webhook_deliveries d
		JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`, id), &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "webhook.delivery.notfound")
	} else if err != nil {
		return nil, err
	}
	if err := mayWebhooks(actor, path); err != nil {
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			return nil, pingan.E(pingan.ENOTFOUND, "webhook.delivery.notfound")
		}
		return nil, err
	}
	return d, nil
}

// Resend queues a delivered or failed delivery again as a new delivery of
// the same body, behind the pending ones of its subject.
func (s *Webhooks) Resend(ctx context.Context, actor *pingan.User, id int64) (*pingan.WebhookDelivery, error) {
	if err := mayWebhooks(actor, ""); err != nil {
		return nil, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	d, err := s.delivery(ctx, tx, actor, id)
	if err != nil {
		return nil, err
	}
	if d.State == pingan.DeliveryPending {
		return nil, pingan.E(pingan.ECONFLICT, "webhook.resend.pending")
	}
	// A second click while the first resend waits is the same resend: the
	// source row is locked (PostgreSQL; SQLite's writer is alone), then a
	// pending resend of it is looked for.
	var pending int
	if _, err := tx.ExecContext(ctx, `SELECT id FROM webhook_deliveries WHERE id = $1`+s.dialect.forUpdate(), d.ID); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM webhook_deliveries WHERE resend_of = $1 AND state = $2`,
		d.ID, pingan.DeliveryPending).Scan(&pending); err != nil {
		return nil, err
	}
	if pending > 0 {
		return nil, pingan.E(pingan.ECONFLICT, "webhook.resend.pending")
	}
	now := s.now()
	n := &pingan.WebhookDelivery{Webhook: d.Webhook, Event: d.Event, Subject: d.Subject, CreatedAt: now, State: pingan.DeliveryPending,
		NextAt: &now, ResendOf: d.ID}
	if err := tx.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, subject, payload, created_at, state, next_at, resend_of)
		SELECT webhook_id, event, subject, payload, $1, $2, $1, id FROM webhook_deliveries WHERE id = $3 RETURNING id`,
		s.dialect.ts(now), pingan.DeliveryPending, d.ID).Scan(&n.ID); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(map[string]any{"webhook": d.Webhook, "delivery": d.ID, "again": n.ID, "event": d.Event, "subject": d.Subject})
	if err := s.audit(ctx, tx, operator(actor), auditWebhookResend, "", "", string(b)); err != nil {
		return nil, err
	}
	return n, tx.Commit()
}

// ClaimDeliveries answers up to limit deliveries due at now, each the
// earliest pending one of its webhook and subject (so a subject's events
// go out in order), of an active webhook, and moves each one's next_at on
// by lease in the claiming transaction (with SKIP LOCKED on PostgreSQL),
// so that other servers pass it over until then. The body is the payload
// kept with the delivery's id put first.
func (s *Webhooks) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*pingan.WebhookDelivery, error) {
	if limit <= 0 {
		limit = 20
	}
	if lease <= 0 {
		lease = time.Minute
	}
	d := s.dialect
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	skip := d.skipLocked()
	if skip != "" {
		skip = ` FOR UPDATE OF d SKIP LOCKED`
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+deliveryColumns+`, d.payload, w.url, w.allow_private, w.secret_sealed
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.state = 'pending' AND d.next_at <= $1 AND w.active = $2
		AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.state = 'pending' AND e.webhook_id = d.webhook_id
			AND e.subject = d.subject AND e.id < d.id)
		ORDER BY d.next_at, d.id LIMIT $3`+skip, d.ts(now), true, limit)
	if err != nil {
		return nil, err
	}
	var out []*pingan.WebhookDelivery
	var raw [12]byte
	if _, err := rand.Read(raw[:]); err != nil {
		rows.Close()
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	for rows.Next() {
		var payload string
		var sealed []byte
		var w pingan.WebhookDelivery
		x, err := scanDelivery(rows, &payload, &w.URL, &w.AllowPrivate, &sealed)
		if err != nil {
			rows.Close()
			return nil, err
		}
		secret, err := s.sealer.Open(sealed)
		if err != nil {
			rows.Close()
			return nil, err
		}
		x.URL, x.AllowPrivate, x.Secret, x.Claim = w.URL, w.AllowPrivate, string(secret), token
		x.Body = append([]byte(`{"id":`+strconv.FormatInt(x.ID, 10)+`,`), payload[1:]...)
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range out {
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_at = $1, claim = $2 WHERE id = $3`, d.ts(now.Add(lease)), token, x.ID); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// attempt logs attempt a of delivery id and sets its state, when the
// delivery is still pending under claim: a late result, after the lease
// ran out and another sender claimed it again, changes nothing.
func (s *Webhooks) attempt(ctx context.Context, id int64, claim string, a *pingan.WebhookAttempt, state string, next *time.Time) error {
	d := s.dialect
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	reason := cleanText(a.Error, 500)
	at := a.At.In(cst).Truncate(time.Millisecond)
	res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $1, next_at = $2, attempts = attempts + 1,
		first_at = COALESCE(first_at, $3), last_at = $3, last_status = $4, last_error = $5
		WHERE id = $6 AND state = 'pending' AND claim = $7 AND claim <> ''`,
		state, d.tsp(next), d.ts(at), a.Status, reason, id, claim)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // claimed again since, or no longer pending: nothing
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5)`,
		id, d.ts(at), a.Status, reason, a.Duration.Milliseconds()); err != nil {
		return err
	}
	return tx.Commit()
}

// cleanText makes s fit a text column on both databases: valid UTF-8
// (a receiver's reason phrase may be GBK), no NUL, and at most max bytes,
// cut at a rune.
func cleanText(s string, max int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// Delivered records a successful attempt.
func (s *Webhooks) Delivered(ctx context.Context, id int64, claim string, a *pingan.WebhookAttempt) error {
	return s.attempt(ctx, id, claim, a, pingan.DeliveryDelivered, nil)
}

// DeliveryFailed records a failed attempt, due again at retry, or given
// up when retry is zero.
func (s *Webhooks) DeliveryFailed(ctx context.Context, id int64, claim string, a *pingan.WebhookAttempt, retry time.Time) error {
	if retry.IsZero() {
		return s.attempt(ctx, id, claim, a, pingan.DeliveryFailed, nil)
	}
	retry = retry.In(cst).Truncate(time.Millisecond)
	return s.attempt(ctx, id, claim, a, pingan.DeliveryPending, &retry)
}
