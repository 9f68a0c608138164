// Package importer reads the files people bring to pingan — unit tables as
// CSV and, later, division tables, grids and cases — into domain values,
// with errors that name the row and the column. It writes nothing: the
// store imports what it answers, all together or not at all.
package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pingan-gov/pingan"
)

// maxRowErrors caps how many bad rows one error lists.
const maxRowErrors = 20

// Units reads a unit table: a header row `code,name,level,parent_code`
// (columns in any order; a UTF-8 BOM is allowed) and one unit per row.
// Every bad row is reported by its row number (the header is row 1);
// nothing is answered unless every row is good.
func Units(r io.Reader) ([]*pingan.Unit, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, rowError(map[string]string{"row 1": "文件为空，缺少表头 code,name,level,parent_code (empty file)"})
	} else if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	for _, need := range []string{"code", "name", "level", "parent_code"} {
		if _, ok := col[need]; !ok {
			return nil, rowError(map[string]string{"row 1": "表头缺少列 (missing column) " + need})
		}
	}
	var (
		units []*pingan.Unit
		bad   = map[string]string{}
		seen  = map[string]int{}
		row   = 1
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		row++
		if err != nil {
			return nil, csvError(err)
		}
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		u := &pingan.Unit{Code: get("code"), Name: get("name"), Level: pingan.Level(get("level")), ParentCode: get("parent_code")}
		if len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		key := fmt.Sprintf("row %d", row)
		switch {
		case u.Code == "":
			bad[key] = "code 为空 (code is empty)"
		case strings.ContainsAny(u.Code, " /%_\\"):
			bad[key] = fmt.Sprintf("code %q 含有非法字符 (code has a space, slash, %% or _)", u.Code)
		case u.Name == "":
			bad[key] = fmt.Sprintf("单位 %s 的 name 为空 (name is empty)", u.Code)
		case !u.Level.Valid():
			bad[key] = fmt.Sprintf("单位 %s 的 level %q 无效，应为 province、city、county、township、village、centre 或 department", u.Code, u.Level)
		case u.ParentCode == u.Code:
			bad[key] = fmt.Sprintf("单位 %s 不能是自己的上级 (a unit cannot be its own parent)", u.Code)
		case seen[u.Code] > 0:
			bad[key] = fmt.Sprintf("单位 %s 与第 %d 行重复 (duplicate of row %d)", u.Code, seen[u.Code], seen[u.Code])
		}
		if len(bad) >= maxRowErrors {
			break
		}
		if _, dup := seen[u.Code]; !dup {
			seen[u.Code] = row
		}
		units = append(units, u)
	}
	if len(bad) > 0 {
		return nil, rowError(bad)
	}
	if len(units) == 0 {
		return nil, rowError(map[string]string{"row 2": "没有数据行 (no rows)"})
	}
	return units, nil
}

func rowError(fields map[string]string) error {
	return &pingan.Error{Code: pingan.EINVALID, Message: "导入文件有误，未导入任何数据 (the file has errors; nothing was imported)", Fields: fields}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return rowError(map[string]string{fmt.Sprintf("row %d", pe.Line): "CSV 格式错误 (malformed CSV): " + pe.Err.Error()})
	}
	return err
}
