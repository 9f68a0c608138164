package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/pingan-gov/pingan"
)

// Audit reads the audit log (审计日志): pingan.AuditService. The rows are
// written by the other services, in their own transactions (handle.audit).
type Audit struct{ *handle }

var _ pingan.AuditService = (*Audit)(nil)

// Audit actions of accounts and of refused lifecycle actions. Rows of an
// account carry the region of the account's unit ("" for a name no account
// has) and no case; their detail is an accountEvent in JSON.
const (
	auditLogin           = "login"            // 登录
	auditLoginFailed     = "login_failed"     // 登录失败: a wrong password, an unknown name, a disabled account
	auditLoginRefused    = "login_refused"    // 锁定期间的登录: refused unchecked while the name is locked
	auditLockout         = "lockout"          // 锁定
	auditLogout          = "logout"           // 退出
	auditUserDisabled    = "user_disabled"    // 停用
	auditUserEnabled     = "user_enabled"     // 启用
	auditSessionsRevoked = "sessions_revoked" // 强制下线
	auditActionRefused   = "action_refused"   // 拒绝的操作 (403, 409); detail is a refusal in JSON
)

// accountEvent is the detail of an account's audit row.
type accountEvent struct {
	Username string `json:"username"`           // the name tried or acted on
	Source   string `json:"source,omitempty"`   // the address the request came from
	Reason   string `json:"reason,omitempty"`   // why a sign-in failed: password, unknown, disabled
	Until    string `json:"until,omitempty"`    // the end of a lockout, RFC 3339
	Sessions int    `json:"sessions,omitempty"` // sessions ended
	Roles    string `json:"roles,omitempty"`    // a new account's roles, comma-separated
	Unit     string `json:"unit,omitempty"`     // a new account's unit
}

// auditAccount records an event of the account (or of the name tried) in
// tx. who is the user the row is filed under: the account, the actor who
// changed it, or for a name no account has a user with the name alone.
func (h *handle) auditAccount(ctx context.Context, tx *sql.Tx, who *pingan.User, action, region string, ev accountEvent) error {
	ev.Source = pingan.SourceFromContext(ctx)
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return h.audit(ctx, tx, who, action, region, "", string(b))
}

// Audit actions of the changes to the configuration; the detail names
// what changed (configChange).
const (
	auditSettingSet   = "setting_set"   // 设置: a setting's new value
	auditCategorySave = "category_save" // 事件分类
	auditSchemeSave   = "scheme_save"   // 考核方案
	auditUnitOrgType  = "unit_org_type" // 单位类型
)

// configChange is the detail of a change to the configuration.
type configChange struct {
	What string `json:"what"` // the setting's name, the category's code, the scheme's id, the unit's code
	Set  string `json:"set,omitempty"`
}

// auditChange records in tx that actor changed the configuration.
func (h *handle) auditChange(ctx context.Context, tx *sql.Tx, actor *pingan.User, action string, c configChange) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return h.audit(ctx, tx, actor, action, "", "", string(b))
}

// audit records that actor did action (public_report, …) on a case.
func (h *handle) audit(ctx context.Context, tx *sql.Tx, actor *pingan.User, action, region, caseID, detail string) error {
	return h.auditMasked(ctx, tx, actor, action, region, caseID, detail, false)
}

// auditMasked is audit with the flag of a read of personal data
// (read_personal) that says whether the reader saw it masked.
func (h *handle) auditMasked(ctx context.Context, tx *sql.Tx, actor *pingan.User, action, region, caseID, detail string, masked bool) error {
	return h.auditRow(ctx, tx, actor, action, auditResultOf(action), region, caseID, detail, masked)
}

// refusedActions are the actions whose rows record a refusal (拒绝); every
// other action's row records a success unless its writer says otherwise.
var refusedActions = map[string]bool{
	auditLoginFailed: true, auditLoginRefused: true, auditLockout: true, auditActionRefused: true, "totp_failed": true,
}

// auditResultOf answers the result a row of action records.
func auditResultOf(action string) string {
	if refusedActions[action] {
		return pingan.AuditRefused
	}
	return pingan.AuditOK
}

// auditRow writes one row of the audit trail in tx, unchained (seq NULL):
// the chainer (audit_chain.go) links it within seconds, so writers never
// wait on the chain's head. The row carries the actor's unit (from the
// account when the actor does not say), the source address and the request
// id of ctx, and result (pingan.AuditOK, AuditRefused, AuditFailed).
func (h *handle) auditRow(ctx context.Context, tx *sql.Tx, actor *pingan.User, action, result, region, caseID, detail string, masked bool) error {
	_, err := tx.ExecContext(ctx, auditInsert, h.auditArgs(ctx, actor, action, result, region, caseID, detail, masked)...)
	return err
}

// auditInsert writes one row of the audit trail, unchained; its unit is
// $9, or when that is empty the unit of the account $10 (the user id $3
// again: each parameter once and in order, SQLite binds them by place,
// see anonymous).
const auditInsert = `INSERT INTO audit (region, logged_at, user_id, user_name, action, case_id, detail, masked,
		unit_code, source, request_id, result)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE(NULLIF($9, ''), (SELECT unit_code FROM users WHERE id = $10), ''), $11, $12, $13)`

// auditArgs answers the arguments of auditInsert.
func (h *handle) auditArgs(ctx context.Context, actor *pingan.User, action, result, region, caseID, detail string, masked bool) []any {
	var id int64
	var name, unit string
	if actor != nil {
		id, name, unit = actor.ID, actor.Name, actor.UnitCode
		if name == "" {
			name = actor.Username
		}
	}
	return []any{region, h.dialect.ts(h.now()), id, name, action, caseID, detail, masked,
		unit, id, pingan.SourceFromContext(ctx), pingan.RequestIDFromContext(ctx), result}
}

// Audit answers the audit entries of a case, oldest first: the reads of
// its personal data and the other acts on it, not the rows of its
// timeline's actions (pingan.AuditCasePrefix), which the timeline shows.
// It does not check a jurisdiction: the caller decides who may read the
// audit log.
func (s *Audit) Audit(ctx context.Context, caseID string) ([]*pingan.AuditEntry, error) {
	region, ok := regionOfID(caseID)
	if !ok {
		return nil, errCaseNotFound(caseID)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, logged_at, user_id, user_name, action, case_id, detail, masked
		FROM audit WHERE region = $1 AND case_id = $2 AND substr(action, 1, $3) <> $4 ORDER BY id`,
		region, caseID, len(pingan.AuditCasePrefix), pingan.AuditCasePrefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.AuditEntry
	for rows.Next() {
		var e pingan.AuditEntry
		var at stamp
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.User, &e.Action, &e.CaseID, &e.Detail, &e.Masked); err != nil {
			return nil, err
		}
		e.At = at.T
		out = append(out, &e)
	}
	return out, rows.Err()
}
