package store

import (
	"strconv"
	"strings"
)

// args builds the parameters of one statement, the one way the store does
// it: add appends a value and answers its placeholder ($N, numbered as
// both databases bind them); list does so for several, comma-separated.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

func (a *args) list(vs ...any) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = a.add(v)
	}
	return strings.Join(ps, ", ")
}
