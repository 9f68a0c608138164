package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The docs page (/api/docs) is served with its own script and style, under
// a Content-Security-Policy that lets nothing in from elsewhere, and in
// headless Chromium it lists every operation of the description.

// docsServer serves the API and its docs page as pingan serve mounts them.
func docsServer(t *testing.T) *httptest.Server {
	srv := fullServer(t)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", srv.Handler())
	mux.Handle("/api/docs", srv.DocsHandler())
	mux.Handle("/api/docs/", srv.DocsHandler())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url, lang string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestDocsPageServedOffline(t *testing.T) {
	ts := docsServer(t)
	resp, page := get(t, ts.URL+"/api/docs", "en-US,en;q=0.9")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/api/docs: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if !strings.Contains(page, `lang="zh-CN"`) || !strings.Contains(page, "平安 接口文档") {
		t.Errorf("the page is not Chinese first: %.400s", page)
	}
	// Nothing from elsewhere: every src and href is the server's own.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Errorf("the page refers to %q", m[1])
		}
	}
	for _, asset := range []string{"/api/docs/docs.js", "/api/docs/docs.css"} {
		resp, body := get(t, ts.URL+asset, "")
		if resp.StatusCode != 200 || len(body) < 500 {
			t.Errorf("%s: %d, %d bytes", asset, resp.StatusCode, len(body))
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s refers to another site", asset)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/docs/index.html", ""); resp.StatusCode != 404 {
		t.Errorf("/api/docs/index.html: %d, want 404", resp.StatusCode)
	}
	if _, page := get(t, ts.URL+"/api/docs?lang=en", ""); !strings.Contains(page, `lang="en"`) || !strings.Contains(page, "pingan API reference") {
		t.Errorf("the page in English: %.400s", page)
	}
}

const chromium = "/usr/bin/chromium"

func TestBrowserDocsPage(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s in CI", chromium)
		}
		t.Skipf("browser test skipped: %s not found", chromium)
	}
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	ts := docsServer(t)
	ops := len(operationsOf(openapiDoc(t, fullServer(t).Handler())))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(chromium), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.UserDataDir(t.TempDir()))
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/api/docs"),
		chromedp.WaitVisible(chromedp.CSS(`#ops[data-ready="true"]`))); err != nil {
		t.Fatalf("the docs page: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('details.op').length`))
	if err != nil || n != ops {
		t.Fatalf("the page lists %d operations (%v), the description has %d", n, err, ops)
	}
	// The case's report: Chinese first, English beside; opened, its
	// parameters and its body's schema, whose properties open on demand.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#createCase > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#createCase .body table`))); err != nil {
		t.Fatalf("opening createCase: %v", err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#createCase > summary .summary`)))
	if err != nil || !strings.HasPrefix(summary, "上报事件") || !strings.Contains(summary, "Report a case") {
		t.Errorf("createCase's summary %q (%v)", summary, err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#createCase .body`)))
	if err != nil || !strings.Contains(body, "Idempotency-Key") || !strings.Contains(body, "NewCaseInput") || !strings.Contains(body, "report") {
		t.Errorf("createCase's details: %q (%v)", body, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#createCase .body details.schema > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#createCase .body ul.props`))); err != nil {
		t.Fatalf("opening the request's schema: %v", err)
	}
	props, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#createCase .body ul.props`)))
	if err != nil || !strings.Contains(props, "title") || !strings.Contains(props, "location") {
		t.Errorf("the request's properties: %q (%v)", props, err)
	}
	// The filter keeps the matching operations.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#filter`), "patrol")); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('details.op:not(.hidden)').length`))
	if err != nil || shown == 0 || shown >= ops {
		t.Errorf("the filter patrol shows %d of %d (%v)", shown, ops, err)
	}
}
