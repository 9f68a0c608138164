package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/pingan-gov/pingan"
)

// Audit actions of the imports of the territory (单位, 网格, 单位范围) from a file;
// the detail is an importEvent. The imports of the fixtures and the demo
// (ImportUnits, ImportGrids, ImportUnitAreas) name no file and write no row.
const (
	auditUnitImport = "unit_import" // 导入单位
	auditGridImport = "grid_import" // 导入网格
	auditAreaImport = "area_import" // 导入单位范围
)

// importBy names who imports which file: actor is nil for the operator at
// the command line.
type importBy struct {
	actor *pingan.User
	file  string
}

// importEvent is the detail of an import's audit row.
type importEvent struct {
	File      string `json:"file"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}

// auditImport records in tx the import of rows things from by's file as
// action, with what it changed; nothing when by is nil.
func (h *handle) auditImport(ctx context.Context, tx *sql.Tx, by *importBy, action string, rows int, res pingan.ImportResult) error {
	if by == nil {
		return nil
	}
	b, err := json.Marshal(importEvent{File: by.file, Rows: rows, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged})
	if err != nil {
		return err
	}
	return h.audit(ctx, tx, operator(by.actor), action, "", "", string(b))
}

// ImportUnitsFile is ImportUnitsProgress of the units read from file by
// actor (nil: the operator at the command line), with the import's audit
// row (unit_import: the file's name and the counts) in its transaction:
// pingan.UnitService. The caller checks that an actor's units lie in their
// jurisdiction.
func (s *Units) ImportUnitsFile(ctx context.Context, actor *pingan.User, file string, units []*pingan.Unit, progress func(done, total int)) (pingan.ImportResult, error) {
	return s.importUnits(ctx, units, progress, &importBy{actor: actor, file: file})
}

// ImportGridsFile is ImportGrids of the grids read from file by actor (nil:
// the operator at the command line), with the import's audit row
// (grid_import: the file's name and the counts) in its transaction:
// pingan.GridService. The caller checks that an actor's grids lie in their
// jurisdiction.
func (s *Grids) ImportGridsFile(ctx context.Context, actor *pingan.User, file string, grids []*pingan.Grid) (pingan.ImportResult, error) {
	return s.importGrids(ctx, grids, &importBy{actor: actor, file: file})
}
