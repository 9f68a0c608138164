package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// The audit trail (审计日志, audit.go): the audit administrator alone
// (CapReadAudit) reads it, filtered by account, unit, event and a time
// range that is required and at most pingan.AuditMaxRange long, a page at
// a time, newest first, with the state of the chain. Nothing edits or
// deletes a row.

// auditAnswer is the answer of GET /api/v1/audit.
type auditAnswer struct {
	Rows  []*pingan.AuditRecord  `json:"rows"`
	Total int                    `json:"total"`
	Page  int                    `json:"page"`
	Chain pingan.AuditChainState `json:"chain"`
}

func (s *Server) routesAudit() {
	if s.auditTrail == nil {
		return
	}
	s.authed("GET /api/v1/audit", s.may(pingan.CapReadAudit, s.listAudit))
}

// listAudit answers GET /api/v1/audit: from and to (RFC 3339, or a date,
// to including its day), account, unit, action, page and limit (at most 500).
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.AuditFilter{
		Account: q.str("account"), Unit: q.str("unit"), Action: q.str("action"),
		From: q.time("from", false), To: q.time("to", true),
		Page: q.int("page", 1, 1, 1<<20), PerPage: q.int("limit", 50, 1, 500),
	}
	if err := q.err(); err != nil {
		return err
	}
	ctx, u := r.Context(), userFrom(r.Context())
	rows, total, err := s.auditTrail.SearchAudit(ctx, u, f)
	if err != nil {
		return err
	}
	chain, err := s.auditTrail.AuditChain(ctx, u)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []*pingan.AuditRecord{}
	}
	s.writeJSON(w, http.StatusOK, auditAnswer{Rows: rows, Total: total, Page: f.Page, Chain: chain})
	return nil
}

// auditDownload writes the audit row of a file the API is about to answer
// (XLSX, PDF): the path and the case, if any. A row that cannot be written
// refuses the download (500) rather than let it go unrecorded.
func (s *Server) auditDownload(r *http.Request) error {
	if s.auditTrail == nil {
		return nil
	}
	return s.auditTrail.RecordDownload(r.Context(), userFrom(r.Context()), r.PathValue("id"), r.URL.RequestURI(), http.StatusOK)
}
