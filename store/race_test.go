//go:build race

package store_test

// race is set when the tests run with the race detector, which makes the
// store some ten times slower: the long tests then take fewer steps.
const race = true
