package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"RetentionPolicy", testRetentionPolicy},
		{"RetentionPurge", testRetentionPurge},
		{"PersonalRequest", testPersonalRequest},
		{"RetentionPetition", testRetentionPetition},
	}...)
}

// minimumRetention is the policy at each kind's legal minimum.
func minimumRetention() *pingan.RetentionPolicy {
	p := &pingan.RetentionPolicy{Months: map[pingan.Kind]int{}}
	for _, k := range pingan.Kinds {
		p.Months[k.Kind] = pingan.RetentionMinimum(k.Kind)
	}
	return p
}

// testRetentionPolicy: only the security administrator of the whole tree
// sets the months; a kind below its minimum is refused naming its field
// and the minimum, and nothing is saved; a change is audited.
func testRetentionPolicy(t *testing.T, e *env) {
	fx := e.fx
	got, err := e.db.Security.RetentionPolicy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Months[pingan.KindDispute] != 60 || got.Months[pingan.KindPetition] != 120 || got.Months[pingan.KindHazard] != 36 ||
		got.Months[pingan.KindService] != 36 {
		t.Errorf("defaults %v", got.Months)
	}
	countySec := e.addUser(t, "sz-sec-r", fx.County.Code, pingan.RoleSecAdmin)
	for _, u := range []*pingan.User{fx.Admin, fx.Auditor, countySec, fx.CountyDispatcher} {
		wantCode(t, e.db.Security.SetRetentionPolicy(ctx, u, minimumRetention()), pingan.EFORBIDDEN)
	}
	bad := minimumRetention()
	bad.Months[pingan.KindDispute], bad.Months[pingan.KindPetition], bad.Months[pingan.KindHazard] = 35, 59, 11
	err = e.db.Security.SetRetentionPolicy(ctx, fx.SecAdmin, bad)
	wantFields(t, err, "months.dispute", "months.hazard", "months.petition")
	pe := wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "months.dispute", "retention.short.dispute")
	for field, min := range map[string]string{"months.dispute": "36", "months.petition": "60", "months.hazard": "12"} {
		if m := pe.Fields[field]; !strings.Contains(m.Text(pingan.ZH), min) || !strings.Contains(m.Text(pingan.EN), min) {
			t.Errorf("%s: %q / %q does not name %s", field, m.Text(pingan.ZH), m.Text(pingan.EN), min)
		}
	}
	if got, _ := e.db.Security.RetentionPolicy(ctx); got.Months[pingan.KindDispute] != 60 {
		t.Errorf("a refused policy saved: %v", got.Months)
	}
	before := len(accountAudit(t, e, "retention_set"))
	p := minimumRetention()
	p.Months[pingan.KindService] = 24
	if err := e.db.Security.SetRetentionPolicy(ctx, fx.SecAdmin, p); err != nil {
		t.Fatal(err)
	}
	got, err = e.db.Security.RetentionPolicy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Months[pingan.KindDispute] != 36 || got.Months[pingan.KindService] != 24 || got.UpdatedBy == "" || got.UpdatedAt.IsZero() {
		t.Errorf("read back %+v", got)
	}
	rows := accountAudit(t, e, "retention_set")
	if len(rows) != before+1 || rows[len(rows)-1].UserID != fx.SecAdmin.ID {
		t.Errorf("audit %+v", rows)
	}
}

// dump answers the rows of table that belong to the case, as text.
func (e *env) dump(t *testing.T, table, column, id string) string {
	t.Helper()
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+column+` = $1 ORDER BY 1, 2`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			fmt.Fprintf(&b, "%s=%v;", cols[i], v)
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// caseDump answers a case's row, its blind index and its mediation.
func (e *env) caseDump(t *testing.T, id string) string {
	return e.dump(t, "cases", "id", id) + e.dump(t, "case_people", "case_id", id) +
		e.dump(t, "mediation_sessions", "case_id", id) + e.dump(t, "agreements", "case_id", id)
}

// purgeAudits answers the personal_purge rows of the case.
func (e *env) purgeAudits(t *testing.T, id string) []string {
	t.Helper()
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT detail FROM audit WHERE action = 'personal_purge' AND case_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// testRetentionPurge: a dry run counts without change; a run deletes the
// personal data of the closed cases past their kind's retention only,
// leaves the others byte for byte, audits each case without its personal
// data, keeps the case readable and the statistics unchanged; a second
// run purges nothing; an open case is never purged.
func testRetentionPurge(t *testing.T, e *env) {
	fx := e.fx
	if err := e.db.Security.SetRetentionPolicy(ctx, nil, minimumRetention()); err != nil {
		t.Fatal(err)
	}
	reporter := &pingan.Person{Name: "赵小红", Phone: "13700001111", IDNumber: "110101199001011234", Address: "富康社区5号楼"}
	service := func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title = pingan.KindService, "FW01", "路灯坏了"
		n.Reporter = reporter
	}
	// A dispute mediated to an agreement, and a service request, both
	// closed now; a service request left open.
	dispute := e.inMediation(t)
	now := e.clock.Now()
	agreement := &pingan.Agreement{Written: true, Facts: "张建国与李卫东因漏水协商", SignedOn: pingan.DayOf(now), Mediators: []string{"王调解"},
		Terms: []pingan.Term{{Text: "李卫东赔偿维修费 3000 元", By: "被申请人李卫东", Due: pingan.DayOf(now).AddDate(0, 0, 5)}}}
	e.act(t, fx.Mediator, dispute.ID, pingan.ActionInput{Action: pingan.ActAgree, Session: session(now), Agreement: agreement})
	e.act(t, fx.TownshipDispatcher, dispute.ID, pingan.ActionInput{Action: pingan.ActClose})
	// The old one with a photo that carries the camera's position.
	photo, _, _ := storetest.JPEGWithExif()
	digest := sha256.Sum256(photo)
	sum := hex.EncodeToString(digest[:])
	old := e.report(t, fx.GridWorker, "", service, func(n *pingan.NewCase) { n.Photos = []pingan.Upload{{Name: "lamp.jpg", Data: photo}} })
	e.closeCase(t, old.ID)
	photoOf := func() []byte {
		t.Helper()
		b, err := e.db.Cases.CaseFile(ctx, fx.Admin, old.ID, sum)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(photoOf(), photo) || bytes.Equal(pingan.StripPosition(photo), photo) {
		t.Fatal("the photo was not kept with its position")
	}
	open := e.report(t, fx.GridWorker, "", service)
	// Six months later, another service request closed.
	e.clock.Advance(183 * 24 * time.Hour)
	recent := e.report(t, fx.GridWorker, "", service)
	e.closeCase(t, recent.ID)

	// Thirteen months after the first closings: only the old service
	// request is past its twelve months.
	e.clock.Set(now.AddDate(0, 13, 0))
	statsOf := func() string {
		s, err := e.db.Stats.Stats(ctx, fx.Admin, pingan.StatsQuery{From: pingan.DayOf(now).AddDate(0, -1, 0), To: pingan.DayOf(now).AddDate(0, 14, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%+v", *s)
	}
	stats := statsOf()
	ids := []string{dispute.ID, old.ID, open.ID, recent.ID}
	before := map[string]string{}
	for _, id := range ids {
		before[id] = e.caseDump(t, id)
	}
	dry, err := e.db.Security.PurgePersonal(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if !dry.DryRun || dry.Total != 1 || dry.ByKind[pingan.KindService] != 1 || dry.ByKind[pingan.KindDispute] != 0 {
		t.Errorf("dry run %+v", dry)
	}
	for _, id := range ids {
		if got := e.caseDump(t, id); got != before[id] {
			t.Errorf("the dry run changed %s:\n%s\nwas\n%s", id, got, before[id])
		}
	}
	rep, err := e.db.Security.PurgePersonal(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.DryRun || rep.Total != 1 || rep.ByKind[pingan.KindService] != 1 {
		t.Errorf("run %+v", rep)
	}
	for _, id := range []string{dispute.ID, open.ID, recent.ID} {
		if got := e.caseDump(t, id); got != before[id] {
			t.Errorf("the run changed %s:\n%s\nwas\n%s", id, got, before[id])
		}
	}
	purged := e.find(t, old.ID)
	if purged.PersonalPurgedAt == nil || purged.Reporter != nil || purged.Status != pingan.StatusClosed || purged.Title != old.Title {
		t.Errorf("purged case %+v", purged)
	}
	if rows := e.dump(t, "case_people", "case_id", old.ID); rows != "" {
		t.Errorf("the blind index of a purged case: %s", rows)
	}
	if d := e.dump(t, "cases", "id", old.ID); strings.Contains(d, "reporter_sealed=[") {
		t.Errorf("sealed reporter kept: %s", d)
	}
	if got := photoOf(); !bytes.Equal(got, pingan.StripPosition(photo)) {
		t.Errorf("the purged case's photo keeps its position")
	}
	audits := e.purgeAudits(t, old.ID)
	if len(audits) != 1 || strings.Contains(audits[0], reporter.Name) || !strings.Contains(audits[0], `"kind":"service"`) {
		t.Errorf("audit rows %v", audits)
	}
	if got := statsOf(); got != stats {
		t.Errorf("statistics changed:\n%s\nwere\n%s", got, stats)
	}
	if list := e.list(t, fx.Admin, pingan.CaseFilter{}); len(list) < 4 {
		t.Errorf("list after the purge: %v", list)
	}
	again, err := e.db.Security.PurgePersonal(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if again.Total != 0 {
		t.Errorf("a second run purged %+v", again)
	}

	// Thirty-seven months on: the dispute and the recent request too; the
	// open one never. The mediation is still readable, without its people.
	e.clock.Set(now.AddDate(0, 37, 0))
	if rec, err := e.db.Mediation.Mediation(ctx, fx.Mediator, dispute.ID); err != nil || len(rec.Sessions) != 1 ||
		rec.Sessions[0].Attendees == "" || rec.Agreement == nil || rec.Agreement.Facts == "" {
		t.Fatalf("mediation before the purge: %v %+v", err, rec)
	}
	rep, err = e.db.Security.PurgePersonal(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 2 || rep.ByKind[pingan.KindDispute] != 1 || rep.ByKind[pingan.KindService] != 1 {
		t.Errorf("run at 37 months %+v", rep)
	}
	if got := e.caseDump(t, open.ID); got != before[open.ID] {
		t.Errorf("the open case changed")
	}
	d := e.find(t, dispute.ID)
	if d.PersonalPurgedAt == nil || len(d.Parties) != 0 {
		t.Errorf("purged dispute %+v", d)
	}
	rec, err := e.db.Mediation.Mediation(ctx, fx.Mediator, dispute.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Sessions) != 1 || rec.Sessions[0].Attendees != "" || rec.Sessions[0].Record != "" || rec.Agreement == nil ||
		rec.Agreement.Facts != "" || len(rec.Agreement.Terms) != 1 {
		t.Errorf("mediation after the purge %+v %+v", rec.Sessions, rec.Agreement)
	}
	if n := len(e.purgeAudits(t, dispute.ID)); n != 1 {
		t.Errorf("%d audit rows of the dispute's purge", n)
	}
}

// testPersonalRequest: a citizen's request with the query code becomes a
// task of the case's unit, audited, naming the items to correct and never
// a value; a wrong code is not found; a bad kind, an unknown item or a
// correction of nothing is named; a purged case answers so.
func testPersonalRequest(t *testing.T, e *env) {
	fx := e.fx
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Category: "FW01", Title: "路灯坏了", Description: "小区门口路灯不亮",
		Unit: fx.Village.Code, Reporter: &pingan.Person{Name: "钱多多", Phone: "13911112222"}})
	if err != nil {
		t.Fatal(err)
	}
	ask := &pingan.PersonalRequest{Kind: pingan.PersonalCorrect, Fields: []string{"phone", " address", "phone"}}
	_, err = e.db.Public.RequestPersonal(ctx, receipt.Number, "WRONGCODE", ask)
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Public.RequestPersonal(ctx, receipt.Number, receipt.QueryCode, &pingan.PersonalRequest{Kind: "delete"})
	wantFields(t, err, "kind")
	_, err = e.db.Public.RequestPersonal(ctx, receipt.Number, receipt.QueryCode, &pingan.PersonalRequest{Kind: pingan.PersonalCorrect})
	wantFields(t, err, "fields")
	_, err = e.db.Public.RequestPersonal(ctx, receipt.Number, receipt.QueryCode,
		&pingan.PersonalRequest{Kind: pingan.PersonalCorrect, Fields: []string{"13911113333"}})
	wantFields(t, err, "fields")

	id, err := e.db.Public.RequestPersonal(ctx, receipt.Number, receipt.QueryCode, ask)
	if err != nil {
		t.Fatal(err)
	}
	c := e.find(t, receipt.Number)
	var lead, typ, content, due string
	var issued string
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT lead_code, type, content, due_at, issued_at FROM tasks WHERE id = $1`, id).
		Scan(&lead, &typ, &content, &due, &issued); err != nil {
		t.Fatal(err)
	}
	if lead != c.Unit || typ != pingan.TaskTypePersonal || !strings.HasSuffix(content, "需更正的项目：联系电话、住址") {
		t.Errorf("task in %s of type %s: %q; the case is in %s", lead, typ, content, c.Unit)
	}
	var n int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'personal_request' AND case_id = $1
		AND detail NOT LIKE '%1391111%'`, c.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit rows of the request (%v)", n, err)
	}

	// Closed and past its retention: the data is gone, and the request is
	// answered so.
	e.closeCase(t, c.ID)
	e.clock.Set(e.clock.Now().AddDate(0, 37, 0))
	if _, err := e.db.Security.PurgePersonal(ctx, false); err != nil {
		t.Fatal(err)
	}
	p, err := e.db.Public.PublicCase(ctx, receipt.Number, receipt.QueryCode)
	if err != nil {
		t.Fatal(err)
	}
	if !p.PersonalPurged {
		t.Errorf("public view %+v", p)
	}
	_, err = e.db.Public.RequestPersonal(ctx, receipt.Number, receipt.QueryCode, &pingan.PersonalRequest{Kind: pingan.PersonalView})
	if pe := wantCode(t, err, pingan.ECONFLICT); pe.Msg.Key != "personal.purged" {
		t.Errorf("a request on a purged case: %v", err)
	}
}

// testRetentionPetition: a closed petition keeps its petitioner's data
// for its sixty months, then its documents keep their numbers and lose
// their text, and its petitioner key and people go.
func testRetentionPetition(t *testing.T, e *env) {
	fx := e.fx
	if err := e.db.Security.SetRetentionPolicy(ctx, nil, minimumRetention()); err != nil {
		t.Fatal(err)
	}
	received := pingan.DayOf(e.clock.Now())
	c := e.reportPetition(t, "反映东北街拆迁补偿标准过低问题", "62090219800101123x",
		&pingan.PetitionFacts{Channel: pingan.PetitionLetter, ReceivedOn: received})
	if c.Status == pingan.StatusReported {
		e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	}
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code,
		ForwardMode: pingan.ForwardTransfer, Document: doc("东信转〔2026〕7号")})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActPetitionAccept, Document: doc("东信受〔2026〕1号")})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionSupport,
		Result: "按新标准补偿", Document: doc("东信处〔2026〕1号")})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	rec, err := e.db.Petitions.Petition(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer := docByKind(t, rec, pingan.DocAnswer)
	body := func() string {
		t.Helper()
		d, err := e.db.Petitions.Document(ctx, fx.CountyDispatcher, c.ID, answer.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d.Body
	}
	if !strings.Contains(body(), "王秀英") || e.petitionerKey(t, c.ID) == "" {
		t.Fatal("the petition was not kept with its petitioner")
	}
	rows := e.petitionRows(t, c.ID)

	e.clock.Set(e.clock.Now().AddDate(0, 59, 0)) // within its sixty months
	if rep, err := e.db.Security.PurgePersonal(ctx, false); err != nil || rep.Total != 0 {
		t.Fatalf("purged within sixty months: %+v %v", rep, err)
	}
	e.clock.Set(e.clock.Now().AddDate(0, 2, 0))
	if rep, err := e.db.Security.PurgePersonal(ctx, false); err != nil || rep.ByKind[pingan.KindPetition] != 1 {
		t.Fatalf("purge after sixty months: %+v %v", rep, err)
	}
	if body() != "" || e.petitionerKey(t, c.ID) != "" {
		t.Errorf("a purged petition keeps its document's text or its petitioner's key")
	}
	if got := e.petitionRows(t, c.ID); got != rows {
		t.Errorf("the petition's rows %+v, were %+v", got, rows)
	}
	if got := e.find(t, c.ID); got.Reporter != nil || got.Petition == nil || got.PersonalPurgedAt == nil {
		t.Errorf("purged petition %+v", got)
	}
}
