package web

import (
	"context"
	"crypto/rand"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

// Account administration (账号管理): the accounts of the administrator's
// jurisdiction found by name, username, unit and role, a page at a time;
// adding one; and, for the account chosen (?edit=username), its name,
// unit and roles, disabling and enabling it, and setting its password.
// The store checks the jurisdiction again and audits every change.

// usersPageSize is how many accounts a page lists.
const usersPageSize = 50

type usersData struct {
	Users     []*pingan.User
	Listed    bool // the user service can list users
	Units     []*pingan.Unit
	Roles     []pingan.Role
	Values    map[string]string
	RolesSet  map[pingan.Role]bool
	Errors    map[string]string
	Error     string
	Created   string
	UnitNames map[string]string

	Search   userSearch
	Total    int
	Page     int
	Pages    int
	Prev     string // the address of the previous page, or ""
	Next     string
	Searched bool // the service can search: the search form is shown

	Edit *accountEdit // the account being edited, or nil

	notice string // a notice to show
}

// userSearch is the search form of the list.
type userSearch struct {
	Q, Unit, Role string
	Errors        map[string]string
}

// query answers the search as a query string of page n.
func (f userSearch) query(n int) string {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "unit": f.Unit, "role": f.Role} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	return q.Encode()
}

// accountEdit is the edit card of one account.
type accountEdit struct {
	User     *pingan.User
	Values   map[string]string
	RolesSet map[pingan.Role]bool
	Errors   map[string]string
	Error    string
	Password string // the error of the password form
}

// accounts answers the service that administers accounts, or ENOTFOUND.
func (s *Server) accounts() (pingan.AccountService, error) {
	if a, ok := s.users.(pingan.AccountService); ok {
		return a, nil
	}
	return nil, pingan.E(pingan.ENOTFOUND, "admin.users.nolist")
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &usersData{Values: map[string]string{}, Created: q.Get("created")}
	s.renderUsers(w, r, d, http.StatusOK)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, d *usersData, status int) {
	ctx, u := r.Context(), userOf(r)
	q := r.URL.Query()
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(units...)
	d.Units, d.Roles = units, pingan.Roles
	d.UnitNames = map[string]string{}
	for _, x := range units {
		d.UnitNames[x.Code] = x.Name
	}
	v := s.newView(r, "admin_users")
	if acc, err := s.accounts(); err == nil {
		d.Searched, d.Listed = true, true
		d.Search = userSearch{Q: strings.TrimSpace(q.Get("q")), Unit: strings.TrimSpace(q.Get("unit")), Role: strings.TrimSpace(q.Get("role"))}
		d.Page, _ = strconv.Atoi(q.Get("page"))
		d.Page = max(d.Page, 1)
		f := pingan.UserFilter{Query: d.Search.Q, Unit: d.Search.Unit, Role: pingan.Role(d.Search.Role),
			Offset: (d.Page - 1) * usersPageSize, Limit: usersPageSize}
		users, total, err := acc.SearchUsers(ctx, u, f)
		if pingan.ErrorCode(err) == pingan.EINVALID {
			d.Search.Errors = v.fields(err)
			if status == http.StatusOK {
				status = http.StatusBadRequest
			}
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Users, d.Total = users, total
		d.Pages = max((total+usersPageSize-1)/usersPageSize, 1)
		if d.Page > 1 {
			d.Prev = "/admin/users?" + d.Search.query(d.Page-1)
		}
		if d.Page < d.Pages {
			d.Next = "/admin/users?" + d.Search.query(d.Page+1)
		}
		if d.Edit == nil {
			if name := strings.TrimSpace(q.Get("edit")); name != "" {
				d.Edit = &accountEdit{}
			}
		}
		if d.Edit != nil && d.Edit.User == nil {
			name := strings.TrimSpace(q.Get("edit"))
			if name == "" {
				name = strings.TrimSpace(r.PostFormValue("username"))
			}
			found, err := s.findAccount(r, acc, name)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Edit.User = found
		}
		if e := d.Edit; e != nil && e.Values == nil {
			e.Values = map[string]string{"name": e.User.Name, "unit": e.User.UnitCode}
			e.RolesSet = map[pingan.Role]bool{}
			for _, x := range e.User.Roles {
				e.RolesSet[x] = true
			}
		}
	} else if dir, ok := s.users.(UserDirectory); ok {
		users, err := dir.FindUsers(ctx, u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Users, d.Listed = users, true
	}
	v.Title, v.Nav, v.D = v.T("admin.users"), "admin", d
	if d.Created != "" {
		v.Notice = v.T("admin.user.created", d.Created)
	}
	if d.notice != "" {
		v.Notice = d.notice
	}
	if v.Notice == "" {
		v.Notice = doneNotice(v, q.Get("done"), q.Get("edit"), q.Get("n"))
	}
	s.renderStatus(w, r, v, status)
}

// doneNotice is the notice of a change an action redirected with.
func doneNotice(v *view, done, username, n string) string {
	switch done {
	case "saved":
		return v.T("account.saved", username)
	case "disabled":
		return v.T("account.disabled.done", username)
	case "enabled":
		return v.T("account.enabled.done", username)
	case "password":
		k, _ := strconv.Atoi(n)
		return v.T("account.password.done", username, k)
	}
	return ""
}

// findAccount answers the account of username in the administrator's
// jurisdiction; ENOTFOUND otherwise.
func (s *Server) findAccount(r *http.Request, acc pingan.AccountService, username string) (*pingan.User, error) {
	if username != "" {
		users, _, err := acc.SearchUsers(r.Context(), userOf(r), pingan.UserFilter{Query: username})
		if err != nil {
			return nil, err
		}
		for _, x := range users {
			if strings.EqualFold(x.Username, username) {
				return x, nil
			}
		}
	}
	return nil, pingan.E(pingan.ENOTFOUND, "user.notfound", username)
}

// rolesOf answers the known roles of the form's role fields.
func rolesOf(r *http.Request) ([]pingan.Role, map[pingan.Role]bool) {
	var roles []pingan.Role
	set := map[pingan.Role]bool{}
	for _, x := range r.PostForm["role"] {
		for _, known := range pingan.Roles {
			if string(known) == x && !set[known] {
				roles = append(roles, known)
				set[known] = true
			}
		}
	}
	return roles, set
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	ctx, admin := r.Context(), userOf(r)
	nu := &pingan.User{Username: strings.TrimSpace(r.PostFormValue("username")), Name: strings.TrimSpace(r.PostFormValue("name")),
		UnitCode: strings.TrimSpace(r.PostFormValue("unit"))}
	var set map[pingan.Role]bool
	nu.Roles, set = rolesOf(r)
	// The store refuses a unit outside the administrator's jurisdiction and
	// the administrators' roles, which the security administrator gives
	// (/admin/roles, 三权分立), and audits the new account.
	acc, err := s.accounts()
	if err == nil {
		err = acc.AddUser(ctx, admin, nu, r.PostFormValue("password"))
	}
	if err == nil {
		http.Redirect(w, r, "/admin/users?created="+url.QueryEscape(nu.Username), http.StatusSeeOther)
		return
	}
	if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin_users")
	d := &usersData{Values: formValues(r, []string{"username", "name", "unit"}), RolesSet: set, Errors: v.fields(err)}
	if len(d.Errors) == 0 {
		d.Error = v.Message(err)
	}
	s.renderUsers(w, r, d, statusOf(err))
}

// doneURL answers the page of the account after a change.
func doneURL(username, done string, extra ...string) string {
	q := url.Values{"edit": {username}, "done": {done}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/admin/users?" + q.Encode() + "#user-edit"
}

// editedAgain renders the list with the edit card of the account of the
// form and the error err of a change, in the card.
func (s *Server) editedAgain(w http.ResponseWriter, r *http.Request, e *accountEdit, err error) {
	switch pingan.ErrorCode(err) {
	case pingan.EINVALID, pingan.ECONFLICT:
	default:
		s.fail(w, r, err)
		return
	}
	acc, aerr := s.accounts()
	if aerr != nil {
		s.fail(w, r, aerr)
		return
	}
	found, ferr := s.findAccount(r, acc, strings.TrimSpace(r.PostFormValue("username")))
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	e.User = found
	s.renderUsers(w, r, &usersData{Values: map[string]string{}, Edit: e}, statusOf(err))
}

// editUser saves the name, unit and roles of an account.
func (s *Server) editUser(w http.ResponseWriter, r *http.Request) {
	acc, err := s.accounts()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, admin := r.Context(), userOf(r)
	u := &pingan.User{Username: strings.TrimSpace(r.PostFormValue("username")), Name: strings.TrimSpace(r.PostFormValue("name")),
		UnitCode: strings.TrimSpace(r.PostFormValue("unit"))}
	var set map[pingan.Role]bool
	u.Roles, set = rolesOf(r)
	for _, x := range r.PostForm["role"] {
		if _, known := set[pingan.Role(x)]; !known {
			u.Roles = append(u.Roles, pingan.Role(x)) // the store names it
		}
	}
	err = acc.UpdateUser(ctx, admin, u)
	if err == nil {
		http.Redirect(w, r, doneURL(u.Username, "saved"), http.StatusSeeOther)
		return
	}
	v := s.newView(r, "admin_users")
	e := &accountEdit{Values: formValues(r, []string{"name", "unit"}), RolesSet: set, Errors: v.fields(err)}
	if len(e.Errors) == 0 {
		e.Error = v.Message(err)
	}
	s.editedAgain(w, r, e, err)
}

// disableUser stops an account; its sessions end with it.
func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	s.switchUser(w, r, "disabled", s.users.DisableUser)
}

// enableUser lets a stopped account sign in again.
func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) {
	s.switchUser(w, r, "enabled", s.users.EnableUser)
}

func (s *Server) switchUser(w http.ResponseWriter, r *http.Request, done string,
	change func(ctx context.Context, actor *pingan.User, username string) error) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	if err := change(r.Context(), userOf(r), username); err != nil {
		v := s.newView(r, "admin_users")
		s.editedAgain(w, r, &accountEdit{Error: v.Message(err)}, err)
		return
	}
	http.Redirect(w, r, doneURL(username, done), http.StatusSeeOther)
}

// resetPassword sets the password of an account: the one the administrator
// typed, or with "generate" one made here and shown once on the answer,
// never stored or sent anywhere else. The account's sessions end.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	acc, err := s.accounts()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	password, generated := r.PostFormValue("password"), r.PostFormValue("generate") != ""
	if generated {
		if password, err = generatePassword(username); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	n, err := acc.SetPassword(r.Context(), userOf(r), username, password)
	if err != nil {
		v := s.newView(r, "admin_users")
		e := &accountEdit{Password: v.fields(err)["password"]}
		if e.Password == "" {
			e.Error = v.Message(err)
		}
		s.editedAgain(w, r, e, err)
		return
	}
	if !generated {
		http.Redirect(w, r, doneURL(username, "password", "n", strconv.Itoa(n)), http.StatusSeeOther)
		return
	}
	// Shown once: the answer is not a redirect, and no cache keeps it.
	w.Header().Set("Cache-Control", "no-store")
	found, err := s.findAccount(r, acc, username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin_users")
	d := &usersData{Values: map[string]string{}, Edit: &accountEdit{User: found},
		notice: v.T("account.password.generated", username, n, password)}
	s.renderUsers(w, r, d, http.StatusOK)
}

// passwordAlphabet leaves out the characters read one for another (0 O o,
// 1 l I); it has a few symbols, for a policy that asks for all four kinds.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789#%="

// generatePassword answers a random password of 20 characters of all four
// kinds that meets secret.WeakPassword's rule for the username, and so
// any security policy but one asking for more characters.
func generatePassword(username string) (string, error) {
	for {
		b := make([]byte, 20)
		for i := range b {
			k, err := rand.Int(rand.Reader, big.NewInt(int64(len(passwordAlphabet))))
			if err != nil {
				return "", err
			}
			b[i] = passwordAlphabet[k.Int64()]
		}
		if secret.WeakPassword(string(b), username) == "" && pingan.CharacterClasses(string(b)) == 4 {
			return string(b), nil
		}
	}
}
