package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"

	"github.com/pingan-gov/pingan"
)

// Two-factor sign-in (双因素认证, TOTP): the second step of signing in
// (/login/totp), the enrolment page of every account (/account/totp) and
// the security administrator's page (/admin/totp): the roles that must use
// it, the accounts enrolled or not, and a reset for a lost phone. A
// session of an account whose role requires TOTP and which has not
// enrolled reaches the enrolment page alone (totpLimited, from auth).

// pendingCookie holds a pending sign-in: the password was right, the code
// is still to come. It is not a session.
const pendingCookie = "pingan_totp"

func init() {
	pageNames = append(pageNames, "totp_login", "totp_account", "admin_totp")
}

// TOTPReady reports whether the two-factor pages are served (the menu's
// link to the enrolment page).
func (v *view) TOTPReady() bool { return v.s != nil && v.s.totp != nil && v.User != nil }

// TOTPAdminReady reports whether the security administrator's tab shows.
func (v *view) TOTPAdminReady() bool { return v.TOTPReady() && v.User.May(pingan.CapAdminSecurity) }

// routesTOTP registers the pages when the service is configured.
func (s *Server) routesTOTP(h func(pattern string, handler http.HandlerFunc)) {
	if s.totp == nil {
		return
	}
	h("GET /login/totp", s.loginTOTPPage)
	h("POST /login/totp", s.limited(s.limits.SignIn, "limit.signin", s.loginTOTP)) // as the password's (limits.go)
	h("GET /account/totp", s.signedIn(s.accountTOTP))
	h("POST /account/totp/confirm", s.signedIn(s.form(s.confirmTOTP)))
	h("POST /account/totp/disable", s.signedIn(s.form(s.disableTOTP)))
	h("GET /admin/totp", s.signedIn(s.may(pingan.CapAdminSecurity, s.adminTOTP)))
	h("POST /admin/totp/policy", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.setTOTPPolicy))))
	h("POST /admin/totp/reset", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.resetTOTP))))
}

// totpLimited answers a session that must enrol in TOTP and has not: every
// page but the enrolment page sends it there, and a request for JSON or a
// form is refused 403 (totp.required). It reports whether it answered.
func (s *Server) totpLimited(w http.ResponseWriter, r *http.Request, sess *session) bool {
	if s.totp == nil || strings.HasPrefix(r.URL.Path, "/account/totp") {
		return false
	}
	missing, err := s.totp.TOTPMissing(r.Context(), sess.user)
	switch {
	case err != nil:
		s.fail(w, r, err)
	case !missing:
		return false
	case r.Method == http.MethodGet && !wantsJSON(r):
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
	default:
		s.fail(w, r, pingan.E(pingan.EFORBIDDEN, "totp.required"))
	}
	return true
}

// awaitSecondFactor is the answer to a right password of an account with
// TOTP: the pending sign-in goes to the browser in its own cookie, for
// TOTPPendingLifetime, and the browser to the code's page.
func (s *Server) awaitSecondFactor(w http.ResponseWriter, r *http.Request, sess *pingan.Session, next string) {
	if s.totp == nil {
		s.fail(w, r, pingan.E(pingan.EUNAUTHORIZED, "totp.unavailable"))
		return
	}
	s.setCookie(w, r, pendingCookie, sess.Token, sess.ExpiresAt.Sub(s.clock.Now()))
	http.Redirect(w, r, "/login/totp?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
}

type totpLoginData struct {
	Next   string
	Error  string
	Errors map[string]string
}

func (s *Server) loginTOTPPage(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(pendingCookie); err != nil || c.Value == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	v := s.newView(r, "totp_login")
	v.Title, v.D = v.T("totp.login.title"), totpLoginData{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, v)
}

// loginTOTP is the second step: the code (or a recovery code) of the
// pending sign-in. A wrong, expired or reused code is answered on the same
// page naming the field, while the pending sign-in lasts; an expired
// pending sign-in, or a name locked meanwhile, starts over at /login.
func (s *Server) loginTOTP(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	next := r.PostFormValue("next")
	c, err := r.Cookie(pendingCookie)
	if err != nil || c.Value == "" {
		http.Redirect(w, r, "/login?expired=1&next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	var sess *pingan.Session
	if code == "" {
		err = invalidField("code", "totp.code.required")
	} else {
		sess, err = s.totp.CompleteLogin(withSource(r), c.Value, code)
	}
	if err == nil {
		s.clearCookie(w, r, pendingCookie)
		s.startSession(w, r, sess, next)
		return
	}
	v := s.newView(r, "totp_login")
	v.Title = v.T("totp.login.title")
	d := totpLoginData{Next: safeNext(next), Errors: v.fields(err)}
	switch code := pingan.ErrorCode(err); {
	case code == pingan.EINVALID || code == pingan.EUNAUTHORIZED && len(d.Errors) > 0:
	case code == pingan.EUNAUTHORIZED || code == pingan.ETOOMANY:
		// Nothing more to try with this pending sign-in: start over.
		s.clearCookie(w, r, pendingCookie)
		d.Error = v.Message(err)
	default:
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	v.D = d
	s.renderStatus(w, r, v, statusOf(err))
}

type totpAccountData struct {
	State    *pingan.TOTPAccount
	Enrol    *pingan.TOTPEnrolment
	QR       template.HTML
	Recovery []string // shown once, after the enrolment
	Limited  bool     // the session reaches this page alone
	Errors   map[string]string
	Error    string
}

func (s *Server) accountTOTP(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "totp_account")
	switch r.URL.Query().Get("done") {
	case "disabled":
		v.Notice = v.T("totp.disabled.notice")
	}
	s.renderTOTPAccount(w, r, v, &totpAccountData{}, http.StatusOK)
}

// renderTOTPAccount fills the account's state (and, when it has not
// enrolled, the secret to enrol with and its QR code) and renders the page.
func (s *Server) renderTOTPAccount(w http.ResponseWriter, r *http.Request, v *view, d *totpAccountData, status int) {
	ctx, u := r.Context(), userOf(r)
	st, err := s.totp.TOTPState(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.State, d.Limited = st, st.Required && !st.Enabled
	v.Limited = d.Limited
	if !st.Enabled {
		if d.Enrol, err = s.totp.BeginTOTP(ctx, u); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.QR, err = qrSVG(d.Enrol.URL, v.T("totp.qr")); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store") // the secret and the recovery codes: no cache keeps them
	v.Title, v.D = v.T("totp.account.title"), d
	s.renderStatus(w, r, v, status)
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "totp_account")
	codes, err := s.totp.ConfirmTOTP(withSource(r), userOf(r), r.PostFormValue("code"))
	d := &totpAccountData{Recovery: codes}
	if err == nil {
		v.Notice = v.T("totp.enrolled")
		s.renderTOTPAccount(w, r, v, d, http.StatusOK)
		return
	}
	s.totpFormFailed(w, r, v, d, err)
}

func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) {
	if err := s.totp.DisableTOTP(withSource(r), userOf(r), r.PostFormValue("code")); err != nil {
		s.totpFormFailed(w, r, s.newView(r, "totp_account"), &totpAccountData{}, err)
		return
	}
	http.Redirect(w, r, "/account/totp?done=disabled", http.StatusSeeOther)
}

// totpFormFailed answers a refused form of the enrolment page on the page,
// naming the field, or as an error page.
func (s *Server) totpFormFailed(w http.ResponseWriter, r *http.Request, v *view, d *totpAccountData, err error) {
	switch pingan.ErrorCode(err) {
	case pingan.EINVALID, pingan.EFORBIDDEN, pingan.ECONFLICT:
		if d.Errors = v.fields(err); len(d.Errors) == 0 {
			d.Error = v.Message(err)
		}
		s.renderTOTPAccount(w, r, v, d, statusOf(err))
	default:
		s.fail(w, r, err)
	}
}

// qrSVG draws the QR code of text as inline SVG: each run of dark modules
// in a row is one rectangle of a path, with a quiet zone of four modules.
func qrSVG(text, label string) (template.HTML, error) {
	q, err := qrcode.New(text)
	if err != nil {
		return "", err
	}
	var bits qrBits
	if err := q.Save(&bits); err != nil {
		return "", err
	}
	const quiet = 4
	n := len(bits) + 2*quiet
	var path strings.Builder
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			e := x
			for e < len(row) && row[e] {
				e++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, e-x, e-x)
			x = e
		}
	}
	return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="240" height="240" role="img" aria-label="%s" id="totp-qr" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		n, n, template.HTMLEscapeString(label), n, n, path.String())), nil
}

// qrBits is a qrcode.Writer that keeps the modules of a code, rows first.
type qrBits [][]bool

func (b *qrBits) Write(m qrcode.Matrix) error { *b = m.Bitmap(); return nil }
func (b *qrBits) Close() error                { return nil }

type adminTOTPData struct {
	Policy   *pingan.TOTPPolicy
	Required map[pingan.Role]bool
	Roles    []pingan.Role
	Accounts []*pingan.TOTPAccount
	Errors   map[string]string
}

func (s *Server) adminTOTP(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_totp")
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		v.Notice = v.T("totp.policy.saved")
	case q.Get("reset") != "":
		v.Notice = v.T("totp.reset.done", pingan.ShowText(q.Get("reset"), 60))
	}
	s.renderAdminTOTP(w, r, v, nil, http.StatusOK)
}

// renderAdminTOTP renders the policy (p, when the form is answered, or the
// one kept) and the accounts.
func (s *Server) renderAdminTOTP(w http.ResponseWriter, r *http.Request, v *view, d *adminTOTPData, status int) {
	ctx, u := r.Context(), userOf(r)
	if d == nil {
		p, err := s.totp.TOTPPolicy(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d = &adminTOTPData{Policy: p}
	}
	accounts, err := s.totp.TOTPAccounts(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Accounts, d.Roles, d.Required = accounts, pingan.Roles, map[pingan.Role]bool{}
	for _, role := range d.Policy.Roles {
		d.Required[role] = true
	}
	v.Title, v.Nav, v.D = v.T("totp.admin.title"), "admin", d
	s.renderStatus(w, r, v, status)
}

func (s *Server) setTOTPPolicy(w http.ResponseWriter, r *http.Request) {
	p := &pingan.TOTPPolicy{}
	for _, x := range r.PostForm["role"] {
		p.Roles = append(p.Roles, pingan.Role(x))
	}
	err := s.totp.SetTOTPPolicy(withSource(r), userOf(r), p)
	if err == nil {
		http.Redirect(w, r, "/admin/totp?saved=1", http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin_totp")
	s.renderAdminTOTP(w, r, v, &adminTOTPData{Policy: p, Errors: v.fields(err)}, statusOf(err))
}

func (s *Server) resetTOTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("username"))
	if err := s.totp.ResetTOTP(withSource(r), userOf(r), name); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/totp?reset="+url.QueryEscape(name), http.StatusSeeOther)
}
