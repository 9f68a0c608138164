package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Tests of the holes found by attacking the landed server: personal data
// read whole by roles that should read it masked, a county administrator
// changing the deadlines of every county, a photo of another county read
// through one's own case by its sum. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PersonalByRole", testPersonalByRole},
		{"CategoriesTopAdminOnly", testCategoriesTopAdminOnly},
		{"AttachOnlyOwnUploads", testAttachOnlyOwnUploads},
		{"FilesSealedAtRest", testFilesSealedAtRest},
	}...)
}

// addUser creates a user of the fixture's password.
func (e *env) addUser(t *testing.T, username, unit string, roles ...pingan.Role) *pingan.User {
	t.Helper()
	u := &pingan.User{Username: username, Name: username, UnitCode: unit, Roles: roles}
	if err := e.db.Users.CreateUser(ctx, u, storetest.Password); err != nil {
		t.Fatal(err)
	}
	return u
}

// pngPhoto is a small PNG with bytes of its own, so that each test's photo
// has its own sum.
func pngPhoto(mark string) []byte {
	return storetest.PNG(mark)
}

// One rule says who reads personal data whole (pingan.SeesPersonal), and
// FindCase applies it for every interface; each read is audited with
// whether it was masked.
func testPersonalByRole(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "", withPersons)
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	neighbour := e.addUser(t, "fk-grid-2", fx.Village.Code, pingan.RoleGridWorker)
	before := len(must[[]*pingan.AuditEntry](t)(e.db.Audit.Audit(ctx, c.ID)))

	for _, tc := range []struct {
		u     *pingan.User
		whole bool
	}{
		{fx.CountyDispatcher, true},
		{fx.TownshipDispatcher, true},
		{fx.CityDispatcher, true},
		{fx.CountyLeader, true},
		{fx.CityLeader, true},
		{fx.Mediator, true},
		{fx.CountyHandler, true}, // the case is assigned to 住建局
		{fx.GridWorker, true},    // the reporter
		{fx.TownshipHandler, false},
		{neighbour, false},
		{fx.Viewer, false},
		{fx.Assessor, false},
		{fx.Admin, false},
	} {
		got, err := e.db.Cases.FindCase(ctx, tc.u, c.ID)
		if err != nil {
			t.Fatalf("%s: %v", tc.u.Username, err)
		}
		whole := got.Reporter != nil && *got.Reporter == *reporter && reflect.DeepEqual(got.Parties, parties)
		masked := got.Reporter != nil && *got.Reporter == reporter.Masked() && len(got.Parties) == 2 &&
			got.Parties[1] == parties[1].Masked()
		if tc.whole && (!whole || got.PersonalMasked) || !tc.whole && (!masked || !got.PersonalMasked) {
			t.Errorf("%s reads %+v %+v (masked %v), want whole %v", tc.u.Username, got.Reporter, got.Parties, got.PersonalMasked, tc.whole)
		}
		audit := must[[]*pingan.AuditEntry](t)(e.db.Audit.Audit(ctx, c.ID))
		if len(audit) != before+1 {
			t.Fatalf("%s: %d audit rows after the read, want %d", tc.u.Username, len(audit), before+1)
		}
		before++
		if a := audit[len(audit)-1]; a.Action != "read_personal" || a.UserID != tc.u.ID || a.Masked == tc.whole {
			t.Errorf("%s: audit row %+v, want masked %v", tc.u.Username, a, !tc.whole)
		}
	}
	// Outside the jurisdiction: nothing, and nothing audited.
	if _, err := e.db.Cases.FindCase(ctx, fx.OtherDispatcher, c.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("another county reads the case: %v", err)
	}
	if audit := must[[]*pingan.AuditEntry](t)(e.db.Audit.Audit(ctx, c.ID)); len(audit) != before {
		t.Errorf("a refused read was audited: %+v", audit[len(audit)-1])
	}
	// Once the case is returned, the handler of the department no longer
	// sees it at all.
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本单位职责"})
	if _, err := e.db.Cases.FindCase(ctx, fx.CountyHandler, c.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("handler reads a case returned from their unit: %v", err)
	}
}

// Categories and their deadline policies hold for every county: only an
// administrator of the whole tree changes them.
func testCategoriesTopAdminOnly(t *testing.T, e *env) {
	fx := e.fx
	countyAdmin := e.addUser(t, "jt-admin", fx.OtherCounty.Code, pingan.RoleAdmin)
	cityAdmin := e.addUser(t, "jq-admin", fx.City.Code, pingan.RoleAdmin)
	policyOf := func() pingan.Policy {
		for _, c := range must[[]*pingan.Category](t)(e.db.Categories.Categories(ctx)) {
			if c.Code == "0102" {
				return c.Policy
			}
		}
		t.Fatal("no category 0102")
		return pingan.Policy{}
	}
	old := policyOf()
	changed := &pingan.Category{Code: "0102", Kind: pingan.KindDispute, Name: "邻里纠纷", Parent: "01",
		Policy: pingan.Policy{Sign: pingan.Period{N: 1, Unit: "hours"}, Resolve: pingan.Period{N: 1, Unit: "calendar"}}}
	for _, u := range []*pingan.User{countyAdmin, cityAdmin, fx.CountyDispatcher, fx.CityLeader} {
		c := *changed
		wantCode(t, e.db.Categories.SaveCategory(ctx, u, &c), pingan.EFORBIDDEN)
		// Forbidden comes before the fields are judged.
		bad := pingan.Category{Code: "0102"}
		wantCode(t, e.db.Categories.SaveCategory(ctx, u, &bad), pingan.EFORBIDDEN)
		if got := policyOf(); got != old {
			t.Fatalf("%s changed the policy of 0102 to %+v", u.Username, got)
		}
	}
	// The administrator of the province, the top unit, may; so may the
	// command line (nil).
	c := *changed
	if err := e.db.Categories.SaveCategory(ctx, fx.Admin, &c); err != nil {
		t.Fatal(err)
	}
	if got := policyOf(); got != changed.Policy {
		t.Errorf("policy after the top administrator's change: %+v", got)
	}
	c = *changed
	c.Policy = old
	if err := e.db.Categories.SaveCategory(ctx, nil, &c); err != nil {
		t.Fatal(err)
	}
	// Nor may a county administrator add a category.
	n := pingan.Category{Code: "0199", Kind: pingan.KindDispute, Name: "其他", Policy: old}
	wantCode(t, e.db.Categories.SaveCategory(ctx, countyAdmin, &n), pingan.EFORBIDDEN)
}

// An attachment by reference must be a file already attached to a case
// the actor sees; any other sum is refused with the same answer whether
// such a file exists or not.
func testAttachOnlyOwnUploads(t *testing.T, e *env) {
	fx := e.fx
	theirs := e.report(t, fx.OtherGridWorker, fx.OtherVillage.Code)
	photo := pngPhoto("金塔村现场")
	ref := storetest.AttachPhoto(t, e.db.Cases, fx.OtherGridWorker, theirs.ID, photo)
	if !strings.HasPrefix(ref, "sha256:") || len(ref) != 71 {
		t.Fatalf("reference %q", ref)
	}
	sum := strings.TrimPrefix(ref, "sha256:")
	if got := must[[]byte](t)(e.db.Cases.CaseFile(ctx, fx.OtherDispatcher, theirs.ID, sum)); !bytes.Equal(got, photo) {
		t.Errorf("the other county's dispatcher reads %d bytes", len(got))
	}

	mine := e.report(t, fx.GridWorker, "")
	madeUp := "sha256:" + strings.Repeat("ab", 32)
	var answers []*pingan.Error
	for _, r := range []string{ref, madeUp, "sha256:xyz", "../../etc/passwd"} {
		_, err := e.db.Cases.Act(ctx, fx.GridWorker, mine.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "照片", Attachments: []string{r}})
		pe := wantCode(t, err, pingan.EINVALID)
		wantKey(t, pe, "attachments", "attachment.refused")
		answers = append(answers, pe)
	}
	if !reflect.DeepEqual(answers[0], answers[1]) {
		t.Errorf("another county's photo answers %+v, a made-up sum %+v", answers[0], answers[1])
	}
	// Nothing was attached: the photo is not read through one's own case.
	if n := len(e.timeline(t, mine.ID)); n != 1 {
		t.Errorf("%d timeline entries after refused attachments", n)
	}
	for _, u := range []*pingan.User{fx.GridWorker, fx.CountyDispatcher, fx.Admin} {
		if _, err := e.db.Cases.CaseFile(ctx, u, mine.ID, sum); code(err) != pingan.ENOTFOUND {
			t.Errorf("%s reads the photo through case %s: %v", u.Username, mine.ID, err)
		}
	}
	// Nor through the other county's case: outside the jurisdiction.
	if _, err := e.db.Cases.CaseFile(ctx, fx.CountyDispatcher, theirs.ID, sum); code(err) != pingan.ENOTFOUND {
		t.Errorf("a dispatcher of 肃州区 reads 金塔's photo: %v", err)
	}

	// One's own photo attaches, and again by reference; the same photo
	// brought twice is kept once.
	own := storetest.AttachPhoto(t, e.db.Cases, fx.GridWorker, mine.ID, pngPhoto("富康社区现场"))
	e.act(t, fx.GridWorker, mine.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "现场照片", Attachments: []string{own, own}})
	if again := storetest.AttachPhoto(t, e.db.Cases, fx.GridWorker, mine.ID, pngPhoto("富康社区现场")); again != own {
		t.Errorf("the same photo twice: %s, then %s", own, again)
	}
	if got := must[[]byte](t)(e.db.Cases.CaseFile(ctx, fx.CountyDispatcher, mine.ID, strings.TrimPrefix(own, "sha256:"))); !bytes.Equal(got, pngPhoto("富康社区现场")) {
		t.Error("own photo not served")
	}
	var kept int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM files WHERE sum = $1`, strings.TrimPrefix(own, "sha256:")).Scan(&kept); err != nil || kept != 1 {
		t.Errorf("the same photo kept %d times (%v)", kept, err)
	}
	// A photo already attached to a case the user sees may go on another.
	second := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, second.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "同一现场", Attachments: []string{own}})
	// A citizen's photo goes with their report.
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Category: "FW01", Title: "路灯坏了",
		Unit: fx.Village.Code, Photos: []pingan.Upload{{Name: "a.png", Data: pngPhoto("群众拍摄")}}})
	if err != nil {
		t.Fatal(err)
	}
	cit := sumOf(pngPhoto("群众拍摄"))
	if got, err := e.db.Cases.CaseFile(ctx, fx.CountyDispatcher, receipt.Number, cit); err != nil || !bytes.Equal(got, pngPhoto("群众拍摄")) {
		t.Errorf("citizen's photo: %v", err)
	}
	// Too many attachments at once.
	many := make([]string, pingan.MaxAttachments+1)
	for i := range many {
		many[i] = own
	}
	_, err = e.db.Cases.Act(ctx, fx.GridWorker, mine.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "x", Attachments: many})
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "attachments"), "至多 20 个") {
		t.Errorf("too many attachments: %+v", pe)
	}
}

// sumOf answers the hex SHA-256 of data.
func sumOf(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// Photos are sealed at rest like personal data: the database holds no
// plain copy.
func testFilesSealedAtRest(t *testing.T, e *env) {
	photo := pngPhoto("封存的照片 sealed photo bytes")
	c := e.report(t, e.fx.GridWorker, "")
	ref := storetest.AttachPhoto(t, e.db.Cases, e.fx.GridWorker, c.ID, photo)
	var name string
	var size int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT name, size FROM files WHERE sum = $1 AND content IS NULL`,
		strings.TrimPrefix(ref, "sha256:")).Scan(&name, &size); err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(filepath.Join(e.files, name[:2], name))
	if err != nil {
		t.Fatal(err)
	}
	if size != len(photo) || len(content) <= len(photo) || bytes.Contains(content, []byte("sealed photo bytes")) {
		t.Errorf("stored %d bytes for a photo of %d: %q", len(content), size, content)
	}
}
