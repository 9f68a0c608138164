package web

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A grid worker registers a visit by many as a petition on the phone: the
// registration shows for a petition category only, received today by a
// visit unless changed; a day received in the future is refused and told
// beside the registration, the representatives kept; corrected and sent
// offline, the outbox keeps the registration and both representatives and
// sends them when the connection returns. The stored case holds the
// channel, the people and the two representatives, sealed at rest.
func TestBrowserPhonePetition(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	clock := storetest.NewClock(storetest.Epoch)
	dsn := filepath.Join(t.TempDir(), "pingan.db")
	e := newEnvOn(t, storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock}), clock)
	base, dir := e.ts.URL, shots(t)
	now := e.clock.Now().In(pingan.CST)
	today := pingan.Day(now)
	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "phone page", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))
	category := func(code string) {
		t.Helper()
		js[bool](t, ctx, `(function () { var s = document.getElementById('m-category'); s.value = '`+code+`';
			s.dispatchEvent(new Event('change')); return true; })()`)
	}
	shown := `!document.getElementById('m-petition').hidden && !document.getElementById('m-petition-fields').disabled`
	if js[bool](t, ctx, shown) {
		t.Error("the petition's registration shows before a category is chosen")
	}
	category("FW03")
	if js[bool](t, ctx, shown) {
		t.Error("the petition's registration shows for a service category")
	}
	category("XF01")
	waitFor(t, ctx, "the registration", shown)
	if ch, day := phoneValue(t, ctx, "petition-channel"), phoneValue(t, ctx, "petition-received_on"); ch != "visit" || day != today {
		t.Errorf("registration defaults: channel %q received %q, want visit %s", ch, day, today)
	}
	tomorrow := now.AddDate(0, 0, 1).Format("2006-01-02")
	do(t, ctx, "a visit by eight",
		chromedp.SetValue(chromedp.ID("m-description"), "八位村民来访反映村道硬化工程款未结清"),
		chromedp.SetValue(chromedp.ID("petition-people"), "8"),
		chromedp.SetValue(chromedp.ID("petition-received_on"), tomorrow),
		chromedp.SetValue(chromedp.ID("rep-1-name"), "钱七"),
		chromedp.SetValue(chromedp.ID("rep-1-phone"), "13900002222"),
		chromedp.SetValue(chromedp.ID("rep-1-id_number"), "620902199001011234"),
		chromedp.WaitVisible(chromedp.ID("reps-add")),
		chromedp.Click(chromedp.ID("reps-add")),
		chromedp.WaitVisible(chromedp.ID("rep-2-name")),
		chromedp.SetValue(chromedp.ID("rep-2-name"), "孙八"),
		chromedp.SetValue(chromedp.ID("rep-2-phone"), "13900003333"),
		chromedp.Click(chromedp.ID("m-submit")))

	// Refused: told beside the registration, nothing filed, all kept.
	waitFor(t, ctx, "the refusal at the registration", `!document.getElementById('m-err-petition').hidden`)
	if msg, marked := phoneMark(t, ctx, "petition"); msg != pingan.Text(pingan.ZH, "petition.received.future") || !marked {
		t.Errorf("the registration's error: %q marked %v", msg, marked)
	}
	if n := casesLike(t, e, "村道硬化工程款"); n != 0 {
		t.Fatalf("%d cases of a refused report", n)
	}
	if got := phoneValue(t, ctx, "rep-2-name"); got != "孙八" {
		t.Errorf("the second representative after the refusal: %q", got)
	}
	shot(t, ctx, dir, "phone-petition-refused")

	// Corrected and sent offline: kept with everything, sent once back online.
	phoneOffline(t, ctx, true)
	do(t, ctx, "correct offline", chromedp.SetValue(chromedp.ID("petition-received_on"), today), chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "one waiting", `document.getElementById('outbox-n').textContent === '1' && document.getElementById('m-description').value === ''`)
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`new Promise(function (ok) {
		var r = indexedDB.open('pingan-outbox');
		r.onsuccess = function () { r.result.transaction('reports').objectStore('reports').getAll().onsuccess = function (e) {
			ok(e.target.result[0].fields.filter(function (kv) { return kv[0].indexOf('representatives.') === 0 || kv[0].indexOf('petition.') === 0; })
				.map(function (kv) { return kv[0] + '=' + kv[1]; })); }; };
	})`, chromedp.EvalAwaitPromise))
	if err != nil || len(kept) < 6 {
		t.Errorf("the outbox keeps of the registration only %v (%v)", kept, err)
	}
	if n := casesLike(t, e, "村道硬化工程款"); n != 0 {
		t.Fatalf("%d cases reached the server while offline", n)
	}
	phoneOffline(t, ctx, false)
	waitFor(t, ctx, "sent", `document.getElementById('outbox').hidden && document.getElementById('m-message').textContent.indexOf('`+pingan.Text(pingan.ZH, "m.sent.js")+`') >= 0`)
	shot(t, ctx, dir, "phone-petition-sent")

	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: "村道硬化工程款"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("%d cases (%v), want 1", len(cs), err)
	}
	c, err := e.db.Cases.FindCase(context.Background(), e.fx.CountyDispatcher, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Petition
	if c.Kind != pingan.KindPetition || p == nil || p.Channel != pingan.PetitionVisit || p.People != 8 || pingan.Day(p.ReceivedOn) != today {
		t.Fatalf("filed: kind %s petition %+v", c.Kind, p)
	}
	reps := map[string]string{}
	for _, x := range c.Parties {
		if x.Role == pingan.PartyRepresentative {
			reps[x.Name] = x.Phone + " " + x.IDNumber
		}
	}
	if len(reps) != 2 || reps["钱七"] != "13900002222 620902199001011234" || reps["孙八"] != "13900003333 " {
		t.Errorf("representatives %v", reps)
	}
	// Sealed at rest: the database's files hold neither name nor number.
	filepath.WalkDir(filepath.Dir(dsn), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			for _, s := range []string{"钱七", "孙八", "620902199001011234", "13900003333"} {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s holds %s in clear", filepath.Base(path), s)
				}
			}
		}
		return nil
	})
}
