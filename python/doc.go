// Package python holds the Python package synbols_gpu (python/synbols_gpu:
// generate, load, stream, and the torch data sets SynbolsIterableDataset
// and SynbolsH5) and the Go test that runs its unittest suite
// (python/tests) against a freshly built synbols-gpu binary. It has no Go
// code of its own.
package python
