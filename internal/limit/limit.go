// Package limit slows down the public endpoints under abuse (限流): a token
// bucket per key (a source address, an API key) held in memory, one
// Limiter per endpoint, and Limits, the set of them a server shares among
// its pages, its JSON API and Open311. The buckets live in one process:
// several instances behind a proxy each count on their own, so the proxy's
// own limit (nginx limit_req, Caddy rate_limit) should stand in front of
// them too (docs/security.md).
package limit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is how fast a bucket refills and how much it holds: PerMinute
// requests a minute on average, Burst at once. A zero PerMinute is no
// limit.
type Rate struct {
	PerMinute float64
	Burst     int
}

// String formats r as Set reads it: "10,20" (per minute, burst), "0" for none.
func (r Rate) String() string {
	if r.PerMinute <= 0 {
		return "0"
	}
	return strconv.FormatFloat(r.PerMinute, 'f', -1, 64) + "," + strconv.Itoa(r.Burst)
}

// ParseRate reads "PER_MINUTE[,BURST]": "10,20" is 10 a minute with bursts
// of 20; "10" is 10 a minute with bursts of 10; "0" is no limit.
func ParseRate(s string) (Rate, error) {
	per, burst, hasBurst := strings.Cut(strings.TrimSpace(s), ",")
	n, err := strconv.ParseFloat(strings.TrimSpace(per), 64)
	if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return Rate{}, fmt.Errorf("每分钟次数应为非负数 (want a number of requests a minute, 0 or more): %q", s)
	}
	r := Rate{PerMinute: n, Burst: int(math.Ceil(n))}
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(burst))
		if err != nil || b < 1 {
			return Rate{}, fmt.Errorf("突发次数应为正整数 (want a whole burst of 1 or more): %q", s)
		}
		r.Burst = b
	}
	if r.PerMinute > 0 && r.Burst < 1 {
		r.Burst = 1
	}
	return r, nil
}

// DefaultMaxKeys bounds the buckets a Limiter keeps.
const DefaultMaxKeys = 50_000

// Limiter holds one token bucket per key. A bucket that has refilled is
// the same as none and is dropped when the map grows; when every bucket is
// still in use and the map is full, the oldest half by last use is dropped,
// so that memory stays bounded under a flood of addresses.
type Limiter struct {
	rate    Rate
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// New answers a limiter of r keeping at most maxKeys buckets
// (DefaultMaxKeys when 0 or less).
func New(r Rate, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Limiter{rate: r, maxKeys: maxKeys, buckets: map[string]*bucket{}}
}

// Rate answers the limiter's rate.
func (l *Limiter) Rate() Rate { return l.rate }

// Take spends one token of key's bucket at now and answers 0, or, when the
// bucket is empty, spends nothing and answers how long until a token is
// back (at least a second). A nil limiter or a zero rate never refuses.
func (l *Limiter) Take(key string, now time.Time) time.Duration { return l.spend(key, now, true) }

// Wait answers how long until key's bucket holds a token at now, 0 when it
// holds one already, spending nothing: with Take after a failure it limits
// failed attempts only (a wrong password, a wrong query code).
func (l *Limiter) Wait(key string, now time.Time) time.Duration { return l.spend(key, now, false) }

func (l *Limiter) spend(key string, now time.Time, take bool) time.Duration {
	if l == nil || l.rate.PerMinute <= 0 {
		return 0
	}
	perSec := l.rate.PerMinute / 60
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if !take {
			return 0 // a full bucket, not kept
		}
		if len(l.buckets) >= l.maxKeys {
			l.shrink(now)
		}
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	l.refill(b, now, perSec)
	if b.tokens >= 1 {
		if take {
			b.tokens--
		}
		return 0
	}
	return max(time.Duration((1-b.tokens)/perSec*float64(time.Second)), time.Second)
}

func (l *Limiter) refill(b *bucket, now time.Time, perSec float64) {
	if dt := now.Sub(b.at).Seconds(); dt > 0 {
		b.tokens = min(float64(l.rate.Burst), b.tokens+dt*perSec)
		b.at = now
	}
}

// shrink drops the buckets that have refilled; when that frees less than a
// tenth of the map, it drops the older half by last use as well.
func (l *Limiter) shrink(now time.Time) {
	perSec := l.rate.PerMinute / 60
	for k, b := range l.buckets {
		l.refill(b, now, perSec)
		if b.tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.maxKeys-l.maxKeys/10 {
		return
	}
	ats := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		ats = append(ats, b.at)
	}
	median := nth(ats, len(ats)/2)
	for k, b := range l.buckets {
		if !b.at.After(median) {
			delete(l.buckets, k)
		}
	}
}

// nth answers the n-th smallest of ts (quickselect; ts is reordered).
func nth(ts []time.Time, n int) time.Time {
	lo, hi := 0, len(ts)-1
	for lo < hi {
		p := ts[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for ts[i].Before(p) {
				i++
			}
			for ts[j].After(p) {
				j--
			}
			if i <= j {
				ts[i], ts[j] = ts[j], ts[i]
				i++
				j--
			}
		}
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return ts[n]
		}
	}
	return ts[n]
}

// Len answers how many buckets the limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// RetryAfter formats d as Retry-After wants it: whole seconds, rounded up,
// at least 1.
func RetryAfter(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(secs, 1), 10)
}

// Limits are the limiters of the public endpoints, shared by every
// interface of one server, so that a sign-in through the pages and one
// through the API draw on the same bucket of an address.
type Limits struct {
	Report      *Limiter // the citizens' report form (群众上报), per address
	Query       *Limiter // a failed look-up of a case by its query code (查询码), per address
	SignIn      *Limiter // a failed sign-in, pages or API, per address
	Open311Addr *Limiter // Open311, per address
	Open311Key  *Limiter // Open311, per api_key
	Public      *Limiter // every read of the public pages' data (接访日程, 单位选择), per address
}

// The default rates: reports 10 a minute (bursts of 20), failed look-ups
// by query code 20 at once then one each 30 seconds, failed sign-ins 10 a minute (bursts of 20 —
// the lockout per account stops guessing one account's password), Open311
// 60 a minute per key and 30 per address, the public pages' reads (the
// reception schedule, the units' picker) 60 a minute per address.
var (
	DefaultReport      = Rate{PerMinute: 10, Burst: 20}
	DefaultQuery       = Rate{PerMinute: 2, Burst: 20}
	DefaultSignIn      = Rate{PerMinute: 10, Burst: 20}
	DefaultOpen311Addr = Rate{PerMinute: 30, Burst: 60}
	DefaultOpen311Key  = Rate{PerMinute: 60, Burst: 120}
	DefaultPublic      = Rate{PerMinute: 60, Burst: 120}
)

// Defaults answers limits at the default rates.
func Defaults() *Limits {
	return &Limits{
		Report: New(DefaultReport, 0), Query: New(DefaultQuery, 0), SignIn: New(DefaultSignIn, 0),
		Open311Addr: New(DefaultOpen311Addr, 0), Open311Key: New(DefaultOpen311Key, 0), Public: New(DefaultPublic, 0),
	}
}
