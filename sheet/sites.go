package sheet

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/xuri/excelize/v2"
)

// The register of key sites as a workbook (docs/sites.md): the export
// writes a row per site, its contact masked; the import reads a workbook
// of the same columns (the export edited, or a sheet of its own with the
// same headers, in either language) into rows for the store, which adds
// or changes them all in one transaction.

// siteColumns are the message keys of the register's columns, in order.
// The import reads those marked in; the others are the export's alone.
var siteColumns = []struct {
	key string
	in  bool
}{
	{"site.col.code", true}, {"site.col.name", true}, {"site.col.type", true}, {"site.col.level", true},
	{"site.col.grid", true}, {"site.col.lat", true}, {"site.col.lng", true}, {"site.col.address", true},
	{"site.col.department", true}, {"site.col.department_name", false}, {"site.col.contact", true},
	{"site.col.phone", true}, {"site.col.next_due", true}, {"site.col.overdue", false},
	{"site.col.last_inspected", false}, {"site.col.unit", false},
}

// SitesBook answers the sheet of the register read by u at now with the
// filter lines given, and the file's name (重点场所-2026-11-27.xlsx).
func SitesBook(lang pingan.Lang, sites []*pingan.Site, filters []Line, u *pingan.User, now time.Time) (Sheet, string) {
	t := func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
	by := u.Name
	if by == "" {
		by = u.Username
	}
	header := make([]string, len(siteColumns))
	for i, c := range siteColumns {
		header[i] = t(c.key)
	}
	rows := make([][]Cell, 0, len(sites))
	for _, s := range sites {
		var name, phone string
		if s.Contact != nil {
			c := s.Contact.Masked() // never whole in an export
			name, phone = c.Name, c.Phone
		}
		level := Cell{}
		if s.Level > 0 {
			level = Int(s.Level)
		}
		overdue := t("site.overdue.no")
		if s.Overdue {
			overdue = t("site.overdue.yes")
		}
		typ := s.TypeName
		if typ == "" {
			typ = s.Type
		}
		rows = append(rows, []Cell{Text(s.Code), Text(s.Name), Text(typ), level, Text(s.Grid), Float(s.Lat), Float(s.Lng),
			Text(s.Address), Text(s.Department), Text(s.DepartmentName), Text(name), Text(phone), Text(s.NextDue),
			Text(overdue), Text(s.LastInspected), Text(s.UnitName)})
	}
	lines := append([]Line{}, filters...)
	lines = append(lines, Line{Label: t("export.f.at"), Value: now.In(pingan.CST).Format("2006-01-02 15:04")},
		Line{Label: t("export.f.user"), Value: by})
	return Sheet{Name: t("site.sheet"), Title: t("site.sheet"), Filters: lines, Header: header, Rows: rows,
		Notes: []string{t("site.sheet.note")}}, t("site.sheet") + "-" + pingan.Day(now) + ".xlsx"
}

// MaxSiteSheetBytes bounds an imported workbook.
const MaxSiteSheetBytes = 10 << 20

// ReadSites reads the register's rows from the first sheet of the workbook
// in r: the header row is the first that names the columns 名称 and 类型
// (or Name and Type); each later row with a name becomes a row of the
// answer, numbered as the sheet numbers it. A type is its code or its name
// among types; a level 1–4 or 一级–四级; a contact that is masked (holds *)
// is left out, so that an export read back keeps the sealed contact.
// EINVALID naming "file" when the workbook cannot be read or has no header,
// or naming "rows[N].lat" … for a cell that is not a number.
func ReadSites(r io.Reader, types []*pingan.SiteType) ([]pingan.SiteImportRow, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, MaxSiteSheetBytes))
	if err != nil {
		return nil, pingan.Invalidf("file", "site.import.file")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, pingan.Invalidf("file", "site.import.file")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, pingan.Invalidf("file", "site.import.file")
	}
	names := map[string]string{} // header text → column key
	for _, c := range siteColumns {
		if c.in {
			for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
				names[strings.ToLower(pingan.Text(lang, c.key))] = c.key
			}
		}
	}
	typeOf := map[string]string{}
	for _, t := range types {
		typeOf[t.Code], typeOf[t.Name] = t.Code, t.Code
	}
	var v pingan.Invalid
	col := map[string]int{}
	start := -1
	for i, row := range rows {
		found := map[string]int{}
		for j, cell := range row {
			if k, ok := names[strings.ToLower(strings.TrimSpace(cell))]; ok {
				found[k] = j
			}
		}
		if _, ok := found["site.col.name"]; ok {
			if _, ok := found["site.col.type"]; ok {
				col, start = found, i+1
				break
			}
		}
	}
	if start < 0 {
		return nil, pingan.Invalidf("file", "site.import.header")
	}
	var out []pingan.SiteImportRow
	for i := start; i < len(rows); i++ {
		row := rows[i]
		n := i + 1 // as the sheet numbers it
		prefix := "rows[" + strconv.Itoa(n) + "]."
		cell := func(key string) string {
			if j, ok := col[key]; ok && j < len(row) {
				if p := pingan.BadText(row[j]); p != "" { // a NUL or bytes not UTF-8: never to the store
					v.Add(prefix+strings.TrimPrefix(key, "site.col."), p)
					return ""
				}
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		if cell("site.col.name") == "" {
			continue
		}
		in := pingan.NewSite{Code: cell("site.col.code"), Name: cell("site.col.name"), Grid: cell("site.col.grid"),
			Address: cell("site.col.address"), Department: cell("site.col.department"), NextDue: cell("site.col.next_due")}
		typ := cell("site.col.type")
		if code, ok := typeOf[typ]; ok {
			in.Type = code
		} else {
			in.Type = typ // the store names it unknown
		}
		if lv := cell("site.col.level"); lv != "" {
			level, ok := parseSiteLevel(lv)
			if !ok {
				v.Add(prefix+"level", "site.level.bad")
			}
			in.Level = level
		}
		lat, lerr := strconv.ParseFloat(cell("site.col.lat"), 64)
		lng, gerr := strconv.ParseFloat(cell("site.col.lng"), 64)
		switch {
		case lerr != nil:
			v.Add(prefix+"lat", "site.import.number")
		case gerr != nil:
			v.Add(prefix+"lng", "site.import.number")
		default:
			in.Location = &pingan.Location{Lat: lat, Lng: lng}
		}
		name, phone := cell("site.col.contact"), cell("site.col.phone")
		if strings.Contains(name, "*") || strings.Contains(phone, "*") {
			name, phone = "", ""
		}
		if name != "" || phone != "" {
			in.Contact = &pingan.SiteContact{Name: name, Phone: phone}
		}
		out = append(out, pingan.SiteImportRow{Row: n, Site: in})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseSiteLevel reads 1–4 or 一级–四级.
func parseSiteLevel(s string) (int, bool) {
	for l := 1; l <= pingan.MaxHazardSourceLevel; l++ {
		if s == strconv.Itoa(l) || s == pingan.SiteLevelLabel(l) {
			return l, true
		}
	}
	return 0, false
}
