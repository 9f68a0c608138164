package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ReadingsConfig drives POST /api/v1/readings as monitoring systems do:
// Clients connections, each sending batches of Batch readings of the
// Sensors in turn, one reading per sensor and second, walking forward from
// Start so that none is a duplicate.
type ReadingsConfig struct {
	URL      string
	Key      string   // an API key of the monitor role (pingan apikey add)
	Sensors  []string // sensor codes
	Clients  int
	Batch    int           // readings per request, at most 1,000
	Duration time.Duration // how long; 0 with Count
	Count    int           // readings in all; 0 with Duration
	// Start is the time of the first readings; 60 days ago when zero
	// (every reading must lie before now + 5 minutes: one sensor per
	// second, so len(Sensors) readings a second of history).
	Start time.Time
	// Progress, when set, is told every second.
	Progress func(ReadingsProgress)
}

// ReadingsProgress is a running count.
type ReadingsProgress struct {
	Elapsed  time.Duration
	Readings int64
	Rate     float64 // readings/s over the last second
}

// ReadingsResult is a run's outcome: readings per second, and the latency
// of a batch (one request) in milliseconds.
type ReadingsResult struct {
	Clients    int     `json:"clients"`
	Batch      int     `json:"batch"`
	Sensors    int     `json:"sensors"`
	Batches    int64   `json:"batches"`
	Readings   int64   `json:"readings"`
	Duplicates int64   `json:"duplicates"`
	Errors     int64   `json:"errors"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"readings_per_second"`
	P50        float64 `json:"p50_ms"`
	P95        float64 `json:"p95_ms"`
	P99        float64 `json:"p99_ms"`
	Max        float64 `json:"max_ms"`
	FirstError string  `json:"first_error,omitempty"`
}

type readingJSON struct {
	Sensor string  `json:"sensor"`
	At     string  `json:"at"`
	Value  float64 `json:"value"`
}

// RunReadings runs the load and answers its result.
func RunReadings(ctx context.Context, cfg ReadingsConfig) (*ReadingsResult, error) {
	if cfg.Key == "" || len(cfg.Sensors) == 0 {
		return nil, errors.New("loadgen: a key and at least one sensor")
	}
	if cfg.Clients < 1 {
		cfg.Clients = 1
	}
	if cfg.Batch < 1 || cfg.Batch > 1000 {
		cfg.Batch = 500
	}
	if cfg.Duration <= 0 && cfg.Count <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Now().Add(-60 * 24 * time.Hour).Truncate(time.Second)
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	url := strings.TrimRight(cfg.URL, "/") + "/api/v1/readings"
	httpc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients}}
	var (
		next              atomic.Int64 // the next reading's number: sensor = n % len, second = n / len
		done, dupes, errs atomic.Int64
		batches           atomic.Int64
		mu                sync.Mutex
		hist              histogram
		firstErr          string
	)
	total := int64(cfg.Count)
	began := time.Now()
	stopProgress := make(chan struct{})
	if cfg.Progress != nil {
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			var last int64
			for {
				select {
				case <-t.C:
					n := done.Load()
					cfg.Progress(ReadingsProgress{Elapsed: time.Since(began), Readings: n, Rate: float64(n - last)})
					last = n
				case <-stopProgress:
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h histogram
			defer func() { mu.Lock(); hist.merge(&h); mu.Unlock() }()
			body := make([]readingJSON, 0, cfg.Batch)
			var buf bytes.Buffer
			for ctx.Err() == nil {
				first := next.Add(int64(cfg.Batch)) - int64(cfg.Batch)
				n := int64(cfg.Batch)
				if total > 0 {
					if first >= total {
						return
					}
					n = min(n, total-first)
				}
				body = body[:0]
				for i := first; i < first+n; i++ {
					s := int(i % int64(len(cfg.Sensors)))
					at := cfg.Start.Add(time.Duration(i/int64(len(cfg.Sensors))) * time.Second)
					body = append(body, readingJSON{Sensor: cfg.Sensors[s], At: at.Format(time.RFC3339), Value: float64(i%97) / 10})
				}
				buf.Reset()
				if err := json.NewEncoder(&buf).Encode(map[string]any{"readings": body}); err != nil {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(buf.Bytes()))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+cfg.Key)
				t0 := time.Now()
				resp, err := httpc.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
						mu.Lock()
						if firstErr == "" {
							firstErr = err.Error()
						}
						mu.Unlock()
					}
					continue
				}
				var ans struct {
					Accepted   int64 `json:"accepted"`
					Duplicates int64 `json:"duplicates"`
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &ans) != nil {
					errs.Add(1)
					mu.Lock()
					if firstErr == "" {
						firstErr = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, strings.ToValidUTF8(string(raw[:min(len(raw), 300)]), ""))
					}
					mu.Unlock()
					continue
				}
				h.record(time.Since(t0))
				batches.Add(1)
				done.Add(ans.Accepted)
				dupes.Add(ans.Duplicates)
			}
		}()
	}
	wg.Wait()
	close(stopProgress)
	secs := time.Since(began).Seconds()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	res := &ReadingsResult{Clients: cfg.Clients, Batch: cfg.Batch, Sensors: len(cfg.Sensors), Batches: batches.Load(),
		Readings: done.Load(), Duplicates: dupes.Load(), Errors: errs.Load(), Seconds: secs, FirstError: firstErr,
		P50: ms(hist.quantile(0.5)), P95: ms(hist.quantile(0.95)), P99: ms(hist.quantile(0.99)), Max: ms(hist.max)}
	if secs > 0 {
		res.PerSecond = float64(res.Readings) / secs
	}
	return res, nil
}
