package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The browser tests drive Debian's Chromium headless through the pages
// people use. They are skipped with a message when Chromium is not
// installed, except in CI (CI=true), where that is a failure. Screenshots
// of the main pages go to $PINGAN_SCREENSHOTS, or to the test's temporary
// directory.
//
// One Chromium serves the whole package: the first browser test starts it,
// TestMain closes it. Each test gets a tab of its own in a new browser
// context (its own cookies, storage, service workers and permissions), which
// is closed with the test; the tests stay serial.

const chromiumPath = "/usr/bin/chromium"

// chromium is the package's one browser, started on first use.
var chromium struct {
	once sync.Once
	ctx  context.Context // the browser's first tab; the browser lives as long as it
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// startChromium starts the shared browser once and returns its first tab's
// context, from which each test opens its own tab.
func startChromium() (context.Context, error) {
	chromium.once.Do(func() {
		profile, err := os.MkdirTemp("", "pingan-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("lang", "zh-CN"),
			chromedp.UserDataDir(profile),
			chromedp.WindowSize(1280, 900),
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(alloc)
		chromium.stop = func() { cancelCtx(); cancelAlloc(); os.RemoveAll(profile) }
		// The first Do starts the browser, bound to ctx, which has no timeout.
		if err := chromedp.Do(ctx); err != nil {
			chromium.err = err
			return
		}
		chromium.ctx = ctx
	})
	return chromium.ctx, chromium.err
}

func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s in CI: apt-get install -y chromium", chromiumPath)
		}
		t.Skipf("browser tests skipped: %s not found (apt-get install -y chromium to run them)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	browserCtx, err := startChromium()
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// grantGeolocation lets the test's browser context read the (overridden)
// position on base's pages.
func grantGeolocation(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
		Origin: base, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil {
		t.Fatalf("grant geolocation: %v", err)
	}
}

// shots is where screenshots go.
func shots(t *testing.T) string {
	if d := os.Getenv("PINGAN_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}

func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil {
			return strings.TrimSpace(s)
		}
		// A node found as a page still loading can be gone from the
		// document by the time its text is read: read it again.
		if time.Now().After(deadline) || ctx.Err() != nil || !strings.Contains(err.Error(), "No node with given id") {
			t.Fatalf("text of %s: %v", sel, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor waits until the JavaScript expression is true.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		// A poll that a navigation interrupts is tried again on the new page.
		if time.Now().After(deadline) || ctx.Err() != nil || !strings.Contains(err.Error(), "navigated") &&
			!strings.Contains(err.Error(), "context") && !strings.Contains(err.Error(), "not found") {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func waitStatus(t *testing.T, ctx context.Context, sel string, want pingan.Status) {
	t.Helper()
	waitFor(t, ctx, "status "+string(want),
		fmt.Sprintf(`(document.querySelector(%q) || {}).textContent === %q`, sel, want.Label()))
}

// waitOutboxEmpty waits until the phone page's outbox (the IndexedDB
// store pingan-outbox/reports) holds no report, pending or refused: from
// then on, the page has nothing to send and nothing to show in the outbox.
// A database that does not exist yet is left uncreated and counts as empty.
func waitOutboxEmpty(t *testing.T, ctx context.Context) {
	t.Helper()
	waitFor(t, ctx, "the outbox to be empty", `new Promise(function (answer) {
		var fresh = false, r = indexedDB.open('pingan-outbox');
		r.onupgradeneeded = function () { fresh = true; r.transaction.abort(); };
		r.onerror = function () { answer(fresh); };
		r.onsuccess = function () {
			var db = r.result;
			if (!db.objectStoreNames.contains('reports')) { db.close(); answer(false); return; }
			var n = db.transaction('reports', 'readonly').objectStore('reports').count();
			n.onsuccess = function () { db.close(); answer(n.result === 0); };
			n.onerror = function () { db.close(); answer(false); };
		};
	})`)
}

func browserLogin(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	do(t, ctx, "login "+username,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SetValue(chromedp.ID("username"), username),
		chromedp.SetValue(chromedp.ID("password"), storetest.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("logout")))
}

func browserLogout(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "logout", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login-submit")))
}

func writePNG(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(p, pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The closed loop in a browser: a citizen reports; the dispatcher
// registers and dispatches; the handler signs and resolves; the dispatcher
// closes; the citizen rates; the dashboard's numbers follow.
func TestBrowserClosedLoop(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	base, dir, photo := e.ts.URL, shots(t), writePNG(t)
	metric := func(id string) string { return text(t, ctx, "#metric-"+id+" .value") }

	// The dashboard before.
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.ID("metric-received")))
	if got := metric("received"); got != "0" {
		t.Errorf("received before: %s", got)
	}
	browserLogout(t, ctx)

	// A citizen reports a broken street lamp.
	do(t, ctx, "public report",
		chromedp.Navigate(base+"/public/report"),
		chromedp.WaitVisible(chromedp.ID("public-form")),
		chromedp.SetValue(chromedp.ID("category"), "FW01"),
		chromedp.SetValue(chromedp.ID("unit"), "620902001001"),
		chromedp.SetValue(chromedp.ID("title"), "富康小区 3 栋路灯不亮"),
		chromedp.SetValue(chromedp.ID("description"), "3 栋门前路灯一周不亮，晚上出行不便。"),
		chromedp.SetValue(chromedp.ID("address"), "富康小区 3 栋"),
		chromedp.SetValue(chromedp.ID("reporter_name"), "王五"),
		chromedp.SetValue(chromedp.ID("reporter_phone"), "13700002222"),
		chromedp.SetUploadFiles(chromedp.ID("photos"), []string{photo}))
	shot(t, ctx, dir, "01-public-report")
	do(t, ctx, "send report", chromedp.Click(chromedp.ID("public-submit")), chromedp.WaitVisible(chromedp.ID("receipt-number")))
	number, code := text(t, ctx, "#receipt-number"), text(t, ctx, "#receipt-code")
	if !strings.HasPrefix(number, "2026-620902-") || len(code) != 8 {
		t.Fatalf("receipt %q %q", number, code)
	}
	shot(t, ctx, dir, "02-public-receipt")

	// The dispatcher registers and dispatches it.
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "inbox", chromedp.Navigate(base+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`a[href="/cases/`+number+`"]`)))
	shot(t, ctx, dir, "03-inbox-dispatcher")
	do(t, ctx, "open case", chromedp.Click(chromedp.CSS(`a[href="/cases/`+number+`"]`)), chromedp.WaitVisible(chromedp.ID("case-status")))
	waitStatus(t, ctx, "#case-status", pingan.StatusReported)
	shot(t, ctx, dir, "04-case-reported")
	do(t, ctx, "accept", chromedp.Click(chromedp.CSS(`#act-accept button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusAccepted)
	do(t, ctx, "dispatch",
		chromedp.WaitReady(chromedp.ID("dispatch-to_unit")), // hidden behind the unit picker, still what is sent
		chromedp.SetValue(chromedp.ID("dispatch-to_unit"), "620902-zjj"),
		chromedp.Click(chromedp.CSS(`#act-dispatch button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusDispatched)
	browserLogout(t, ctx)

	// The housing bureau signs and resolves it.
	browserLogin(t, ctx, base, e.fx.CountyHandler.Username)
	do(t, ctx, "handler inbox", chromedp.Navigate(base+"/inbox?tab=sign"), chromedp.WaitVisible(chromedp.CSS(`a[href="/cases/`+number+`"]`)))
	shot(t, ctx, dir, "05-inbox-handler")
	do(t, ctx, "sign", chromedp.Navigate(base+"/cases/"+number), chromedp.WaitVisible(chromedp.ID("act-sign")),
		chromedp.Click(chromedp.CSS(`#act-sign button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusInProgress)
	do(t, ctx, "resolve",
		chromedp.WaitVisible(chromedp.ID("resolve-result")),
		chromedp.SetValue(chromedp.ID("resolve-result"), "已更换路灯灯泡，恢复照明。"),
		chromedp.SetUploadFiles(chromedp.ID("resolve-photos"), []string{photo}),
		chromedp.Click(chromedp.CSS(`#act-resolve button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusResolved)
	shot(t, ctx, dir, "06-case-resolved")
	browserLogout(t, ctx)

	// The dispatcher verifies and closes it.
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "close", chromedp.Navigate(base+"/cases/"+number), chromedp.WaitVisible(chromedp.ID("act-close")),
		chromedp.Click(chromedp.CSS(`#act-close button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusClosed)
	shot(t, ctx, dir, "07-case-closed")
	browserLogout(t, ctx)

	// The citizen follows it and rates it.
	do(t, ctx, "public status", chromedp.Navigate(base+statusLink(number, code)), chromedp.WaitVisible(chromedp.ID("rate")))
	waitStatus(t, ctx, "#public-status", pingan.StatusClosed)
	do(t, ctx, "rate",
		chromedp.Click(chromedp.CSS(`#rate input[value="satisfied"]`)),
		chromedp.SetValue(chromedp.ID("note"), "修得很快，谢谢！"),
		chromedp.Click(chromedp.ID("rate-submit")),
		chromedp.WaitVisible(chromedp.ID("public-rating")))
	if got := text(t, ctx, "#public-rating"); got != "满意" {
		t.Errorf("rating shown %q", got)
	}
	shot(t, ctx, dir, "08-public-rated")

	// The dashboard after.
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "dashboard after", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.ID("metric-received")))
	for id, want := range map[string]string{"received": "1", "resolution": "100.0%", "on_time": "100.0%", "satisfaction": "100.0%", "escalation": "0.0%"} {
		if got := metric(id); got != want {
			t.Errorf("%s after: %s, want %s", id, got, want)
		}
	}
	shot(t, ctx, dir, "09-dashboard")
	// The language switch, remembered from page to page.
	do(t, ctx, "english", chromedp.Click(chromedp.ID("lang")), chromedp.WaitVisible(chromedp.ID("metric-received")))
	do(t, ctx, "english inbox", chromedp.Navigate(base+"/inbox?tab=all"), chromedp.WaitVisible(chromedp.ID("tab-all")))
	if got := text(t, ctx, "nav.main a[aria-current]"); got != "Inbox" {
		t.Errorf("navigation after the switch: %q", got)
	}
	shot(t, ctx, dir, "10-inbox-en")
	do(t, ctx, "english case", chromedp.Navigate(base+"/cases/"+number), chromedp.WaitVisible(chromedp.ID("timeline")))
	shot(t, ctx, dir, "11-case-en")
}

// The grid worker's phone page on a 360×740 screen: position from the
// phone, a report made offline is kept and sent once back online.
func TestBrowserGridWorkerOffline(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	base, dir, photo := e.ts.URL, shots(t), writePNG(t)
	do(t, ctx, "phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	grantGeolocation(t, ctx, base)
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
		Latitude: new(39.7551), Longitude: new(98.5052), Accuracy: new(12.0)}); err != nil {
		t.Fatalf("geolocation: %v", err)
	}
	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "phone page", chromedp.WaitVisible(chromedp.ID("quick")))
	waitFor(t, ctx, "the position", `document.getElementById('m-lat').value !== ''`)
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the phone page scrolls sideways at 360 px (%v)", err)
	}
	tall, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById('m-submit').getBoundingClientRect().height`))
	if err != nil || tall < 44 {
		t.Errorf("the send button is %v px high, want ≥ 44 (%v)", tall, err)
	}
	shot(t, ctx, dir, "20-phone")

	// Offline: the report stays on the phone.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	setOffline := func(off bool) {
		t.Helper()
		var conds []*network.Conditions
		if off {
			conds = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule,
			network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}); err != nil {
			t.Fatalf("network conditions: %v", err)
		}
		if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
			t.Fatalf("network state: %v", err)
		}
	}
	setOffline(true)
	waitFor(t, ctx, "offline", `navigator.onLine === false`)
	do(t, ctx, "offline report",
		chromedp.SetValue(chromedp.ID("m-category"), "FW03"),
		chromedp.SetValue(chromedp.ID("m-description"), "河道边垃圾堆积，气味较大"),
		chromedp.SetUploadFiles(chromedp.ID("m-photo"), []string{photo}),
		chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "the outbox", `!document.getElementById('outbox').hidden && document.getElementById('outbox-n').textContent === '1'`)
	shot(t, ctx, dir, "21-phone-offline")
	found := func() []*pingan.Case {
		cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.GridWorker, pingan.CaseFilter{Q: "河道边垃圾堆积"})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	if n := len(found()); n != 0 {
		t.Fatalf("%d cases reached the server while offline", n)
	}

	// Back online: sent once.
	setOffline(false)
	waitFor(t, ctx, "the outbox to empty", `document.getElementById('outbox').hidden && document.getElementById('m-message').textContent.indexOf('已上报') >= 0`)
	shot(t, ctx, dir, "22-phone-sent")
	cs := found()
	if len(cs) != 1 {
		t.Fatalf("%d cases after going online, want 1", len(cs))
	}
	c := cs[0]
	if c.Source != pingan.SourceGridWorker || c.Location == nil || c.Location.Lat != 39.7551 {
		t.Errorf("sent case: source %s, location %v", c.Source, c.Location)
	}
	if c.Grid != "620902001001-01" {
		t.Errorf("sent case placed in grid %q, want 620902001001-01", c.Grid)
	}
	tl, err := e.db.Cases.Timeline(context.Background(), e.fx.GridWorker, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	photos := 0
	for _, a := range tl {
		photos += len(a.Attachments)
	}
	if photos != 1 {
		t.Errorf("%d photos on the case, want 1", photos)
	}
	// Reloading sends nothing twice.
	do(t, ctx, "reload", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))
	waitOutboxEmpty(t, ctx)
	if n := len(found()); n != 1 {
		t.Errorf("%d cases after a reload, want 1", n)
	}
	do(t, ctx, "the case on the phone", chromedp.Navigate(base+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.ID("timeline")))
	shot(t, ctx, dir, "23-phone-case")
}
