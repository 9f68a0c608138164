//go:build !race

package monthly_test

const race = false
