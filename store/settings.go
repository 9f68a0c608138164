package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pingan-gov/pingan"
)

// Settings keeps the settings of the whole deployment (settings, migration
// 0013), each a JSON value by name: the map under the grids (map_tiles),
// the rules for disputes (disputes).
// Like the categories and the calendar they hold for every unit, so only
// an administrator of the whole tree changes them (mayChangeWholeTree).
type Settings struct{ *handle }

var _ pingan.SettingsService = (*Settings)(nil)

// settingMapTiles is the name of the map's row.
const settingMapTiles = "map_tiles"

// MapTiles answers the map's tiles; a zero MapTiles when none were set.
func (s *Settings) MapTiles(ctx context.Context) (*pingan.MapTiles, error) {
	var value, by string
	var at stamp
	err := s.read.QueryRowContext(ctx, `SELECT value, updated_by, updated_at FROM settings WHERE name = $1`,
		settingMapTiles).Scan(&value, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return &pingan.MapTiles{}, nil
	}
	if err != nil {
		return nil, err
	}
	t := &pingan.MapTiles{}
	if err := json.Unmarshal([]byte(value), t); err != nil {
		return nil, fmt.Errorf("store: setting %s: %w", settingMapTiles, err)
	}
	t.UpdatedBy, t.UpdatedAt = by, at.T
	return t, nil
}

// SetMapTiles replaces the map's tiles; see pingan.SettingsService.
func (s *Settings) SetMapTiles(ctx context.Context, actor *pingan.User, t *pingan.MapTiles) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Forbidden comes before the fields are judged.
	if err := mayChangeWholeTree(ctx, tx, actor, pingan.E(pingan.EFORBIDDEN, "maptiles.forbidden")); err != nil {
		return err
	}
	in := *t
	in.Normalize()
	var v pingan.Invalid
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now()
	in.UpdatedBy, in.UpdatedAt = actorLabel(operator(actor)), now
	value := pingan.MapTiles{URL: in.URL, Subdomains: in.Subdomains, Annotation: in.Annotation,
		Attribution: in.Attribution, MaxZoom: in.MaxZoom}
	if err := s.putSetting(ctx, tx, settingMapTiles, value, in.UpdatedBy, now); err != nil {
		return err
	}
	if err := s.auditChange(ctx, tx, actor, auditSettingSet, configChange{What: settingMapTiles}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*t = in
	return nil
}

// settingDisputes is the name of the rules for disputes (dispute.go).
const settingDisputes = "disputes"

// DisputeSettings answers the rules for disputes, the defaults filled
// where none were set.
func (s *Settings) DisputeSettings(ctx context.Context) (*pingan.DisputeSettings, error) {
	return disputeSettingsIn(ctx, s.read)
}

// disputeSettingsIn answers the rules for disputes as q reads them (a
// transaction acting on a dispute, or a reader).
func disputeSettingsIn(ctx context.Context, q queryer) (*pingan.DisputeSettings, error) {
	out := &pingan.DisputeSettings{}
	if err := readSetting(ctx, q, settingDisputes, out); err != nil {
		return nil, err
	}
	out.Normalize()
	return out, nil
}

// SetDisputeSettings replaces the rules for disputes; see
// pingan.SettingsService. A dispute already reported keeps its group flag
// and an agreement already reached its visit's day: the rules hold for
// what is recorded from now on.
func (s *Settings) SetDisputeSettings(ctx context.Context, actor *pingan.User, ds *pingan.DisputeSettings) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Forbidden comes before the fields are judged.
	if err := mayChangeWholeTree(ctx, tx, actor, pingan.E(pingan.EFORBIDDEN, "dispute.settings.forbidden")); err != nil {
		return err
	}
	in := *ds
	in.Normalize()
	var v pingan.Invalid
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.putSetting(ctx, tx, settingDisputes, in, actorLabel(operator(actor)), s.now()); err != nil {
		return err
	}
	if err := s.auditChange(ctx, tx, actor, auditSettingSet, configChange{What: settingDisputes}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*ds = in
	return nil
}

// readSetting reads the setting name, as q reads it, into out (JSON); out
// keeps what it holds when none was set.
func readSetting(ctx context.Context, q queryer, name string, out any) error {
	var value string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&value)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	if err := json.Unmarshal([]byte(value), out); err != nil {
		return fmt.Errorf("store: setting %s: %w", name, err)
	}
	return nil
}

// putSetting replaces the setting name with value (as JSON) in tx, set by
// by at at.
func (h *handle) putSetting(ctx context.Context, tx *sql.Tx, name string, value any, by string, at time.Time) error {
	b, err := json.Marshal(value)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		name, string(b), by, h.dialect.ts(at))
	return err
}
