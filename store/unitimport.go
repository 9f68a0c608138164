package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pingan-gov/pingan"
)

// maxRowErrors caps the rows one refused unit import names.
const maxRowErrors = 50

// unitBatch is how many units one INSERT statement writes, 7 parameters
// each: on PostgreSQL 1,000 (7,000 parameters, under its 65,535); on
// SQLite 32, because modernc.org/sqlite looks up each parameter's name in a
// list as long as the statement's, so binding is quadratic in the
// parameters of one statement: with 500 rows a statement binding took three
// times as long as inserting, and 32 rows was the fastest for the whole
// country (6.6 s against 7.1 s at 64 and 7.3 s at 16).
func (d Dialect) unitBatch() int {
	if d == Postgres {
		return 1000
	}
	return 32
}

// wholeTable is how many codes make reading the whole units table cheaper
// than looking them up in batches.
const wholeTable = 20000

// ImportUnitsProgress is ImportUnits for big batches — the whole country's
// 665,276 divisions in one transaction — calling progress, when not nil,
// with the units written so far and the total: now and then, and once at
// the end with done == total.
//
// It reads the existing units it needs in batches of 500 codes, resolves
// every path and region in memory, and writes new units with multi-row
// INSERTs through one prepared statement, parents before children; renamed
// units are updated one by one. Nothing is written unless every row is
// good, and nothing is left half-imported.
func (s *Units) ImportUnitsProgress(ctx context.Context, units []*pingan.Unit, progress func(done, total int)) (pingan.ImportResult, error) {
	return s.importUnits(ctx, units, progress, nil)
}

// importUnits is ImportUnitsProgress with the audit row of the import by
// (none when nil) in its transaction.
func (s *Units) importUnits(ctx context.Context, units []*pingan.Unit, progress func(done, total int), by *importBy) (pingan.ImportResult, error) {
	var res pingan.ImportResult
	var v pingan.Invalid
	bad := 0
	row := func(i int) string { return fmt.Sprintf("row %d", i+1) }
	add := func(i int, m pingan.Message) {
		if bad++; bad <= maxRowErrors {
			v.Add(row(i), m.Key, m.Args...)
		}
	}
	index := make(map[string]int, len(units))
	in := make([]pingan.Unit, len(units))
	for i, p := range units {
		if p == nil {
			add(i, pingan.Msg("unit.import.empty"))
			continue
		}
		u := pingan.Unit{Code: strings.TrimSpace(p.Code), Name: strings.TrimSpace(p.Name),
			Level: pingan.Level(strings.TrimSpace(string(p.Level))), ParentCode: strings.TrimSpace(p.ParentCode),
			OrgType: pingan.OrgType(strings.TrimSpace(string(p.OrgType)))}
		in[i] = u
		switch {
		case !unitCodeRe.MatchString(u.Code):
			add(i, pingan.Msg("unit.code.bad", u.Code))
		case u.Name == "":
			add(i, pingan.Msg("unit.name.required", u.Code))
		case !u.Level.Valid():
			add(i, pingan.Msg("unit.level.unknown", string(u.Level)))
		case u.ParentCode == u.Code:
			add(i, pingan.Msg("unit.parent.self", u.Code))
		case u.ParentCode == "" && !u.Level.Administrative():
			add(i, pingan.Msg("unit.parent.required", u.Code))
		case u.OrgType != "" && !u.OrgType.Valid():
			add(i, pingan.Msg("unit.org_type.unknown", string(u.OrgType)))
		}
		if j, dup := index[u.Code]; dup && u.Code != "" {
			add(i, pingan.Msg("unit.import.duplicate", j+1, u.Code))
		} else {
			index[u.Code] = i
		}
	}
	if bad > maxRowErrors {
		v.Add("rows", "unit.import.more", bad-maxRowErrors)
	}
	if err := v.Err(); err != nil {
		return res, err
	}

	tx, err := s.beginWrite(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()

	// The stored units the batch names: itself, and the parents it does not hold.
	need := make([]string, 0, len(in))
	for _, u := range in {
		need = append(need, u.Code)
		if _, ok := index[u.ParentCode]; !ok && u.ParentCode != "" {
			need = append(need, u.ParentCode)
		}
	}
	slices.Sort(need)
	need = slices.Compact(need)
	stored, err := storedUnits(ctx, tx, need)
	if err != nil {
		return res, err
	}
	if err := storedOrgTypes(ctx, tx, in, stored); err != nil {
		return res, err
	}

	// Each row's path and region, parents first, looking parents up in the
	// batch or among the stored units.
	const (
		todo = iota
		busy
		done
	)
	state := make([]int8, len(in))
	var resolve func(i int) error
	resolve = func(i int) error {
		u := &in[i]
		switch state[i] {
		case done:
			return nil
		case busy:
			return rowError(row(i), pingan.Msg("unit.parent.cycle", u.Code))
		}
		state[i] = busy
		var parent *pingan.Unit
		if u.ParentCode != "" {
			if j, ok := index[u.ParentCode]; ok {
				if err := resolve(j); err != nil {
					return err
				}
				parent = &in[j]
			} else if parent = stored[u.ParentCode]; parent == nil {
				return rowError(row(i), pingan.Msg("unit.parent.unknown", u.ParentCode))
			}
		}
		if m, bad := checkParent(u, parent); bad {
			return rowError(row(i), m)
		}
		u.Path, u.Region = "/"+u.Code+"/", u.Code
		if parent != nil {
			u.Path = parent.Path + u.Code + "/"
			if u.Level != pingan.LevelProvince && u.Level != pingan.LevelCity && u.Level != pingan.LevelCounty {
				u.Region = parent.Region
			}
		}
		if old := stored[u.Code]; old != nil && (old.ParentCode != u.ParentCode || old.Level != u.Level) {
			return rowError(row(i), pingan.Msg("unit.move", u.Code, old.ParentCode, string(old.Level), u.ParentCode, string(u.Level)))
		}
		state[i] = done
		return nil
	}
	for i := range in {
		if err := resolve(i); err != nil {
			return res, err
		}
	}

	// Write parents before children.
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	depth := func(i int) int { return strings.Count(in[i].Path, "/") }
	sort.SliceStable(order, func(a, b int) bool { return depth(order[a]) < depth(order[b]) })
	total := len(in)
	report := func(n int) {
		if progress != nil {
			progress(n, total)
		}
	}
	report(0)
	every := max(1, min(16384, total/100))
	var full *sql.Stmt
	unitBatch := s.dialect.unitBatch()
	fullInsert := insertUnitsSQL(unitBatch)
	batch := make([]*pingan.Unit, 0, 1000)
	written := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		q := fullInsert
		if len(batch) != unitBatch {
			q = insertUnitsSQL(len(batch))
		}
		// A batch without a mediation organisation leaves org_type to its
		// default (and so imports into a schema from before 0023 too).
		orgs := slices.ContainsFunc(batch, func(u *pingan.Unit) bool { return u.OrgType != "" })
		if orgs {
			q = insertOrgUnitsSQL(len(batch))
		}
		args := make([]any, 0, 7*len(batch))
		for _, u := range batch {
			var parent any
			if u.ParentCode != "" {
				parent = u.ParentCode
			}
			args = append(args, u.Code, u.Name, string(u.Level), parent, u.Path, u.Region)
			if orgs {
				args = append(args, string(u.OrgType))
			}
		}
		var err error
		if len(batch) == unitBatch && !orgs {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		batch = batch[:0]
		return err
	}
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for k, i := range order {
		u, old := &in[i], stored[in[i].Code]
		switch {
		case old == nil:
			// A batch holds units of one depth at most, so that every
			// parent is written by an earlier statement.
			if len(batch) > 0 && depth(i) != strings.Count(batch[0].Path, "/") {
				if err := flush(); err != nil {
					return res, err
				}
			}
			batch = append(batch, u)
			if len(batch) == unitBatch {
				if err := flush(); err != nil {
					return res, err
				}
			}
			res.Created++
		case old.Name != u.Name || (u.OrgType != "" && old.OrgType != u.OrgType):
			// A row without a kind of mediation organisation keeps the
			// unit's (SetUnitOrgType clears it).
			if u.OrgType == "" {
				u.OrgType = old.OrgType
			}
			q, a := `UPDATE units SET name = $2 WHERE code = $1`, []any{u.Code, u.Name}
			if u.OrgType != old.OrgType {
				q, a = `UPDATE units SET name = $2, org_type = $3 WHERE code = $1`, append(a, string(u.OrgType))
			}
			if _, err := tx.ExecContext(ctx, q, a...); err != nil {
				return res, err
			}
			res.Updated++
		default:
			res.Unchanged++
		}
		if written = k + 1; written%every == 0 {
			report(written)
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	if err := s.auditImport(ctx, tx, by, auditUnitImport, len(units), res); err != nil {
		return res, err
	}
	err = tx.Commit()
	s.units.invalidate()
	if err != nil {
		return res, err
	}
	report(total)
	return res, nil
}

// storedOrgTypes fills in the kinds of mediation organisation of the
// stored units (which unitColumns leaves out) when a row of the batch
// names one.
func storedOrgTypes(ctx context.Context, tx *sql.Tx, in []pingan.Unit, stored map[string]*pingan.Unit) error {
	if !slices.ContainsFunc(in, func(u pingan.Unit) bool { return u.OrgType != "" }) || len(stored) == 0 {
		return nil
	}
	codes := make([]string, 0, len(stored))
	for c := range stored {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for chunk := range slices.Chunk(codes, 100) {
		var a args
		rows, err := tx.QueryContext(ctx, `SELECT code, org_type FROM units WHERE code IN (`+a.list(anySlice(chunk)...)+`)`, a...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var code string
			var t pingan.OrgType
			if err := rows.Scan(&code, &t); err != nil {
				rows.Close()
				return err
			}
			stored[code].OrgType = t
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// storedUnits answers the stored units with these codes (sorted), by code:
// looked up 100 at a time, or for many codes read from the whole table.
func storedUnits(ctx context.Context, tx *sql.Tx, codes []string) (map[string]*pingan.Unit, error) {
	stored := make(map[string]*pingan.Unit, len(codes))
	scan := func(rows *sql.Rows, keep func(code string) bool) error {
		defer rows.Close()
		for rows.Next() {
			u, err := scanUnit(rows)
			if err != nil {
				return err
			}
			if keep(u.Code) {
				stored[u.Code] = u
			}
		}
		return rows.Err()
	}
	if len(codes) > wholeTable {
		rows, err := tx.QueryContext(ctx, `SELECT `+unitColumns+` FROM units`)
		if err != nil {
			return nil, err
		}
		err = scan(rows, func(code string) bool { _, ok := slices.BinarySearch(codes, code); return ok })
		return stored, err
	}
	for chunk := range slices.Chunk(codes, 100) {
		var a args
		in := a.list(anySlice(chunk)...)
		rows, err := tx.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code IN (`+in+`)`, a...)
		if err != nil {
			return nil, err
		}
		if err := scan(rows, func(string) bool { return true }); err != nil {
			return nil, err
		}
	}
	return stored, nil
}

// insertUnitsSQL inserts n units.
func insertUnitsSQL(n int) string {
	return `INSERT INTO units (code, name, level, parent_code, path, region) VALUES ` + valuesList(n, 6)
}

// insertOrgUnitsSQL inserts n units with their kinds of mediation
// organisation.
func insertOrgUnitsSQL(n int) string {
	return `INSERT INTO units (code, name, level, parent_code, path, region, org_type) VALUES ` + valuesList(n, 7)
}

// valuesList answers "($1, $2, $3), ($4, $5, $6)" for rows of cols parameters.
func valuesList(rows, cols int) string {
	var b strings.Builder
	b.Grow(rows * cols * 6)
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", n)
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}
