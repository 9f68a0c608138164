package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The notification bell (提醒): in the header of every page a signed-in
// user sees, the number of their unread notifications, linking to the
// list at /notifications, where they are marked read.
//
// templates/notify.html holds the bell ("bell") and the list ("content").
// The bell is rendered by a template set of its own and put in the layout
// as the view's Bell, so every page shows it whichever files its own
// template set was parsed from; the list is a page of the layout.

// bellTemplate renders the bell alone.
var bellTemplate = template.Must(template.New("notify").Funcs(funcs).ParseFS(assets, "templates/notify.html"))

// routesNotify registers the pages of the notification bell; without a
// notification service they answer 404 and the bell is not shown.
func (s *Server) routesNotify(h func(pattern string, handler http.HandlerFunc)) {
	s.pages["notifications"] = &page{t: template.Must(template.New("notifications").Funcs(funcs).ParseFS(assets,
		"templates/layout.html", "templates/parts.html", "templates/notify.html"))}
	h("GET /notifications", s.signedIn(s.notifyOnly(s.notificationsPage)))
	h("POST /notifications/read", s.signedIn(s.notifyOnly(s.form(s.markRead))))
}

// notifyOnly answers 404 when no notification service is configured.
func (s *Server) notifyOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.notifications == nil {
			s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
			return
		}
		h(w, r)
	}
}

// bellData is what the bell is given: the view and the unread count.
type bellData struct {
	*view
	N int
}

// Bell answers the bell of the signed-in user for the layout, or nothing
// without a user or a notification service. A failure to count is logged
// and shows the bell without a number: the page itself must not fail.
func (v *view) Bell() template.HTML {
	if v.s == nil || v.s.notifications == nil || v.User == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := v.s.notifications.Unread(ctx, v.User)
	if err != nil {
		v.s.log.Warn("web: cannot count unread notifications", "user", v.User.ID, "err", err)
		n = 0
	}
	var buf bytes.Buffer
	if err := bellTemplate.ExecuteTemplate(&buf, "bell", bellData{view: v, N: n}); err != nil {
		v.s.log.Error("web: render the bell", "err", err)
		return ""
	}
	return template.HTML(buf.String())
}

// notificationsData is the list page's.
type notificationsData struct {
	Items []*pingan.Notification
}

// notificationsPage lists the user's notifications, newest first.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) {
	items, err := s.notifications.Notifications(r.Context(), userOf(r), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "notifications")
	v.Title, v.Nav = v.T("notify.title"), "notifications"
	if n, err := strconv.Atoi(r.URL.Query().Get("marked")); err == nil && n >= 0 {
		v.Notice = v.T("notify.marked", n)
	}
	v.D = &notificationsData{Items: items}
	s.render(w, r, v)
}

// markRead marks the notifications of the form's ids read (every one when
// the form names none) and goes back to the list.
func (s *Server) markRead(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	for _, raw := range r.PostForm["id"] {
		id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, invalidField("id", "notify.ids.bad", raw))
			return
		}
		ids = append(ids, id)
	}
	n, err := s.notifications.MarkRead(r.Context(), userOf(r), ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications?marked="+strconv.Itoa(n), http.StatusSeeOther)
}
