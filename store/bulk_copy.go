package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/pingan-gov/pingan"
)

// copy copies rows into table on PostgreSQL, in the transaction of b: COPY
// FROM STDIN in the binary format, through the pgx connection under b's.
// args are the values of cols, row after row, bound already.
func (b *BulkTx) copy(ctx context.Context, table string, cols []string, args []any) error {
	n := len(cols)
	if n == 0 || len(args)%n != 0 {
		return fmt.Errorf("store: bulk copy into %s: %d values for %d columns", table, len(args), n)
	}
	return b.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: bulk copy into %s: not a pgx connection (%T)", table, dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, &bulkRowSource{args: args, n: n, i: -1})
		return err
	})
}

// bulkRowSource answers the rows of a flat list of values, n to a row.
type bulkRowSource struct {
	args []any
	n, i int
}

func (s *bulkRowSource) Next() bool {
	s.i++
	return (s.i+1)*s.n <= len(s.args)
}

func (s *bulkRowSource) Values() ([]any, error) { return s.args[s.i*s.n : (s.i+1)*s.n], nil }

func (s *bulkRowSource) Err() error { return nil }

// copyTallies adds the counter rows on PostgreSQL as addTallies does (the
// day rows, and their sums in the other tables), each table's rows copied
// into a temporary table and added from it in one statement: the same sums, in
// a few round trips instead of one a few rows. A row that changes no
// measure is left out, as addTallies leaves it.
func (b *BulkTx) copyTallies(ctx context.Context, rows []pingan.TallyRow) error {
	for _, tt := range b.tallyTables() {
		rs := tt.project(rows)
		// The measures the table keeps (the reports by node, one).
		ms := tt.columns()
		cols := append([]string{"node", tt.period, "region", "kind", "category", "source"}, ms...)
		args := make([]any, 0, len(rs)*len(cols))
		for _, r := range rs {
			if r.T.Zero() {
				continue
			}
			args = append(args, r.Node, r.Key.Day, r.Key.Region, string(r.Key.Kind), r.Key.Category, string(r.Key.Source))
			for i, v := range r.T {
				if tt.keeps(i) {
					args = append(args, v)
				}
			}
		}
		if len(args) == 0 {
			continue
		}
		tmp := "bulk_" + tt.table
		if _, err := b.tx.ExecContext(ctx, `CREATE TEMPORARY TABLE `+tmp+` (LIKE `+tt.table+`) ON COMMIT DROP`); err != nil {
			return err
		}
		if err := b.copy(ctx, tmp, cols, args); err != nil {
			return err
		}
		set := make([]string, len(ms))
		for j, c := range ms {
			set[j] = c + " = " + tt.table + "." + c + " + excluded." + c
		}
		list := strings.Join(cols, ", ")
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO `+tt.table+` (`+list+`) SELECT `+list+` FROM `+tmp+
			` ON CONFLICT (node, `+tt.period+`, `+tallyKeyColumns+`) DO UPDATE SET `+strings.Join(set, ", ")); err != nil {
			return err
		}
		if _, err := b.tx.ExecContext(ctx, `DROP TABLE `+tmp); err != nil { // for the next call in tx
			return err
		}
	}
	return nil
}
