package store

import (
	"context"
	"encoding/json"

	"github.com/pingan-gov/pingan"
)

var _ pingan.AuditTrailService = (*Audit)(nil)

// auditExport is the action of the row an export of the audit trail writes.
const auditExport = "audit_export"

// auditWhere answers the condition of the rows f picks and its arguments.
func (s *Audit) auditWhere(f pingan.AuditFilter, a *args) string {
	q := `logged_at >= ` + a.add(s.dialect.ts(f.From)) + ` AND logged_at < ` + a.add(s.dialect.ts(f.To))
	if f.Account != "" {
		p := a.add(f.Account)
		q += ` AND (user_id = (SELECT id FROM users WHERE username = ` + p + `) OR (user_id = 0 AND user_name = ` + p + `))`
	}
	if f.Unit != "" {
		q += ` AND unit_code = ` + a.add(f.Unit)
	}
	if f.Action != "" {
		q += ` AND action = ` + a.add(f.Action)
	}
	return q
}

// SearchAudit answers one page of the rows f picks, newest first, and how
// many it picks in all: pingan.AuditTrailService.
func (s *Audit) SearchAudit(ctx context.Context, actor *pingan.User, f pingan.AuditFilter) ([]*pingan.AuditRecord, int, error) {
	if err := pingan.Permit(actor, pingan.CapReadAudit); err != nil {
		return nil, 0, err
	}
	if err := f.Check(); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	var a args
	where := s.auditWhere(f, &a)
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE `+where, a...).Scan(&total); err != nil {
		return nil, 0, err
	}
	var out []*pingan.AuditRecord
	err := s.eachAudit(ctx, where+` ORDER BY logged_at DESC, id DESC LIMIT `+a.add(f.PerPage)+` OFFSET `+a.add((f.Page-1)*f.PerPage), a,
		func(r *pingan.AuditRecord) error { out = append(out, r); return nil })
	return out, total, err
}

// eachAudit calls fn on each row of the query's tail q.
func (s *Audit) eachAudit(ctx context.Context, q string, a args, fn func(*pingan.AuditRecord) error) error {
	rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE `+q, a...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r chainedRow
		if err := r.scan(rows); err != nil {
			return err
		}
		if err := fn(&r.AuditRecord); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportEvent is the detail of an export's row.
type exportEvent struct {
	Format  string `json:"format"`
	From    string `json:"from"`
	To      string `json:"to"`
	Account string `json:"account,omitempty"`
	Unit    string `json:"unit,omitempty"`
	Action  string `json:"action,omitempty"`
	Rows    int    `json:"rows"`
}

// ExportAudit calls fn on every row f picks, newest first, and records the
// export in the trail: pingan.AuditTrailService.
func (s *Audit) ExportAudit(ctx context.Context, actor *pingan.User, f pingan.AuditFilter, format string, fn func(*pingan.AuditRecord) error) error {
	if err := pingan.Permit(actor, pingan.CapReadAudit); err != nil {
		return err
	}
	if err := f.Check(); err != nil {
		return err
	}
	var a args
	n := 0
	if err := s.eachAudit(ctx, s.auditWhere(f, &a)+` ORDER BY logged_at DESC, id DESC`, a,
		func(r *pingan.AuditRecord) error { n++; return fn(r) }); err != nil {
		return err
	}
	b, err := json.Marshal(exportEvent{Format: format, From: f.From.Format(timeLayout), To: f.To.Format(timeLayout),
		Account: f.Account, Unit: f.Unit, Action: f.Action, Rows: n})
	if err != nil {
		return err
	}
	return s.auditAlone(ctx, actor, auditExport, pingan.AuditOK, "", "", string(b))
}

// AuditChain answers the state of the chain: pingan.AuditTrailService.
func (s *Audit) AuditChain(ctx context.Context, actor *pingan.User) (pingan.AuditChainState, error) {
	var c pingan.AuditChainState
	if err := pingan.Permit(actor, pingan.CapReadAudit); err != nil {
		return c, err
	}
	if err := s.read.QueryRowContext(ctx, `SELECT seq, hash, start_seq FROM audit_chain WHERE id = 1`).
		Scan(&c.HeadSeq, &c.HeadHash, &c.StartSeq); err != nil {
		return c, err
	}
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE seq IS NULL`).Scan(&c.Unchained); err != nil {
		return c, err
	}
	anchors, err := s.anchors(ctx)
	if err != nil {
		return c, err
	}
	if len(anchors) > 0 {
		c.LastAnchor = &anchors[len(anchors)-1]
	}
	return c, nil
}

// auditDownload is the action of a download's row.
const auditDownload = "download"

// downloadEvent is the detail of a download's row.
type downloadEvent struct {
	Path   string `json:"path"`
	Status int    `json:"status"`
}

// RecordDownload writes the row of a download: pingan.AuditTrailService.
// A case id that names no region is left out rather than refused: the row
// is written whatever the path said.
func (s *Audit) RecordDownload(ctx context.Context, actor *pingan.User, caseID, path string, status int) error {
	region := ""
	if r, ok := regionOfID(caseID); ok {
		region = r
	} else {
		caseID = ""
	}
	result := pingan.AuditOK
	switch {
	case status >= 500:
		result = pingan.AuditFailed
	case status >= 400:
		result = pingan.AuditRefused
	}
	b, err := json.Marshal(downloadEvent{Path: path, Status: status})
	if err != nil {
		return err
	}
	return s.auditAlone(ctx, actor, auditDownload, result, region, caseID, string(b))
}

// auditAlone writes one audit row in a transaction of its own: the row of
// a read, which changes nothing else.
func (s *Audit) auditAlone(ctx context.Context, actor *pingan.User, action, result, region, caseID, detail string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.auditRow(ctx, tx, actor, action, result, region, caseID, detail, false); err != nil {
		return err
	}
	return tx.Commit()
}
