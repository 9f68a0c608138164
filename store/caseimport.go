package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// CaseImports is the import of cases transferred in a file, the work
// orders of a 12345 export (pingan.CaseImportService, docs/import.md).
// Each work order becomes a case through the one intake (writeCase), all of
// a file in one transaction of the group writer: every row good, or nothing
// written.
type CaseImports struct{ *handle }

const auditCaseImport = "case_import" // 导入事件: the file's name and counts

// caseDraftTTL is how long a previewed file waits for its confirmation.
const caseDraftTTL = 24 * time.Hour

// importUnit is an administrative unit of the importer's jurisdiction, for
// placing a row by its address.
type importUnit struct {
	code, name, path string
	rank             int
}

// importPlan is what an import knows of the importer's world: the
// categories by name and code, and the units of their jurisdiction.
type importPlan struct {
	actor  *pingan.User
	scope  string
	byCode map[string]*pingan.Category
	byName map[string][]*pingan.Category
	units  []importUnit
	unitOf map[string]*importUnit
}

func (h *handle) newImportPlan(ctx context.Context, tx *sql.Tx, actor *pingan.User) (*importPlan, error) {
	if err := pingan.Permit(actor, pingan.CapImportCases); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	p := &importPlan{actor: actor, scope: scope, byCode: map[string]*pingan.Category{},
		byName: map[string][]*pingan.Category{}, unitOf: map[string]*importUnit{}}
	rows, err := tx.QueryContext(ctx, `SELECT code, name, kind FROM categories ORDER BY code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		c := &pingan.Category{}
		if err := rows.Scan(&c.Code, &c.Name, &c.Kind); err != nil {
			rows.Close()
			return nil, err
		}
		p.byCode[c.Code] = c
		p.byName[c.Name] = append(p.byName[c.Name], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT code, name, path, level FROM units WHERE `+unitIn("path", "$1")+` ORDER BY path`, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u importUnit
		var level pingan.Level
		if err := rows.Scan(&u.code, &u.name, &u.path, &level); err != nil {
			return nil, err
		}
		if !level.Administrative() || len([]rune(u.name)) < 2 {
			continue
		}
		u.rank = level.Rank()
		p.units = append(p.units, u)
	}
	for i := range p.units {
		p.unitOf[p.units[i].code] = &p.units[i]
	}
	return p, rows.Err()
}

// category answers the category a row names: by its code, its exact name,
// or the last part of a path of names (城乡建设/市容环境); the message of
// the row's error when none or several.
func (p *importPlan) category(text string) (*pingan.Category, *pingan.Message) {
	if c := p.byCode[text]; c != nil {
		return c, nil
	}
	cs := p.byName[text]
	if len(cs) == 0 {
		parts := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("/-＞>｜|\\", r) })
		if len(parts) > 1 {
			cs = p.byName[strings.TrimSpace(parts[len(parts)-1])]
		}
	}
	switch len(cs) {
	case 0:
		m := pingan.Msg("caseimport.category.unknown", text)
		return nil, &m
	case 1:
		return cs[0], nil
	}
	var codes []string
	for _, c := range cs {
		codes = append(codes, c.Code)
	}
	m := pingan.Msg("caseimport.category.ambiguous", text, strings.Join(codes, "、"))
	return nil, &m
}

// unitByAddress answers the deepest unit of the jurisdiction whose name the
// address holds, and whose ancestors are those the address names at their
// levels; the message of the row's error when none or several fit.
func (p *importPlan) unitByAddress(addr string) (*importUnit, *pingan.Message) {
	var found []*importUnit
	named := map[int]map[string]bool{} // rank → codes named
	for i := range p.units {
		u := &p.units[i]
		if strings.Contains(addr, u.name) {
			found = append(found, u)
			if named[u.rank] == nil {
				named[u.rank] = map[string]bool{}
			}
			named[u.rank][u.code] = true
		}
	}
	var fit []*importUnit
	best := 0
	for _, u := range found {
		ok := true
		for _, code := range strings.Split(strings.Trim(u.path, "/"), "/") {
			a := p.unitOf[code]
			if a == nil || a.rank >= u.rank || len(named[a.rank]) == 0 {
				continue
			}
			if !named[a.rank][a.code] {
				ok = false // the address names another unit at this level
				break
			}
		}
		if !ok {
			continue
		}
		switch {
		case u.rank > best:
			fit, best = []*importUnit{u}, u.rank
		case u.rank == best:
			fit = append(fit, u)
		}
	}
	switch len(fit) {
	case 0:
		m := pingan.Msg("caseimport.address.none", addr)
		return nil, &m
	case 1:
		return fit[0], nil
	}
	var names []string
	for _, u := range fit {
		names = append(names, u.name+" "+u.code)
	}
	m := pingan.Msg("caseimport.address.ambiguous", strings.Join(names, "、"))
	return nil, &m
}

// importRow is a row on its way: the report it makes, its state, and what
// is wrong with it by column.
type importRow struct {
	src    *pingan.CaseImportRow
	in     pingan.NewCase
	cat    *pingan.Category
	state  pingan.CaseImportState
	errs   map[string]pingan.Message
	before string // the case of the same 工单号 imported before
}

func (r *importRow) bad(col string, m pingan.Message) {
	if r.errs == nil {
		r.errs = map[string]pingan.Message{}
	}
	if _, ok := r.errs[col]; !ok {
		r.errs[col] = m
	}
	r.state = pingan.CaseImportBad
}

// reportColumn answers the column of the file a field of a report comes
// from.
func reportColumn(field string) string {
	switch {
	case field == "category" || field == "kind":
		return "category"
	case field == "title" || field == "description":
		return "content"
	case strings.HasPrefix(field, "location"):
		return "location"
	case field == "unit" || field == "grid" || field == "address":
		return "address"
	case field == "hotline_no":
		return "hotline_no"
	case field == "reported_at":
		return "called_at"
	case strings.HasPrefix(field, "reporter.phone"):
		return "phone"
	case strings.HasPrefix(field, "reporter"):
		return "caller"
	}
	return "row"
}

// sortRows reads the rows into reports: each row's category and place
// found, the rows imported before and those repeated in the file marked;
// nothing is written.
func (h *handle) sortRows(ctx context.Context, tx *sql.Tx, p *importPlan, rows []pingan.CaseImportRow) ([]*importRow, error) {
	out := make([]*importRow, len(rows))
	seen := map[string]int{}
	before, err := h.stmt(ctx, tx, `SELECT id FROM cases WHERE hotline_no = $1 AND source = 'import' AND `+caseIn("$2")+` LIMIT 1`)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		src := &rows[i]
		r := &importRow{src: src, state: pingan.CaseImportNew}
		out[i] = r
		no := strings.TrimSpace(src.HotlineNo)
		if first, ok := seen[no]; ok && no != "" {
			r.bad("hotline_no", pingan.Msg("caseimport.hotline.repeated", no, first))
			continue
		}
		seen[no] = src.Row
		if no != "" {
			err := before.QueryRowContext(ctx, no, p.scope).Scan(&r.before)
			switch {
			case err == nil:
				r.state = pingan.CaseImportAlready // 未变: imported before, skipped
				continue
			case !errors.Is(err, sql.ErrNoRows):
				return nil, err
			}
		}
		r.in = pingan.NewCase{Title: src.Title(), Description: strings.TrimSpace(src.Content), Address: src.Address,
			Location: src.Location, Source: pingan.SourceImport, HotlineNo: no, ReportedAt: src.CalledAt}
		if no == "" {
			r.bad("hotline_no", pingan.Msg("field.required"))
		}
		if src.CalledAt.IsZero() {
			r.bad("called_at", pingan.Msg("field.required"))
		}
		if src.Caller != nil && (src.Caller.Name != "" || src.Caller.Phone != "") {
			r.in.Reporter = &pingan.Person{Name: strings.TrimSpace(src.Caller.Name), Phone: strings.TrimSpace(src.Caller.Phone)}
		}
		if cat, m := p.category(strings.TrimSpace(src.Category)); m != nil {
			r.bad("category", *m)
		} else {
			r.cat, r.in.Category = cat, cat.Code
		}
		if addr := strings.TrimSpace(src.Address); addr != "" {
			u, m := p.unitByAddress(addr)
			switch {
			case u != nil:
				r.in.Unit = u.code
			case src.Location == nil:
				r.bad("address", *m)
			}
		} else if src.Location == nil {
			r.bad("address", pingan.Msg("caseimport.place.none"))
		}
	}
	return out, nil
}

// rowFields answers the EINVALID error naming every bad row's column,
// rows[N].column, or nil.
func rowFields(rows []*importRow) error {
	var v pingan.Invalid
	for _, r := range rows {
		for col, m := range r.errs {
			v.Add("rows["+strconv.Itoa(r.src.Row)+"]."+col, m.Key, m.Args...)
		}
	}
	if err := v.Err(); err != nil {
		e := err.(*pingan.Error)
		e.Msg = pingan.Msg("caseimport.invalid")
		return e
	}
	return nil
}

// checkReport adds to r what the intake finds wrong with its report.
func (r *importRow) checkReport(err error) error {
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code != pingan.EINVALID {
		return err
	}
	if len(e.Fields) == 0 {
		r.bad("row", e.Msg)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		r.bad(reportColumn(k), e.Fields[k])
	}
	return nil
}

// PreviewCaseImport checks the rows as ImportCases would — the category,
// the place, the report's checks — and answers the case each would become;
// no case is written. When every row is good and one is new, the rows are
// kept sealed for the confirmation (ImportCaseDraft) for a day.
func (s *CaseImports) PreviewCaseImport(ctx context.Context, actor *pingan.User, file string, rows []pingan.CaseImportRow) (*pingan.CaseImportPreview, error) {
	if err := checkRowCount(rows); err != nil {
		return nil, err
	}
	// On the writer's connection, rolled back: the intake's checks use
	// its prepared statements (stmt.go).
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := s.newImportPlan(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	sorted, err := s.sortRows(ctx, tx, p, rows)
	if err != nil {
		return nil, err
	}
	now := s.now()
	pv := &pingan.CaseImportPreview{File: file}
	for _, r := range sorted {
		l := pingan.CaseImportLine{Row: r.src.Row, HotlineNo: r.src.HotlineNo, CalledAt: r.src.CalledAt,
			Excerpt: r.src.Title(), State: r.state}
		if r.src.Caller != nil {
			m := r.src.Caller.Masked()
			l.Caller = &m
		}
		if r.cat != nil {
			l.Category, l.CategoryName, l.Kind = r.cat.Code, r.cat.Name, r.cat.Kind
		}
		if r.state == pingan.CaseImportNew {
			in := r.in
			c, _, err := s.checkNewCase(ctx, tx, actor, &in, now, nil)
			if err := r.checkReport(err); err != nil {
				return nil, err
			}
			if c != nil {
				l.Unit, l.Grid, l.Placement = c.Unit, c.Grid, c.Placement
				if u, err := s.lookupUnit(ctx, tx, c.Unit); err != nil {
					return nil, err
				} else if u != nil {
					l.UnitName = u.Name
				}
			}
		}
		l.State, l.Errors = r.state, r.errs
		switch r.state {
		case pingan.CaseImportNew:
			pv.New++
		case pingan.CaseImportAlready:
			pv.Already++
		default:
			pv.Errors++
		}
		pv.Lines = append(pv.Lines, l)
	}
	tx.Rollback()
	if pv.Errors > 0 || pv.New == 0 {
		return pv, nil
	}
	if pv.Draft, err = s.keepDraft(ctx, actor, file, rows); err != nil {
		return nil, err
	}
	return pv, nil
}

func checkRowCount(rows []pingan.CaseImportRow) error {
	switch {
	case len(rows) == 0:
		return pingan.Invalidf("rows", "caseimport.rows.none")
	case len(rows) > pingan.MaxCaseImportRows:
		return pingan.Invalidf("rows", "caseimport.rows.many", pingan.MaxCaseImportRows)
	}
	return nil
}

// keepDraft keeps the rows sealed under a new random key, forgetting the
// drafts older than caseDraftTTL.
func (h *handle) keepDraft(ctx context.Context, actor *pingan.User, file string, rows []pingan.CaseImportRow) (string, error) {
	sealed, err := h.sealJSON(rows)
	if err != nil {
		return "", err
	}
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	now := h.now()
	tx, err := h.beginWrite(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_import_drafts WHERE created_at < $1`, h.dialect.ts(now.Add(-caseDraftTTL))); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_import_drafts (id, user_id, file_name, rows_count, sealed, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, actor.ID, file, len(rows), sealed, h.dialect.ts(now)); err != nil {
		return "", err
	}
	return id, tx.Commit()
}

// ImportCases imports the rows: a case for each new one, through the one
// intake, all in one transaction with the audit row of the import.
func (s *CaseImports) ImportCases(ctx context.Context, actor *pingan.User, file string, rows []pingan.CaseImportRow, progress func(done, total int)) (*pingan.CaseImportResult, error) {
	if err := checkRowCount(rows); err != nil {
		return nil, err
	}
	return s.importRows(ctx, actor, file, rows, "", progress)
}

// ImportCaseDraft imports the rows a preview of the actor kept and forgets
// them in the same transaction.
func (s *CaseImports) ImportCaseDraft(ctx context.Context, actor *pingan.User, draft string, progress func(done, total int)) (*pingan.CaseImportResult, error) {
	if err := pingan.Permit(actor, pingan.CapImportCases); err != nil {
		return nil, err
	}
	var file string
	var sealed []byte
	err := s.read.QueryRowContext(ctx, `SELECT file_name, sealed FROM case_import_drafts WHERE id = $1 AND user_id = $2 AND created_at >= $3`,
		draft, actor.ID, s.dialect.ts(s.now().Add(-caseDraftTTL))).Scan(&file, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "caseimport.draft.gone")
	} else if err != nil {
		return nil, err
	}
	b, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("store: case import draft: %w", err)
	}
	var rows []pingan.CaseImportRow
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("store: case import draft: %w", err)
	}
	return s.importRows(ctx, actor, file, rows, draft, progress)
}

// importRows writes the rows in one transaction of the group writer; a
// draft, when named, is deleted in it (and must still be there). The first
// rows are written once before in a transaction rolled back, so that every
// statement of the intake is prepared (stmt.go) before the file's
// transaction runs them thousands of times: a statement met for the first
// time inside a transaction is prepared anew at each run.
func (s *CaseImports) importRows(ctx context.Context, actor *pingan.User, file string, rows []pingan.CaseImportRow, draft string,
	progress func(done, total int)) (*pingan.CaseImportResult, error) {
	now := s.now()
	if len(rows) > 50 {
		if tx, err := s.beginWrite(ctx); err == nil {
			s.writeRows(ctx, tx, actor, file, rows[:20], "", now, nil, &filesWritten{ctx: ctx})
			tx.Rollback()
		}
	}
	var res *pingan.CaseImportResult
	w := &filesWritten{ctx: ctx}
	err := s.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) (err error) {
		w.attempt()
		res, err = s.writeRows(ctx, tx, actor, file, rows, draft, now, progress, w)
		return err
	})
	s.finishFiles(w, err)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// writeRows checks and writes the rows in tx: a case for each new row,
// through the one intake, and the audit row of the import; EINVALID naming
// every bad row's column, the transaction then to roll back.
func (s *CaseImports) writeRows(ctx context.Context, tx *sql.Tx, actor *pingan.User, file string, rows []pingan.CaseImportRow,
	draft string, now time.Time, progress func(done, total int), w *filesWritten) (*pingan.CaseImportResult, error) {
	res := &pingan.CaseImportResult{}
	if draft != "" {
		gone, err := tx.ExecContext(ctx, `DELETE FROM case_import_drafts WHERE id = $1 AND user_id = $2`, draft, actor.ID)
		if err != nil {
			return nil, err
		}
		if n, err := gone.RowsAffected(); err != nil {
			return nil, err
		} else if n != 1 {
			return nil, pingan.E(pingan.ENOTFOUND, "caseimport.draft.gone") // confirmed twice at once
		}
	}
	p, err := s.newImportPlan(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	sorted, err := s.sortRows(ctx, tx, p, rows)
	if err != nil {
		return nil, err
	}
	failed := rowFields(sorted) != nil
	for i, r := range sorted {
		switch {
		case r.state == pingan.CaseImportAlready:
			res.Already++
		case r.state != pingan.CaseImportNew:
		case failed: // checked to the end, written never
			in := r.in
			_, _, err := s.checkNewCase(ctx, tx, actor, &in, now, nil)
			if err := r.checkReport(err); err != nil {
				return nil, err
			}
		default:
			c, err := s.writeCase(ctx, tx, &intake{actor: actor, in: r.in, edit: s.countFromImport(ctx, tx, r, now)}, now, w)
			if err := r.checkReport(err); err != nil {
				return nil, err
			}
			if c == nil {
				failed = true
				continue
			}
			res.Created++
			res.Cases = append(res.Cases, c.ID)
		}
		if progress != nil {
			progress(i+1, len(sorted))
		}
	}
	if err := rowFields(sorted); err != nil {
		return nil, err
	}
	detail, _ := json.Marshal(map[string]any{"file": file, "rows": len(rows), "created": res.Created, "already": res.Already})
	return res, s.audit(ctx, tx, actor, auditCaseImport, "", "", string(detail))
}

// countFromImport counts a new case's resolve deadline from the import —
// the transfer of the work order to this platform — rather than from the
// call: the unit that must act has its whole period from when it receives
// the matter, and a work order imported days after the call is not overdue
// at once. The case keeps the call time as its reported time. A petition's
// statutory terms are left as its registration sets them.
//
// It edits the first timeline entry before the case is written, whose
// deadline workflow.Report shares with the case's resolve_by (one value,
// so the counters and gauges written with the case count the deadline set
// here); the suite's CaseImport test holds them to it.
func (h *handle) countFromImport(ctx context.Context, tx *sql.Tx, r *importRow, now time.Time) func(*pingan.Action) {
	return func(act *pingan.Action) {
		if act.Deadline == nil || r.cat == nil || r.cat.Kind == pingan.KindPetition || !r.src.CalledAt.Before(now) {
			return
		}
		cat, err := h.lookupCategory(ctx, tx, r.cat.Code) // with its policy
		if err != nil || cat == nil {
			return
		}
		p := cat.Policy.ResolveFor(r.in.Urgency, r.in.Sensitive)
		if due, err := h.calendarNow().Due(now, p.N, calendar.Unit(p.Unit)); err == nil {
			*act.Deadline = due
		}
	}
}

// Operator answers the pseudo-user the command line imports as: a
// dispatcher of the centre (综治中心) of the unit with the code — or of the
// top unit when code is "" — whose jurisdiction is the unit's subtree. A
// unit without a centre is taken itself. ENOTFOUND for an unknown unit.
func (s *CaseImports) Operator(ctx context.Context, code string) (*pingan.User, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if code == "" {
		err := tx.QueryRowContext(ctx, `SELECT code FROM units WHERE COALESCE(parent_code, '') = '' AND level NOT IN ('centre', 'department')
			ORDER BY path LIMIT 1`).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pingan.E(pingan.ENOTFOUND, "caseimport.operator.none")
		} else if err != nil {
			return nil, err
		}
	}
	u, err := s.lookupUnit(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errUnitNotFound(code)
	}
	centre, scope := u, u.Path
	if u.Level == pingan.LevelCentre {
		if p, err := s.lookupUnit(ctx, tx, u.ParentCode); err != nil {
			return nil, err
		} else if p != nil {
			scope = p.Path
		}
	} else {
		var c pingan.Unit
		err := tx.QueryRowContext(ctx, `SELECT code, name FROM units WHERE parent_code = $1 AND level = 'centre' ORDER BY code LIMIT 1`, u.Code).Scan(&c.Code, &c.Name)
		switch {
		case err == nil:
			centre = &c
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	return &pingan.User{Username: "import", Name: pingan.Text(pingan.ZH, "caseimport.operator", centre.Name), UnitCode: centre.Code,
		Roles: []pingan.Role{pingan.RoleDispatcher}, ScopePath: scope}, nil
}
