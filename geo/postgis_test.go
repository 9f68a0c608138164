package geo_test

// Agreement with PostGIS: the index places points exactly as PostGIS's
// ST_Covers does, and a benchmark of the two side by side. Both need a
// PostgreSQL with the postgis extension available (Debian:
// postgresql-15-postgis-3) named by PINGAN_TEST_POSTGRES; they skip without
// one, except under CI=true, where they fail.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/paulmach/orb"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

const postgresEnv = "PINGAN_TEST_POSTGRES"

// skipOrFail skips the test with msg, or fails it under CI=true, where
// PostgreSQL and PostGIS are installed and the test must run.
func skipOrFail(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatal(strings.Replace(msg, "skipped", "cannot run", 1) + " (CI=true: CI installs PostgreSQL with PostGIS, so this must run)")
	}
	tb.Skip(msg)
}

// postgis answers a connection to a fresh database (or, without the right
// to create one, a fresh schema) with the postgis extension, dropped when
// the test ends.
func postgis(tb testing.TB) *sql.DB {
	tb.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		skipOrFail(tb, fmt.Sprintf("PostGIS agreement skipped: set %s to a PostgreSQL database URL, e.g. %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable", postgresEnv, postgresEnv))
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	var available int
	if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'`).Scan(&available); err != nil {
		skipOrFail(tb, fmt.Sprintf("PostGIS agreement skipped: cannot reach the database of %s: %v", postgresEnv, err))
	}
	if available == 0 {
		skipOrFail(tb, "PostGIS agreement skipped: the postgis extension is not installed on the server (Debian: apt-get install postgresql-15-postgis-3)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "pingan_postgis_" + hex.EncodeToString(b)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err == nil {
		tb.Cleanup(func() {
			if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
				tb.Errorf("drop database %s: %v", name, err)
			}
		})
		u.Path = "/" + name
	} else {
		// No right to create a database: a schema of the given one, with
		// the extension wherever it is (it can be installed once only).
		if _, err := admin.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
			skipOrFail(tb, "PostGIS agreement skipped: cannot create a database nor the postgis extension: "+err.Error())
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { admin.ExecContext(ctx, "DROP SCHEMA "+name+" CASCADE") })
		q := u.Query()
		q.Set("search_path", name+",public")
		u.RawQuery = q.Encode()
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		skipOrFail(tb, "PostGIS agreement skipped: CREATE EXTENSION postgis: "+err.Error())
	}
	return db
}

// loadGrids writes the grids' polygons into table as geometry(MultiPolygon,
// 4326) with a GiST index.
func loadGrids(tb testing.TB, db *sql.DB, table string, grids []*pingan.Grid) {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+table+` (code text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`); err != nil {
		tb.Fatal(err)
	}
	for chunk := range slices.Chunk(grids, 500) {
		var q strings.Builder
		q.WriteString(`INSERT INTO ` + table + ` (code, geom) VALUES `)
		args := make([]any, 0, 2*len(chunk))
		for i, g := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($%d, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($%d), 4326)))", 2*i+1, 2*i+2)
			args = append(args, g.Code, string(g.Geometry))
		}
		if _, err := db.ExecContext(ctx, q.String(), args...); err != nil {
			tb.Fatal(err)
		}
	}
	for _, stmt := range []string{`CREATE INDEX ` + table + `_geom ON ` + table + ` USING GIST (geom)`, `ANALYZE ` + table} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			tb.Fatal(err)
		}
	}
}

// A county-sized area (about 45 km × 44 km) and, east of it, a strip of
// irregular grids.
var (
	county    = orb.Bound{Min: orb.Point{117.0, 36.0}, Max: orb.Point{117.5, 36.4}}
	irregular = orb.Bound{Min: orb.Point{117.5, 36.0}, Max: orb.Point{117.7, 36.4}}
)

func polygonGrid(code string, mp orb.MultiPolygon) *pingan.Grid {
	var geom strings.Builder
	geom.WriteString(`{"type":"MultiPolygon","coordinates":[`)
	for i, p := range mp {
		if i > 0 {
			geom.WriteByte(',')
		}
		geom.WriteByte('[')
		for j, r := range p {
			if j > 0 {
				geom.WriteByte(',')
			}
			geom.WriteByte('[')
			for k, pt := range r {
				if k > 0 {
					geom.WriteByte(',')
				}
				fmt.Fprintf(&geom, "[%v,%v]", pt[0], pt[1])
			}
			geom.WriteByte(']')
		}
		geom.WriteByte(']')
	}
	geom.WriteString("]}")
	return &pingan.Grid{Code: code, Name: code, Type: pingan.GridDedicated, Unit: "370000000002", Geometry: []byte(geom.String())}
}

func rect(w, s, e, n float64) orb.Ring {
	return orb.Ring{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}
}

// irregularGrids are shapes a tiling has not: a grid with a hole and a
// dedicated grid (a school) filling the hole exactly, a concave comb, a
// grid of two parts, and eight triangles meeting at one vertex.
func irregularGrids() []*pingan.Grid {
	grids := []*pingan.Grid{
		polygonGrid("X001", orb.MultiPolygon{{rect(117.52, 36.02, 117.60, 36.10), rect(117.54, 36.04, 117.58, 36.08)}}),
		polygonGrid("X002", orb.MultiPolygon{{rect(117.54, 36.04, 117.58, 36.08)}}),
		polygonGrid("X003", orb.MultiPolygon{{{{117.62, 36.02}, {117.68, 36.02}, {117.68, 36.10}, {117.665, 36.10}, {117.665, 36.04},
			{117.655, 36.04}, {117.655, 36.10}, {117.64, 36.10}, {117.64, 36.04}, {117.63, 36.04}, {117.63, 36.10}, {117.62, 36.10}, {117.62, 36.02}}}}),
		polygonGrid("X004", orb.MultiPolygon{{rect(117.52, 36.12, 117.55, 36.15)}, {rect(117.57, 36.12, 117.60, 36.15)}}),
	}
	center := orb.Point{117.64, 36.20}
	var rim []orb.Point
	for k := range 8 {
		a := float64(k) * math.Pi / 4
		rim = append(rim, orb.Point{center[0] + 0.03*math.Cos(a), center[1] + 0.03*math.Sin(a)})
	}
	for k := range 8 {
		grids = append(grids, polygonGrid(fmt.Sprintf("X1%02d", k), orb.MultiPolygon{{{center, rim[k], rim[(k+1)%8], center}}}))
	}
	return grids
}

// point is a position to place, and whether it was chosen on a border.
type point struct {
	lat, lng float64
	border   bool
}

// testPoints answers n points over the grids: most uniform over the area
// and beyond it, a tenth exactly on vertices, a tenth exactly on vertical
// and horizontal edges (where "exactly" is exact in floating point).
func testPoints(grids []*pingan.Grid, n int, seed uint64) []point {
	rng := mrand.New(mrand.NewPCG(seed, 11))
	area := county.Union(irregular).Pad(0.02)
	polys := make([]orb.MultiPolygon, len(grids))
	for i, g := range grids {
		mp, err := geo.ParseGeometry(g.Geometry)
		if err != nil {
			panic(err)
		}
		polys[i] = mp
	}
	pts := make([]point, 0, n)
	for len(pts) < n {
		switch k := rng.IntN(10); {
		case k == 0: // a vertex
			r := randomRing(rng, polys)
			v := r[rng.IntN(len(r))]
			pts = append(pts, point{lat: v[1], lng: v[0], border: true})
		case k == 1: // on an edge parallel to an axis
			r := randomRing(rng, polys)
			i := rng.IntN(len(r) - 1)
			a, b := r[i], r[i+1]
			t := rng.Float64()
			switch {
			case a[0] == b[0] && a[1] != b[1]:
				pts = append(pts, point{lat: a[1] + t*(b[1]-a[1]), lng: a[0], border: true})
			case a[1] == b[1] && a[0] != b[0]:
				pts = append(pts, point{lat: a[1], lng: a[0] + t*(b[0]-a[0]), border: true})
			}
		default:
			pts = append(pts, point{lat: area.Min[1] + rng.Float64()*(area.Max[1]-area.Min[1]), lng: area.Min[0] + rng.Float64()*(area.Max[0]-area.Min[0])})
		}
	}
	return pts
}

func randomRing(rng *mrand.Rand, polys []orb.MultiPolygon) orb.Ring {
	mp := polys[rng.IntN(len(polys))]
	p := mp[rng.IntN(len(mp))]
	return p[rng.IntN(len(p))]
}

// coveredBy answers, for each point, the codes of the grids in table that
// cover it by ST_Covers, sorted.
func coveredBy(tb testing.TB, db *sql.DB, table string, pts []point) [][]string {
	tb.Helper()
	ctx := context.Background()
	lat, lng := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lat[i], lng[i] = p.lat, p.lng
	}
	rows, err := db.QueryContext(ctx, `SELECT p.i, g.code
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lng, lat, i)
		JOIN `+table+` g ON ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326))
		ORDER BY p.i, g.code`, lng, lat)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := make([][]string, len(pts))
	for rows.Next() {
		var i int
		var code string
		if err := rows.Scan(&i, &code); err != nil {
			tb.Fatal(err)
		}
		out[i-1] = append(out[i-1], code)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestAgreesWithPostGIS places 100,000 points — uniform over a county
// tiled by 3,000 grids and a strip of irregular ones, plus points chosen
// exactly on shared borders and vertices — with the index and with PostGIS
// ST_Covers over a GiST index, and requires the same grids for every point:
// the one grid that covers it, or none; on a border, the same set of grids,
// of which Locate answers exactly one.
func TestAgreesWithPostGIS(t *testing.T) {
	db := postgis(t)
	grids := append(geo.Tiling("370000000001", county, 3000), irregularGrids()...)
	for _, g := range grids {
		if err := geo.Validate(g, nil, nil, geo.DefaultTolerance); err != nil {
			t.Fatalf("a test grid is invalid: %v", err)
		}
	}
	ix, err := geo.NewIndex(grids)
	if err != nil {
		t.Fatal(err)
	}
	loadGrids(t, db, "grids", grids)
	pts := testPoints(grids, 100_000, 2026)
	pg := coveredBy(t, db, "grids", pts)

	var inside, outside, shared, chosen, disagree int
	for i, p := range pts {
		want := pg[i]
		got := ix.Covering(p.lat, p.lng)
		code, ok := ix.Locate(p.lat, p.lng)
		if p.border {
			chosen++
		}
		switch {
		case !slices.Equal(got, want):
			if disagree++; disagree <= 10 {
				t.Errorf("point %d (%v, %v), on a border %v: the index covers it by %v, PostGIS by %v", i, p.lat, p.lng, p.border, got, want)
			}
		case len(want) == 0:
			outside++
			if ok {
				t.Errorf("point %d (%v, %v): Locate answers %s, PostGIS no grid", i, p.lat, p.lng, code)
			}
		case len(want) == 1:
			inside++
			if code != want[0] {
				t.Errorf("point %d (%v, %v): Locate answers %s, PostGIS %s", i, p.lat, p.lng, code, want[0])
			}
		default:
			shared++
			if !ok || !slices.Contains(want, code) || code != want[0] {
				t.Errorf("point %d (%v, %v) on the border of %v: Locate answers %q", i, p.lat, p.lng, want, code)
			}
		}
	}
	if disagree > 0 {
		t.Errorf("%d of %d points disagree", disagree, len(pts))
	}
	t.Logf("%d points over %d grids: %d in one grid, %d in none, %d on a border shared by several (%d chosen on borders and vertices); all agree with PostGIS ST_Covers",
		len(pts), len(grids), inside, outside, shared, chosen)
	if shared < 5000 || outside < 1000 || inside < 40000 {
		t.Errorf("the points do not exercise every case: %d inside, %d outside, %d on borders", inside, outside, shared)
	}
}

// BenchmarkPostGIS compares, on the same polygons (5,000 and 50,000 grids
// tiling a county) and the same random points, lookups per second of the
// index's Locate on one core and of PostGIS: one ST_Covers query a point
// over a GiST index (as a server would ask per case), and 1,000 points a
// query (the database's own speed, without the round trips).
//
//	go test -run '^$' -bench PostGIS -cpu 1 ./geo/
func BenchmarkPostGIS(b *testing.B) {
	db := postgis(b)
	ctx := context.Background()
	for _, n := range []int{5000, 50000} {
		grids := geo.Tiling("370000000001", county, n)
		ix, err := geo.NewIndex(grids)
		if err != nil {
			b.Fatal(err)
		}
		table := fmt.Sprintf("grids_%d", n)
		loadGrids(b, db, table, grids)
		rng := mrand.New(mrand.NewPCG(3, 4))
		pts := make([]point, 1<<14)
		for i := range pts {
			pts[i] = point{lat: county.Min[1] + rng.Float64()*(county.Max[1]-county.Min[1]), lng: county.Min[0] + rng.Float64()*(county.Max[0]-county.Min[0])}
		}
		size := fmt.Sprintf("%dk", n/1000)
		b.Run("Locate/"+size, func(b *testing.B) {
			i := 0
			for b.Loop() {
				p := pts[i&(len(pts)-1)]
				if _, ok := ix.Locate(p.lat, p.lng); !ok {
					b.Fatal("a point in no grid")
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
		b.Run("ST_Covers/"+size, func(b *testing.B) {
			conn, err := db.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			stmt, err := conn.PrepareContext(ctx, `SELECT code FROM `+table+` WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1`)
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			i := 0
			for b.Loop() {
				p := pts[i&(len(pts)-1)]
				var code string
				if err := stmt.QueryRowContext(ctx, p.lng, p.lat).Scan(&code); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
		b.Run("ST_Covers-1000-a-query/"+size, func(b *testing.B) {
			const batch = 1000
			lat, lng := make([]float64, batch), make([]float64, batch)
			i, looked := 0, 0
			for b.Loop() {
				for k := range batch {
					p := pts[(i+k)&(len(pts)-1)]
					lat[k], lng[k] = p.lat, p.lng
				}
				i += batch
				var found int
				err := db.QueryRowContext(ctx, `SELECT count(*) FROM unnest($1::float8[], $2::float8[]) AS p(lng, lat)
					CROSS JOIN LATERAL (SELECT code FROM `+table+` g WHERE ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)) ORDER BY code LIMIT 1) c`,
					lng, lat).Scan(&found)
				if err != nil {
					b.Fatal(err)
				}
				if found != batch {
					b.Fatalf("%d of %d points found a grid", found, batch)
				}
				looked += batch
			}
			b.ReportMetric(float64(looked)/b.Elapsed().Seconds(), "lookups/s")
		})
	}
}
