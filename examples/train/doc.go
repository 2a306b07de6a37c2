// Package train holds the reference training harness for the Synbols
// paper's Tables 1-2 (train.py, models.py, partitions.py; see README.md) and
// the Go test that runs it small on the CPU, so that CI exercises it.
package train
