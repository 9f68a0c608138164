package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/workflow"
)

// Calendar keeps the holiday arrangements entered at run time
// (节假日安排): pingan.CalendarService, and calendar.Source for the calendar
// in force.
type Calendar struct{ *handle }

var (
	_ pingan.CalendarService = (*Calendar)(nil)
	_ calendar.Source        = (*Calendar)(nil)
)

// The holiday calendar a store counts deadlines on is the shipped one
// (Options.Calendar, calendar.Official() by default) with the years entered
// at run time (holiday_years) laid over it. Like the territory it is held
// in memory and replaced whole when it changes: every change raises the
// one-row counter calendar_version in the same transaction, and a store
// compares that counter with the version it holds at most once per
// Options.GridRefresh (one indexed read of one row), so every server
// sharing the database counts on a new year within seconds.

// calState is one version of the calendar.
type calState struct {
	version int64
	cal     *calendar.Calendar
}

type calendarHolder struct {
	base    *calendar.Calendar
	cur     atomic.Pointer[calState]
	every   time.Duration // <0: never check
	checked atomic.Int64  // Unix nanoseconds of the last check
	loading sync.Mutex
}

func newCalendarHolder(base *calendar.Calendar, every time.Duration) *calendarHolder {
	h := &calendarHolder{base: base, every: every}
	if h.every == 0 {
		h.every = DefaultGridRefresh
	}
	h.cur.Store(&calState{version: -1, cal: base})
	return h
}

// Calendar answers the holiday calendar in force: the shipped data with the
// years entered at run time (calendar.Source). It looks for a change made
// by another server at most once per refresh period; the answer is
// immutable.
func (s *Calendar) Calendar() *calendar.Calendar { return s.calendarNow() }

// calendarNow is the calendar in force, for every service that counts
// deadlines; see Calendar.Calendar.
func (h *handle) calendarNow() *calendar.Calendar {
	ch := h.cals
	cur := ch.cur.Load()
	if ch.every < 0 && cur.version >= 0 {
		return cur.cal
	}
	if time.Since(time.Unix(0, ch.checked.Load())) < ch.every && cur.version >= 0 {
		return cur.cal
	}
	if !ch.loading.TryLock() {
		return cur.cal // another goroutine is looking
	}
	defer ch.loading.Unlock()
	ch.checked.Store(time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := h.loadCalendar(ctx, h.read)
	if err != nil {
		h.log.Warn("store: cannot read the holiday arrangements; counting on the ones in hand", "err", err)
		return cur.cal
	}
	if s.version != cur.version {
		ch.cur.Store(s)
		if cur.version >= 0 {
			h.log.Info("holiday calendar reloaded", "version", s.version, "calendar", s.cal.String())
		}
	}
	return s.cal
}

// loadCalendar reads the version and the entered years through q.
func (h *handle) loadCalendar(ctx context.Context, q querier) (*calState, error) {
	var version int64
	if err := q.QueryRowContext(ctx, `SELECT version FROM calendar_version WHERE id = 1`).Scan(&version); err != nil {
		return nil, fmt.Errorf("store: calendar version: %w", err)
	}
	years, err := holidayYears(ctx, q)
	if err != nil {
		return nil, err
	}
	cal, err := h.cals.base.With(yearData(years))
	if err != nil {
		return nil, fmt.Errorf("store: holiday arrangements in the database: %w", err)
	}
	return &calState{version: version, cal: cal}, nil
}

func yearData(years []*pingan.HolidayYear) map[int]calendar.Year {
	m := make(map[int]calendar.Year, len(years))
	for _, y := range years {
		m[y.Year] = calendar.Year{Holidays: y.Holidays, Workdays: y.Workdays}
	}
	return m
}

func holidayYears(ctx context.Context, q querier) ([]*pingan.HolidayYear, error) {
	rows, err := q.QueryContext(ctx, `SELECT year, holidays, workdays, notice, entered_by, entered_at FROM holiday_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.HolidayYear
	for rows.Next() {
		var y pingan.HolidayYear
		var holidays, workdays string
		var at stamp
		if err := rows.Scan(&y.Year, &holidays, &workdays, &y.Notice, &y.EnteredBy, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(holidays), &y.Holidays); err != nil {
			return nil, fmt.Errorf("store: holiday year %d: %w", y.Year, err)
		}
		if err := json.Unmarshal([]byte(workdays), &y.Workdays); err != nil {
			return nil, fmt.Errorf("store: holiday year %d: %w", y.Year, err)
		}
		y.EnteredAt = at.T
		out = append(out, &y)
	}
	return out, rows.Err()
}

// HolidayYears answers the years entered at run time, oldest first.
func (s *Calendar) HolidayYears(ctx context.Context) ([]*pingan.HolidayYear, error) {
	return holidayYears(ctx, s.read)
}

// EnterHolidayYears enters the arrangements of years and recounts the open
// deadlines counted across them, in one transaction; see
// pingan.CalendarService.
func (s *Calendar) EnterHolidayYears(ctx context.Context, actor *pingan.User, years []*pingan.HolidayYear, preview bool) (*pingan.Recount, error) {
	if len(years) == 0 {
		return nil, pingan.E(pingan.EINVALID, "calendar.none")
	}
	now := s.now()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := s.mayEnterHolidays(ctx, tx, actor); err != nil {
		return nil, err
	}
	// The state in hand is read again inside the transaction, which holds
	// the counter's row: no other change can slip in between.
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM calendar_version WHERE id = 1`+s.dialect.forUpdate()).Scan(&version); err != nil {
		return nil, err
	}
	old, err := s.loadCalendar(ctx, tx)
	if err != nil {
		return nil, err
	}
	next, err := checkHolidayYears(old.cal, years)
	if err != nil {
		return nil, err
	}
	by := actorLabel(operator(actor))
	rc := &pingan.Recount{Applied: !preview}
	for _, y := range years {
		rc.Years = append(rc.Years, y.Year)
		h, _ := json.Marshal(nonNil(y.Holidays))
		w, _ := json.Marshal(nonNil(y.Workdays))
		if _, err := tx.ExecContext(ctx, `DELETE FROM holiday_years WHERE year = $1`, y.Year); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO holiday_years (year, holidays, workdays, notice, entered_by, entered_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, y.Year, string(h), string(w), y.Notice, by, s.dialect.ts(now)); err != nil {
			return nil, err
		}
	}
	sort.Ints(rc.Years)
	if _, err := tx.ExecContext(ctx, `UPDATE calendar_version SET version = version + 1 WHERE id = 1`); err != nil {
		return nil, err
	}
	if err := s.recount(ctx, tx, actor, old.cal, next, rc.Years[0], now, rc); err != nil {
		return nil, err
	}
	if preview {
		return rc, nil // rolled back
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.cals.cur.Store(&calState{version: version + 1, cal: next})
	s.cals.checked.Store(time.Now().UnixNano())
	s.log.Info("holiday arrangements entered", "years", rc.Years, "by", by,
		"examined", rc.Examined, "deadlines_moved", rc.Moved, "cases", rc.Cases, "kept", rc.Kept)
	return rc, nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func actorLabel(u *pingan.User) string {
	if u.Name != "" {
		return u.Name + " (" + u.Username + ")"
	}
	return u.Username
}

// mayEnterHolidays: the holiday calendar is the whole deployment's, so only
// an administrator who sees every unit may change it (nil: the operator at
// the command line).
func (s *Calendar) mayEnterHolidays(ctx context.Context, tx *sql.Tx, actor *pingan.User) error {
	return mayChangeWholeTree(ctx, tx, actor, pingan.E(pingan.EFORBIDDEN, "calendar.forbidden"))
}

// checkHolidayYears validates the years against the calendar in force and
// answers the calendar they make. Each problem names its year and day.
func checkHolidayYears(cur *calendar.Calendar, years []*pingan.HolidayYear) (*calendar.Calendar, error) {
	first, last := cur.Years()
	var v pingan.Invalid
	seen := map[int]bool{}
	entered := map[int]calendar.Year{}
	for _, y := range years {
		field := fmt.Sprintf("years.%d", y.Year)
		switch {
		case y.Year < first:
			v.Add(field, "calendar.year.early", y.Year, first)
			continue
		case seen[y.Year]:
			v.Add(field, "calendar.year.twice", y.Year)
			continue
		}
		seen[y.Year] = true
		for _, kind := range []struct {
			field string
			days  map[string]string
		}{{"holidays", y.Holidays}, {"workdays", y.Workdays}} {
			work := kind.field == "workdays" // 调休上班日, else 放假日
			for _, d := range slices.Sorted(maps.Keys(kind.days)) {
				field := kind.field + "." + d
				day, err := time.ParseInLocation(time.DateOnly, d, pingan.CST)
				switch {
				case err != nil && work:
					v.Add(field, "calendar.workday.date", d)
				case err != nil:
					v.Add(field, "calendar.holiday.date", d)
				case day.Year() != y.Year && work:
					v.Add(field, "calendar.workday.year", d, y.Year)
				case day.Year() != y.Year:
					v.Add(field, "calendar.holiday.year", d, y.Year)
				case strings.TrimSpace(kind.days[d]) == "" && work:
					v.Add(field, "calendar.workday.name", d)
				case strings.TrimSpace(kind.days[d]) == "":
					v.Add(field, "calendar.holiday.name", d)
				case work && day.Weekday() != time.Saturday && day.Weekday() != time.Sunday:
					v.Add(field, "calendar.workday.weekday", d, weekdayCN[day.Weekday()], day.Weekday().String())
				case work && y.Holidays[d] != "":
					v.Add(field, "calendar.workday.off", d)
				}
			}
		}
		entered[y.Year] = calendar.Year{Holidays: y.Holidays, Workdays: y.Workdays}
	}
	// No gap: a year after the last official one needs every year before it.
	for y := range entered {
		for g := last + 1; g < y; g++ {
			if _, ok := entered[g]; !ok {
				v.Add(fmt.Sprintf("years.%d", y), "calendar.year.gap", g)
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	next, err := cur.With(entered)
	if err != nil {
		return nil, pingan.E(pingan.EINVALID, "calendar.invalid", err.Error())
	}
	return next, nil
}

var weekdayCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// recount counts again, in tx, every open deadline that may have been
// counted across a changed year (from 1 January of `from` on) and moves
// those that change, each with a timeline entry (workflow.Recount).
func (s *Calendar) recount(ctx context.Context, tx *sql.Tx, actor *pingan.User, old, next *calendar.Calendar, from int, now time.Time, rc *pingan.Recount) error {
	start := s.dialect.ts(time.Date(from, 1, 1, 0, 0, 0, 0, pingan.CST))
	rows, err := tx.QueryContext(ctx, `SELECT id, watched_due FROM cases
		WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress')
		AND (resolve_by >= $1 OR sign_by >= $1) ORDER BY id`, start)
	if err != nil {
		return err
	}
	type candidate struct {
		id      string
		watched *time.Time
	}
	var cands []candidate
	for rows.Next() {
		var c candidate
		var w stamp
		if err := rows.Scan(&c.id, &w); err != nil {
			rows.Close()
			return err
		}
		c.watched = w.ptr()
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	policies := map[string]pingan.Policy{}
	for _, cand := range cands {
		sc, err := s.loadCase(ctx, tx, "", cand.id, true)
		if err != nil {
			return err
		}
		c := sc.Case
		rc.Examined++
		p, ok := policies[c.Category]
		if !ok {
			cat, err := categoryByCode(ctx, tx, c.Category)
			if err != nil {
				return err
			}
			if cat != nil {
				p = cat.Policy
			}
			policies[c.Category] = p
		}
		timeline, err := actionsOf(ctx, tx, c.Region, c.ID)
		if err != nil {
			return err
		}
		version := c.Version
		res, err := workflow.Recount(c, timeline, workflow.RecountEnv{Now: now, Policy: p, Old: old, New: next, Watched: cand.watched, Actor: actor})
		if err != nil {
			// A deadline the calendar cannot count (a policy past its
			// reach) stays as it is; it does not stop the year.
			s.log.Warn("store: deadline not recounted", "case", c.ID, "err", err)
			rc.Kept++
			continue
		}
		rc.Kept += len(res.Unrecountable)
		if res.Action == nil {
			continue
		}
		rc.Cases++
		rc.Moved += len(res.Changes)
		for _, ch := range res.Changes {
			if len(rc.Changes) < pingan.MaxRecountChanges {
				rc.Changes = append(rc.Changes, ch)
			}
		}
		if err := s.save(ctx, tx, c, version, res.Action, now); err != nil {
			return err
		}
	}
	return nil
}

// actionsOf answers the timeline of a case in tx, oldest first.
func actionsOf(ctx context.Context, tx *sql.Tx, region, id string) ([]*pingan.Action, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+actionColumns+` FROM actions WHERE region = $1 AND case_id = $2 ORDER BY seq`, region, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// markProvisional sets the case's provisional marks: a deadline counted in
// days that lies in a year without an entered or shipped arrangement. Only
// such deadlines cost a look at the category's policy (through the cache).
func (h *handle) markProvisional(ctx context.Context, c *pingan.Case) {
	cal := h.calendarNow()
	c.SignByProvisional = c.SignBy != nil && cal.Provisional(*c.SignBy)
	c.ResolveByProvisional = c.ResolveBy != nil && cal.Provisional(*c.ResolveBy)
	if !c.SignByProvisional && !c.ResolveByProvisional {
		return
	}
	cat, err := h.cachedCategory(ctx, c.Category)
	if err != nil || cat == nil {
		return // unknown policy: the mark errs on the side of caution
	}
	c.SignByProvisional = c.SignByProvisional && cat.Policy.Sign.Unit != string(calendar.Hours)
	c.ResolveByProvisional = c.ResolveByProvisional && cat.Policy.Resolve.Unit != string(calendar.Hours)
}

// cachedCategory is lookupCategory outside a transaction.
func (h *handle) cachedCategory(ctx context.Context, code string) (*pingan.Category, error) {
	now := h.clock.Now()
	if c, _, ok := h.categories.get(code, now); ok {
		return &c, nil
	}
	tx, err := h.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return h.lookupCategory(ctx, tx, code)
}
