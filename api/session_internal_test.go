package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// busyUsers answers every sign-in as a server checking too many passwords.
type busyUsers struct{ fakeUsers }

func (busyUsers) Login(context.Context, string, string) (*pingan.Session, error) {
	return nil, pingan.ErrSignInBusy
}

// A busy server asks to try again in a second, not after a lockout.
func TestCreateSessionBusy(t *testing.T) {
	h := New(Config{Users: &busyUsers{}}).Handler()
	a := call(t, h, "POST", "/api/v1/session", "", `{"username":"zhang","password":"secret"}`)
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" {
		t.Errorf("busy: %d Retry-After %q %s", a.status, a.header.Get("Retry-After"), a.raw)
	}
}

// A token forgotten stays forgotten for the TTL: a request that read the
// session just before the logout cannot cache it again.
func TestSessionCacheForget(t *testing.T) {
	c := newSessionCache(10 * time.Second)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)
	u := &pingan.User{ID: 1, Username: "zhang"}
	c.put("t1", u, now)
	if c.get("t1", now) == nil {
		t.Fatal("not cached")
	}
	c.forget("t1", now)
	if c.get("t1", now) != nil {
		t.Error("forgotten, yet cached")
	}
	c.put("t1", u, now.Add(time.Second)) // a stale read finishing after the logout
	if c.get("t1", now.Add(2*time.Second)) != nil {
		t.Error("cached again after the logout")
	}
	// After the TTL the token may be cached again (a store that knows it).
	c.put("t1", u, now.Add(11*time.Second))
	if c.get("t1", now.Add(12*time.Second)) == nil {
		t.Error("not cached after the TTL")
	}
	c.put("t2", u, now)
	c.forget("other", now)
	if c.get("t2", now) == nil {
		t.Error("another token forgotten")
	}
}
