//go:build race

package gunzip

// raceOn makes the slow differential tests sample less under -race
// (make test), which runs them about ten times slower.
const raceOn = true
