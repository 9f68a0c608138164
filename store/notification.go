package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pingan-gov/pingan"
)

// Notifications are the staff's bell (提醒) and the outbox (发件箱) of
// notices to group robots and citizens' text messages.
//
// Both are written by notifyFor in the transaction of the action that
// causes them (save, action.go), so an action that fails writes none and
// one that commits never lacks them:
//
//   - dispatch (派遣): every user of the unit it goes to;
//   - return (退回): the dispatcher who sent it;
//   - supervise (督办): every user of the unit it is assigned to, and the
//     dispatcher who last dispatched or accepted it;
//   - rate dissatisfied (不满意): every user of the unit that handled it, and
//     the dispatcher who closed it;
//   - the sign deadline near (签收时限将至): every user of the assigned unit,
//     found by the deadline watch (NotifySignDue), once per deadline.
//
// The one who acts is never told of their own action. Each of those also
// goes, as one notice without personal data, to each group robot
// configured (SetChannels); accept (受理) and close (结案) send the
// citizen who left a phone a text message, the phone opened from the
// sealed reporter only when the notice is claimed to be sent.
type Notifications struct{ *handle }

var (
	_ pingan.NotificationService = (*Notifications)(nil)
	_ pingan.Outbox              = (*Notifications)(nil)
	_ pingan.Notifier            = (*Notifications)(nil)
)

// noticeChannels are the channels notices go out on; none until set.
type noticeChannels struct {
	p atomic.Pointer[[]pingan.Channel]
}

func (n *noticeChannels) get() []pingan.Channel {
	if p := n.p.Load(); p != nil {
		return *p
	}
	return nil
}

// SetChannels says which channels notices go out on (those with a sender
// configured); the outbox gets rows for these only. None by default.
func (s *Notifications) SetChannels(chs ...pingan.Channel) {
	chs = append([]pingan.Channel(nil), chs...)
	s.notices.p.Store(&chs)
}

// Retries of the outbox.
const (
	noticeLease       = 5 * time.Minute // a claimed notice is left to its claimer this long
	NoticeMaxAttempts = 10              // after so many failures a notice is given up
)

// notifyTo is who a notification is for: the staff of a unit, or one user.
type notifyTo struct {
	unit string
	user int64
}

// notifyFor writes the notifications and the outbox rows that act on c
// causes, in tx.
func (h *handle) notifyFor(ctx context.Context, tx *sql.Tx, c *pingan.Case, act *pingan.Action) error {
	if act == nil {
		return nil
	}
	var (
		kind pingan.NotificationKind
		to   []notifyTo
		sms  string // key of the citizen's text message
		err  error
	)
	lastBy := func(actions ...pingan.ActionName) int64 {
		if err != nil {
			return 0
		}
		var id int64
		id, err = lastActor(ctx, tx, c.Region, c.ID, act.Seq, actions...)
		return id
	}
	switch act.Action {
	case pingan.ActDispatch:
		kind, to = pingan.NoticeDispatched, []notifyTo{{unit: act.ToUnit}}
		for _, u := range newAssistUnits(c, act) { // the assisting units (协办) hear of it the same way
			to = append(to, notifyTo{unit: u})
		}
	case pingan.ActReturn:
		kind, to = pingan.NoticeReturned, []notifyTo{{user: lastBy(pingan.ActDispatch)}}
	case pingan.ActSupervise:
		kind, to = pingan.NoticeSupervised, []notifyTo{{unit: c.AssignedUnit}, {user: lastBy(pingan.ActDispatch, pingan.ActAccept)}}
	case pingan.ActRate:
		if act.Satisfaction == pingan.Dissatisfied {
			kind, to = pingan.NoticeDissatisfied, []notifyTo{{unit: c.AssignedUnit}, {user: lastBy(pingan.ActClose)}}
		}
	case pingan.ActAccept:
		sms = "notify.sms.accepted"
	case pingan.ActClose:
		sms = "notify.sms.closed"
	}
	if err != nil {
		return err
	}
	if kind != "" {
		if err := h.notify(ctx, tx, c, kind, act.ActorID, act.At, to); err != nil {
			return err
		}
	}
	if sms != "" && h.channelOn(pingan.ChannelSMS) {
		var sealed bool
		if err := tx.QueryRowContext(ctx, `SELECT reporter_sealed IS NOT NULL FROM cases WHERE region = $1 AND id = $2`,
			c.Region, c.ID).Scan(&sealed); err != nil {
			return err
		}
		if sealed {
			return h.queueNotice(ctx, tx, pingan.ChannelSMS, c, pingan.Text(pingan.ZH, sms, c.Number), act.At)
		}
	}
	return nil
}

// channelOn reports whether notices go out on ch.
func (h *handle) channelOn(ch pingan.Channel) bool {
	for _, x := range h.notices.get() {
		if x == ch {
			return true
		}
	}
	return false
}

// lastActor answers the user who took the latest of the actions on the case
// before seq, 0 when none did (or the system did).
func lastActor(ctx context.Context, tx *sql.Tx, region, id string, seq int, actions ...pingan.ActionName) (int64, error) {
	var a args
	q := `SELECT actor_id FROM actions WHERE region = ` + a.add(region) + ` AND case_id = ` + a.add(id) +
		` AND seq < ` + a.add(seq) + ` AND action IN (`
	names := make([]any, len(actions))
	for i, n := range actions {
		names[i] = string(n)
	}
	q += a.list(names...) + `) ORDER BY seq DESC LIMIT 1`
	var user int64
	err := tx.QueryRowContext(ctx, q, a...).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return user, err
}

// notify writes a notification of kind on c for each user it is for —
// every active user of a unit, or the one user — but the actor, once
// each, and queues its notice to the group robots.
func (h *handle) notify(ctx context.Context, tx *sql.Tx, c *pingan.Case, kind pingan.NotificationKind, actor int64,
	at time.Time, to []notifyTo) error {
	type recipient struct {
		user int64
		unit string // the unit it is addressed through; "" for the user alone
	}
	told := map[int64]bool{actor: true}
	var rs []recipient
	var units []string
	add := func(unit, q string, arg any) error {
		rows, err := tx.QueryContext(ctx, q, arg)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !told[id] {
				told[id] = true
				rs = append(rs, recipient{id, unit})
			}
		}
		return rows.Err()
	}
	// Users named first, so that one of them who is also in the unit is
	// told as themselves.
	for _, r := range to {
		if r.user != 0 {
			if err := add("", `SELECT id FROM users WHERE id = $1 AND disabled_at IS NULL`, r.user); err != nil {
				return err
			}
		}
	}
	for _, r := range to {
		if r.unit != "" {
			units = append(units, r.unit)
			if err := add(r.unit, `SELECT id FROM users WHERE unit_code = $1 AND disabled_at IS NULL ORDER BY id`, r.unit); err != nil {
				return err
			}
		}
	}
	if len(rs) > 0 {
		var a args
		kindP, regionP, caseP, atP := a.add(string(kind)), a.add(c.Region), a.add(c.ID), a.add(h.dialect.ts(at))
		values := make([]string, len(rs))
		for i, r := range rs {
			values[i] = `(` + a.add(r.user) + `, ` + a.add(r.unit) + `, ` + kindP + `, ` + regionP + `, ` + caseP + `, ` + atP + `)`
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, unit_code, kind, region, case_id, at) VALUES `+
			strings.Join(values, ", "), a...); err != nil {
			return err
		}
	}
	var text string
	for _, ch := range []pingan.Channel{pingan.ChannelWeCom, pingan.ChannelDingTalk} {
		if !h.channelOn(ch) {
			continue
		}
		if text == "" {
			var err error
			if text, err = h.groupText(ctx, tx, c, kind, units); err != nil {
				return err
			}
		}
		if err := h.queueNotice(ctx, tx, ch, c, text, at); err != nil {
			return err
		}
	}
	return nil
}

// groupText answers the notice of kind on c for a staff group, in Chinese:
// the case's number, the unit's name, the deadline — never its title,
// description or people, since a group robot's messages leave the
// platform.
func (h *handle) groupText(ctx context.Context, tx *sql.Tx, c *pingan.Case, kind pingan.NotificationKind, units []string) (string, error) {
	var names []string
	for _, code := range units {
		u, err := h.lookupUnit(ctx, tx, code)
		if err != nil {
			return "", err
		}
		if u != nil {
			names = append(names, u.Name)
		}
	}
	unit := strings.Join(names, "、")
	due := ""
	if c.SignBy != nil {
		due = c.SignBy.In(cst).Format("2006-01-02 15:04")
	}
	switch kind {
	case pingan.NoticeDispatched:
		return pingan.Text(pingan.ZH, "notify.group.dispatched", c.Number, unit, due), nil
	case pingan.NoticeSignDue:
		return pingan.Text(pingan.ZH, "notify.group.sign_due", c.Number, unit, due), nil
	}
	return pingan.Text(pingan.ZH, "notify.group."+string(kind), c.Number), nil
}

// queueNotice puts a notice on ch into the outbox, due at once.
func (h *handle) queueNotice(ctx context.Context, tx *sql.Tx, ch pingan.Channel, c *pingan.Case, text string, at time.Time) error {
	d := h.dialect
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (channel, region, case_id, text, created_at, next_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, string(ch), c.Region, c.ID, text, d.ts(at))
	return err
}

// Unread answers how many of the actor's notifications are unread.
func (s *Notifications) Unread(ctx context.Context, actor *pingan.User) (int, error) {
	if actor == nil {
		return 0, errNoActor()
	}
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, actor.ID).Scan(&n)
	return n, err
}

// Notifications answers the actor's notifications, newest first. A case
// that has left the actor's jurisdiction keeps its number but not its title.
func (s *Notifications) Notifications(ctx context.Context, actor *pingan.User, limit int) ([]*pingan.Notification, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	switch {
	case limit <= 0:
		limit = 50
	case limit > 200:
		limit = 200
	}
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, n.user_id, n.unit_code, n.kind, n.case_id, n.at, n.read_at,
		COALESCE((SELECT title FROM cases WHERE region = n.region AND id = n.case_id AND `+caseSeen("$2", "$4")+`), '')
		FROM notifications n WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $3`, actor.ID, scope, limit, unitOf(actor))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Notification
	for rows.Next() {
		var n pingan.Notification
		var at, readAt stamp
		if err := rows.Scan(&n.ID, &n.UserID, &n.UnitCode, &n.Kind, &n.CaseID, &at, &readAt, &n.Title); err != nil {
			return nil, err
		}
		n.At, n.ReadAt = at.T, readAt.ptr()
		out = append(out, &n)
	}
	return out, rows.Err()
}

// MarkRead marks the actor's notifications with ids read (every unread one
// when ids is empty), in one transaction.
func (s *Notifications) MarkRead(ctx context.Context, actor *pingan.User, ids []int64) (int, error) {
	if actor == nil {
		return 0, errNoActor()
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var a args
	q := `UPDATE notifications SET read_at = ` + a.add(s.dialect.ts(s.now())) + ` WHERE user_id = ` + a.add(actor.ID) + ` AND read_at IS NULL`
	if len(ids) > 0 {
		vs := make([]any, len(ids))
		for i, id := range ids {
			vs[i] = id
		}
		q += ` AND id IN (` + a.list(vs...) + `)`
	}
	res, err := tx.ExecContext(ctx, q, a...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// DefaultSignDueLimit is the batch size of NotifySignDue when limit ≤ 0.
const DefaultSignDueLimit = 100

// NotifySignDue notifies the staff of the assigned unit of each dispatched
// case whose sign deadline lies before now+within and that was not
// notified of that deadline yet (sign_warned), in one transaction; on
// PostgreSQL the cases are claimed with SKIP LOCKED, as the deadline watch
// claims them. A deadline already passed counts as near.
func (s *Notifications) NotifySignDue(ctx context.Context, now time.Time, within time.Duration, limit int) (int, error) {
	if limit <= 0 {
		limit = DefaultSignDueLimit
	}
	now = now.In(cst).Truncate(time.Millisecond)
	d := s.dialect
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases WHERE status = 'dispatched' AND sign_by < $1
		AND (sign_warned IS NULL OR sign_warned <> sign_by) ORDER BY sign_by LIMIT $2`+d.skipLocked(),
		d.ts(now.Add(within)), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		sc, err := s.loadCase(ctx, tx, "", id, false)
		if err != nil {
			return 0, err
		}
		c := sc.Case
		if err := s.notify(ctx, tx, c, pingan.NoticeSignDue, 0, now, []notifyTo{{unit: c.AssignedUnit}}); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET sign_warned = sign_by WHERE region = $1 AND id = $2`, c.Region, c.ID); err != nil {
			return 0, err
		}
	}
	return len(ids), tx.Commit()
}

// ClaimNotices answers up to limit notices due at now, each left to the
// caller for noticeLease: its next_at moves on in the claiming
// transaction (with SKIP LOCKED on PostgreSQL), so other servers pass it
// over until then. A text message's phone is opened from the case's
// sealed reporter; one whose case has no phone is closed at once.
func (s *Notifications) ClaimNotices(ctx context.Context, now time.Time, limit int) ([]*pingan.Notice, error) {
	if limit <= 0 {
		limit = 20
	}
	d := s.dialect
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, channel, region, case_id, text, attempts FROM outbox
		WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at, id LIMIT $2`+d.skipLocked(), d.ts(now), limit)
	if err != nil {
		return nil, err
	}
	type claimed struct {
		n      *pingan.Notice
		region string
	}
	var cs []claimed
	for rows.Next() {
		var n pingan.Notice
		var region string
		if err := rows.Scan(&n.ID, &n.Channel, &region, &n.CaseID, &n.Text, &n.Attempts); err != nil {
			rows.Close()
			return nil, err
		}
		cs = append(cs, claimed{&n, region})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*pingan.Notice
	for _, c := range cs {
		n := c.n
		var number string
		var reporter []byte
		if err := tx.QueryRowContext(ctx, `SELECT number, reporter_sealed FROM cases WHERE region = $1 AND id = $2`,
			c.region, n.CaseID).Scan(&number, &reporter); err != nil {
			return nil, err
		}
		n.Number = number
		if n.Channel == pingan.ChannelSMS {
			if n.Phone, err = s.reporterPhone(n.CaseID, reporter); err != nil {
				return nil, err
			}
			if n.Phone == "" {
				if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_at = NULL, last_error = $1 WHERE id = $2`,
					"no phone", n.ID); err != nil {
					return nil, err
				}
				continue
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_at = $1 WHERE id = $2`, d.ts(now.Add(noticeLease)), n.ID); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, tx.Commit()
}

// reporterPhone opens the sealed reporter of case id and answers their phone.
func (h *handle) reporterPhone(id string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	b, err := h.sealer.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("store: case %s reporter: %w", id, err)
	}
	var p pingan.Person
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("store: case %s reporter: %w", id, err)
	}
	return strings.TrimSpace(p.Phone), nil
}

// NoticeSent records that notice id went out.
func (s *Notifications) NoticeSent(ctx context.Context, id int64, now time.Time) error {
	d := s.dialect
	_, err := s.write.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, next_at = NULL, attempts = attempts + 1, last_error = ''
		WHERE id = $2`, d.ts(now), id)
	return err
}

// NoticeFailed records a failed attempt of notice id, due again at retry,
// or given up when retry is zero.
func (s *Notifications) NoticeFailed(ctx context.Context, id int64, now, retry time.Time, reason string) error {
	d := s.dialect
	var next any
	if !retry.IsZero() {
		next = d.ts(retry)
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	_, err := s.write.ExecContext(ctx, `UPDATE outbox SET next_at = $1, attempts = attempts + 1, last_error = $2 WHERE id = $3`,
		next, reason, id)
	return err
}

// Outbox answers every notice of the case, oldest first, with its state,
// for tests and the operator: sent, due again, or given up.
func (s *Notifications) Outbox(ctx context.Context, caseID string) ([]OutboxRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, channel, text, attempts, sent_at, next_at, last_error
		FROM outbox WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		var sent, next stamp
		if err := rows.Scan(&r.ID, &r.Channel, &r.Text, &r.Attempts, &sent, &next, &r.LastError); err != nil {
			return nil, err
		}
		r.SentAt, r.NextAt = sent.ptr(), next.ptr()
		out = append(out, r)
	}
	return out, rows.Err()
}

// OutboxRow is a notice of the outbox as kept.
type OutboxRow struct {
	ID        int64
	Channel   pingan.Channel
	Text      string
	Attempts  int
	SentAt    *time.Time
	NextAt    *time.Time
	LastError string
}
