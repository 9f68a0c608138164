package store

import (
	"time"

	"github.com/pingan-gov/pingan"
)

// OverdueCountQuery is the count of the accepted cases overdue at $1 as
// an inbox tab counts them (count.go): the tab's statuses, the condition
// of the open cases and the overdue test, in the words of dialect d.
func OverdueCountQuery(d Dialect) string {
	f := pingan.CaseFilter{Status: []pingan.Status{pingan.StatusAccepted}}
	where := append([]string{`status IN ('accepted')`, openStatuses}, overdueWhere(d, f.Status, "$1")...)
	return countQuery(where, f, false, "1001")
}

// PetitionCountQuery is the count of the petitions in progress at a stage
// as a petition tab counts them, the stage its one argument.
func PetitionCountQuery() (string, []any) {
	var v pingan.Invalid
	var a args
	f := pingan.CaseFilter{Status: []pingan.Status{pingan.StatusInProgress}, PetitionStages: []pingan.PetitionStage{pingan.StageReview}}
	where := append([]string{`status IN ('in_progress')`, openStatuses}, figureFilter(&v, f, &a)...)
	return countQuery(where, f, true, "1001"), a
}

// MapMonthQuery is the statement of the grid map of a month: the reports
// of the month from..to of every grid under the unit at path, as
// StatsBy(ByGrid) with the reports alone asks it in the words of d; and
// on PostgreSQL the statement its transaction runs first.
func MapMonthQuery(d Dialect, path string, from, to time.Time) (setup, q string, a []any) {
	r := &statsRead{s: &Stats{&handle{dialect: d}}, unit: &pingan.Unit{Path: path}, nodes: []string{"", ""},
		q: pingan.StatsQuery{Measures: pingan.MeasuresOf(pingan.MReported)}}
	r.nodeSet = r.gridSet
	spans := spansOf(from, to)
	if len(spans) != 1 {
		panic("MapMonthQuery: not one month")
	}
	q, a, _ = r.statement(spans[0], "node")
	if d == Postgres {
		setup = customPlans
	}
	return setup, q, a
}
