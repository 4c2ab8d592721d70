//go:build !race

package gunzip

const raceOn = false
