package output

import "github.com/synbols-gpu/synbols-gpu/internal/hdf5"

// VirtualSource is one block of rows of a virtual array (Options.Virtual):
// rows [Start, Start+Count) of the array are the whole dataset Dataset of
// File. A relative File is resolved, when the dataset is read, against the
// folder of the file holding the virtual array, so synbols-gpu merge names
// the shards relative to its output: the merged file and its shards can be
// moved together.
type VirtualSource = hdf5.VirtualSource
