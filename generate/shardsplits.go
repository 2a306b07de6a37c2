package generate

import (
	"fmt"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/splits"
)

// SplitRequestsAttr is the root attribute naming the splits the run was
// asked for (Config.Splits), one request per line in the language of
// ParseSplitRequest: a shard has no splits, and merge computes these over
// the whole dataset. Splits added later (AddSplits) do not change it.
const SplitRequestsAttr = "split_requests"

// encodeSplitRequests is SplitRequestsAttr's value.
func encodeSplitRequests(reqs []SplitRequest) string {
	lines := make([]string, len(reqs))
	for i, r := range reqs {
		lines[i] = r.String()
	}
	return strings.Join(lines, "\n")
}

// DecodeSplitRequests reads SplitRequestsAttr's value; "" (a file from
// before the attribute) means DefaultSplitRequests.
func DecodeSplitRequests(v string) ([]SplitRequest, error) {
	if v == "" {
		return DefaultSplitRequests(), nil
	}
	return ParseSplitRequests(strings.Split(v, "\n"))
}

// ShardSplits computes the requested splits of a dataset of n samples
// made of shard files (paths in row order, their rows tiling [0, n)) as a
// single run of it writes them: every attribute is the shards' typed
// columns joined in order (the splits see a categorical column's names,
// not its codes, so shards that number names differently join exactly).
// The files are opened read-only.
func ShardSplits(paths []string, reqs []SplitRequest, seed uint64, n int) ([]output.Split, error) {
	src := &joinSource{cache: map[string]splits.Attr{}}
	defer src.close()
	for _, p := range paths {
		f, err := hdf5.Open(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrSplitFile, p, err)
		}
		src.parts = append(src.parts, &fileSource{f: f, path: p, cache: map[string]splits.Attr{}})
	}
	out := make([]output.Split, 0, len(reqs))
	for _, r := range reqs {
		p, err := partition(r, n, src, seed)
		if err != nil {
			return nil, err
		}
		out = append(out, output.Split{Name: r.SplitName(), Part: p, Seed: int64(seed)})
	}
	return out, nil
}

// joinSource joins the attributes of several files, in order. Not safe
// for concurrent use.
type joinSource struct {
	parts []*fileSource
	cache map[string]splits.Attr
}

func (s *joinSource) close() {
	for _, p := range s.parts {
		p.f.Close()
	}
}

func (s *joinSource) attr(name string) (splits.Attr, error) {
	if a, ok := s.cache[name]; ok {
		return a, nil
	}
	var out splits.Attr
	code := map[string]uint32{}
	for i, p := range s.parts {
		a, err := p.read(name)
		if err != nil {
			return splits.Attr{}, err
		}
		if i == 0 {
			out.Continuous = a.Continuous
		}
		if a.Continuous {
			out.Values = append(out.Values, a.Values...)
			continue
		}
		// Recode into one name list, in order of first appearance.
		remap := make([]uint32, len(a.Names))
		for j, nm := range a.Names {
			c, ok := code[nm]
			if !ok {
				c = uint32(len(out.Names))
				code[nm] = c
				out.Names = append(out.Names, nm)
			}
			remap[j] = c
		}
		for _, c := range a.Codes {
			if int(c) >= len(remap) {
				return splits.Attr{}, fmt.Errorf("%w: %s: %s: code %d outside its %d names", ErrSplitFile, p.path, name, c, len(remap))
			}
			out.Codes = append(out.Codes, remap[c])
		}
	}
	s.cache[name] = out
	return out, nil
}
