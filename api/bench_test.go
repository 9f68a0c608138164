package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Intake throughput: how many reports per second the whole stack takes —
// HTTP handler, bearer-token authentication, JSON decoding, validation,
// numbering, sealing, the case row and its first timeline entry in one
// transaction — against the floor, a raw single-row insert of the same case
// into the same schema. Run both in one go:
//
//	go test -run '^$' -bench 'Intake|RawInsert' -benchtime 3s ./api/
//
// The target is intake ≥ 0.7 × raw insert.

// intakeBody is a typical report from a grid worker's phone.
const intakeBody = `{"kind":"dispute","category":"0102","title":"邻居装修噪音扰民",
	"description":"富康社区 3 号楼 502 室连续多日晚间施工，影响休息，协商未果。",
	"address":"富康社区 3 号楼","location":{"lat":39.7446,"lng":98.5102},
	"reporter":{"role":"reporter","name":"王五","phone":"13712345678"}}`

func BenchmarkIntake(b *testing.B) {
	e := newEnvAt(b, filepath.Join(b.TempDir(), "intake.db"))
	token := e.token("fk-grid")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader(intakeBody))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("report %d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkRawInsert inserts the same case as BenchmarkIntake, one row per
// transaction on a writer connection configured as the store's (WAL,
// synchronous NORMAL, immediate transactions), with the personal data sealed
// once beforehand: the cost of the row alone.
func BenchmarkRawInsert(b *testing.B) {
	path := filepath.Join(b.TempDir(), "raw.db")
	e := newEnvAt(b, path) // the schema, units and categories
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"+
		"&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	reporter, err := storetest.Sealer(b).Seal([]byte(`{"role":"reporter","name":"王五","phone":"13712345678"}`))
	if err != nil {
		b.Fatal(err)
	}
	village := e.fx.Village
	now := storetest.Epoch.UTC().Format("2006-01-02T15:04:05.000Z")
	due := storetest.Epoch.AddDate(0, 0, 14).UTC().Format("2006-01-02T15:04:05.000Z")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("2026-%s-%06d", village.Region, i+1)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO cases (region, id, number, kind, category, title, description, status,
			lat, lng, address, grid, unit_code, unit_path, holding_unit, holding_path, assigned_unit, assigned_path,
			source, reported_by, reported_at, sign_by, resolve_by, overdue, suspended, suspended_at, escalation_level,
			supervised, signed_at, resolved_at, closed_at, satisfaction, reporter_sealed, parties_sealed, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
			$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)`,
			village.Region, id, id, string(pingan.KindDispute), "0102", "邻居装修噪音扰民",
			"富康社区 3 号楼 502 室连续多日晚间施工，影响休息，协商未果。", string(pingan.StatusReported),
			39.7446, 98.5102, "富康社区 3 号楼", "", village.Code, village.Path, village.Code, village.Path, "", "",
			string(pingan.SourceGridWorker), e.fx.GridWorker.ID, now, nil, due, false, false, nil, 0,
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

// BenchmarkIntakeParallel is BenchmarkIntake with as many clients as
// GOMAXPROCS: authentication and decoding overlap the one SQLite writer.
func BenchmarkIntakeParallel(b *testing.B) {
	e := newEnvAt(b, filepath.Join(b.TempDir(), "intake.db"))
	token := e.token("fk-grid")
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader(intakeBody))
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Errorf("report: %d %s", rec.Code, rec.Body.String())
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cases/s")
}

// BenchmarkCreateCase calls the store's CreateCase directly with the same
// report: the difference to BenchmarkIntake is the cost of the HTTP layer.
func BenchmarkCreateCase(b *testing.B) {
	e := newEnvAt(b, filepath.Join(b.TempDir(), "direct.db"))
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "邻居装修噪音扰民",
			Description: "富康社区 3 号楼 502 室连续多日晚间施工，影响休息，协商未果。", Address: "富康社区 3 号楼",
			Location:       &pingan.Location{Lat: 39.7446, Lng: 98.5102},
			Reporter:       &pingan.Person{Role: "reporter", Name: "王五", Phone: "13712345678"},
			IdempotencyKey: fmt.Sprintf("bench-%d", i)}
		if _, err := e.db.CreateCase(ctx, e.fx.GridWorker, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
