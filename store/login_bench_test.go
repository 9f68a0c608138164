//go:build linux

package store_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// BenchmarkLoginMemory signs in 200 names no account has at once, with the
// real argon2id costs (secret.DefaultParams, 19 MiB a check), and reports
// the process's peak resident memory (getrusage), the peak of the Go heap
// in use, and how many sign-ins were answered busy. Run it alone, so that
// the peak is its own:
//
//	go test -run '^$' -bench LoginMemory -benchtime 1x ./store/
func BenchmarkLoginMemory(b *testing.B) {
	db := storetest.OpenWith(b, store.Options{PasswordParams: secret.DefaultParams})
	const parallel = 200
	runtime.GC()
	startRSS := maxRSS()
	var peakHeap atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peakHeap.Load() {
				peakHeap.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var busy, round atomic.Int64
	for b.Loop() {
		r := round.Add(1)
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Go(func() {
				_, err := db.Users.Login(b.Context(), fmt.Sprintf("nobody-%d-%d", r, i), "wrong password")
				if pingan.ErrorCode(err) == pingan.ETOOMANY {
					busy.Add(1)
				} else if pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
					b.Errorf("login: %v", err)
				}
			})
		}
		wg.Wait()
	}
	close(stop)
	<-sampled
	b.ReportMetric(float64(startRSS)/(1<<20), "start-RSS-MB")
	b.ReportMetric(float64(maxRSS())/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(busy.Load())/float64(round.Load()), "busy/op")
}

// maxRSS answers the peak resident memory of the process in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss * 1024 // kilobytes on Linux
}
