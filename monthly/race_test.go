//go:build race

package monthly_test

// race is set when the tests run with the race detector, which makes the
// store some ten times slower: the history is then thinner.
const race = true
