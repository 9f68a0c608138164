package web

import (
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/importer"
)

// The administration pages (系统管理): units, users, categories and their
// deadline policies. Only administrators reach them (s.admin), and they see
// the units of their own jurisdiction only.

type unitsData struct {
	Units  []*pingan.Unit
	Result *pingan.ImportResult
	Errors []string
	CSV    string
	// OrgTypes are the kinds of mediation organisation a unit may be.
	OrgTypes []pingan.OrgType
	// OrgSaved is the unit whose kind was changed.
	OrgSaved string
}

func (s *Server) adminUnits(w http.ResponseWriter, r *http.Request) {
	s.renderUnits(w, r, &unitsData{OrgSaved: r.URL.Query().Get("org_saved")}, http.StatusOK)
}

func (s *Server) renderUnits(w http.ResponseWriter, r *http.Request, d *unitsData, status int) {
	units, err := s.units.FindUnits(r.Context(), userOf(r), pingan.UnitFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(units...)
	d.Units, d.OrgTypes = units, pingan.OrgTypes
	v := s.newView(r, "admin_units")
	v.Title, v.Nav, v.D = v.T("admin.units"), "admin", d
	if d.OrgSaved != "" {
		v.Notice = v.T("admin.units.org_type.saved", d.OrgSaved)
	}
	s.renderStatus(w, r, v, status)
}

// importUnits takes a unit table (code,name,level,parent_code) as a file
// or pasted text and imports it all together or not at all.
func (s *Server) importUnits(w http.ResponseWriter, r *http.Request) {
	var src io.Reader = strings.NewReader(r.PostFormValue("csv"))
	text, name := r.PostFormValue("csv"), "" // pasted text names no file
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			defer f.Close()
			src, name = f, fhs[0].Filename
		}
	}
	v := s.newView(r, "admin_units")
	d := &unitsData{CSV: text}
	units, err := importer.Units(src)
	if err == nil {
		// An administrator imports inside their own jurisdiction: every
		// unit's parent must be one they see, or a unit of the same batch.
		err = s.checkImportScope(r, units)
	}
	if err == nil {
		var res pingan.ImportResult
		res, err = s.units.ImportUnitsFile(r.Context(), userOf(r), name, units, nil)
		if err == nil {
			d.Result, d.CSV = &res, ""
		}
	}
	if err != nil {
		if pingan.ErrorCode(err) == pingan.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		d.Errors = sortedFields(v, err)
		s.renderUnits(w, r, d, statusOf(err))
		return
	}
	s.renderUnits(w, r, d, http.StatusOK)
}

// setUnitOrgType makes a unit a mediation organisation of a kind (调解组织),
// or no longer one.
func (s *Server) setUnitOrgType(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.PostFormValue("unit"))
	err := s.units.SetUnitOrgType(r.Context(), userOf(r), code, pingan.OrgType(strings.TrimSpace(r.PostFormValue("org_type"))))
	if err == nil {
		http.Redirect(w, r, "/admin/units?org_saved="+url.QueryEscape(code), http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) == pingan.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin_units")
	s.renderUnits(w, r, &unitsData{Errors: sortedFields(v, err)}, statusOf(err))
}

func (s *Server) checkImportScope(r *http.Request, units []*pingan.Unit) error {
	u := userOf(r)
	batch := map[string]bool{}
	for _, x := range units {
		batch[x.Code] = true
	}
	var bad pingan.Invalid
	for _, x := range units {
		if x.ParentCode == "" {
			// A root may only be updated, and only by someone who sees it.
			if _, err := s.units.FindUnit(r.Context(), u, x.Code); err != nil {
				bad.Add("unit "+x.Code, "admin.units.root.outside")
			}
			continue
		}
		if batch[x.ParentCode] {
			continue
		}
		if _, err := s.units.FindUnit(r.Context(), u, x.ParentCode); err != nil {
			bad.Add("unit "+x.Code, "admin.units.parent.outside", x.ParentCode)
		}
	}
	return bad.Err()
}

// sortedFields lists the field errors of err as "field: message", or the
// message alone.
func sortedFields(v *view, err error) []string {
	f := v.fields(err)
	if len(f) == 0 {
		return []string{v.Message(err)}
	}
	var out []string
	for k, m := range f {
		out = append(out, k+": "+m)
	}
	sort.Strings(out)
	return out
}

type categoriesData struct {
	Categories []*pingan.Category
	Kinds      []pingan.Kind
	Units      []string
	OrgTypes   []pingan.OrgType
	Edited     string // the code of the row the errors belong to
	Errors     map[string]string
	Error      string
	Values     map[string]string
	Saved      string
	// Problems are the errors of the edited row, each under the words of
	// its column.
	Problems []fieldProblem
}

// fieldProblem is what is wrong with one field, named as its column is.
type fieldProblem struct{ Label, Message string }

// categoryColumns names each field of a category by the key of its column.
var categoryColumns = map[string]string{"code": "cat.code", "kind": "case.kind", "name": "cat.name", "parent": "cat.parent",
	"policy.sign": "cat.sign", "policy.resolve": "cat.resolve", "org_type": "cat.org_type"}

func (s *Server) adminCategories(w http.ResponseWriter, r *http.Request) {
	s.renderCategories(w, r, &categoriesData{Saved: r.URL.Query().Get("saved")}, http.StatusOK)
}

func (s *Server) renderCategories(w http.ResponseWriter, r *http.Request, d *categoriesData, status int) {
	cats, err := s.categories.Categories(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories, d.Units, d.OrgTypes = cats, []string{"hours", "calendar", "working"}, pingan.OrgTypes
	for _, k := range pingan.Kinds {
		d.Kinds = append(d.Kinds, k.Kind)
	}
	v := s.newView(r, "admin_categories")
	v.Title, v.Nav, v.D = v.T("admin.categories"), "admin", d
	if d.Saved != "" {
		v.Notice = v.T("admin.category.saved", d.Saved)
	}
	s.renderStatus(w, r, v, status)
}

func (s *Server) saveCategory(w http.ResponseWriter, r *http.Request) {
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	num := func(k string) int { n, _ := strconv.Atoi(val(k)); return n }
	c := &pingan.Category{Code: val("code"), Kind: pingan.Kind(val("kind")), Name: val("name"), Parent: val("parent"),
		Policy: pingan.Policy{Sign: pingan.Period{N: num("sign_n"), Unit: val("sign_unit")},
			Resolve: pingan.Period{N: num("resolve_n"), Unit: val("resolve_unit")}},
		OrgType: pingan.OrgType(val("org_type"))}
	err := s.categories.SaveCategory(r.Context(), userOf(r), c)
	if err == nil {
		http.Redirect(w, r, "/admin/categories?saved="+c.Code, http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin_categories")
	edited := val("row")
	d := &categoriesData{Edited: edited, Errors: v.fields(err),
		Values: formValues(r, []string{"code", "kind", "name", "parent", "sign_n", "sign_unit", "resolve_n", "resolve_unit", "org_type"})}
	if len(d.Errors) == 0 {
		d.Error = v.Message(err)
	}
	for _, f := range slices.Sorted(maps.Keys(d.Errors)) {
		label := f
		if key, ok := categoryColumns[f]; ok {
			label = v.T(key)
		}
		d.Problems = append(d.Problems, fieldProblem{label, d.Errors[f]})
	}
	s.renderCategories(w, r, d, http.StatusBadRequest)
}
