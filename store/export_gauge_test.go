package store

// OpenDueQuery is the query of the open cases whose due moment lies in
// [$1, $2), in the words of the index cases_open_due (gauge_read.go).
func OpenDueQuery(d Dialect) string {
	due := dueMoment(d)
	return `SELECT unit_path FROM cases WHERE ` + gaugeOpen + ` AND ` + due + ` >= $1 AND ` + due + ` < $2`
}
