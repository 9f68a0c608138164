package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Open311 is the store behind the Open311 GeoReport v2 interface
// (docs/open311.md): pingan.Open311Service. A request is a case with source
// open311 and a row of open311_requests beside it (migration 0034): its
// token, the key that filed it, the sealed e-mail and device id, the
// media_url as given. What is read back is the public status of the case
// (Public.publicView), never its personal data.
type Open311 struct {
	*handle
	listCap int // the most requests a list answers: pingan.Open311MaxList, lowered by tests
}

var _ pingan.Open311Service = (*Open311)(nil)

// listMax answers the most requests a list answers.
func (s *Open311) listMax() int {
	if s.listCap > 0 {
		return s.listCap
	}
	return pingan.Open311MaxList
}

// auditOpen311 is the audit action of a request filed through Open311.
const auditOpen311 = "open311_report"

// Services answers every category as a service: the public form offers
// every category of every kind, and so does Open311.
func (s *Open311) Services(ctx context.Context) ([]*pingan.Open311ServiceType, error) {
	cats, err := (&Categories{s.handle}).Categories(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*pingan.Open311ServiceType, 0, len(cats))
	for _, c := range cats {
		out = append(out, &pingan.Open311ServiceType{Code: c.Code, Name: c.Name, Description: c.Name,
			Metadata: len(pingan.Open311Attributes(c.Kind)) > 0, Kind: c.Kind})
	}
	return out, nil
}

// newOpen311Token answers a random token: 16 bytes in hex.
func newOpen311Token() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Submit files an Open311 report as the key through the one intake, with
// its row of open311_requests and an audit row in the report's
// transaction. The position is checked first: in no unit's grid or area
// is EINVALID, in one outside the key's subtree EFORBIDDEN.
func (s *Open311) Submit(ctx context.Context, key *pingan.User, in *pingan.Open311Report) (*pingan.Open311Receipt, error) {
	if key == nil || in == nil {
		return nil, pingan.E(pingan.EFORBIDDEN, "open311.key.required")
	}
	if !key.May(pingan.CapReport) {
		return nil, pingan.E(pingan.EFORBIDDEN, "open311.key.forbidden")
	}
	r := *in
	r.Normalize()
	// The checks read on the read connection; intake writes afterwards in
	// its own transaction.
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var v pingan.Invalid
	var cat *pingan.Category
	if r.ServiceCode != "" && pingan.BadText(r.ServiceCode) == "" {
		if cat, err = s.lookupCategory(ctx, tx, r.ServiceCode); err != nil {
			return nil, err
		}
		if cat == nil {
			v.Add("service_code", "open311.service.unknown", pingan.ShowText(r.ServiceCode, 40))
		}
	}
	kind := pingan.Kind("")
	if cat != nil {
		kind = cat.Kind
	}
	r.Validate(&v, kind)
	var unit string
	switch {
	case v.Has("lat") || v.Has("long") || v.Has("address_id"):
	case r.Location != nil:
		if err := s.open311Where(ctx, tx, key, r.Location, &v); err != nil {
			return nil, err
		}
	case r.AddressString != "" && !v.Has("address_string"):
		if unit, err = s.open311Address(ctx, tx, key, r.AddressString, &v); err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	tx.Rollback()

	email, err := s.sealText(r.Email)
	if err != nil {
		return nil, err
	}
	device, err := s.sealText(r.DeviceID)
	if err != nil {
		return nil, err
	}
	nc := r.NewCase(cat)
	nc.Unit = unit
	token := newOpen311Token()
	keyID := -key.ID // the pseudo-user of a key carries its id negated (apikey.go)
	ir := &intake{actor: key, in: *nc}
	ir.after = func(ctx context.Context, tx *sql.Tx, c *pingan.Case) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO open311_requests (region, case_id, token, key_id, email, device_id, media_url, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.Region, c.ID, token, keyID, email, device, r.MediaURL, s.dialect.ts(c.ReportedAt)); err != nil {
			return err
		}
		if err := s.keyUsed(ctx, tx, key, c.Region, "open311 POST requests"); err != nil {
			return err
		}
		return s.audit(ctx, tx, key, auditOpen311, c.Region, c.ID, `{"service_code":`+strconv.Quote(cat.Code)+`}`)
	}
	c, err := s.intake(ctx, ir)
	if err != nil {
		return nil, open311Fields(err)
	}
	return &pingan.Open311Receipt{ServiceRequestID: c.Number, Token: token}, nil
}

// sealText answers s sealed and in base64, "" for "".
func (s *Open311) sealText(t string) (string, error) {
	if t == "" {
		return "", nil
	}
	b, err := s.sealer.Seal([]byte(t))
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// open311Fields renames the fields of intake's EINVALID to the Open311
// parameters they came from.
func open311Fields(err error) error {
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code != pingan.EINVALID || len(e.Fields) == 0 {
		return err
	}
	names := map[string]string{"category": "service_code", "kind": "service_code", "title": "description", "location": "lat",
		"grid": "lat", "unit": "address_string", "address": "address_string", "reporter.name": "first_name", "reporter.phone": "phone",
		"dispute.people": "attribute[people]", "dispute.amount_fen": "attribute[amount]", "hazard.level": "attribute[level]"}
	var v pingan.Invalid
	for k, m := range e.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		v.Add(k, m.Key, m.Args...)
	}
	return v.Err()
}

// open311Where checks that the position lies in some grid or known unit
// area (EINVALID "lat" otherwise) and that it lies inside the key's
// subtree (EFORBIDDEN otherwise).
func (s *Open311) open311Where(ctx context.Context, tx *sql.Tx, key *pingan.User, loc *pingan.Location, v *pingan.Invalid) error {
	st := s.territoryNow(ctx)
	var path string
	if codes := st.grids.Covering(loc.Lat, loc.Lng); len(codes) > 0 {
		err := tx.QueryRowContext(ctx, `SELECT u.path FROM grids g JOIN units u ON u.code = g.unit_code WHERE g.code = $1`, codes[0]).Scan(&path)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	for _, ix := range st.areas {
		if path != "" {
			break
		}
		if code, ok := ix.Locate(loc.Lat, loc.Lng); ok {
			u, err := s.lookupUnit(ctx, tx, code)
			if err != nil {
				return err
			}
			if u != nil {
				path = u.Path
			}
		}
	}
	if path == "" {
		v.Add("lat", "open311.location.nowhere", latLng(loc))
		return nil
	}
	if !key.Sees(path) {
		return pingan.E(pingan.EFORBIDDEN, "open311.location.outside", latLng(loc))
	}
	return nil
}

// open311Address answers the unit an address names, as the citizens' form
// places a case: a township or a village/community of the key's subtree
// whose name the address holds, the deepest and then the longest name. A
// candidate counts only when every ancestor the address also names
// (province, city, county, township) agrees: "金塔县富康社区" is no
// 富康社区 of another county. Two candidates left with the same name and
// depth are ambiguous; none at all is unknown; both add to v (naming
// address_string) and answer "".
func (s *Open311) open311Address(ctx context.Context, tx *sql.Tx, key *pingan.User, addr string, v *pingan.Invalid) (string, error) {
	// LIKE narrows the rows; strings.Contains decides (a name's own % or _).
	rows, err := tx.QueryContext(ctx, `SELECT code, name, level, path FROM units
		WHERE level IN ($1, $2, $3, $4, $5) AND name <> '' AND $6 LIKE '%' || name || '%'`,
		string(pingan.LevelProvince), string(pingan.LevelCity), string(pingan.LevelCounty),
		string(pingan.LevelTownship), string(pingan.LevelVillage), addr)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	type unit struct{ code, name, level, path string }
	var named []unit // every administrative unit the address names
	for rows.Next() {
		var u unit
		if err := rows.Scan(&u.code, &u.name, &u.level, &u.path); err != nil {
			return "", err
		}
		if strings.Contains(addr, u.name) {
			named = append(named, u)
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	// agrees: for each level above c that the address names, one of the
	// named units of that level is c's ancestor.
	agrees := func(c unit) bool {
		levels := map[string]bool{} // level → an ancestor of c is named
		for _, n := range named {
			if n.code == c.code || len(n.path) >= len(c.path) || n.level == c.level {
				continue
			}
			levels[n.level] = levels[n.level] || strings.HasPrefix(c.path, n.path)
		}
		for _, ok := range levels {
			if !ok {
				return false
			}
		}
		return true
	}
	var best *unit
	tie := false
	for i := range named {
		c := named[i]
		if c.level != string(pingan.LevelTownship) && c.level != string(pingan.LevelVillage) ||
			key.ScopePath == "" || !strings.HasPrefix(c.path, key.ScopePath) || !agrees(c) {
			continue
		}
		switch {
		case best == nil || len(c.path) > len(best.path) || len(c.path) == len(best.path) && len(c.name) > len(best.name):
			best, tie = &named[i], false
		case len(c.path) == len(best.path) && c.name == best.name:
			tie = true
		}
	}
	switch {
	case best == nil:
		v.Add("address_string", "open311.address.unknown", pingan.ShowText(addr, 60))
		return "", nil
	case tie:
		v.Add("address_string", "open311.address.ambiguous", pingan.ShowText(addr, 60), best.name)
		return "", nil
	}
	return best.code, nil
}

// open311Select is the query of Open311 requests: cases with source
// open311 and their row; open311Scope adds whose.
const open311Select = `SELECT c.region, c.id, c.number, c.status, c.category, c.description, c.reported_at, c.updated_at,
	c.address, c.lat, c.lng, c.resolve_by, c.assigned_unit, c.holding_unit, COALESCE(au.name, ''), o.media_url, o.key_id
	FROM cases c JOIN open311_requests o ON o.region = c.region AND o.case_id = c.id
	LEFT JOIN units au ON au.code = c.assigned_unit
	WHERE c.source = 'open311'`

// open311Scope answers the condition of the requests a key reads: those it
// filed itself (the row's key id) and, when its roles read cases
// (CapReadCases), those of its unit's subtree. arg adds a parameter.
func open311Scope(key *pingan.User, arg func(any) string) string {
	own := `o.key_id = ` + arg(-key.ID) // the pseudo-user of a key carries its id negated (apikey.go)
	if !key.May(pingan.CapReadCases) || key.ScopePath == "" {
		return own
	}
	p := arg(likePrefix(key.ScopePath))
	return `(` + own + ` OR c.unit_path LIKE ` + p + ` ESCAPE '\' OR c.holding_path LIKE ` + p + ` ESCAPE '\' OR c.assigned_path LIKE ` + p + ` ESCAPE '\')`
}

// open311Reader refuses a read without a key.
func open311Reader(key *pingan.User) error {
	if key == nil {
		return pingan.E(pingan.EFORBIDDEN, "open311.key.read")
	}
	return nil
}

// Requests answers the Open311 requests of q, newest first.
func (s *Open311) Requests(ctx context.Context, key *pingan.User, q pingan.Open311Query) ([]*pingan.Open311Case, error) {
	if err := open311Reader(key); err != nil {
		return nil, err
	}
	if len(q.IDs) > 0 { // the ids override every other argument
		q.ServiceCodes, q.Statuses, q.Start, q.End = nil, nil, time.Time{}, time.Time{}
	}
	var v pingan.Invalid
	for _, st := range q.Statuses {
		if st = strings.TrimSpace(st); st != pingan.Open311Open && st != pingan.Open311Closed {
			v.Add("status", "open311.status.bad")
		}
	}
	if len(q.IDs) > pingan.Open311MaxIDs {
		v.Add("service_request_id", "open311.ids.many", pingan.Open311MaxIDs)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > s.listMax() {
		limit = s.listMax()
	}
	var a []any
	arg := func(x any) string { a = append(a, x); return "$" + strconv.Itoa(len(a)) }
	query := open311Select + ` AND ` + open311Scope(key, arg)
	if len(q.IDs) > 0 {
		var ps []string
		for _, id := range q.IDs {
			ps = append(ps, arg(strings.TrimSpace(id)))
		}
		query += ` AND c.id IN (` + strings.Join(ps, ", ") + `)`
	} else {
		end := q.End
		if end.IsZero() {
			end = s.now().Add(time.Second)
		}
		start := q.Start
		if start.IsZero() {
			start = end.AddDate(0, 0, -pingan.Open311DefaultDays)
		}
		query += ` AND o.created_at >= ` + arg(s.dialect.ts(start)) + ` AND o.created_at < ` + arg(s.dialect.ts(end))
	}
	if len(q.ServiceCodes) > 0 {
		var ps []string
		for _, c := range q.ServiceCodes {
			ps = append(ps, arg(strings.TrimSpace(c)))
		}
		query += ` AND c.category IN (` + strings.Join(ps, ", ") + `)`
	}
	open, closed := false, false
	for _, st := range q.Statuses {
		open, closed = open || strings.TrimSpace(st) == pingan.Open311Open, closed || strings.TrimSpace(st) == pingan.Open311Closed
	}
	if open != closed {
		not := ""
		if open {
			not = "NOT "
		}
		query += ` AND c.status ` + not + `IN (` + arg(string(pingan.StatusClosed)) + `, ` + arg(string(pingan.StatusRejected)) + `, ` + arg(string(pingan.StatusMerged)) + `)`
	}
	query += ` ORDER BY o.created_at DESC, c.id DESC LIMIT ` + arg(limit)
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out, err := s.open311Cases(ctx, tx, key, query, a)
	if err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// Request answers one Open311 request.
func (s *Open311) Request(ctx context.Context, key *pingan.User, id string) (*pingan.Open311Case, error) {
	if err := open311Reader(key); err != nil {
		return nil, err
	}
	var a []any
	arg := func(x any) string { a = append(a, x); return "$" + strconv.Itoa(len(a)) }
	query := open311Select + ` AND ` + open311Scope(key, arg) + ` AND c.id = ` + arg(strings.TrimSpace(id))
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out, err := s.open311Cases(ctx, tx, key, query, a)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, pingan.E(pingan.ENOTFOUND, "open311.request.notfound", pingan.ShowText(id, 40))
	}
	return out[0], tx.Commit()
}

// open311Cases runs query (open311Select and its conditions) and answers
// each case's public status, in a few queries whatever the number of rows:
// the cases with their handling unit, then the outcomes (a rejection's
// reason, a resolution's result) of all of them at once; no personal data
// is read. Of a request another key filed, the status, dates, service and
// agency only — never its description, address, position or media_url.
// A merged case (rare) reads its main case's public view.
func (s *Open311) open311Cases(ctx context.Context, tx *sql.Tx, key *pingan.User, query string, args []any) ([]*pingan.Open311Case, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	type hit struct {
		region, id, holding, assigned string
		keyID                         int64
		c                             *pingan.Open311Case
	}
	var hits []*hit
	for rows.Next() {
		h := &hit{c: &pingan.Open311Case{}}
		var status string
		var reported, updated, resolveBy stamp
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&h.region, &h.id, &h.c.ID, &status, &h.c.ServiceCode, &h.c.Description, &reported, &updated,
			&h.c.Address, &lat, &lng, &resolveBy, &h.assigned, &h.holding, &h.c.AgencyResponsible, &h.c.MediaURL, &h.keyID); err != nil {
			rows.Close()
			return nil, err
		}
		st := pingan.Status(status)
		h.c.Status, h.c.Requested, h.c.Updated = pingan.Open311StatusOf(st), reported.T, updated.T
		if lat.Valid && lng.Valid {
			h.c.Location = &pingan.Location{Lat: lat.Float64, Lng: lng.Float64}
		}
		if st.Open() {
			h.c.Expected = resolveBy.ptr()
		}
		h.c.StatusNotes = status // replaced by the outcome below
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(hits) == 0 {
		return []*pingan.Open311Case{}, nil
	}
	// The outcomes of all the cases: the last rejection's reason and the
	// last resolution's result (publicView's rule).
	type outcome struct{ reason, result string }
	outcomes := map[string]*outcome{}
	var a []any
	arg := func(x any) string { a = append(a, x); return "$" + strconv.Itoa(len(a)) }
	var ids []string
	for _, h := range hits {
		ids = append(ids, arg(h.id))
		outcomes[h.region+"/"+h.id] = &outcome{}
	}
	orows, err := tx.QueryContext(ctx, `SELECT region, case_id, action, note FROM actions WHERE case_id IN (`+strings.Join(ids, ", ")+`)
		AND (action = `+arg(string(pingan.ActReject))+` OR to_status = `+arg(string(pingan.StatusResolved))+`)
		AND action NOT IN (`+arg(string(pingan.ActComment))+`, `+arg(string(pingan.ActSupervise))+`, `+arg(string(pingan.ActLink))+`, `+
		arg(string(pingan.ActUnlink))+`, `+arg(string(pingan.ActAssistSign))+`, `+arg(string(pingan.ActAssistReport))+`)
		ORDER BY region, case_id, seq`, a...)
	if err != nil {
		return nil, err
	}
	for orows.Next() {
		var region, id, action, note string
		if err := orows.Scan(&region, &id, &action, &note); err != nil {
			orows.Close()
			return nil, err
		}
		if o := outcomes[region+"/"+id]; o != nil {
			if pingan.ActionName(action) == pingan.ActReject {
				o.reason = note
			} else {
				o.result = note
			}
		}
	}
	orows.Close()
	if err := orows.Err(); err != nil {
		return nil, err
	}
	pub := &Public{s.handle}
	out := make([]*pingan.Open311Case, 0, len(hits))
	for _, h := range hits {
		oc := h.c
		st := pingan.Status(oc.StatusNotes)
		o := outcomes[h.region+"/"+h.id]
		oc.StatusNotes = ""
		if cat, err := s.lookupCategory(ctx, tx, oc.ServiceCode); err != nil {
			return nil, err
		} else if cat != nil {
			oc.ServiceName = cat.Name
		}
		switch {
		case st == pingan.StatusRejected:
			oc.StatusNotes = o.reason
		case st == pingan.StatusResolved || st == pingan.StatusClosed:
			oc.StatusNotes = o.result
			if h.assigned == "" { // settled by the centre holding it
				if oc.AgencyResponsible, err = publicUnitName(ctx, tx, h.holding); err != nil {
					return nil, err
				}
			}
		case st == pingan.StatusMerged:
			sc, err := s.loadCase(ctx, tx, "", h.id, false)
			if err != nil {
				return nil, err
			}
			p, err := pub.publicView(ctx, tx, sc.Case)
			if err != nil {
				return nil, err
			}
			if p.MergedInto != nil {
				oc.MergedInto, oc.StatusNotes = p.MergedInto.Number, p.MergedInto.Result
			}
		}
		if h.keyID != -key.ID {
			oc.Description, oc.Address, oc.Location, oc.MediaURL = "", "", nil, ""
		}
		out = append(out, oc)
	}
	return out, nil
}

// Token answers the service_request_id of a token.
func (s *Open311) Token(ctx context.Context, token string) (string, error) {
	var id string
	err := s.read.QueryRowContext(ctx, `SELECT case_id FROM open311_requests WHERE token = $1`, strings.TrimSpace(token)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", pingan.E(pingan.ENOTFOUND, "open311.token.notfound", pingan.ShowText(token, 40))
	}
	return id, err
}

// Updates answers the public steps of Open311 requests taken in
// [since, until), oldest first: every step but the report itself and the
// internal ones (as the public page shows them), the note only of a
// rejection and a resolution. The query is driven by the partial index
// cases_open311_updated (a case's updated_at is its last step's time),
// then the actions by their key. More than the cap is EINVALID naming
// start_date: the client asks for a narrower window.
func (s *Open311) Updates(ctx context.Context, key *pingan.User, since, until time.Time) ([]*pingan.Open311Update, error) {
	if err := open311Reader(key); err != nil {
		return nil, err
	}
	if until.IsZero() {
		until = s.now().Add(time.Second)
	}
	var a []any
	arg := func(x any) string { a = append(a, x); return "$" + strconv.Itoa(len(a)) }
	query := `SELECT a.case_id, a.seq, a.action, a.to_status, a.note, a.acted_at
		FROM cases c JOIN open311_requests o ON o.region = c.region AND o.case_id = c.id
		JOIN actions a ON a.region = c.region AND a.case_id = c.id
		WHERE c.source = 'open311' AND c.updated_at >= ` + arg(s.dialect.ts(since)) + ` AND ` + open311Scope(key, arg) + `
		AND a.acted_at >= ` + arg(s.dialect.ts(since)) + ` AND a.acted_at < ` + arg(s.dialect.ts(until))
	var hidden []string
	for _, act := range []pingan.ActionName{pingan.ActReport, pingan.ActComment, pingan.ActSupervise, pingan.ActLink,
		pingan.ActUnlink, pingan.ActAssistSign, pingan.ActAssistReport} {
		hidden = append(hidden, arg(string(act)))
	}
	query += ` AND a.action NOT IN (` + strings.Join(hidden, ", ") + `) ORDER BY a.acted_at, a.case_id, a.seq LIMIT ` + arg(s.listMax()+1)
	rows, err := s.read.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Open311Update
	for rows.Next() {
		var u pingan.Open311Update
		var seq int
		var note string
		var at stamp
		if err := rows.Scan(&u.ServiceRequestID, &seq, &u.Action, &u.ExternalStatus, &note, &at); err != nil {
			return nil, err
		}
		u.UpdateID = u.ServiceRequestID + "-" + strconv.Itoa(seq)
		u.Status = pingan.Open311UpdateStatus(u.ExternalStatus)
		u.Updated = at.T
		if u.Action == pingan.ActReject || u.ExternalStatus == pingan.StatusResolved {
			u.Description = note
		}
		out = append(out, &u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > s.listMax() {
		return nil, pingan.Invalidf("start_date", "open311.updates.many", s.listMax())
	}
	return out, nil
}
