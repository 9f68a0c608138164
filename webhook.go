package pingan

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhooks (事件推送): another system registers a URL and the events it
// wants of a unit's subtree; every such event is written to an outbox in
// the transaction of the event itself and posted to the URL afterwards,
// signed, in order per case (or per risk, warning, task), retried with a
// growing wait for a day, and every attempt logged. A receiver that is down
// never slows the work in pingan. The body carries codes, states and times,
// never personal data, notes or descriptions: the receiver reads details
// through the API with a key (docs/webhooks.md).

// The events of cases. Every timeline entry of a case is an event
// "case.<action>" (CaseActionEvent), but for the three the issue names in
// the past tense: the report is "case.created", an escalation (by hand or
// by the deadline watch) "case.escalated", the closing "case.closed". The
// deadline watch marking a case overdue is "case.overdue".
const (
	EventCaseCreated   = "case.created"
	EventCaseOverdue   = "case.overdue"
	EventCaseEscalated = "case.escalated"
	EventCaseClosed    = "case.closed"
)

// The kinds of subject an event is about, the first part of its name.
const (
	WebhookKindCase      = "case"
	WebhookKindRisk      = "risk"      // 风险台账: "risk.<step>"
	WebhookKindStability = "stability" // 稳评: "stability.<step>"
	WebhookKindWarning   = "warning"   // 预警: "warning.<step>"
	WebhookKindTask      = "task"      // 督办事项: "task.<step>"
)

// WebhookKinds lists the kinds in the order the pages show them.
var WebhookKinds = []string{WebhookKindCase, WebhookKindRisk, WebhookKindStability, WebhookKindWarning, WebhookKindTask}

// CaseActionEvent answers the event of a timeline entry of action a.
func CaseActionEvent(a ActionName) string {
	switch a {
	case ActReport:
		return EventCaseCreated
	case ActEscalate:
		return EventCaseEscalated
	case ActClose:
		return EventCaseClosed
	}
	return WebhookKindCase + "." + string(a)
}

// ItemEvent answers the event of a step of an item of kind (risk,
// stability, warning, task): "risk.review".
func ItemEvent(kind, step string) string { return kind + "." + step }

// CaseEvents lists the case events an administrator picks one by one: the
// report, the overdue mark and every action a person takes.
func CaseEvents() []string {
	out := []string{EventCaseCreated, EventCaseOverdue}
	for _, a := range ActionNames {
		out = append(out, CaseActionEvent(a))
	}
	return out
}

// WebhookEventMatches reports whether the event name ev is one that a
// webhook subscribed to pattern gets: the same name, "kind.*" for every
// event of the kind, or "*" for every event.
func WebhookEventMatches(pattern, ev string) bool {
	switch {
	case pattern == "*":
		return true
	case strings.HasSuffix(pattern, ".*"):
		return strings.HasPrefix(ev, strings.TrimSuffix(pattern, "*"))
	}
	return pattern == ev
}

// ValidWebhookEvent reports whether pattern is an event name or a
// wildcard a webhook may subscribe to.
func ValidWebhookEvent(pattern string) bool {
	if pattern == "*" {
		return true
	}
	kind, rest, ok := strings.Cut(pattern, ".")
	if !ok || !slices.Contains(WebhookKinds, kind) || rest == "" {
		return false
	}
	if rest == "*" {
		return true
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return false
		}
	}
	return true
}

// Webhook is a URL of another system and the events it gets.
type Webhook struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Events are event names and wildcards ("case.*").
	Events []string `json:"events"`
	// Unit is the code of the unit whose subtree's events it gets: a case
	// that happened there, is held there or is assigned there; an item of
	// a unit there.
	Unit     string `json:"unit"`
	UnitPath string `json:"-"`
	// AllowPrivate lets the URL be on a loopback or private address (the
	// city's own network); refused otherwise.
	AllowPrivate bool      `json:"allow_private"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
}

// Wants reports whether the webhook gets the event ev.
func (w *Webhook) Wants(ev string) bool {
	for _, p := range w.Events {
		if WebhookEventMatches(p, ev) {
			return true
		}
	}
	return false
}

// NewWebhook is a webhook to register. Secret is the shared secret the
// deliveries are signed with; one is made when it is empty.
type NewWebhook struct {
	Name         string
	URL          string
	Events       []string
	Unit         string
	AllowPrivate bool
	Secret       string
}

// Limits of a webhook's fields.
const (
	maxWebhookName   = 60
	maxWebhookURL    = 500
	minWebhookSecret = 16
	maxWebhookSecret = 200
)

// Normalize trims the input and sorts its events, each once.
func (n *NewWebhook) Normalize() {
	n.Name, n.URL, n.Unit, n.Secret = strings.TrimSpace(n.Name), strings.TrimSpace(n.URL), strings.TrimSpace(n.Unit), strings.TrimSpace(n.Secret)
	var evs []string
	for _, e := range n.Events {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(evs, e) {
			evs = append(evs, e)
		}
	}
	slices.Sort(evs)
	n.Events = evs
}

// Validate adds what is wrong with the input to v; the URL's addresses
// are checked by CheckWebhookURL (it needs the network).
func (n *NewWebhook) Validate(v *Invalid) {
	v.Require("name", n.Name)
	if utf8.RuneCountInString(n.Name) > maxWebhookName {
		v.Add("name", "webhook.name.long", maxWebhookName)
	}
	v.Require("unit", n.Unit)
	if len(n.Events) == 0 {
		v.Add("events", "webhook.events.none")
	}
	for _, e := range n.Events {
		if !ValidWebhookEvent(e) {
			v.Add("events", "webhook.events.bad", e)
		}
	}
	if n.Secret != "" && (len(n.Secret) < minWebhookSecret || len(n.Secret) > maxWebhookSecret) {
		v.Add("secret", "webhook.secret.length", minWebhookSecret, maxWebhookSecret)
	}
}

// Resolver answers the addresses of a host name.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// CheckWebhookURL checks a webhook's URL: http or https, with a host, at
// most 500 characters, and — unless allowPrivate — no address of its host
// loopback, private, link-local, unspecified, multicast or carrier-grade
// NAT (100.64.0.0/10). The host's addresses are resolved with resolve
// (net.DefaultResolver when nil); a host that does not resolve is refused.
// Every refusal is EINVALID naming "url".
func CheckWebhookURL(ctx context.Context, raw string, allowPrivate bool, resolve Resolver) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Invalidf("url", "field.required")
	}
	u, err := url.Parse(raw)
	if err != nil || len(raw) > maxWebhookURL || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return Invalidf("url", "webhook.url.scheme")
	}
	if port := u.Port(); port != "" {
		if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
			return Invalidf("url", "webhook.url.scheme")
		}
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		if resolve == nil {
			resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
				return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
			}
		}
		if addrs, err = resolve(ctx, host); err != nil || len(addrs) == 0 {
			return Invalidf("url", "webhook.url.unresolved", host)
		}
	}
	for _, a := range addrs {
		if PrivateAddr(a) {
			return Invalidf("url", "webhook.url.private", a.Unmap().String())
		}
	}
	return nil
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// PrivateAddr reports whether a is an address a webhook must not reach
// unless allowed: loopback, private (RFC 1918, fc00::/7), link-local,
// unspecified, multicast or carrier-grade NAT.
func PrivateAddr(a netip.Addr) bool {
	a = a.Unmap()
	if v4, ok := embeddedIPv4(a); ok {
		// NAT64, 6to4 and IPv4-compatible addresses reach the IPv4 address
		// they carry: that one is judged.
		return PrivateAddr(v4)
	}
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsUnspecified() || a.IsMulticast() || cgnat.Contains(a) {
		return true
	}
	for _, p := range reservedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// reservedPrefixes are the special-purpose IPv4 blocks that are neither
// private nor public (RFC 6890): "this network", protocol assignments,
// benchmarking, the reserved class E and the broadcast address.
var reservedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"), // with 255.255.255.255
}

// embeddedIPv4 answers the IPv4 address an IPv6 address carries to reach
// it: NAT64 (64:ff9b::/96, 64:ff9b:1::/48, the last 32 bits), 6to4
// (2002::/16, bits 16–47) and the old IPv4-compatible ::a.b.c.d.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	switch {
	case netip.MustParsePrefix("64:ff9b::/96").Contains(a), netip.MustParsePrefix("64:ff9b:1::/48").Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case netip.MustParsePrefix("2002::/16").Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	case b == [16]byte{} || b == [16]byte{15: 1}:
		return netip.Addr{}, false // :: and ::1 are judged as themselves
	case [12]byte(b[:12]) == [12]byte{}:
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	}
	return netip.Addr{}, false
}

// SignWebhook answers the signature of a delivery: the hex HMAC-SHA256,
// keyed with the shared secret, of the timestamp (Unix seconds, as in the
// header X-Pingan-Timestamp), a full stop and the body.
func SignWebhook(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// The states of a delivery.
const (
	DeliveryPending   = "pending"   // 待发送: due at NextAt, or waiting for an earlier one of its subject
	DeliveryDelivered = "delivered" // 已送达: the receiver answered 2xx
	DeliveryFailed    = "failed"    // 已放弃: no 2xx for a day
)

// WebhookDelivery is one event for one webhook: a row of the outbox.
type WebhookDelivery struct {
	ID      int64  `json:"id"`
	Webhook int64  `json:"webhook"`
	Event   string `json:"event"`
	// Subject is what the event is about: a case's number, or the kind
	// and id of an item ("risk/12"); deliveries of one subject go out in
	// order.
	Subject   string     `json:"subject"`
	CreatedAt time.Time  `json:"created_at"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	NextAt    *time.Time `json:"next_at,omitempty"`
	FirstAt   *time.Time `json:"first_at,omitempty"` // the first attempt
	LastAt    *time.Time `json:"last_at,omitempty"`
	// LastStatus is the HTTP status of the last attempt (0: none came).
	LastStatus int    `json:"last_status"`
	LastError  string `json:"last_error,omitempty"`
	// ResendOf is the delivery this one sends again, 0 for none.
	ResendOf int64 `json:"resend_of,omitempty"`
	// Attempt log, on Delivery only.
	Log []*WebhookAttempt `json:"attempts_log,omitempty"`

	// What the sender needs, from Claim only.
	URL          string `json:"-"`
	Secret       string `json:"-"`
	AllowPrivate bool   `json:"-"`
	Body         []byte `json:"-"`
	// Claim is the token of this claim, which the result must hold.
	Claim string `json:"-"`
}

// WebhookAttempt is one try to deliver.
type WebhookAttempt struct {
	At       time.Time     `json:"at"`
	Status   int           `json:"status"` // the HTTP status; 0 when none came
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration"`
}

// WebhookService registers webhooks and keeps their deliveries: the
// administrators' side. Every method needs CapAdminWebhooks (EFORBIDDEN)
// and works in the actor's jurisdiction: a webhook of a unit outside it
// answers ENOTFOUND like one that does not exist. A nil actor is the
// operator.
type WebhookService interface {
	// Add registers a webhook and answers it with its secret, shown once:
	// the one given, or one made. EINVALID (name, url, events, unit,
	// secret).
	Add(ctx context.Context, actor *User, in *NewWebhook) (*Webhook, string, error)
	// Update changes a webhook's name, URL, events, unit and allow
	// private (its secret stays; in.Secret is ignored): EINVALID,
	// ENOTFOUND.
	Update(ctx context.Context, actor *User, id int64, in *NewWebhook) (*Webhook, error)
	// SetActive disables a webhook (its pending deliveries wait) or
	// enables it again: ENOTFOUND.
	SetActive(ctx context.Context, actor *User, id int64, active bool) error
	// List answers the webhooks, newest first.
	List(ctx context.Context, actor *User) ([]*Webhook, error)
	// Webhook answers one: ENOTFOUND.
	Webhook(ctx context.Context, actor *User, id int64) (*Webhook, error)
	// Deliveries answers the latest deliveries of a webhook, newest first,
	// at most limit (50 when limit ≤ 0, 500 at most): ENOTFOUND.
	Deliveries(ctx context.Context, actor *User, webhook int64, limit int) ([]*WebhookDelivery, error)
	// Delivery answers one delivery with its attempts: ENOTFOUND.
	Delivery(ctx context.Context, actor *User, id int64) (*WebhookDelivery, error)
	// Resend queues a delivered or failed delivery again as a new pending
	// delivery of the same event and body (ResendOf names the first):
	// ENOTFOUND, ECONFLICT while it is pending.
	Resend(ctx context.Context, actor *User, id int64) (*WebhookDelivery, error)
}

// WebhookOutbox hands the sender the deliveries due to go out.
type WebhookOutbox interface {
	// ClaimDeliveries answers up to limit pending deliveries of active
	// webhooks due at now, each the earliest pending one of its webhook
	// and subject, held for the caller for lease so that other servers
	// leave it alone; with URL, Secret, AllowPrivate and Body filled.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*WebhookDelivery, error)
	// Delivered records a successful attempt of delivery id under its
	// claim token; nothing when the delivery was claimed again since, or
	// is no longer pending.
	Delivered(ctx context.Context, id int64, claim string, a *WebhookAttempt) error
	// DeliveryFailed records a failed attempt of delivery id and when to
	// try again; a zero retry gives it up (failed), which lets the next
	// delivery of its subject go. Fenced by claim like Delivered.
	DeliveryFailed(ctx context.Context, id int64, claim string, a *WebhookAttempt, retry time.Time) error
}
