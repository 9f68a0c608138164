package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The security administrator's pages (安全管理员): the roles of the
// accounts of their jurisdiction (/admin/roles) and the security policy
// (/admin/security); and everybody's own password (/account/password),
// the one page an account whose password has expired may open.

func init() {
	pageNames = append(pageNames, "admin_roles", "admin_security", "account_password")
}

// roleSetter is the user service's SetRoles (store.Users).
type roleSetter interface {
	SetRoles(ctx context.Context, actor *pingan.User, username string, roles []pingan.Role) error
}

// sessionToucher is the user service's idle clock kept in the database
// (store.Users.TouchSession).
type sessionToucher interface {
	TouchSession(ctx context.Context, token string) (idle, expired bool, err error)
}

// touch applies the idle time-out to the session of token and answers
// whether it has ended, and whether the account's password has expired.
// A user service without a clock of its own (a fake) is kept by the one
// in memory, with Config.IdleTimeout.
func (s *Server) touch(r *http.Request, token string) (idle, expired bool) {
	t, ok := s.users.(sessionToucher)
	if !ok {
		return !s.activity.touch(token, s.clock.Now(), s.idle), false
	}
	idle, expired, err := t.TouchSession(withSource(r), token)
	if err != nil {
		s.log.Warn("web: session", "err", err)
		return true, false
	}
	if idle {
		s.activity.forget(token)
		if s.sessionEnded != nil {
			s.sessionEnded(token)
		}
	}
	return idle, expired
}

// passwordFirst sends a user whose password has expired to the form that
// changes it, from every page but that form and signing out; a request
// for JSON gets 403 password.expired. It answers whether it did.
func (s *Server) passwordFirst(w http.ResponseWriter, r *http.Request, sess *session) bool {
	if !sess.expired || r.URL.Path == "/account/password" {
		return false
	}
	if wantsJSON(r) || r.Method != http.MethodGet {
		s.fail(w, r, pingan.ErrPasswordExpired)
		return true
	}
	http.Redirect(w, r, "/account/password?expired=1", http.StatusSeeOther)
	return true
}

// routesSecurity registers the pages of this file.
func (s *Server) routesSecurity(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /account/password", s.signedIn(s.passwordPage))
	h("POST /account/password", s.signedIn(s.form(s.changePassword)))
	if _, ok := s.users.(roleSetter); ok {
		h("GET /admin/roles", s.signedIn(s.may(pingan.CapAdminSecurity, s.adminRoles)))
		h("POST /admin/roles", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.setRoles))))
	}
	if s.security != nil {
		h("GET /admin/security", s.signedIn(s.may(pingan.CapAdminSecurity, s.adminSecurity)))
		h("POST /admin/security", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.saveSecurity))))
	}
}

// RolesReady and SecurityReady report whether the security
// administrator's pages are served (the administration tabs).
func (v *view) RolesReady() bool {
	if v.s == nil {
		return false
	}
	_, ok := v.s.users.(roleSetter)
	return ok && v.User.May(pingan.CapAdminSecurity)
}

func (v *view) SecurityReady() bool {
	return v.s != nil && v.s.security != nil && v.User.May(pingan.CapAdminSecurity)
}

// rolesData is the page of the accounts' roles.
type rolesData struct {
	Users   []*pingan.User
	Roles   []pingan.Role
	Q       string
	Total   int
	Edit    string               // the username of the row of a refused change
	Set     map[pingan.Role]bool // its roles as posted
	Errors  map[string]string
	Mixed   []string // accounts holding an administrator's role beside another
	Changed string
}

func (s *Server) adminRoles(w http.ResponseWriter, r *http.Request) {
	d := &rolesData{Changed: r.URL.Query().Get("changed")}
	s.renderRoles(w, r, d, http.StatusOK)
}

func (s *Server) renderRoles(w http.ResponseWriter, r *http.Request, d *rolesData, status int) {
	acc, err := s.accounts()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Q = strings.TrimSpace(r.URL.Query().Get("q"))
	d.Roles = pingan.Roles
	d.Users, d.Total, err = acc.SearchUsers(r.Context(), userOf(r), pingan.UserFilter{Query: d.Q, Limit: usersPageSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range d.Users {
		if pingan.MixedAdmin(u) {
			d.Mixed = append(d.Mixed, u.Username)
		}
	}
	v := s.newView(r, "admin_roles")
	v.Title, v.Nav, v.D = v.T("security.roles.title"), "security", d
	if d.Changed != "" {
		v.Notice = v.T("security.roles.done", pingan.ShowText(d.Changed, 64))
	}
	s.renderStatus(w, r, v, status)
}

// setRoles gives an account the roles of the form.
func (s *Server) setRoles(w http.ResponseWriter, r *http.Request) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	roles, set := rolesOf(r)
	err := s.users.(roleSetter).SetRoles(withSource(r), userOf(r), username, roles)
	if err == nil {
		http.Redirect(w, r, "/admin/roles?changed="+url.QueryEscape(username), http.StatusSeeOther)
		return
	}
	if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin_roles")
	d := &rolesData{Edit: username, Set: set, Errors: v.fields(err)}
	if len(d.Errors) == 0 {
		d.Errors = map[string]string{"role": v.Message(err)}
	}
	s.renderRoles(w, r, d, statusOf(err))
}

// securityData is the page of the security policy.
type securityData struct {
	Policy *pingan.SecurityPolicy
	Values map[string]string
	Errors map[string]string
}

// securityFields are the policy's numbers on the form.
var securityFields = []string{"min_length", "classes", "expiry_days", "history", "idle_minutes"}

func (s *Server) adminSecurity(w http.ResponseWriter, r *http.Request) {
	p, err := s.security.SecurityPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &securityData{Policy: p, Values: map[string]string{}}
	for i, n := range []int{p.MinLength, p.Classes, p.ExpiryDays, p.History, p.IdleMinutes} {
		d.Values[securityFields[i]] = strconv.Itoa(n)
	}
	if p.SingleSession {
		d.Values["single_session"] = "1"
	}
	v := s.newView(r, "admin_security")
	v.Title, v.Nav, v.D = v.T("security.policy.title"), "security", d
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("security.policy.saved")
	}
	s.render(w, r, v)
}

// saveSecurity replaces the policy with the form's; a field that is not a
// whole number is named as the store names one out of bounds.
func (s *Server) saveSecurity(w http.ResponseWriter, r *http.Request) {
	var v pingan.Invalid
	nums := make([]int, len(securityFields))
	for i, f := range securityFields {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f)))
		if err != nil {
			v.Add(f, "security.number")
			n = -1
		}
		nums[i] = n
	}
	p := &pingan.SecurityPolicy{MinLength: nums[0], Classes: nums[1], ExpiryDays: nums[2], History: nums[3], IdleMinutes: nums[4],
		SingleSession: r.PostFormValue("single_session") != ""}
	// The bounds too, each field named at once; the store judges again.
	judged := *p
	judged.Normalize()
	judged.Validate(&v)
	err := v.Err()
	if err == nil {
		err = s.security.SetSecurityPolicy(withSource(r), userOf(r), p)
	}
	if err == nil {
		http.Redirect(w, r, "/admin/security?saved=1", http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	view := s.newView(r, "admin_security")
	d := &securityData{Policy: p, Values: formValues(r, append([]string{"single_session"}, securityFields...)), Errors: view.fields(err)}
	view.Title, view.Nav, view.D = view.T("security.policy.title"), "security", d
	s.renderStatus(w, r, view, statusOf(err))
}

// passwordData is the form of one's own password.
type passwordData struct {
	Expired bool
	Errors  map[string]string
	Policy  *pingan.SecurityPolicy
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.renderPassword(w, r, &passwordData{Expired: sessionOf(r).expired}, http.StatusOK)
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, d *passwordData, status int) {
	if s.security != nil {
		p, err := s.security.SecurityPolicy(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Policy = p
	}
	v := s.newView(r, "account_password")
	v.Title, v.D, v.Limited = v.T("password.change.title"), d, d.Expired
	if r.URL.Query().Get("changed") != "" {
		v.Notice = v.T("password.change.done")
	}
	s.renderStatus(w, r, v, status)
}

// changePassword sets one's own password; the other sessions of the
// account end, this one stays.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if s.security == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
		return
	}
	sess := sessionOf(r)
	err := s.security.ChangeOwnPassword(withSource(r), sess.user, sess.token, r.PostFormValue("old_password"), r.PostFormValue("password"))
	if err == nil {
		http.Redirect(w, r, "/account/password?changed=1", http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "account_password")
	s.renderPassword(w, r, &passwordData{Expired: sess.expired, Errors: v.fields(err)}, statusOf(err))
}
