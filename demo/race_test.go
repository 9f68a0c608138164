//go:build race

package demo

// race is set when the tests run with the race detector, which makes the
// store some ten times slower: the tests then build smaller cities.
const race = true
