package api_test

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The register over the API (docs/api.md "Key sites"): a site added and
// listed with its contact masked, revealed on a POST; an inspection with a
// failed item without its photo is 400 naming items[1].photo, with it 201
// and a hazard case; the register downloads as a workbook; a JSON import
// names its bad row; /stats carries the month's inspections.
func TestSitesAPI(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	e := &env{t: t, db: db, fx: fx, clock: clock, h: api.New(sweepConfig(db, clock)).Handler(), tokens: map[string]string{}}

	a := e.do("POST", "/api/v1/sites", "sz-dispatcher", `{"name":"富康燃气储配站","type":"hazard_source","level":2,
		"location":{"lat":39.755,"lng":98.505},"department":"620902-zjj","contact":{"name":"王建国","phone":"13812345678"}}`)
	if a.status != http.StatusCreated {
		t.Fatalf("add: %d %s", a.status, a.raw)
	}
	id := fmt.Sprint(a.body["id"])
	if a := e.do("POST", "/api/v1/sites", "sz-dispatcher", `{"name":"某学校","type":"school","level":2,
		"location":{"lat":39.755,"lng":98.505},"department":"620902-zjj"}`); a.status != 400 || a.errFields()["level"] == nil {
		t.Errorf("a school with a level: %d %s", a.status, a.raw)
	}
	list := e.do("GET", "/api/v1/sites?type=hazard_source", "sz-dispatcher", "")
	if list.status != 200 || !contains(list.raw, "王**") || contains(list.raw, "王建国") {
		t.Errorf("the list: %d %s", list.status, list.raw)
	}
	if c := e.do("POST", "/api/v1/sites/"+id+"/contact", "sz-dispatcher", ""); c.status != 200 || str(c.body, "name") != "王建国" {
		t.Errorf("the reveal: %d %s", c.status, c.raw)
	}
	if c := e.do("POST", "/api/v1/sites/"+id+"/contact", "sz-viewer", ""); c.status != http.StatusForbidden {
		t.Errorf("a viewer's reveal: %d %s", c.status, c.raw)
	}
	if c := e.do("GET", "/api/v1/sites/"+id, "jt-dispatcher", ""); c.status != http.StatusNotFound {
		t.Errorf("another county reads the site: %d", c.status)
	}

	photo := base64.StdEncoding.EncodeToString(storetest.PNG("罐区"))
	items := func(withPhoto bool) string {
		p := ""
		if withPhoto {
			p = fmt.Sprintf(`,"photo":{"name":"a.png","data":%q}`, photo)
		}
		return `{"items":[{"seq":1,"ok":true},{"seq":2,"ok":false,"major":true,"note":"报警器失灵"` + p + `},{"seq":3,"ok":true},{"seq":4,"ok":true},{"seq":5,"ok":true}]}`
	}
	if r := e.do("POST", "/api/v1/sites/"+id+"/inspections", "fk-grid", items(false)); r.status != 400 || r.errFields()["items[1].photo"] == nil {
		t.Errorf("a failed item without its photo: %d %s", r.status, r.raw)
	}
	r := e.do("POST", "/api/v1/sites/"+id+"/inspections", "fk-grid", items(true))
	if r.status != http.StatusCreated || !contains(r.raw, `"case":"`) {
		t.Fatalf("the inspection: %d %s", r.status, r.raw)
	}
	if l := e.do("GET", "/api/v1/sites/"+id+"/inspections", "sz-dispatcher", ""); l.status != 200 || !contains(l.raw, "报警器失灵") {
		t.Errorf("the inspections: %d %s", l.status, l.raw)
	}

	x := sweepControlAnswer(e, "/api/v1/sites?format=xlsx", "sz-dispatcher")
	if x.Code != 200 || x.Header().Get("Content-Type") != sheet.MediaType {
		t.Errorf("the workbook: %d %s", x.Code, x.Header().Get("Content-Type"))
	}

	bad := e.do("POST", "/api/v1/sites/import", "sz-dispatcher", `{"rows":[{"row":3,"site":{"name":"富康小学","type":"school",
		"location":{"lat":39.752,"lng":98.515},"department":"620902-zjj"}},{"row":4,"site":{"name":"某处","type":"castle",
		"location":{"lat":39.752,"lng":98.515},"department":"620902-zjj"}}]}`)
	if bad.status != 400 || bad.errFields()["rows[4].type"] == nil || len(bad.errFields()) != 1 {
		t.Errorf("a bad row: %d %s", bad.status, bad.raw)
	}

	st := e.do("GET", "/api/v1/stats?unit=620902&from=2026-03-01&to=2026-03-31", "sz-dispatcher", "")
	ins, _ := st.body["inspections"].(map[string]any)
	total, _ := ins["total"].(map[string]any)
	if st.status != 200 || total["done"] != float64(1) || total["failed"] != float64(1) {
		t.Errorf("/stats inspections: %d %v", st.status, ins)
	}
}

// sweepControlAnswer sends a GET whose answer is a file.
func sweepControlAnswer(e *env, path, user string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+e.token(user))
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
