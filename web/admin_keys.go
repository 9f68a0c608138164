package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/pingan-gov/pingan"
)

// API keys (接口密钥): the keys of machine clients — a monitoring system, an
// Open311 client, a 12345 hotline's transfer — of the administrator's
// jurisdiction: who they act as (a unit, roles), when they were last used,
// adding one (its secret shown on the answer to the form, this once, never
// again) and revoking one. The store checks the jurisdiction again and
// audits every change; a key never holds the administrator's role.

type keysData struct {
	Keys      []*pingan.APIKey
	Units     []*pingan.Unit
	UnitNames map[string]string
	Roles     []pingan.Role
	Values    map[string]string
	RolesSet  map[pingan.Role]bool
	Errors    map[string]string
	Error     string
	// Added is the key just made and Secret its secret, shown once.
	Added  *pingan.APIKey
	Secret string
}

func init() {
	pageNames = append(pageNames, "admin_keys")
}

// KeysReady reports whether the API keys' pages are served (the
// administration tabs).
func (v *view) KeysReady() bool {
	return v.s != nil && v.s.keys != nil && v.User.May(pingan.CapAdminSecurity)
}

// routesKeys registers the page when the service is configured.
func (s *Server) routesKeys(h func(pattern string, handler http.HandlerFunc)) {
	if s.keys == nil {
		return
	}
	h("GET /admin/keys", s.signedIn(s.may(pingan.CapAdminSecurity, s.adminKeys)))
	h("POST /admin/keys", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.addKey))))
	h("POST /admin/keys/revoke", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.revokeKey))))
}

func (s *Server) adminKeys(w http.ResponseWriter, r *http.Request) {
	d := &keysData{Values: map[string]string{}, RolesSet: map[pingan.Role]bool{pingan.RoleReporter: true}}
	v := s.newView(r, "admin_keys")
	switch q := r.URL.Query(); {
	case q.Get("revoked") != "":
		v.Notice = v.T("apikey.revoked", pingan.ShowText(q.Get("revoked"), 60))
	}
	s.renderKeys(w, r, v, d, http.StatusOK)
}

// renderKeys fills the list and the form's choices and renders the page.
func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, v *view, d *keysData, status int) {
	ctx, u := r.Context(), userOf(r)
	keys, err := s.keys.List(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(units...)
	d.Keys, d.Units, d.Roles = keys, units, pingan.KeyRoles
	d.UnitNames = map[string]string{}
	for _, k := range keys {
		d.UnitNames[k.UnitCode] = s.unitName(ctx, u, k.UnitCode)
	}
	v.Title, v.Nav, v.D = v.T("apikey.admin.title"), "admin", d
	s.renderStatus(w, r, v, status)
}

func (s *Server) addKey(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_keys")
	d := &keysData{Values: formValues(r, []string{"name", "unit"}), RolesSet: map[pingan.Role]bool{}}
	var given []string
	for _, x := range r.PostForm["role"] {
		d.RolesSet[pingan.Role(x)] = true
		given = append(given, x)
	}
	var roles []pingan.Role
	var err error
	if len(given) == 0 {
		err = invalidField("roles", "apikey.roles.none")
	} else {
		roles, err = pingan.ParseKeyRoles(strings.Join(given, ","))
	}
	if err == nil {
		d.Added, d.Secret, err = s.keys.Add(r.Context(), userOf(r), d.Values["name"], d.Values["unit"], roles)
	}
	if err == nil {
		v.Notice = v.T("apikey.added", d.Added.Name)
		w.Header().Set("Cache-Control", "no-store") // the key is shown once: no cache keeps it
		d.Values, d.RolesSet = map[string]string{}, map[pingan.Role]bool{pingan.RoleReporter: true}
		s.renderKeys(w, r, v, d, http.StatusOK)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	if d.Errors = v.fields(err); len(d.Errors) == 0 {
		d.Error = v.Message(err)
	}
	s.renderKeys(w, r, v, d, statusOf(err))
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if err := s.keys.Revoke(r.Context(), userOf(r), name); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/keys?revoked="+url.QueryEscape(name), http.StatusSeeOther)
}
