package store_test

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// A petition (信访) through the regulation's procedure on both databases:
// registration and its 15 days, the documents issued with their steps
// (numbered once per unit, counted, delivered once), 复查 and 复核 one
// level up each, a late request, a repeat merged into its matter, the
// petitioner's key never shown, the texts read audited, the counters
// equal to a recount; the deadline watch marking a petition, never
// escalating it.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PetitionWalk", testPetitionWalk},
		{"PetitionDrafts", testPetitionDrafts},
		{"PetitionNotEscalated", testPetitionNotEscalated},
		{"PetitionSettings", testPetitionSettings},
	}...)
}

// day answers the day y-m-d, midnight CST.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, pingan.CST) }

// reportPetition reports a letter about a matter in the village by the
// township's dispatcher, from the petitioner with the ID number.
func (e *env) reportPetition(t *testing.T, title, idNumber string, facts *pingan.PetitionFacts) *pingan.Case {
	t.Helper()
	fx := e.fx
	return e.report(t, fx.TownshipDispatcher, fx.Village.Code, func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title, n.Description = pingan.KindPetition, "XF01", title, "要求依法处理"
		n.Reporter = &pingan.Person{Name: "王秀英", Phone: "13812345678", IDNumber: idNumber}
		n.Petition = facts
	})
}

// petitionRows counts what the procedure writes beside the case row.
type petitionRows struct{ documents, delivered, actions, drafts int }

func (e *env) petitionRows(t *testing.T, id string) petitionRows {
	t.Helper()
	raw := e.raw(t)
	var r petitionRows
	for _, q := range []struct {
		n   *int
		sql string
	}{
		{&r.documents, `SELECT count(*) FROM petition_documents WHERE case_id = $1`},
		{&r.delivered, `SELECT count(*) FROM petition_documents WHERE case_id = $1 AND sent_on IS NOT NULL`},
		{&r.actions, `SELECT count(*) FROM actions WHERE case_id = $1`},
		{&r.drafts, `SELECT count(*) FROM petition_drafts WHERE case_id = $1`},
	} {
		if err := raw.QueryRowContext(ctx, q.sql, id).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// docNumberLast answers the last number the unit gave documents of kind
// in year, 0 when none.
func (e *env) docNumberLast(t *testing.T, unit string, kind pingan.DocKind, year int) int {
	t.Helper()
	var n int
	err := e.raw(t).QueryRowContext(ctx, `SELECT last FROM petition_doc_numbers WHERE unit = $1 AND kind = $2 AND year = $3`,
		unit, string(kind), year).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

// petitionerKey answers the case's petitioner_key as stored.
func (e *env) petitionerKey(t *testing.T, id string) string {
	t.Helper()
	var k sql.NullString
	if err := e.raw(t).QueryRowContext(ctx, `SELECT petitioner_key FROM cases WHERE id = $1`, id).Scan(&k); err != nil {
		t.Fatal(err)
	}
	return k.String
}

// docByKind answers the id of the case's document of kind.
func docByKind(t *testing.T, rec *pingan.PetitionRecord, kind pingan.DocKind) pingan.PetitionDocumentRef {
	t.Helper()
	for _, d := range rec.Documents {
		if d.Kind == kind {
			return d
		}
	}
	t.Fatalf("no document %s among %+v", kind, rec.Documents)
	return pingan.PetitionDocumentRef{}
}

func doc(number string) *pingan.DocumentInput {
	return &pingan.DocumentInput{Number: number, Body: "王秀英：\n你反映的信访事项已收悉。"}
}

func testPetitionWalk(t *testing.T, e *env) {
	fx := e.fx
	received, postmarked := day(2026, 2, 26), day(2026, 2, 24)
	c := e.reportPetition(t, "反映东北街拆迁补偿标准过低问题", "62090219800101123x",
		&pingan.PetitionFacts{Channel: pingan.PetitionLetter, ReceivedOn: received, PostmarkedOn: &postmarked})
	p := c.Petition
	// 15 days from the day received: Friday 13 March 2026.
	if p == nil || p.Stage != pingan.StageRegistered || p.Channel != pingan.PetitionLetter || p.People != 1 ||
		!p.ReceivedOn.Equal(received) || p.PostmarkedOn == nil || !p.PostmarkedOn.Equal(postmarked) ||
		c.ResolveBy == nil || !pingan.DayOf(*c.ResolveBy).Equal(day(2026, 3, 13)) {
		t.Fatalf("registered: %+v, resolve by %v", p, c.ResolveBy)
	}
	if got, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID); err != nil || got.Petition == nil || !got.Petition.ReceivedOn.Equal(received) {
		t.Fatalf("read back: %v %+v", err, got)
	}
	if c.Status == pingan.StatusReported {
		c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	}

	// A dispatch without its document writes nothing.
	before := e.petitionRows(t, c.ID)
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch,
		ToUnit: fx.Township.Code, ForwardMode: pingan.ForwardTransfer})
	wantFields(t, err, "document.number", "document.body")
	if r := e.petitionRows(t, c.ID); r != before {
		t.Fatalf("rows after a refused dispatch %+v, were %+v", r, before)
	}
	// With it: the row, the number, the counter.
	c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code,
		ForwardMode: pingan.ForwardTransfer, Document: doc("东信转〔2026〕7号")})
	if c.Petition.Stage != pingan.StageForwarded || c.Petition.ForwardMode != pingan.ForwardTransfer {
		t.Fatalf("forwarded: %+v", c.Petition)
	}
	if r := e.petitionRows(t, c.ID); r.documents != 1 || r.actions != before.actions+1 {
		t.Fatalf("rows after the dispatch %+v", r)
	}
	if n := e.docNumberLast(t, fx.Township.Code, pingan.DocForward, 2026); n != 7 {
		t.Fatalf("the township's forward numbers end at %d, want 7", n)
	}
	rec, err := e.db.Petitions.Petition(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	fwd := docByKind(t, rec, pingan.DocForward)
	if fwd.Number != "东信转〔2026〕7号" || fwd.Unit != fx.Township.Code || fwd.UnitName != fx.Township.Name || fwd.Level != 0 ||
		fwd.IssuedBy != fx.TownshipDispatcher.Name || fwd.SentOn != nil {
		t.Fatalf("the forward slip %+v", fwd)
	}

	// The same number again, on another matter of the same unit: 409.
	other := e.reportPetition(t, "反映南苑社区供暖不达标问题", "", nil)
	if other.Status == pingan.StatusReported {
		other = e.act(t, fx.TownshipDispatcher, other.ID, pingan.ActionInput{Action: pingan.ActAccept})
	}
	otherBefore := e.petitionRows(t, other.ID)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, other.ID, pingan.ActionInput{Action: pingan.ActDispatch,
		ToUnit: fx.Township.Code, ForwardMode: pingan.ForwardAssign, Document: doc("东信转〔2026〕7号")})
	if pe := wantCode(t, err, pingan.ECONFLICT); pe == nil || pe.Fields["document.number"].Key == "" {
		t.Fatalf("a used number: %v, want a conflict naming document.number", err)
	}
	if r := e.petitionRows(t, other.ID); r != otherBefore {
		t.Fatalf("rows after a used number %+v, were %+v", r, otherBefore)
	}

	// The unit receives, accepts, is granted an extension and answers.
	c = e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	c = e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActPetitionAccept, Document: doc("东信受〔2026〕1号")})
	if c.Petition.Stage != pingan.StageAccepted || c.Petition.AcceptedOn == nil {
		t.Fatalf("accepted: %+v", c.Petition)
	}
	c = e.act(t, fx.CountyLeader, c.ID, pingan.ActionInput{Action: pingan.ActPetitionExtend, Days: 10, Reason: "需现场测量",
		Document: doc("东信延〔2026〕1号")})
	if c.Petition.ExtendedDays != 10 {
		t.Fatalf("extended: %+v", c.Petition)
	}
	c = e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionSupport,
		Result: "按新标准补偿", Document: doc("东信处〔2026〕1号")})
	if c.Status != pingan.StatusResolved || c.Petition.Stage != pingan.StageAnswered {
		t.Fatalf("answered: %s %+v", c.Status, c.Petition)
	}
	c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})

	// The answer delivered; a second delivery of it is a conflict.
	rec, err = e.db.Petitions.Petition(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer := docByKind(t, rec, pingan.DocAnswer)
	today := pingan.DayOf(e.clock.Now())
	c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDeliver, DocID: answer.ID, On: &today,
		Method: pingan.SendPost})
	if c.Petition.DeliveredOn == nil || !c.Petition.DeliveredOn.Equal(today) || !c.Petition.Replied {
		t.Fatalf("delivered: %+v", c.Petition)
	}
	rec, _ = e.db.Petitions.Petition(ctx, fx.TownshipDispatcher, c.ID)
	if d := docByKind(t, rec, pingan.DocAnswer); d.SentOn == nil || !d.SentOn.Equal(today) || d.SentBy != pingan.SendPost {
		t.Fatalf("the answer's delivery %+v", d)
	}
	before = e.petitionRows(t, c.ID)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDeliver, DocID: answer.ID,
		On: &today, Method: pingan.SendSMS})
	wantCode(t, err, pingan.ECONFLICT)
	if r := e.petitionRows(t, c.ID); r != before {
		t.Fatalf("rows after a second delivery %+v, were %+v", r, before)
	}

	// 复查: the county, one level above the township that answered.
	c = e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRequestReview, On: &today, Reason: "对补偿标准不服"})
	if c.Petition.Stage != pingan.StageReview || c.Petition.Level != 1 || c.AssignedUnit != fx.County.Code || c.Status != pingan.StatusInProgress {
		t.Fatalf("under review: %s %s %+v", c.Status, c.AssignedUnit, c.Petition)
	}
	c = e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionChange,
		Document: doc("肃信复查〔2026〕1号")})
	if c.Petition.Stage != pingan.StageReviewed || c.Petition.ReviewOpinion != pingan.OpinionChange {
		t.Fatalf("reviewed: %+v", c.Petition)
	}
	rec, _ = e.db.Petitions.Petition(ctx, fx.CountyDispatcher, c.ID)
	review := docByKind(t, rec, pingan.DocReviewAnswer)
	if review.Unit != fx.County.Code || review.Level != 1 {
		t.Fatalf("the review answer %+v", review)
	}
	c = e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDeliver, DocID: review.ID, On: &today,
		Method: pingan.SendInPerson})

	// 复核 asked after its 30 days: only with the reason of the delay, and
	// at the city, one level above the county.
	e.clock.Set(e.clock.Now().AddDate(0, 0, 40))
	late := pingan.DayOf(e.clock.Now())
	before = e.petitionRows(t, c.ID)
	_, err = e.db.Cases.Act(ctx, fx.CityDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRequestRecheck, On: &late})
	wantFields(t, err, "late_reason")
	if r := e.petitionRows(t, c.ID); r != before {
		t.Fatalf("rows after a late request %+v, were %+v", r, before)
	}
	c = e.act(t, fx.CityDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRequestRecheck, On: &late, LateReason: "住院治疗"})
	if c.Petition.Stage != pingan.StageRecheck || c.Petition.Level != 2 || c.AssignedUnit != fx.City.Code ||
		c.Petition.LateReason != "住院治疗" {
		t.Fatalf("under re-examination: %s %+v", c.AssignedUnit, c.Petition)
	}

	// A second letter of the same petitioner (the ID number written
	// another way): the same key, suggested, merged as a repeat.
	again := e.reportPetition(t, "再次反映东北街拆迁补偿标准过低", "62090219800101123X", nil)
	if k := e.petitionerKey(t, c.ID); k == "" || k != e.petitionerKey(t, again.ID) || k == e.petitionerKey(t, other.ID) {
		t.Fatalf("petitioner keys %q, %q, %q", k, e.petitionerKey(t, again.ID), e.petitionerKey(t, other.ID))
	}
	similar, err := e.db.Petitions.Similar(ctx, fx.TownshipDispatcher, again.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(similar) != 1 || similar[0].ID != c.ID || !strings.Contains(similar[0].Why, "同一信访人") || !strings.Contains(similar[0].Why, "内容相近") {
		t.Fatalf("similar matters %+v", similar)
	}
	again = e.act(t, fx.TownshipDispatcher, again.ID, pingan.ActionInput{Action: pingan.ActMerge, ToCase: c.ID,
		MergeAs: pingan.MergeRepeat, Reason: "重复信访"})
	if again.Petition.MergedAs != pingan.MergeRepeat {
		t.Fatalf("merged: %+v", again.Petition)
	}
	main, err := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if main.Petition.Repeats != 1 {
		t.Fatalf("the matter's repeats %d, want 1", main.Petition.Repeats)
	}

	// The key is never in an answer.
	key := e.petitionerKey(t, c.ID)
	rec, _ = e.db.Petitions.Petition(ctx, fx.CountyDispatcher, c.ID)
	for _, v := range []any{main, rec, similar, again} {
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), key) || strings.Contains(string(b), "petitioner_key") {
			t.Fatalf("an answer holds the petitioner's key: %s", b)
		}
	}

	// A document's text: to a reader who sees personal data, audited; 403
	// to one who does not.
	audits := func() int {
		var n int
		if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE case_id = $1 AND detail LIKE 'petition:document:%'`,
			c.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	d, err := e.db.Petitions.Document(ctx, fx.CountyDispatcher, c.ID, answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Number != "东信处〔2026〕1号" || !strings.Contains(d.Body, "王秀英") || d.SentOn == nil {
		t.Fatalf("the answer %+v", d)
	}
	if n := audits(); n != 1 {
		t.Fatalf("%d audited reads of documents, want 1", n)
	}
	_, err = e.db.Petitions.Document(ctx, fx.Viewer, c.ID, answer.ID)
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Petitions.Document(ctx, fx.OtherDispatcher, c.ID, answer.ID)
	wantCode(t, err, pingan.ENOTFOUND)

	// The counters count the petitions as a recount does.
	if n := e.noDiffs(t); n == 0 {
		t.Fatal("no cases recounted")
	}
}

func testPetitionDrafts(t *testing.T, e *env) {
	fx := e.fx
	c := e.reportPetition(t, "反映物业乱收费问题", "620902199001011234", nil)
	if c.Petition == nil || c.Petition.Channel != pingan.PetitionLetter && c.Petition.Channel != pingan.PetitionOnline && c.Petition.Channel != pingan.PetitionVisit {
		t.Fatalf("facts from the source: %+v", c.Petition)
	}
	if c.Status == pingan.StatusReported {
		c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	}
	// The suggestion: the township's first forward of the year, the text
	// naming the petitioner to the dispatcher, not to a viewer.
	d, err := e.db.Petitions.Draft(ctx, fx.TownshipDispatcher, c.ID, pingan.DocForward)
	if err != nil {
		t.Fatal(err)
	}
	if d.Number != "东信转〔2026〕1号" || !strings.HasPrefix(d.Body, "王秀英：") || d.Saved {
		t.Fatalf("draft %+v", d)
	}
	v, err := e.db.Petitions.Draft(ctx, fx.Viewer, c.ID, pingan.DocForward)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v.Body, "王秀英") || !strings.HasPrefix(v.Body, "信访人：") {
		t.Fatalf("the viewer's draft %+v", v)
	}
	_, err = e.db.Petitions.Draft(ctx, fx.TownshipDispatcher, c.ID, "letter")
	wantFields(t, err, "kind")

	// Saved, read back, refused to who may not issue it; the issue deletes it.
	_, err = e.db.Petitions.SaveDraft(ctx, fx.TownshipDispatcher, c.ID, pingan.DocForward, "", "")
	wantFields(t, err, "number", "body")
	_, err = e.db.Petitions.SaveDraft(ctx, fx.TownshipHandler, c.ID, pingan.DocForward, "东信转〔2026〕1号", "正文")
	wantCode(t, err, pingan.EFORBIDDEN)
	if _, err := e.db.Petitions.SaveDraft(ctx, fx.TownshipDispatcher, c.ID, pingan.DocForward, "东信转〔2026〕3号", "王秀英：请与东北街街道联系。"); err != nil {
		t.Fatal(err)
	}
	d, err = e.db.Petitions.Draft(ctx, fx.TownshipDispatcher, c.ID, pingan.DocForward)
	if err != nil || !d.Saved || d.Number != "东信转〔2026〕3号" || d.Body != "王秀英：请与东北街街道联系。" {
		t.Fatalf("saved draft %+v %v", d, err)
	}
	_, err = e.db.Petitions.Draft(ctx, fx.Viewer, c.ID, pingan.DocForward)
	wantCode(t, err, pingan.EFORBIDDEN)
	var sealed []byte
	if err := e.raw(t).QueryRowContext(ctx, `SELECT sealed FROM petition_drafts WHERE case_id = $1`, c.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), "王秀英") {
		t.Fatal("a draft's text is stored in the clear")
	}
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code,
		ForwardMode: pingan.ForwardAssign, Document: &pingan.DocumentInput{Number: d.Number, Body: d.Body}})
	if r := e.petitionRows(t, c.ID); r.drafts != 0 || r.documents != 1 {
		t.Fatalf("rows after the issue %+v", r)
	}
	// A number not in the unit's pattern is kept, and counts nothing.
	if n := e.docNumberLast(t, fx.Township.Code, pingan.DocForward, 2026); n != 3 {
		t.Fatalf("the counter %d, want 3", n)
	}
	next, err := e.db.Petitions.Draft(ctx, fx.TownshipDispatcher, c.ID, pingan.DocForward)
	if err != nil || next.Number != "东信转〔2026〕4号" {
		t.Fatalf("the next suggestion %+v %v", next, err)
	}
}

func testPetitionNotEscalated(t *testing.T, e *env) {
	fx := e.fx
	c := e.reportPetition(t, "反映道路破损问题", "", nil)
	holding, status := c.HoldingUnit, c.Status
	e.clock.Set(c.ResolveBy.Add(time.Hour))
	escalate(t, e.db, e.clock.Now(), 100)
	got, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Overdue || got.HoldingUnit != holding || got.Status != status || got.EscalationLevel != 0 {
		t.Fatalf("after its deadline: overdue %v, held by %s (was %s), %s, level %d", got.Overdue, got.HoldingUnit, holding,
			got.Status, got.EscalationLevel)
	}
	for _, a := range e.timeline(t, c.ID) {
		if a.Action == pingan.ActEscalate {
			t.Fatal("a petition escalated by the deadline watch")
		}
	}
}

func testPetitionSettings(t *testing.T, e *env) {
	fx := e.fx
	ps, err := e.db.Petitions.Settings(ctx)
	if err != nil || *ps != pingan.DefaultPetitionSettings {
		t.Fatalf("defaults %+v %v", ps, err)
	}
	err = e.db.Petitions.SetSettings(ctx, fx.CountyDispatcher, &pingan.PetitionSettings{BacklogDays: 60})
	wantCode(t, err, pingan.EFORBIDDEN)
	err = e.db.Petitions.SetSettings(ctx, fx.Admin, &pingan.PetitionSettings{BacklogDays: 60, BacklogRepeats: 1})
	wantFields(t, err, "backlog_repeats")
	in := &pingan.PetitionSettings{BacklogDays: 60}
	if err := e.db.Petitions.SetSettings(ctx, fx.Admin, in); err != nil {
		t.Fatal(err)
	}
	ps, err = e.db.Petitions.Settings(ctx)
	if err != nil || ps.BacklogDays != 60 || ps.BacklogRepeats != pingan.DefaultPetitionSettings.BacklogRepeats {
		t.Fatalf("after a change %+v %v", ps, err)
	}
}
