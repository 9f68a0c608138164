package pingan

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// MaskName keeps the first character: 张三丰 → 张**.
func MaskName(s string) string {
	if s == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(s)
	n := utf8.RuneCountInString(s[size:])
	if n == 0 {
		return string(r) + "*"
	}
	return string(r) + strings.Repeat("*", n)
}

// MaskPhone keeps the first three and last four digits: 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) <= 7 {
		if len(r) == 0 {
			return ""
		}
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskID keeps the first six (the region) and the last two characters of
// an ID number: 620902**********12.
func MaskID(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-2:])
}

// MaskAddress keeps the first six characters, at most half the address:
// 肃州区东关街道3号楼 → 肃州区东关街*****.
func MaskAddress(s string) string {
	r := []rune(s)
	keep := min(6, len(r)/2)
	return string(r[:keep]) + strings.Repeat("*", len(r)-keep)
}

// SeesPersonal is the one rule for who reads the personal data of a case
// (names, phone numbers, ID numbers of its reporter and parties) whole: a
// user whose jurisdiction holds the case (its unit, holding unit or
// assigned unit) and whose work on it needs them —
//
//   - a dispatcher (受理/派遣), a mediator (调解员) or a leader (领导, 包案);
//   - a handler (处置单位) of the unit the case is assigned to now, or of a
//     unit that assists it now (协办, Case.ActiveAssist), whose
//     jurisdiction need not hold the case;
//   - a grid worker (网格员) while the case is open and placed in a grid
//     they work in (User.Grids): they visit the people on the spot;
//   - the user who reported the case (they typed the data themselves).
//
// Everyone else who sees the case reads it masked: viewers, assessors,
// administrators, grid workers of other grids or of a closed case, and
// handlers of other units. Lists and exports are always masked. The store
// applies the rule to every read of one case, for every interface, and
// audits the read with whether it was masked.
func SeesPersonal(u *User, c *Case) bool {
	if u == nil || c == nil {
		return false
	}
	if u.Has(RoleHandler) && c.ActiveAssist(u.UnitCode) != nil {
		return true
	}
	if !u.Sees(c.UnitPath) && !u.Sees(c.HoldingPath) && !u.Sees(c.AssignedPath) {
		return false
	}
	switch {
	case u.ID != 0 && u.ID == c.ReportedBy:
		return true
	case u.Has(RoleDispatcher), u.Has(RoleMediator), u.Has(RoleLeader):
		return true
	case u.Has(RoleHandler) && c.AssignedUnit != "" && c.AssignedUnit == u.UnitCode:
		return true
	case u.Has(RoleGridWorker) && c.Grid != "" && c.Status.Open():
		for _, g := range u.Grids {
			if g == c.Grid {
				return true
			}
		}
	}
	return false
}

// Sealer encrypts personal data at rest (AES-GCM in package secret).
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(ciphertext []byte) ([]byte, error)
}

// AuditEntry records a staff read of personal data, or another act worth
// keeping an account of.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id"`
	User   string    `json:"user"`
	Action string    `json:"action"` // read_personal, …
	CaseID string    `json:"case_id,omitempty"`
	Detail string    `json:"detail,omitempty"`
	// Masked tells, for a read of personal data (read_personal), whether
	// the reader saw it masked (SeesPersonal).
	Masked bool `json:"masked"`
}

// AuditService reads the audit log.
type AuditService interface {
	// Audit answers the audit entries of a case, oldest first.
	Audit(ctx context.Context, caseID string) ([]*AuditEntry, error)
}

// Clock tells the time; tests move it instead of sleeping.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the real clock.
var SystemClock Clock = ClockFunc(time.Now)

// CST is China Standard Time (+08:00), the zone every deadline is counted in.
var CST = time.FixedZone("CST", 8*3600)
