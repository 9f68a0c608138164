package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Webhooks (事件推送): the administrators' pages of the URLs other systems
// registered to get the events of a unit's subtree — the list with the
// state of each one's recent deliveries, registering one (its secret shown
// on the answer to the form, this once, never again), disabling and
// enabling, and a webhook's page with its recent deliveries, each one's
// attempts and a button to send a delivered or given-up one again. The
// store checks the jurisdiction again and audits every change.

// eventChoice is an event or wildcard the form offers.
type eventChoice struct {
	Code, Label string
}

// eventGroup is the events of one kind of subject on the form.
type eventGroup struct {
	Kind, Label string
	All         eventChoice   // "kind.*"
	Events      []eventChoice // one by one (cases only)
}

type webhookRow struct {
	W        *pingan.Webhook
	UnitName string
	// Delivered, Pending and Failed count its latest deliveries.
	Delivered, Pending, Failed int
}

type webhooksData struct {
	Hooks  []*webhookRow
	Units  []*pingan.Unit
	Groups []eventGroup
	Values map[string]string
	Chosen map[string]bool
	Errors map[string]string
	Error  string
	// Added is the webhook just registered and Secret its secret, shown once.
	Added  *pingan.Webhook
	Secret string
}

type webhookData struct {
	Row        *webhookRow
	Deliveries []*pingan.WebhookDelivery
	// Open is the delivery whose attempts are shown.
	Open *pingan.WebhookDelivery
}

func init() {
	pageNames = append(pageNames, "admin_webhooks", "admin_webhook")
}

// recentDeliveries is how many of a webhook's latest deliveries the list
// counts by state.
const recentDeliveries = 50

// WebhooksReady reports whether the webhooks' pages are served (the
// administration tabs).
func (v *view) WebhooksReady() bool {
	return v.s != nil && v.s.webhooks != nil && v.User.May(pingan.CapAdminWebhooks)
}

// WebhookEvent names an event or a wildcard in the reader's language.
func (v *view) WebhookEvent(ev string) string {
	if ev == "*" {
		return v.T("webhook.events.any")
	}
	kind, rest, _ := strings.Cut(ev, ".")
	kindLabel := kind
	if pingan.HasMessage("webhook.kind." + kind) {
		kindLabel = v.T("webhook.kind." + kind)
	}
	switch {
	case rest == "*":
		return v.T("webhook.events.all", kindLabel)
	case ev == pingan.EventCaseCreated, ev == pingan.EventCaseOverdue:
		return v.T("webhook.event." + rest)
	case ev == pingan.EventCaseEscalated:
		return v.action(pingan.ActEscalate)
	case ev == pingan.EventCaseClosed:
		return v.action(pingan.ActClose)
	case kind == pingan.WebhookKindCase:
		return v.action(pingan.ActionName(rest))
	case pingan.HasMessage(kind + ".step." + rest):
		return v.T("webhook.event.step", kindLabel, v.T(kind+".step."+rest))
	}
	return kindLabel // the code beside it says which step
}

// DeliveryState names a delivery's state.
func (v *view) DeliveryState(s string) string { return v.T("webhook.state." + s) }

// routesWebhooks registers the pages when the service is configured.
func (s *Server) routesWebhooks(h func(pattern string, handler http.HandlerFunc)) {
	if s.webhooks == nil {
		return
	}
	h("GET /admin/webhooks", s.signedIn(s.may(pingan.CapAdminWebhooks, s.adminWebhooks)))
	h("POST /admin/webhooks", s.signedIn(s.may(pingan.CapAdminWebhooks, s.form(s.addWebhook))))
	h("POST /admin/webhooks/active", s.signedIn(s.may(pingan.CapAdminWebhooks, s.form(s.setWebhookActive))))
	h("POST /admin/webhooks/resend", s.signedIn(s.may(pingan.CapAdminWebhooks, s.form(s.resendDelivery))))
}

// webhookGroups are the events the form offers: every event of a kind,
// and a case's events one by one.
func (v *view) webhookGroups() []eventGroup {
	var out []eventGroup
	for _, k := range pingan.WebhookKinds {
		g := eventGroup{Kind: k, Label: v.T("webhook.kind." + k)}
		g.All = eventChoice{Code: k + ".*", Label: v.WebhookEvent(k + ".*")}
		if k == pingan.WebhookKindCase {
			for _, ev := range pingan.CaseEvents() {
				g.Events = append(g.Events, eventChoice{Code: ev, Label: v.WebhookEvent(ev)})
			}
		}
		out = append(out, g)
	}
	return out
}

// adminWebhooks is the list, or with ?id= one webhook's page.
func (s *Server) adminWebhooks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("id") != "" {
		s.webhookPage(w, r)
		return
	}
	v := s.newView(r, "admin_webhooks")
	d := &webhooksData{Values: map[string]string{}, Chosen: map[string]bool{"case.*": true}}
	s.renderWebhooks(w, r, v, d, http.StatusOK)
}

// row answers a webhook with its unit's name and its recent deliveries
// counted by state.
func (s *Server) webhookRow(r *http.Request, wh *pingan.Webhook) (*webhookRow, []*pingan.WebhookDelivery, error) {
	ctx, u := r.Context(), userOf(r)
	ds, err := s.webhooks.Deliveries(ctx, u, wh.ID, recentDeliveries)
	if err != nil {
		return nil, nil, err
	}
	row := &webhookRow{W: wh, UnitName: s.unitName(ctx, u, wh.Unit)}
	for _, d := range ds {
		switch d.State {
		case pingan.DeliveryDelivered:
			row.Delivered++
		case pingan.DeliveryPending:
			row.Pending++
		case pingan.DeliveryFailed:
			row.Failed++
		}
	}
	return row, ds, nil
}

// renderWebhooks fills the list and the form's choices and renders the
// list page.
func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, v *view, d *webhooksData, status int) {
	ctx, u := r.Context(), userOf(r)
	hooks, err := s.webhooks.List(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, wh := range hooks {
		row, _, err := s.webhookRow(r, wh)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Hooks = append(d.Hooks, row)
	}
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(units...)
	d.Units, d.Groups = units, v.webhookGroups()
	v.Title, v.Nav, v.D = v.T("webhook.admin.title"), "admin", d
	s.renderStatus(w, r, v, status)
}

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_webhooks")
	d := &webhooksData{Values: formValues(r, []string{"name", "url", "unit", "secret", "allow_private"}), Chosen: map[string]bool{}}
	in := &pingan.NewWebhook{Name: d.Values["name"], URL: d.Values["url"], Unit: d.Values["unit"], Secret: d.Values["secret"],
		AllowPrivate: d.Values["allow_private"] != ""}
	for _, ev := range r.PostForm["event"] {
		d.Chosen[ev] = true
		in.Events = append(in.Events, ev)
	}
	added, secret, err := s.webhooks.Add(r.Context(), userOf(r), in)
	if err == nil {
		v.Notice = v.T("webhook.added", added.Name)
		d.Added, d.Secret = added, secret
		d.Values, d.Chosen = map[string]string{}, map[string]bool{"case.*": true}
		w.Header().Set("Cache-Control", "no-store") // the secret is shown once: no cache keeps it
		s.renderWebhooks(w, r, v, d, http.StatusOK)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	d.Values["secret"] = "" // never sent back in the page
	if d.Errors = v.fields(err); len(d.Errors) == 0 {
		d.Error = v.Message(err)
	}
	s.renderWebhooks(w, r, v, d, statusOf(err))
}

// webhookID reads a webhook's or a delivery's number; ENOTFOUND when it is
// no number.
func webhookID(s string, key string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, key)
	}
	return id, nil
}

// webhookPage is one webhook with its recent deliveries and, with
// ?delivery=, that delivery's attempts.
func (s *Server) webhookPage(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	id, err := webhookID(q.Get("id"), "webhook.notfound")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wh, err := s.webhooks.Webhook(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row, ds, err := s.webhookRow(r, wh)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &webhookData{Row: row, Deliveries: ds}
	if x := q.Get("delivery"); x != "" {
		did, err := webhookID(x, "webhook.delivery.notfound")
		if err == nil {
			d.Open, err = s.webhooks.Delivery(ctx, u, did)
		}
		if err == nil && d.Open.Webhook != wh.ID {
			err = pingan.E(pingan.ENOTFOUND, "webhook.delivery.notfound")
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := s.newView(r, "admin_webhook")
	switch {
	case q.Get("resent") != "":
		if n, err := strconv.ParseInt(q.Get("resent"), 10, 64); err == nil {
			v.Notice = v.T("webhook.resent", n)
		}
	case q.Get("disabled") != "":
		v.Notice = v.T("webhook.disabled", wh.Name)
	case q.Get("enabled") != "":
		v.Notice = v.T("webhook.enabled", wh.Name)
	}
	v.Title, v.Nav, v.D = v.T("webhook.admin.title"), "admin", d
	s.render(w, r, v)
}

func (s *Server) setWebhookActive(w http.ResponseWriter, r *http.Request) {
	id, err := webhookID(r.PostFormValue("id"), "webhook.notfound")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active := r.PostFormValue("active") == "1"
	if err := s.webhooks.SetActive(r.Context(), userOf(r), id, active); err != nil {
		s.fail(w, r, err)
		return
	}
	done := "disabled=1"
	if active {
		done = "enabled=1"
	}
	http.Redirect(w, r, "/admin/webhooks?id="+strconv.FormatInt(id, 10)+"&"+done, http.StatusSeeOther)
}

func (s *Server) resendDelivery(w http.ResponseWriter, r *http.Request) {
	id, err := webhookID(r.PostFormValue("delivery"), "webhook.delivery.notfound")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	again, err := s.webhooks.Resend(r.Context(), userOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/webhooks?id="+strconv.FormatInt(again.Webhook, 10)+"&resent="+strconv.FormatInt(again.ID, 10)+
		"#deliveries", http.StatusSeeOther)
}
