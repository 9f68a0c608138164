package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Duplicates and links (合并重复件、关联案件, migration 0017). A merged
// duplicate keeps the main case's id in cases.merged_into; a link is one
// row of case_links per pair, the smaller id first, found by either id.
// Both actions change two cases: actPair locks both rows in the order of
// their ids, so that two merges crossing each other (A into B while B into
// A) run one after the other and the second is refused, and writes both
// timeline entries in one transaction.

// pairAction reports whether the action names a second case (ToCase).
func pairAction(a pingan.ActionName) bool {
	return a == pingan.ActMerge || a == pingan.ActLink || a == pingan.ActUnlink
}

// actPair is Act for merge, link and unlink: the case id and the case
// in.ToCase, both in the actor's jurisdiction (the second answers
// ENOTFOUND exactly as a case that does not exist), locked in the order of
// their ids.
func (s *Cases) actPair(ctx context.Context, actor *pingan.User, scope, id string, in pingan.ActionInput) (*pingan.Case, error) {
	now := s.now()
	to := strings.TrimSpace(in.ToCase)
	in.ToCase = to
	ids := []string{id}
	if to != "" && to != id {
		ids = append(ids, to)
		slices.Sort(ids)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var sc sealedCase
	var other *pingan.Case
	for _, x := range ids {
		l, err := s.loadCaseAs(ctx, tx, scope, unitOf(actor), x, true)
		if x == id {
			if err != nil {
				return nil, err
			}
			sc = l
			continue
		}
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			continue // workflow answers it as the case that is not there
		} else if err != nil {
			return nil, err
		}
		other = l.Case
	}
	c := sc.Case
	for _, x := range []*pingan.Case{c, other} {
		if x != nil {
			if x.MergedInto, err = mergedInto(ctx, tx, x); err != nil {
				return nil, err
			}
		}
	}
	env := workflow.Env{Now: now, Calendar: s.calendarNow()}
	if other != nil {
		if env.Linked, err = linked(ctx, tx, c, other); err != nil {
			return nil, err
		}
	}
	old := c.Version
	var self, second *pingan.Action
	if other == nil {
		_, err = workflow.Apply(c, actor, in, env) // refused: there is no second case
		if err == nil {
			err = errCaseNotFound(to)
		}
	} else {
		self, second, err = workflow.ApplyPair(c, other, actor, in, env)
	}
	if err != nil {
		return nil, s.refused(ctx, tx, actor, id, in, sc.Status, err)
	}
	oldOther := other.Version
	if err := s.save(ctx, tx, c, old, self, now); err != nil {
		tx.Rollback()
		return nil, s.refusedAlone(ctx, actor, id, in, c.Status, err)
	}
	if err := s.save(ctx, tx, other, oldOther, second, now); err != nil {
		tx.Rollback()
		return nil, s.refusedAlone(ctx, actor, id, in, c.Status, err)
	}
	if err := s.writePair(ctx, tx, actor, in.Action, c, other, now); err != nil {
		return nil, err
	}
	return s.committed(tx, sc, c, actor)
}

// writePair writes what a pair action changes beside the two cases' rows
// and timelines: the duplicate's merged_into, or the link.
func (s *Cases) writePair(ctx context.Context, tx *sql.Tx, actor *pingan.User, a pingan.ActionName, c, other *pingan.Case, now time.Time) error {
	first, second := linkOrder(c, other)
	switch a {
	case pingan.ActMerge:
		_, err := tx.ExecContext(ctx, `UPDATE cases SET merged_into = $3 WHERE region = $1 AND id = $2`, c.Region, c.ID, other.ID)
		return err
	case pingan.ActLink:
		_, err := tx.ExecContext(ctx, `INSERT INTO case_links (region, case_id, linked_region, linked_id, linked_by, linked_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, first.Region, first.ID, second.Region, second.ID, actor.ID, s.dialect.ts(now))
		return err
	case pingan.ActUnlink:
		_, err := tx.ExecContext(ctx, `DELETE FROM case_links WHERE region = $1 AND case_id = $2 AND linked_region = $3 AND linked_id = $4`,
			first.Region, first.ID, second.Region, second.ID)
		return err
	}
	return nil
}

// linkOrder answers the two cases of a link, the smaller id first.
func linkOrder(a, b *pingan.Case) (first, second *pingan.Case) {
	if b.ID < a.ID {
		return b, a
	}
	return a, b
}

// linked reports whether a and b are linked.
func linked(ctx context.Context, tx *sql.Tx, a, b *pingan.Case) (bool, error) {
	first, second := linkOrder(a, b)
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM case_links WHERE region = $1 AND case_id = $2 AND linked_region = $3 AND linked_id = $4`,
		first.Region, first.ID, second.Region, second.ID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// mergedInto answers the id of the case c was merged into, "" when none.
func mergedInto(ctx context.Context, q queryer, c *pingan.Case) (string, error) {
	var into sql.NullString
	err := q.QueryRowContext(ctx, `SELECT merged_into FROM cases WHERE region = $1 AND id = $2`, c.Region, c.ID).Scan(&into)
	return into.String, err
}

// relations fills what FindCase answers of a single case's duplicates and
// links: MergedInto, Merged (the duplicates merged into it that scope
// holds), Links (the linked cases scope holds, by id) and LinksHidden (the
// others, counted, never named).
func (s *Cases) relations(ctx context.Context, tx *sql.Tx, scope string, c *pingan.Case) error {
	var err error
	if c.MergedInto, err = mergedInto(ctx, tx, c); err != nil {
		return err
	}
	c.Merged, c.Links, c.LinksHidden = []string{}, []pingan.CaseRef{}, 0
	rows, err := tx.QueryContext(ctx, `SELECT id FROM cases WHERE merged_into = $1 AND `+caseIn("$2")+` ORDER BY id`, c.ID, scope)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		c.Merged = append(c.Merged, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// A join, not (region, id) IN (…): SQLite scanned every case for that.
	rows, err = tx.QueryContext(ctx, `SELECT c.id, c.title, c.status, c.unit_code, CASE WHEN `+caseIn("$3")+` THEN 1 ELSE 0 END
		FROM (SELECT linked_region AS r, linked_id AS i FROM case_links WHERE region = $1 AND case_id = $2
			UNION ALL SELECT region, case_id FROM case_links WHERE linked_region = $1 AND linked_id = $2) l
		JOIN cases c ON c.region = l.r AND c.id = l.i
		ORDER BY c.id`, c.Region, c.ID, scope)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r pingan.CaseRef
		var seen int
		if err := rows.Scan(&r.ID, &r.Title, &r.Status, &r.Unit, &seen); err != nil {
			return err
		}
		if seen == 1 {
			c.Links = append(c.Links, r)
		} else {
			c.LinksHidden++
		}
	}
	return rows.Err()
}

// mainCase answers the case that carries the work of a merged case c: the
// one c was merged into, followed while that was merged in its turn (at
// most pingan.MaxMergeChain steps); nil when c is not merged.
func (h *handle) mainCase(ctx context.Context, tx *sql.Tx, c *pingan.Case) (*pingan.Case, error) {
	into, err := mergedInto(ctx, tx, c)
	if err != nil || into == "" {
		return nil, err
	}
	var m *pingan.Case
	for i := 0; into != "" && i < pingan.MaxMergeChain; i++ {
		sc, err := h.loadCase(ctx, tx, "", into, false)
		if err != nil {
			return nil, err
		}
		m = sc.Case
		if into, err = mergedInto(ctx, tx, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}
