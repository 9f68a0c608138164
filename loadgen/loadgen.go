// Package loadgen drives a running pingan server through its JSON API as
// many grid workers and centres would: clients file realistic reports
// (categories by the demo city's mix, positions inside the grids, Chinese
// texts) and walk a share of them through the loop — accept, dispatch,
// sign, resolve, close — timing every request. `pingan bench` is its
// command line; docs/performance.md says how to read its table.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"github.com/pingan-gov/pingan"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Account is a user the run signs in as.
type Account struct {
	Username, Password string
}

// Config of a run.
type Config struct {
	URL string // the server, e.g. http://127.0.0.1:8080
	// Reporter files the reports (a grid worker); Dispatcher accepts,
	// dispatches and closes, Handler signs and resolves the walked ones.
	Reporter, Dispatcher, Handler Account
	// ToUnit is the unit walked cases are dispatched to; the handler's
	// unit when empty.
	ToUnit string
	// GridUnit is the unit whose grids the positions are drawn in; the
	// reporter's unit when empty.
	GridUnit string
	Clients  int           // concurrent clients, each one connection; 1 when < 1
	Duration time.Duration // the run ends after it (0: no limit)
	Count    int           // or when this many reports were filed (0: no limit)
	Walk     float64       // the share of reports walked through the loop, 0–1
	Seed     uint64
	// Progress, when set, is called about once a second while the run lasts.
	Progress func(Progress)
	// Transport, when set, carries the requests (tests); otherwise one
	// keeping a connection alive per client.
	Transport http.RoundTripper
}

// Progress is the state of a run as it goes.
type Progress struct {
	Elapsed time.Duration
	Reports int64   // filed so far
	Rate    float64 // reports a second over the last interval
}

// Operations are the operations a run times, in the table's order.
var Operations = []string{OpReport, OpAccept, OpDispatch, OpSign, OpDecide, OpResolve, OpClose}

// The operations.
const (
	OpReport   = "report"
	OpAccept   = "accept"
	OpDispatch = "dispatch"
	OpSign     = "sign"
	// OpDecide is a petition's acceptance by the unit (受理, with its
	// notice); OpResolve is its written answer (处理意见书).
	OpDecide  = "decide"
	OpResolve = "resolve"
	OpClose   = "close"
)

// Result of a run.
type Result struct {
	URL        string    `json:"url"`
	Clients    int       `json:"clients"`
	Elapsed    float64   `json:"elapsed_s"`
	Reports    int       `json:"reports"` // filed (answered 201)
	Walked     int       `json:"walked"`  // walked to closed
	Operations []OpStats `json:"operations"`
	// Total sums the counts and errors of the operations; its throughput
	// is all requests a second, its latencies those of all requests.
	Total OpStats `json:"total"`
}

// OpStats are the figures of one operation. Count is the requests the
// server answered with 2xx, Errors the others (by status; 0 is a request
// that got no answer); throughput and latencies are of the answered ones.
type OpStats struct {
	Op        string      `json:"op"`
	Count     int         `json:"count"`
	Errors    int         `json:"errors"`
	ByStatus  map[int]int `json:"errors_by_status,omitempty"`
	LastError string      `json:"last_error,omitempty"`
	PerSecond float64     `json:"per_second"`
	P50       float64     `json:"p50_ms"`
	P95       float64     `json:"p95_ms"`
	P99       float64     `json:"p99_ms"`
	Max       float64     `json:"max_ms"`
	hist      *histogram
}

// tally is one client's figures of one operation.
type tally struct {
	hist      histogram
	errors    map[int]int
	lastError string
}

// worker is one client: one connection's worth of sequential requests,
// with its own figures (merged when the run ends) and random numbers.
type worker struct {
	r      *runner
	rng    *rand.Rand
	tally  map[string]*tally
	walked int
}

// runner is a run under way.
type runner struct {
	cfg      Config
	api      *client
	reporter *session
	disp     *session
	handler  *session
	toUnit   string
	picker   *picker
	runID    string

	claimed  atomic.Int64 // reports begun
	filed    atomic.Int64 // reports answered 201
	failed   atomic.Int64 // reports that failed
	stopping atomic.Bool
}

// Run signs in, reads the categories and the grids, then files reports from
// cfg.Clients clients until cfg.Duration has passed or cfg.Count reports
// were filed, walking the share cfg.Walk of them. A request that fails is
// counted under its operation and status and the run goes on, unless every
// report fails: then Run stops and answers why. A sign-in that fails
// answers an error naming the user. When ctx ends the run stops and
// answers what it measured.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Clients < 1 {
		cfg.Clients = 1
	}
	if cfg.Walk < 0 || cfg.Walk > 1 {
		return nil, fmt.Errorf("--walk %g: 应在 0 与 1 之间 (must lie between 0 and 1)", cfg.Walk)
	}
	if cfg.Duration <= 0 && cfg.Count <= 0 {
		return nil, errors.New("请给出 --duration 或 --count (give --duration or --count)")
	}
	tr := cfg.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = cfg.Clients + 4
		t.MaxIdleConnsPerHost = cfg.Clients
		tr = t
	}
	r := &runner{cfg: cfg, api: &client{base: strings.TrimRight(cfg.URL, "/"), http: &http.Client{Transport: tr, Timeout: time.Minute}}}
	r.runID = fmt.Sprintf("bench-%x-%x", time.Now().UnixNano(), cfg.Seed)
	if err := r.setUp(ctx); err != nil {
		return nil, err
	}

	workers := make([]*worker, cfg.Clients)
	for i := range workers {
		workers[i] = &worker{r: r, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)), tally: map[string]*tally{}}
		for _, op := range Operations {
			workers[i].tally[op] = &tally{errors: map[int]int{}}
		}
	}
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.loop(ctx)
		}()
	}
	go func() { wg.Wait(); close(done) }()
	r.watch(ctx, start, done)
	elapsed := time.Since(start)

	res := r.result(workers, elapsed)
	if res.Reports == 0 && res.Operations[0].Errors > 0 {
		return res, fmt.Errorf("所有上报均失败 (every report failed): %s", res.Operations[0].LastError)
	}
	return res, nil
}

// setUp signs the accounts in and reads what reports are made of.
func (r *runner) setUp(ctx context.Context) error {
	var err error
	if r.reporter, err = r.api.signIn(ctx, r.cfg.Reporter); err != nil {
		return err
	}
	if r.cfg.Walk > 0 {
		if r.disp, err = r.api.signIn(ctx, r.cfg.Dispatcher); err != nil {
			return err
		}
		if r.handler, err = r.api.signIn(ctx, r.cfg.Handler); err != nil {
			return err
		}
		r.toUnit = r.cfg.ToUnit
		if r.toUnit == "" {
			r.toUnit = r.handler.unit
		}
	}
	cats, err := r.api.categories(ctx, r.reporter)
	if err != nil {
		return err
	}
	unit := r.cfg.GridUnit
	if unit == "" {
		unit = r.reporter.unit
	}
	grids, err := r.api.grids(ctx, r.reporter, unit)
	if err != nil {
		return err
	}
	r.picker, err = newPicker(cats, grids)
	return err
}

// watch reports progress every second and ends the run when its time is
// up or the workers are done.
func (r *runner) watch(ctx context.Context, start time.Time, done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var timeUp <-chan time.Time
	if r.cfg.Duration > 0 {
		t := time.NewTimer(r.cfg.Duration)
		defer t.Stop()
		timeUp = t.C
	}
	last, lastAt := int64(0), start
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			r.stopping.Store(true)
		case <-timeUp:
			r.stopping.Store(true)
		case now := <-tick.C:
			n := r.filed.Load()
			if r.cfg.Progress != nil {
				r.cfg.Progress(Progress{Elapsed: now.Sub(start), Reports: n, Rate: float64(n-last) / now.Sub(lastAt).Seconds()})
			}
			last, lastAt = n, now
		}
	}
}

// loop files reports until the run stops, walking the chosen ones.
func (w *worker) loop(ctx context.Context) {
	r := w.r
	giveUp := int64(max(r.cfg.Clients, 10))
	for !r.stopping.Load() && ctx.Err() == nil {
		n := r.claimed.Add(1)
		if r.cfg.Count > 0 && n > int64(r.cfg.Count) {
			return
		}
		rep := r.picker.pick(w.rng)
		walk := w.rng.Float64() < r.cfg.Walk
		var id string
		ok := w.do(ctx, OpReport, func() (status int, err error) {
			id, status, err = r.api.report(ctx, r.reporter, fmt.Sprintf("%s-%d", r.runID, n), rep)
			return status, err
		})
		if ctx.Err() != nil {
			return
		}
		if !ok {
			// Every report failing is no load test: stop, and say why.
			if r.failed.Add(1) >= giveUp && r.filed.Load() == 0 {
				r.stopping.Store(true)
			}
			continue
		}
		r.filed.Add(1)
		if walk {
			w.walk(ctx, id, rep.Kind == pingan.KindPetition, n)
		}
	}
}

// walk takes a filed case through the loop, stopping at the first step
// that fails; a petition (n its report's number in the run) through the
// regulation's steps, each written one with its document.
func (w *worker) walk(ctx context.Context, id string, petition bool, n int64) {
	r := w.r
	result := results[w.rng.IntN(len(results))]
	type step struct {
		op   string
		as   *session
		body map[string]any
	}
	steps := []step{
		{OpAccept, r.disp, map[string]any{"action": "accept"}},
		{OpDispatch, r.disp, map[string]any{"action": "dispatch", "to_unit": r.toUnit}},
		{OpSign, r.handler, map[string]any{"action": "sign"}},
		{OpResolve, r.handler, map[string]any{"action": "resolve", "result": result}},
		{OpClose, r.disp, map[string]any{"action": "close"}},
	}
	if petition {
		doc := func(mark string) map[string]any {
			return map[string]any{"number": fmt.Sprintf("测信%s〔%s〕%d号", mark, r.runID, n), "body": result}
		}
		steps = []step{
			steps[0],
			{OpDispatch, r.disp, map[string]any{"action": "dispatch", "to_unit": r.toUnit, "forward_mode": "assign", "document": doc("转")}},
			steps[2],
			{OpDecide, r.handler, map[string]any{"action": "petition_accept", "document": doc("受")}},
			{OpResolve, r.handler, map[string]any{"action": "answer", "opinion": "support", "result": result, "document": doc("处")}},
			steps[4],
		}
	}
	for _, s := range steps {
		if !w.do(ctx, s.op, func() (int, error) { return r.api.act(ctx, s.as, id, s.body) }) {
			return
		}
	}
	w.walked++
}

// do times one request and counts it under op: fn answers the status and,
// when it failed, the error. A request cut off by the end of ctx is not
// counted.
func (w *worker) do(ctx context.Context, op string, fn func() (int, error)) bool {
	t := w.tally[op]
	began := time.Now()
	status, err := fn()
	took := time.Since(began)
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		t.errors[status]++
		t.lastError = err.Error()
		return false
	}
	t.hist.record(took)
	return true
}

// result merges the workers' figures.
func (r *runner) result(workers []*worker, elapsed time.Duration) *Result {
	secs := elapsed.Seconds()
	res := &Result{URL: r.cfg.URL, Clients: r.cfg.Clients, Elapsed: secs}
	total := OpStats{Op: "total", ByStatus: map[int]int{}, hist: &histogram{}}
	for _, op := range Operations {
		s := OpStats{Op: op, ByStatus: map[int]int{}, hist: &histogram{}}
		for _, w := range workers {
			t := w.tally[op]
			s.hist.merge(&t.hist)
			for st, n := range t.errors {
				s.ByStatus[st] += n
				s.Errors += n
				total.ByStatus[st] += n
			}
			if t.lastError != "" {
				s.LastError = t.lastError
			}
		}
		total.hist.merge(s.hist)
		total.Errors += s.Errors
		s.fill(secs)
		res.Operations = append(res.Operations, s)
	}
	total.fill(secs)
	res.Total = total
	res.Reports = res.Operations[0].Count
	for _, w := range workers {
		res.Walked += w.walked
	}
	return res
}

// fill reads the count, throughput and latencies from the histogram.
func (s *OpStats) fill(secs float64) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	s.Count = int(s.hist.n)
	if secs > 0 {
		s.PerSecond = float64(s.Count) / secs
	}
	s.P50, s.P95, s.P99 = ms(s.hist.quantile(0.50)), ms(s.hist.quantile(0.95)), ms(s.hist.quantile(0.99))
	s.Max = ms(s.hist.max)
	if len(s.ByStatus) == 0 {
		s.ByStatus = nil
	}
}
