package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"ReceptionSchedule", testReceptionSchedule},
		{"ReceptionRecords", testReceptionRecords},
		{"ReceptionBacklogAndLed", testReceptionBacklogAndLed},
	}...)
}

// receptionDay is a valid schedule row for the county's leader tomorrow.
func (e *env) receptionDay() *pingan.ReceptionDay {
	return &pingan.ReceptionDay{Unit: e.fx.CountyCentre.Code, LeaderID: e.fx.CountyLeader.ID, LeaderPost: "区委副书记",
		Day: pingan.Day(e.clock.Now().AddDate(0, 0, 1)), TimeFrom: "09:00", TimeTo: "11:30", Place: "肃州区综治中心一楼接访室", Topic: "城乡建设类信访"}
}

// wantReceptionFields fails the test unless err is EINVALID naming exactly fields.
func wantReceptionFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != pingan.EINVALID {
		t.Fatalf("err = %v, want invalid naming %v", err, fields)
	}
	var got []string
	for f := range pe.Fields {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("fields %v, want %v (%v)", got, fields, err)
	}
}

// The schedule: a dispatcher of the county enters a leader's day, a bad
// row is refused naming its fields and writes nothing, the public list
// shows a day once it is published and only its public parts, and another
// county neither sees nor edits it.
func testReceptionSchedule(t *testing.T, e *env) {
	fx := e.fx
	rs := e.db.Receptions
	otherLeader := e.addUser(t, "jt-leader", fx.OtherCounty.Code, pingan.RoleLeader)

	for _, tc := range []struct {
		name   string
		mod    func(d *pingan.ReceptionDay)
		fields []string
	}{
		{"end before start", func(d *pingan.ReceptionDay) { d.TimeTo = "08:30" }, []string{"time_to"}},
		{"bad time", func(d *pingan.ReceptionDay) { d.TimeFrom = "9点" }, []string{"time_from"}},
		{"past day", func(d *pingan.ReceptionDay) { d.Day = pingan.Day(e.clock.Now().AddDate(0, 0, -1)) }, []string{"day"}},
		{"no leader role", func(d *pingan.ReceptionDay) { d.LeaderID = fx.CountyDispatcher.ID }, []string{"leader_id"}},
		{"leader elsewhere", func(d *pingan.ReceptionDay) { d.LeaderID = otherLeader.ID }, []string{"leader_id"}},
		{"no place", func(d *pingan.ReceptionDay) { d.Place = " " }, []string{"place"}},
		{"unit elsewhere", func(d *pingan.ReceptionDay) { d.Unit = fx.OtherCountyCentre.Code }, []string{"unit"}},
	} {
		d := e.receptionDay()
		tc.mod(d)
		err := rs.CreateReceptionDay(ctx, fx.CountyDispatcher, d)
		t.Run(tc.name, func(t *testing.T) { wantReceptionFields(t, err, tc.fields...) })
	}
	if err := rs.CreateReceptionDay(ctx, fx.Viewer, e.receptionDay()); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a viewer schedules: %v", err)
	}
	if days := must[[]*pingan.ReceptionDay](t)(rs.ReceptionDays(ctx, fx.CountyDispatcher, "")); len(days) != 0 {
		t.Fatalf("refused rows were written: %+v", days)
	}

	d := e.receptionDay()
	if err := rs.CreateReceptionDay(ctx, fx.CountyDispatcher, d); err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.LeaderName != fx.CountyLeader.Name || d.UnitName != fx.CountyCentre.Name || d.Published {
		t.Errorf("created %+v", d)
	}
	// A leader schedules their own day too.
	own := e.receptionDay()
	own.Day = pingan.Day(e.clock.Now().AddDate(0, 0, 8))
	if err := rs.CreateReceptionDay(ctx, fx.CountyLeader, own); err != nil {
		t.Fatal(err)
	}
	if pub := must[[]*pingan.PublicReceptionDay](t)(rs.PublicReceptionDays(ctx)); len(pub) != 0 {
		t.Errorf("unpublished days are public: %+v", pub)
	}
	if err := rs.PublishReceptionDay(ctx, fx.CountyDispatcher, d.ID, true); err != nil {
		t.Fatal(err)
	}
	pub := must[[]*pingan.PublicReceptionDay](t)(rs.PublicReceptionDays(ctx))
	want := pingan.PublicReceptionDay{LeaderName: fx.CountyLeader.Name, LeaderPost: "区委副书记", UnitName: fx.CountyCentre.Name,
		Day: d.Day, TimeFrom: "09:00", TimeTo: "11:30", Place: d.Place, Topic: d.Topic}
	if len(pub) != 1 || *pub[0] != want {
		t.Errorf("public days %+v, want %+v", pub, want)
	}

	// Another county sees none of it and cannot touch it.
	if days := must[[]*pingan.ReceptionDay](t)(rs.ReceptionDays(ctx, fx.OtherDispatcher, "")); len(days) != 0 {
		t.Errorf("another county sees %+v", days)
	}
	if err := rs.PublishReceptionDay(ctx, fx.OtherDispatcher, d.ID, false); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county withdraws: %v", err)
	}
	// An edit: the time moves; a bad edit changes nothing.
	edit := *d
	edit.TimeFrom, edit.TimeTo, edit.Published = "14:00", "17:00", true
	if err := rs.UpdateReceptionDay(ctx, fx.CountyLeader, &edit); err != nil {
		t.Fatal(err)
	}
	bad := edit
	bad.TimeTo = "13:00"
	wantReceptionFields(t, rs.UpdateReceptionDay(ctx, fx.CountyLeader, &bad), "time_to")
	days := must[[]*pingan.ReceptionDay](t)(rs.ReceptionDays(ctx, fx.CountyDispatcher, d.Day))
	if len(days) != 2 || days[0].ID != d.ID || days[0].TimeFrom != "14:00" || days[0].TimeTo != "17:00" || !days[0].Published {
		t.Errorf("after the edits: %+v", days[0])
	}
	// The day passes: it leaves the public list, and stays in the schedule.
	e.clock.Advance(72 * time.Hour)
	if pub := must[[]*pingan.PublicReceptionDay](t)(rs.PublicReceptionDays(ctx)); len(pub) != 0 {
		t.Errorf("a past day is still public: %+v", pub)
	}
	if days := must[[]*pingan.ReceptionDay](t)(rs.ReceptionDays(ctx, fx.CountyDispatcher, "")); len(days) != 2 {
		t.Errorf("%d days in the schedule", len(days))
	}
}

// petition files a petition matter in the village as the county's
// dispatcher.
func (e *env) petition(t *testing.T, title string) *pingan.Case {
	t.Helper()
	return e.report(t, e.fx.CountyDispatcher, e.fx.Village.Code, func(in *pingan.NewCase) {
		in.Kind, in.Category, in.Title, in.Source = pingan.KindPetition, "XF01", title, pingan.SourceVisit
	})
}

// A reception is recorded with its matters; its notes are sealed at rest,
// left out of the list and opened for one read, which is audited; a matter
// of another county, nobody received or a day to come is refused, naming
// the field, and writes nothing.
func testReceptionRecords(t *testing.T, e *env) {
	fx := e.fx
	rs := e.db.Receptions
	c := e.petition(t, "小区供暖不达标")
	other := e.report(t, fx.OtherDispatcher, fx.OtherVillage.Code)
	today := pingan.Day(e.clock.Now())
	const notes = "来访人张建国反映供暖问题，已约定下周回复"
	rec := func() *pingan.Reception {
		return &pingan.Reception{Kind: pingan.ReceptionAtCentre, Unit: fx.CountyCentre.Code, LeaderID: fx.CountyLeader.ID,
			HeldOn: today, Place: "接访室", People: 2, Notes: notes, Cases: []string{c.ID}}
	}
	for _, tc := range []struct {
		name   string
		mod    func(r *pingan.Reception)
		fields []string
	}{
		{"matter elsewhere", func(r *pingan.Reception) { r.Cases = append(r.Cases, other.ID) }, []string{"cases"}},
		{"no matter", func(r *pingan.Reception) { r.Cases = []string{"2026-620902-999999"} }, []string{"cases"}},
		{"nobody", func(r *pingan.Reception) { r.People = 0 }, []string{"people"}},
		{"future", func(r *pingan.Reception) { r.HeldOn = pingan.Day(e.clock.Now().AddDate(0, 0, 2)) }, []string{"held_on"}},
		{"kind", func(r *pingan.Reception) { r.Kind = "patrol" }, []string{"kind"}},
		{"no leader", func(r *pingan.Reception) { r.LeaderID = fx.Viewer.ID }, []string{"leader_id"}},
	} {
		r := rec()
		tc.mod(r)
		err := rs.CreateReception(ctx, fx.CountyDispatcher, r)
		t.Run(tc.name, func(t *testing.T) { wantReceptionFields(t, err, tc.fields...) })
	}
	if list := must[[]*pingan.Reception](t)(rs.Receptions(ctx, fx.CountyDispatcher)); len(list) != 0 {
		t.Fatalf("refused records were written: %+v", list)
	}

	r := rec()
	r.Kind = pingan.ReceptionVisitDown
	if err := rs.CreateReception(ctx, fx.CountyLeader, r); err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	if err := e.raw(t).QueryRowContext(ctx, `SELECT sealed FROM receptions WHERE id = $1`, r.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || bytes.Contains(sealed, []byte("张建国")) {
		t.Errorf("the notes are not sealed at rest: %q", sealed)
	}
	list := must[[]*pingan.Reception](t)(rs.Receptions(ctx, fx.CountyDispatcher))
	if len(list) != 1 || list[0].Notes != "" || !list[0].NotesMasked || !slices.Equal(list[0].Cases, []string{c.ID}) ||
		list[0].LeaderName != fx.CountyLeader.Name || list[0].Kind != pingan.ReceptionVisitDown {
		t.Errorf("list %+v", list[0])
	}
	audits := func() int {
		var n int
		if err := e.raw(t).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE action = 'read_reception' AND user_id = $1`,
			fx.CountyDispatcher.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := audits(); n != 0 {
		t.Errorf("%d audited reads before any", n)
	}
	one := must[*pingan.Reception](t)(rs.Reception(ctx, fx.CountyDispatcher, r.ID))
	if one.Notes != notes || one.People != 2 {
		t.Errorf("read %+v", one)
	}
	if n := audits(); n != 1 {
		t.Errorf("%d audited reads after one", n)
	}
	if _, err := rs.Reception(ctx, fx.OtherDispatcher, r.ID); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county reads: %v", err)
	}
	if _, err := rs.Receptions(ctx, fx.Viewer); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a viewer lists: %v", err)
	}
}

// The backlog holds the open petitions, not merged, reported more than
// backlog_days ago or petitioned backlog_repeats times, oldest first, with
// counts by 包案; a leader's list holds what they lead.
func testReceptionBacklogAndLed(t *testing.T, e *env) {
	fx := e.fx
	rs := e.db.Receptions
	raw := e.raw(t)
	old := e.petition(t, "征地补偿款未发放")
	repeated := e.petition(t, "小区噪音扰民")
	fresh := e.petition(t, "路灯不亮")
	merged := e.petition(t, "征地补偿款未发放（重复）")
	closed := e.petition(t, "拖欠工资")
	elsewhere := e.report(t, fx.OtherDispatcher, fx.OtherVillage.Code, func(in *pingan.NewCase) {
		in.Kind, in.Category, in.Title, in.Source = pingan.KindPetition, "XF01", "金塔县信访", pingan.SourceVisit
	})
	long := e.db.Dialect().BindTime(e.clock.Now().AddDate(0, 0, -pingan.DefaultPetitionSettings.BacklogDays-5))
	older := e.db.Dialect().BindTime(e.clock.Now().AddDate(0, 0, -pingan.DefaultPetitionSettings.BacklogDays-30))
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE cases SET reported_at = $1 WHERE id = $2`, long, old.ID)
	exec(`UPDATE cases SET reported_at = $1, pet_merged_as = 'repeat' WHERE id = $2`, older, merged.ID)
	exec(`UPDATE cases SET reported_at = $1, status = 'closed' WHERE id = $2`, older, closed.ID)
	exec(`UPDATE cases SET reported_at = $1 WHERE id = $2`, older, elsewhere.ID)
	exec(`UPDATE cases SET pet_repeats = $1 WHERE id = $2`, pingan.DefaultPetitionSettings.BacklogRepeats, repeated.ID)
	exec(`UPDATE cases SET pet_lead = $1, pet_lead_name = $2 WHERE id = $3`, fx.CountyLeader.ID, fx.CountyLeader.Name, old.ID)
	exec(`UPDATE cases SET pet_lead = $1, pet_lead_name = $2 WHERE id = $3`, fx.CountyLeader.ID, fx.CountyLeader.Name, fresh.ID)

	ids := func(items []*pingan.BacklogItem) []string {
		var out []string
		for _, b := range items {
			out = append(out, b.ID)
		}
		return out
	}
	b := must[*pingan.Backlog](t)(rs.Backlog(ctx, fx.CountyDispatcher, pingan.BacklogAll))
	if got, want := ids(b.Items), []string{old.ID, repeated.ID}; !slices.Equal(got, want) {
		t.Fatalf("backlog %v, want %v", got, want)
	}
	if b.Total != 2 || b.Led != 1 || b.Unled != 1 {
		t.Errorf("counts %d/%d/%d", b.Total, b.Led, b.Unled)
	}
	first := b.Items[0]
	if first.LeadName != fx.CountyLeader.Name || first.DaysOpen != pingan.DefaultPetitionSettings.BacklogDays+5 ||
		first.Number != old.Number || first.Title != old.Title {
		t.Errorf("the oldest: %+v", first)
	}
	if b.Items[1].Repeats != pingan.DefaultPetitionSettings.BacklogRepeats || b.Items[1].Led() {
		t.Errorf("the repeated: %+v", b.Items[1])
	}
	led := must[*pingan.Backlog](t)(rs.Backlog(ctx, fx.CountyDispatcher, pingan.BacklogLed))
	unled := must[*pingan.Backlog](t)(rs.Backlog(ctx, fx.CountyLeader, pingan.BacklogUnled))
	if !slices.Equal(ids(led.Items), []string{old.ID}) || !slices.Equal(ids(unled.Items), []string{repeated.ID}) || led.Total != 2 {
		t.Errorf("led %v, unled %v", ids(led.Items), ids(unled.Items))
	}
	if _, err := rs.Backlog(ctx, fx.CountyDispatcher, "maybe"); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("a bad filter: %v", err)
	}
	if ob := must[*pingan.Backlog](t)(rs.Backlog(ctx, fx.OtherDispatcher, "")); !slices.Equal(ids(ob.Items), []string{elsewhere.ID}) {
		t.Errorf("another county's backlog %v", ids(ob.Items))
	}
	// The configured rules decide when they are set: at 400 days the old
	// matter is not yet long-standing, at 2 repeats the repeated one is.
	rs.PetitionSettings = func(context.Context) (*pingan.PetitionSettings, error) {
		return &pingan.PetitionSettings{BacklogDays: 400, BacklogRepeats: 2}, nil
	}
	defer func() { rs.PetitionSettings = nil }()
	if b := must[*pingan.Backlog](t)(rs.Backlog(ctx, fx.CountyDispatcher, "")); !slices.Equal(ids(b.Items), []string{repeated.ID}) ||
		b.Settings.BacklogDays != 400 {
		t.Errorf("with the settings: %v", ids(b.Items))
	}

	// 我的包案: the county's leader leads two matters, the city's none.
	mine := must[[]*pingan.BacklogItem](t)(rs.Led(ctx, fx.CountyLeader))
	if got := ids(mine); len(got) != 2 || !slices.Contains(got, old.ID) || !slices.Contains(got, fresh.ID) {
		t.Errorf("led %v", got)
	}
	for _, m := range mine {
		if m.LastAction == "" || m.LastActionAt == nil || m.Deadline == nil {
			t.Errorf("led matter without its latest step or deadline: %+v", m)
		}
	}
	if n := must[[]*pingan.BacklogItem](t)(rs.Led(ctx, fx.CityLeader)); len(n) != 0 {
		t.Errorf("the city's leader leads %v", ids(n))
	}
	if _, err := rs.Led(ctx, fx.CountyDispatcher); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a dispatcher's 包案: %v", err)
	}
}
