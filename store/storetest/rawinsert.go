package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// dsns remembers the DSN of every store OpenWith opened, for RawInsert.
var dsns sync.Map // *store.DB → string

// RawInsert is the floor under case intake, for benchmarks: it inserts the
// case that a grid worker of fx reports in api's BenchmarkIntake (its
// personal data sealed once beforehand) into db, one row per transaction,
// on a connection of its own configured as the store's writer, with the
// statement prepared once: the cost of the case row alone, without
// validation, numbering, the timeline or HTTP. Case numbers are 2026-…
// from 000001 on, so db must hold no cases of 2026 in fx's county. It
// reports cases/s.
func RawInsert(b *testing.B, db *store.DB, fx *Fixture) {
	b.Helper()
	dsn, ok := dsns.Load(db)
	if !ok {
		b.Fatal("storetest: RawInsert needs a store opened by storetest")
	}
	raw, err := sql.Open(store.DriverDSN(dsn.(string)))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1) // as the store's one writer
	ctx := context.Background()
	ins, err := raw.PrepareContext(ctx, `INSERT INTO cases (region, id, number, kind, category, title, description, status,
		lat, lng, address, grid, unit_code, unit_path, holding_unit, holding_path, assigned_unit, assigned_path,
		source, reported_by, reported_at, sign_by, resolve_by, overdue, suspended, suspended_at, escalation_level,
		supervised, signed_at, resolved_at, closed_at, satisfaction, reporter_sealed, parties_sealed, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)`)
	if err != nil {
		b.Fatal(err)
	}
	defer ins.Close()
	reporter, err := Sealer(b).Seal([]byte(`{"role":"reporter","name":"王五","phone":"13712345678"}`))
	if err != nil {
		b.Fatal(err)
	}
	// Timestamps as the store binds them: TEXT in UTC on SQLite.
	ts := func(t time.Time) any { return t }
	if db.Dialect() == store.SQLite {
		ts = func(t time.Time) any { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	}
	now, signBy, resolveBy := ts(Epoch), ts(Epoch.Add(24*time.Hour)), ts(Epoch.AddDate(0, 0, 14))
	v := fx.Village
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("2026-%s-%06d", v.Region, i+1)
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		_, err = tx.StmtContext(ctx, ins).ExecContext(ctx,
			v.Region, id, id, string(pingan.KindDispute), "0102", "邻居装修噪音扰民",
			"富康社区 3 号楼 502 室连续多日晚间施工，影响休息，协商未果。", string(pingan.StatusReported),
			39.7446, 98.5102, "富康社区 3 号楼", "", v.Code, v.Path, v.Code, v.Path, "", "",
			string(pingan.SourceGridWorker), fx.GridWorker.ID, now, signBy, resolveBy, false, false, nil, 0,
			false, nil, nil, nil, nil, reporter, nil, now, 1)
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
