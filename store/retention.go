package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Retention of personal data (个人信息保存期限, pingan.RetentionService):
// the months of each kind are rows of retention_policy (migration 0043),
// set by the security administrator; PurgePersonal deletes the personal
// data of the closed cases past them — the sealed reporter and parties,
// the blind index and petitioner key, the sealed parts of the mediation
// sessions, agreements, petition documents and drafts, an Open311
// request's e-mail and device, and the notes of a reception about purged
// cases only — and marks the case (personal_purged_at). The case, its
// timeline and its counters stay: statistics and exports do not change.

var _ pingan.RetentionService = (*Security)(nil)
var _ pingan.PersonalRequester = (*Public)(nil)

// Audit actions of retention.
const (
	auditRetentionSet = "retention_set"    // 修改个人信息保存期限
	auditPurge        = "personal_purge"   // 个人信息到期删除, one row per case
	auditPersonalAsk  = "personal_request" // 群众查阅、更正个人信息的请求
)

// purgeBatch is how many cases one transaction of PurgePersonal purges.
const purgeBatch = 200

// purgeEvent is the detail of a purge's audit row: no personal data.
type purgeEvent struct {
	Kind     pingan.Kind `json:"kind"`
	Months   int         `json:"months"`
	ClosedAt string      `json:"closed_at"`
}

// RetentionPolicy answers the months of each kind, the default of a kind
// without a row.
func (s *Security) RetentionPolicy(ctx context.Context) (*pingan.RetentionPolicy, error) {
	return retentionPolicyIn(ctx, s.read)
}

func retentionPolicyIn(ctx context.Context, q querier) (*pingan.RetentionPolicy, error) {
	p := pingan.DefaultRetentionPolicy()
	rows, err := q.QueryContext(ctx, `SELECT kind, months, updated_by, updated_at FROM retention_policy`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, by string
		var months int
		var at stamp
		if err := rows.Scan(&kind, &months, &by, &at); err != nil {
			return nil, err
		}
		if !pingan.Kind(kind).Valid() {
			continue
		}
		p.Months[pingan.Kind(kind)] = months
		if at.Valid && at.T.After(p.UpdatedAt) {
			p.UpdatedBy, p.UpdatedAt = by, at.T
		}
	}
	return &p, rows.Err()
}

// SetRetentionPolicy replaces the months of every kind, audited
// (retention_set, the months of each kind).
func (s *Security) SetRetentionPolicy(ctx context.Context, actor *pingan.User, p *pingan.RetentionPolicy) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := wholeTreeAs(ctx, tx, actor, pingan.RoleSecAdmin, pingan.E(pingan.EFORBIDDEN, "security.forbidden")); err != nil {
		return err
	}
	var v pingan.Invalid
	p.Validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	now, by := s.now(), actorLabel(operator(actor))
	var set []string
	for _, k := range pingan.Kinds {
		m := p.Months[k.Kind]
		if _, err := tx.ExecContext(ctx, `INSERT INTO retention_policy (kind, months, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (kind) DO UPDATE SET months = $2, updated_by = $3, updated_at = $4`,
			string(k.Kind), m, by, s.dialect.ts(now)); err != nil {
			return err
		}
		set = append(set, fmt.Sprintf("%s=%d", k.Kind, m))
	}
	if err := s.auditChange(ctx, tx, operator(actor), auditRetentionSet, configChange{What: "retention", Set: strings.Join(set, ",")}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	p.UpdatedBy, p.UpdatedAt = by, now
	return nil
}

// retentionWhere selects the cases of kind $1 whose personal data is past
// its retention: closed at or before $2 and not purged. A reopened case is
// not closed, so never selected.
const retentionWhere = `kind = $1 AND status = 'closed' AND personal_purged_at IS NULL AND closed_at IS NOT NULL AND closed_at <= $2`

// PurgePersonal deletes the personal data of the closed cases past their
// retention, purgeBatch cases to a transaction, one audit row each
// (personal_purge: the kind, the months, the closing; no personal data),
// and answers the counts by kind; a dry run counts them only. It stops
// between batches when ctx ends, answering what it did and ctx's error.
func (s *Security) PurgePersonal(ctx context.Context, dryRun bool) (*pingan.PurgeReport, error) {
	p, err := retentionPolicyIn(ctx, s.read)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rep := &pingan.PurgeReport{DryRun: dryRun, ByKind: map[pingan.Kind]int{}}
	for _, k := range pingan.Kinds {
		months := p.Months[k.Kind]
		cutoff := s.dialect.ts(now.AddDate(0, -months, 0))
		var n int
		if dryRun {
			err = s.read.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE `+retentionWhere, string(k.Kind), cutoff).Scan(&n)
		} else {
			n, err = s.purgeKind(ctx, k.Kind, months, cutoff, now)
		}
		rep.ByKind[k.Kind] = n
		rep.Total += n
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// purgeKind purges the cases of kind past cutoff, batch after batch.
func (s *Security) purgeKind(ctx context.Context, kind pingan.Kind, months int, cutoff any, now time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, seen, err := s.purgeBatch(ctx, kind, months, cutoff, now)
		total += n
		if err != nil || seen < purgeBatch {
			return total, err
		}
	}
}

// purgeBatch purges up to purgeBatch cases of kind in one transaction
// and answers how many it purged and how many it found due.
func (s *Security) purgeBatch(ctx context.Context, kind pingan.Kind, months int, cutoff any, now time.Time) (purged, seen int, err error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT region, id, closed_at FROM cases WHERE `+retentionWhere+
		` ORDER BY closed_at, region, id LIMIT $3`+s.dialect.skipLocked(), string(kind), cutoff, purgeBatch)
	if err != nil {
		return 0, 0, err
	}
	type due struct {
		region, id string
		closed     stamp
	}
	var batch []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.region, &d.id, &d.closed); err != nil {
			rows.Close()
			return 0, 0, err
		}
		batch = append(batch, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if len(batch) == 0 {
		return 0, 0, nil
	}
	empty, err := s.emptySealed()
	if err != nil {
		return 0, 0, err
	}
	n := 0
	var photos purgedPhotos
	defer func() { photos.finish(ctx, s.handle) }()
	for _, d := range batch {
		ok, err := s.purgeCase(ctx, tx, d.region, d.id, now, empty)
		if err != nil {
			return 0, 0, err
		}
		if !ok {
			continue
		}
		detail, err := json.Marshal(purgeEvent{Kind: kind, Months: months, ClosedAt: d.closed.T.UTC().Format(time.RFC3339)})
		if err != nil {
			return 0, 0, err
		}
		if err := s.audit(ctx, tx, purgeActor(), auditPurge, d.region, d.id, string(detail)); err != nil {
			return 0, 0, err
		}
		if err := s.stripPhotos(ctx, tx, d.region, d.id, &photos); err != nil {
			return 0, 0, err
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	photos.committed = true
	return n, len(batch), nil
}

// purgedPhotos are the names a batch put to the file store (photos
// without their position) and the names they replace: once the batch
// commits the old ones are removed, else the new ones.
type purgedPhotos struct {
	put, old, unused []string
	committed        bool
}

func (p *purgedPhotos) finish(ctx context.Context, h *handle) {
	gone := p.put
	if p.committed {
		gone = append(p.old, p.unused...)
	}
	for _, name := range gone {
		if err := h.files.Delete(context.WithoutCancel(ctx), name); err != nil {
			h.log.Warn("store: cannot remove a photo's copy", "file", name, "err", err)
		}
	}
}

// stripPhotos takes the camera's position (GPS) out of the photos of a
// purged case that no case still keeping its personal data shares: each
// is sealed again without it under a new name (pingan.StripPosition),
// recorded in tx; its reference (the SHA-256 it arrived with) stays.
func (s *Security) stripPhotos(ctx context.Context, tx *sql.Tx, region, id string, p *purgedPhotos) error {
	if s.files == nil || s.sealer == nil {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT f.sum, f.name FROM case_files cf JOIN files f ON f.sum = cf.sum
		WHERE cf.region = $1 AND cf.case_id = $2 AND f.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_files o
		JOIN cases c ON c.region = o.region AND c.id = o.case_id WHERE o.sum = cf.sum AND c.personal_purged_at IS NULL)`, region, id)
	if err != nil {
		return err
	}
	type photo struct{ sum, name string }
	var photos []photo
	for rows.Next() {
		var ph photo
		if err := rows.Scan(&ph.sum, &ph.name); err != nil {
			rows.Close()
			return err
		}
		photos = append(photos, ph)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ph := range photos {
		sealed, err := s.files.Get(ctx, ph.name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // missing: nothing to strip
		} else if err != nil {
			return err
		}
		data, err := s.sealer.Open(sealed)
		if err != nil {
			return fmt.Errorf("store: photo %s of case %s: %w", ph.sum, id, err)
		}
		stripped := pingan.StripPosition(data)
		if bytes.Equal(stripped, data) {
			continue
		}
		again, err := s.sealer.Seal(stripped)
		if err != nil {
			return err
		}
		fresh := ph.sum + "." + randomHex(8)
		if err := s.files.Put(ctx, fresh, again); err != nil {
			return err
		}
		p.put = append(p.put, fresh)
		res, err := tx.ExecContext(ctx, `UPDATE files SET name = $1 WHERE sum = $2 AND name = $3`, fresh, ph.sum, ph.name)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k == 1 {
			p.old = append(p.old, ph.name)
		} else { // moved meanwhile (a key rotation): the new copy is named nowhere
			p.unused = append(p.unused, fresh)
		}
	}
	return nil
}

// purgeActor is who the purge's audit rows are filed under: the system.
func purgeActor() *pingan.User {
	return &pingan.User{Username: "system", Name: pingan.SystemActor}
}

// emptySealed answers what a sealed column that may not be NULL holds once
// purged: an empty JSON object sealed, which every reader opens as a
// record without content.
type emptySealed struct{ object, text []byte }

func (h *handle) emptySealed() (emptySealed, error) {
	if h.sealer == nil {
		return emptySealed{object: []byte{}, text: []byte{}}, nil
	}
	object, err := h.sealer.Seal([]byte("{}"))
	if err != nil {
		return emptySealed{}, err
	}
	text, err := h.sealer.Seal([]byte{})
	return emptySealed{object: object, text: text}, err
}

// purgeStatements delete what a case holds of personal data beyond its
// row: each with its arguments ($1 region and $2 id of the case, and the
// empty sealed value that replaces one that may not be NULL).
var purgeStatements = []struct {
	query string
	args  func(region, id string, e emptySealed) []any
}{
	{`DELETE FROM case_people WHERE region = $1 AND case_id = $2`, caseArgs},
	{`UPDATE mediation_sessions SET sealed = $3 WHERE region = $1 AND case_id = $2`, objectArgs},
	{`UPDATE agreements SET sealed = $3 WHERE region = $1 AND case_id = $2`, objectArgs},
	{`UPDATE petition_documents SET sealed = $3 WHERE region = $1 AND case_id = $2`,
		func(region, id string, e emptySealed) []any { return []any{region, id, e.text} }},
	{`UPDATE petition_drafts SET sealed = $3 WHERE region = $1 AND case_id = $2`, objectArgs},
	{`UPDATE open311_requests SET email = '', device_id = '' WHERE region = $1 AND case_id = $2`, caseArgs},
	// A reception's notes go with the last of its cases to be purged.
	{`UPDATE receptions SET sealed = $2 WHERE id IN (SELECT reception_id FROM reception_cases WHERE case_id = $1)
		AND NOT EXISTS (SELECT 1 FROM reception_cases rc JOIN cases c ON c.id = rc.case_id
		WHERE rc.reception_id = receptions.id AND c.personal_purged_at IS NULL)`,
		func(_, id string, e emptySealed) []any { return []any{id, e.object} }},
}

func caseArgs(region, id string, _ emptySealed) []any { return []any{region, id} }

func objectArgs(region, id string, e emptySealed) []any { return []any{region, id, e.object} }

// purgeCase deletes the personal data of one case in tx, if it is still
// closed and not purged, and marks it purged at now.
func (s *Security) purgeCase(ctx context.Context, tx *sql.Tx, region, id string, now time.Time, empty emptySealed) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE cases SET reporter_sealed = NULL, parties_sealed = NULL, petitioner_key = NULL,
		personal_purged_at = $3 WHERE region = $1 AND id = $2 AND status = 'closed' AND personal_purged_at IS NULL`,
		region, id, s.dialect.ts(now))
	if err != nil {
		return false, err
	}
	if k, err := res.RowsAffected(); err != nil || k == 0 {
		return false, err
	}
	for _, st := range purgeStatements {
		if _, err := tx.ExecContext(ctx, st.query, st.args(region, id, empty)...); err != nil {
			return false, fmt.Errorf("store: purge of case %s: %w", id, err)
		}
	}
	return true, nil
}

// RequestPersonal makes a citizen's request to see or correct the
// personal data of their case (PIPL art. 45, 46) a task of the case's
// unit (个人信息请求, PersonalRequestDays working days), issued by the
// system from that unit, and audits it (personal_request: the kind and the
// task, not the text); see pingan.PersonalRequester.
func (s *Public) RequestPersonal(ctx context.Context, number, code string, r *pingan.PersonalRequest) (int64, error) {
	in := *r
	var v pingan.Invalid
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return 0, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	c, err := s.publicCase(ctx, tx, number, code, true)
	if err != nil {
		return 0, err
	}
	if c.PersonalPurgedAt != nil {
		return 0, pingan.E(pingan.ECONFLICT, "personal.purged")
	}
	unit, err := unitByCode(ctx, tx, c.Unit)
	if err != nil {
		return 0, err
	}
	if unit == nil {
		return 0, errUnitNotFound(c.Unit)
	}
	actor := &pingan.User{Username: "system", Name: pingan.SystemActor, UnitCode: unit.Code,
		Roles: []pingan.Role{pingan.RoleDispatcher}, ScopePath: unit.Path}
	var items []string
	for _, f := range in.Fields {
		items = append(items, pingan.Text(pingan.ZH, "personal.field."+f))
	}
	content := pingan.Text(pingan.ZH, "personal.task.content.view", pingan.PersonalRequestDays)
	if in.Kind == pingan.PersonalCorrect {
		content = pingan.Text(pingan.ZH, "personal.task.content.correct", pingan.PersonalRequestDays, strings.Join(items, "、"))
	}
	task := &pingan.NewTask{Title: pingan.Text(pingan.ZH, "personal.task.title."+in.Kind, c.Number), Content: content,
		Source: pingan.TaskFromInstruction, Ref: "case:" + c.ID, Type: pingan.TaskTypePersonal, LeadUnit: unit.Code}
	id, err := s.insertTask(ctx, tx, actor, task, s.now())
	if err != nil {
		return 0, err
	}
	detail, err := json.Marshal(map[string]any{"kind": in.Kind, "fields": in.Fields, "task": id})
	if err != nil {
		return 0, err
	}
	if err := s.audit(ctx, tx, &pingan.User{Username: CitizenActor, Name: CitizenActor}, auditPersonalAsk, c.Region, c.ID, string(detail)); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}
