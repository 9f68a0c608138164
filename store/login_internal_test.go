package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// TestGate: a sign-in waits for a place behind those running, up to the
// queue's length and gatePatience; beyond it, it is answered busy at once.
// Other work waits as long as its context lets it.
func TestGate(t *testing.T) {
	g := newGate(1, 1)
	ctx := context.Background()
	leave, err := g.enter(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error)
	go func() {
		l, err := g.enter(ctx, true) // waits: the queue has one place
		if err == nil {
			l()
		}
		waited <- err
	}()
	for len(g.line) < 2 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if _, err := g.enter(ctx, true); !errors.Is(err, pingan.ErrSignInBusy) {
		t.Errorf("a third sign-in: %v, want busy", err)
	}
	if d := time.Since(start); d > gatePatience/2 {
		t.Errorf("the third sign-in waited %v before it was refused", d)
	}
	leave()
	if err := <-waited; err != nil {
		t.Errorf("the waiting sign-in: %v", err)
	}

	// Nobody leaves: a waiting sign-in gives up after gatePatience.
	leave, _ = g.enter(ctx, true)
	start = time.Now()
	if _, err := g.enter(ctx, true); !errors.Is(err, pingan.ErrSignInBusy) || time.Since(start) < gatePatience {
		t.Errorf("after %v: %v, want busy after %v", time.Since(start), err, gatePatience)
	}
	// A new password's hash is not shed: it waits for its context.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := g.enter(short, false); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hash while full: %v", err)
	}
	leave()
	if len(g.line) != 0 || len(g.run) != 0 {
		t.Errorf("places left taken: %d running, %d in line", len(g.run), len(g.line))
	}
}

// TestGateSize: one place per CPU, fewer under a memory limit, never none.
func TestGateSize(t *testing.T) {
	run, wait := gateSize(19 * 1024)
	if run < 1 || wait < run {
		t.Errorf("gateSize = %d, %d", run, wait)
	}
	if run, _ := gateSize(4 * 1024 * 1024); run < 1 {
		t.Errorf("a huge hash: %d places", run)
	}
}

// TestLoginBusy: with every place taken, a sign-in is answered busy at
// once, and its attempt is taken back: it does not count towards the lock.
func TestLoginBusy(t *testing.T) {
	db := openInternal(t, filepath.Join(t.TempDir(), "pingan.db"))
	ctx := context.Background()
	saved := passwordChecks
	defer func() { passwordChecks = saved }()
	passwordChecks = newGate(1, 0)
	passwordChecks.line <- struct{}{}
	passwordChecks.run <- struct{}{}
	for range 2 * pingan.MaxFailedLogins {
		if _, err := db.Users.Login(ctx, "anybody", "wrong password"); !errors.Is(err, pingan.ErrSignInBusy) {
			t.Fatalf("login while full: %v", err)
		}
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d attempts left counted (%v)", n, err)
	}
	<-passwordChecks.run
	<-passwordChecks.line
	if _, err := db.Users.Login(ctx, "anybody", "wrong password"); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("login with room: %v", err)
	}
}
