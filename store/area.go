package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// ImportUnitAreas records the known boundaries of administrative units
// (villages, townships, counties …), all together or not at all, and keeps
// the in-memory indexes in step. A unit's known area bounds the grids
// imported under it afterwards (geo.Validate), and a case whose position
// lies in no grid is placed at the lowest unit whose known area holds it.
// Grids already stored are not checked again against a new area.
//
// It answers how many areas it created, updated and found unchanged.
// EINVALID names each bad area ("area CODE"): an empty code, a geometry that
// is not a simple Polygon or MultiPolygon, an unknown unit or one that is
// not administrative (a centre or department has no territory of its own).
func (s *Units) ImportUnitAreas(ctx context.Context, areas []geo.UnitArea) (pingan.ImportResult, error) {
	return s.importUnitAreas(ctx, areas, nil)
}

// ImportUnitAreasFile is ImportUnitAreas of the areas read from file by
// actor (nil: the operator at the command line), with the import's audit
// row (area_import: the file's name and the counts) in its transaction.
func (s *Units) ImportUnitAreasFile(ctx context.Context, actor *pingan.User, file string, areas []geo.UnitArea) (pingan.ImportResult, error) {
	return s.importUnitAreas(ctx, areas, &importBy{actor: actor, file: file})
}

// importUnitAreas is ImportUnitAreas with the audit row of the import by
// (none when nil) in its transaction.
func (s *Units) importUnitAreas(ctx context.Context, areas []geo.UnitArea, by *importBy) (pingan.ImportResult, error) {
	var res pingan.ImportResult
	var bad gridErrors
	type parsed struct {
		geo.UnitArea
		area geo.Area
	}
	in := make([]parsed, 0, len(areas))
	seen := map[string]bool{}
	for i, a := range areas {
		a.Code = strings.TrimSpace(a.Code)
		key := "area " + a.Code
		if a.Code == "" {
			key = fmt.Sprintf("area #%d", i+1)
			bad.add(key, key, pingan.Msg("area.code.empty"))
			continue
		}
		if seen[a.Code] {
			bad.add(a.Code, key, pingan.Msg("area.code.duplicate"))
			continue
		}
		seen[a.Code] = true
		mp, err := geo.CheckGeometry(a.Geometry)
		if err != nil {
			var pe *pingan.Error
			if errors.As(err, &pe) {
				m, ok := pe.Fields["geometry"]
				if !ok {
					m = pe.Msg
				}
				bad.add(a.Code, key+" geometry", m)
			}
			continue
		}
		geom, err := compactJSON(a.Geometry)
		if err != nil {
			return res, err
		}
		a.Geometry = geom
		in = append(in, parsed{UnitArea: a, area: geo.Area{Code: a.Code, Polygon: mp}})
	}
	if err := bad.err(); err != nil {
		return res, err
	}

	tx, err := s.beginWrite(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	st, err := s.territoryIn(ctx, tx)
	if err != nil {
		return res, err
	}
	levelOf := map[string]int{}
	for _, a := range in {
		u, err := unitByCode(ctx, tx, a.Code)
		if err != nil {
			return res, err
		}
		switch {
		case u == nil:
			bad.add(a.Code, "area "+a.Code, pingan.Msg("unit.notfound", a.Code))
		case !u.Level.Administrative():
			bad.add(a.Code, "area "+a.Code, pingan.Msg("area.unit.notadmin", u.Code, u.Name))
		default:
			levelOf[a.Code] = 5 - u.Level.Rank() // village 0 … province 4
		}
	}
	if err := bad.err(); err != nil {
		return res, err
	}
	now := s.dialect.ts(s.now())
	changed := map[int][]geo.Area{}
	for _, a := range in {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT geometry FROM unit_areas WHERE unit_code = $1`, a.Code).Scan(&old)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return res, err
		}
		if exists && old == string(a.Geometry) {
			res.Unchanged++
			continue
		}
		b := a.area.Polygon.Bound()
		if exists {
			_, err = tx.ExecContext(ctx, `UPDATE unit_areas SET geometry = $2, min_lng = $3, min_lat = $4, max_lng = $5, max_lat = $6, updated_at = $7
				WHERE unit_code = $1`, a.Code, string(a.Geometry), b.Min[0], b.Min[1], b.Max[0], b.Max[1], now)
			res.Updated++
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO unit_areas (unit_code, geometry, min_lng, min_lat, max_lng, max_lat, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.Code, string(a.Geometry), b.Min[0], b.Min[1], b.Max[0], b.Max[1], now)
			res.Created++
		}
		if err != nil {
			return res, err
		}
		l := levelOf[a.Code]
		changed[l] = append(changed[l], a.area)
	}
	next := &terrState{version: st.version, grids: st.grids, areas: st.areas, shapes: st.shapes}
	if len(changed) > 0 {
		for l, as := range changed {
			next.areas[l] = st.areas[l].Clone()
			if err := next.areas[l].Put(as...); err != nil {
				return res, err
			}
		}
		if next.version, err = bumpTerritory(ctx, tx); err != nil {
			return res, err
		}
	}
	if err := s.auditImport(ctx, tx, by, auditAreaImport, len(areas), res); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	if len(changed) > 0 || st != s.terr.cur.Load() {
		s.terr.publish(next)
	}
	return res, nil
}

// compactJSON answers raw without insignificant space.
func compactJSON(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
