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
		return nil, rowError(map[string]pingan.Message{"row 1": pingan.Msg("import.header.empty", "code,name,level,parent_code")})
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
			return nil, rowError(map[string]pingan.Message{"row 1": pingan.Msg("import.header.column", need)})
		}
	}
	var (
		units []*pingan.Unit
		bad   = map[string]pingan.Message{}
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
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		u := &pingan.Unit{Code: get("code"), Name: get("name"), Level: pingan.Level(get("level")), ParentCode: get("parent_code"),
			OrgType: pingan.OrgType(get("org_type"))}
		if len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		key := fmt.Sprintf("row %d", row)
		switch {
		case u.Code == "":
			bad[key] = pingan.Msg("import.unit.code.empty")
		case strings.ContainsAny(u.Code, " /%_\\"):
			bad[key] = pingan.Msg("import.unit.code.bad", u.Code)
		case u.Name == "":
			bad[key] = pingan.Msg("import.unit.name.empty", u.Code)
		case !u.Level.Valid():
			bad[key] = pingan.Msg("import.unit.level.bad", u.Code, string(u.Level))
		case u.ParentCode == u.Code:
			bad[key] = pingan.Msg("import.unit.parent.self", u.Code)
		case u.OrgType != "" && !u.OrgType.Valid():
			bad[key] = pingan.Msg("unit.org_type.unknown", string(u.OrgType))
		case seen[u.Code] > 0:
			bad[key] = pingan.Msg("import.unit.duplicate", u.Code, seen[u.Code])
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
		return nil, rowError(map[string]pingan.Message{"row 2": pingan.Msg("import.rows.none")})
	}
	return units, nil
}

func rowError(fields map[string]pingan.Message) error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("import.file.invalid"), Fields: fields}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// encoding/csv says what is malformed in its own words.
		return rowError(map[string]pingan.Message{fmt.Sprintf("row %d", pe.Line): pingan.Msg("import.csv.malformed", pe.Err.Error())})
	}
	return err
}
