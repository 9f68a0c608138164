package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Counting cases (the badges of the inbox's tabs, docs/queues.md): one
// count in the database with the conditions of FindCases, rather than
// reading the cases page by page.

// caseCount is what CountCases answers: the cases and how many of them are
// overdue now (超期), and whether only the actor's own unit's assigned
// cases are counted.
type caseCount struct {
	assigned   string // assigned_unit, or "" for any
	n, overdue int
}

// CountCases counts the cases FindCases would list for f (every page) and
// how many of them are overdue now (超期: pingan.Case.OverdueAt at the
// store's clock, in its SQL form). f.Limit > 0 caps each count: it stops
// at f.Limit+1, so that a count above f.Limit says "more than f.Limit";
// f.Cursor and f.Offset are ignored. The personal data of the cases is not
// read.
func (s *Cases) CountCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) (n, overdueNow int, err error) {
	return s.countCases(ctx, actor, f, "")
}

// CountAssigned is CountCases of the cases assigned to the actor's own
// unit (a handler's 待签收 and 待办理).
func (s *Cases) CountAssigned(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) (n, overdueNow int, err error) {
	unit := "-" // no unit: scopeOf refuses the actor first
	if actor != nil {
		unit = actor.UnitCode
	}
	return s.countCases(ctx, actor, f, unit)
}

func (s *Cases) countCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter, assigned string) (int, int, error) {
	f.Cursor, f.Offset = "", 0
	cnt := &caseCount{assigned: assigned}
	if _, _, err := s.queryCases(ctx, actor, f, nil, cnt); err != nil {
		return 0, 0, err
	}
	return cnt.n, cnt.overdue, nil
}

// countWhere counts the cases of the conditions where (with their
// arguments a) into cnt, each count capped at f.Limit+1 when f.Limit > 0.
func (s *Cases) countWhere(ctx context.Context, tx *sql.Tx, where []string, a args, f pingan.CaseFilter, cnt *caseCount) error {
	a = append(args(nil), a...)
	where = append([]string(nil), where...)
	if cnt.assigned != "" {
		where = append(where, "assigned_unit = "+a.add(cnt.assigned))
	}
	count := func(where []string, a args, walk bool) (int, error) {
		limit := ""
		if f.Limit > 0 {
			limit = a.add(f.Limit + 1)
		}
		var n int
		err := tx.QueryRowContext(ctx, countQuery(where, f, walk, limit), a...).Scan(&n)
		return n, err
	}
	var err error
	if cnt.n, err = count(where, a, true); err != nil {
		return err
	}
	switch {
	case f.OverdueNow != nil && *f.OverdueNow:
		cnt.overdue = cnt.n
	case f.OverdueNow != nil, cnt.n == 0, !anyOpen(f.Status):
		cnt.overdue = 0 // only an open case is overdue
	default:
		b := append(args(nil), a...)
		cnt.overdue, err = count(append(where, overdueWhere(s.dialect, f.Status, b.add(s.dialect.ts(s.now())))...), b, false)
	}
	return err
}

// countQuery answers the statement counting the cases of the conditions
// where, at most the parameter limit of them unless limit is "". walk
// counts along the index of open cases, newest first, when where selects
// open cases: the count of a tab, which stops at its limit, finds the
// cases waiting for the first steps among the recent ones. The count of
// overdue cases, which cannot stop early, walks the index of the tab's
// statuses instead (overdueWhere); the open petitions of a stage (0047)
// and the cases returned (0019) are read from indexes of their own. On
// PostgreSQL, whose conditions of open cases are the statuses in words
// (openTerm), there is no walk: the planner, which knows how many cases
// each status has, finds the first rows where it will.
func countQuery(where []string, f pingan.CaseFilter, walk bool, limit string) string {
	q := `SELECT 1 FROM cases WHERE ` + strings.Join(where, " AND ")
	if walk && slices.Contains(where, openStatuses) && len(f.PetitionStages) == 0 && !f.Returned {
		q += ` ORDER BY reported_at DESC`
	}
	if limit != "" {
		q += ` LIMIT ` + limit
	}
	return `SELECT count(*) FROM (` + q + `) counted`
}

// openStatuses are the statuses of an open case, in the words of the
// partial indexes of open cases (migration 0019).
const openStatuses = `status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved')`

// openTerm answers, when every status of ss is open, the condition that
// the case is open, in the words of the partial indexes of open cases:
// redundant with the statuses asked, it lets SQLite (which matches an
// index's condition by its words) read those indexes. PostgreSQL, which
// names the statuses in words and proves those conditions, is not given
// it: the planner would count the statuses twice and misjudge the rows.
func openTerm(ss []pingan.Status) []string {
	for _, st := range ss {
		if !st.Open() {
			return nil
		}
	}
	if len(ss) == 0 {
		return nil
	}
	return []string{openStatuses}
}

// anyOpen reports whether a case of one of the statuses ss may be open:
// one of them is, or ss is empty (any status).
func anyOpen(ss []pingan.Status) bool {
	for _, st := range ss {
		if st.Open() {
			return true
		}
	}
	return len(ss) == 0
}

// overdueWhere answers the conditions that a case of one of the statuses
// ss (any when empty) is overdue at the parameter now. On SQLite:
// overdueNow, and that it is open (which overdueNow implies), in the words
// of the indexes of open cases — by report time and by status
// (openByStatus), so that a count of a few statuses walks those alone. On
// PostgreSQL, whose planner goes by its statistics rather than by words:
// the moment the case became overdue is before now (overdueAt, read by
// the index and the statistics of migration 0053), each asked status one
// range of that index, which holds what the conditions read. A resolved
// case has only its supervision deadline to meet (pingan.Case.Dues): when
// ss are all resolved, the open cases whose supervision deadline passed,
// read from the index of open cases by supervision deadline.
func overdueWhere(d Dialect, ss []pingan.Status, now string) []string {
	resolved := len(ss) > 0
	for _, st := range ss {
		resolved = resolved && st == pingan.StatusResolved
	}
	if resolved {
		// Those few first, rather than every resolved case newest first.
		return []string{`(region, id) IN (SELECT region, id FROM cases WHERE ` + openStatuses + ` AND supervise_by < ` + now + `)`}
	}
	if d == Postgres {
		w := []string{overdueAt + ` < ` + now}
		if len(ss) == 0 {
			w = append(w, openStatuses) // the statuses, which lead the index
		}
		return w
	}
	return []string{openStatuses, openByStatus, overdueNow(now)}
}

// overdueAt is the moment an open case became overdue on PostgreSQL:
// pingan.Case.OverdueAt as one value, the expression of the index and the
// statistics cases_overdue_at (migration 0053), in its words. NULL
// for a closed case or one with no deadline to meet now; '-infinity' for
// a resolve deadline that passed before its clock stopped (overdue at any
// time); else the earliest of the deadlines it must meet now (Dues).
const overdueAt = `(CASE
    WHEN status NOT IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') THEN NULL
    WHEN ` + stoppedLate + ` THEN '-infinity'
    ELSE ` + earliestDue + ` END)`

// openByStatus is the condition of the index of open cases by status
// (cases_open_status, migration 0047): openStatuses in another order, so
// that only the overdue test, which names it, reads that index — the other
// queries of open cases keep to their own without the planner's
// statistics.
const openByStatus = `status IN ('resolved', 'reported', 'in_progress', 'dispatched', 'accepted')`
