package jobs_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestAuditChainPass: a pass chains every row written and writes the
// day's anchor once, to the log and to the table; the next day's pass
// writes the next.
func TestAuditChainPass(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	storetest.Seed(t, db)
	ctx := context.Background()
	if _, err := db.Users.Login(ctx, "nobody", "wrong password"); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Fatal(err)
	}
	var log bytes.Buffer
	job := &jobs.AuditChain{Trail: db.Audit, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	job.Pass(ctx)
	job.Pass(ctx)
	v, err := db.Audit.Verify(ctx, nil, nil)
	if err != nil || v.Break != nil || v.Unchained != 0 || v.HeadSeq == 0 || v.Anchors != 1 {
		t.Fatalf("after a pass: %+v, %v", v, err)
	}
	if n := strings.Count(log.String(), `msg="audit anchor"`); n != 1 {
		t.Fatalf("%d anchors logged:\n%s", n, log.String())
	}
	clock.Advance(24 * time.Hour)
	job.Pass(ctx)
	if n := strings.Count(log.String(), `msg="audit anchor"`); n != 2 {
		t.Fatalf("%d anchors logged after a day:\n%s", n, log.String())
	}
}
