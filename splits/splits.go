// Package splits computes the train/valid/test partitions of a dataset,
// stored as split/<name> in the file (docs/format.md): random, stratified
// on a categorical attribute (its distinct values shuffled and cut) or a
// continuous one (cut by percentiles, Percentile), and compositional on
// two attributes of either kind (Attr, CompositionalAttrs).
//
// A partition is a []uint8 with one entry per sample: 0 train, 1 valid,
// 2 test. Every function is a pure function of its arguments: the
// randomness comes from math/rand/v2's PCG seeded with (seed, a constant
// per kind of split), and the shuffles are written here (Fisher–Yates over
// PCG's documented output) rather than taken from rand.Shuffle, so a
// partition does not change with the Go release. No function panics; see
// each for its edge cases.
//
// Counts are cut with floors (the original rounds; floors never give a
// partition more than its share): valid and test get the floor of
// their share, train gets the rest.
package splits

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Default are the original's ratios (train, valid, test).
var Default = [3]float64{0.6, 0.2, 0.2}

// ErrRatios is wrapped by CheckRatios' errors.
var ErrRatios = errors.New("splits: invalid ratios")

// Stream constants of the PCG generators, one per use, so that splits with
// the same seed are independent of each other.
const (
	streamRandom      = 0x72616e646f6d0001 // "random"
	streamStratified  = 0x7374726174000002 // "strat"
	streamCompositA   = 0x636f6d706f000003 // "compo"
	streamCompositB   = 0x636f6d706f000004
	seedMixMultiplier = 0x9e3779b97f4a7c15
)

// CheckRatios reports whether r can be used as given: finite, non-negative,
// with a positive sum. The split functions normalise r by its sum, so
// (3, 1, 1) is the same as (0.6, 0.2, 0.2).
func CheckRatios(r [3]float64) error {
	sum := 0.0
	for _, v := range r {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("%w: %v: each must be finite and >= 0", ErrRatios, r)
		}
		sum += v
	}
	if sum <= 0 {
		return fmt.Errorf("%w: %v: sum must be > 0", ErrRatios, r)
	}
	return nil
}

// normalize returns r divided by its sum, or Default if r is unusable
// (see CheckRatios), so that bad input cannot make a function panic.
func normalize(r [3]float64) [3]float64 {
	if CheckRatios(r) != nil {
		return Default
	}
	s := r[0] + r[1] + r[2]
	return [3]float64{r[0] / s, r[1] / s, r[2] / s}
}

// counts cuts n items by the ratios: valid and test get floor(n·ratio)
// and train gets the remainder, so the counts always add up to n.
func counts(n int, ratios [3]float64) [3]int {
	r := normalize(ratios)
	// A small relative tolerance keeps 0.2·1000 = 200 from becoming 199
	// through floating-point error.
	fl := func(x float64) int { return int(math.Floor(x + float64(1e-9*(1+x)))) }
	valid := fl(float64(float64(n) * r[1]))
	test := fl(float64(float64(n) * r[2]))
	valid = min(max(valid, 0), n)
	test = min(max(test, 0), n-valid)
	return [3]int{n - valid - test, valid, test}
}

// newRand returns the generator for one split.
func newRand(seed, stream uint64) *rand.PCG { return rand.NewPCG(seed, stream) }

// uintn returns a uniform integer in [0, n), n > 0, by Lemire's multiply
// and reject method.
func uintn(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// shuffle permutes s uniformly (Fisher–Yates).
func shuffle[T any](r *rand.PCG, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := uintn(r, uint64(i+1))
		s[i], s[j] = s[j], s[i]
	}
}

// cut returns n partition labels: counts(n) of 0, then 1, then 2.
func cut(n int, ratios [3]float64) []uint8 { return cutCounts(counts(n, ratios)) }

// cutCounts returns c[0] labels 0, then c[1] labels 1, then c[2] labels 2.
func cutCounts(c [3]int) []uint8 {
	p := make([]uint8, c[0]+c[1]+c[2])
	for i := c[0]; i < c[0]+c[1]; i++ {
		p[i] = 1
	}
	for i := c[0] + c[1]; i < len(p); i++ {
		p[i] = 2
	}
	return p
}

// Random returns a partition of n samples drawn as a random permutation cut
// by the ratios: exactly floor(n·valid) samples in valid, floor(n·test) in
// test, the rest in train. n <= 0 gives an empty partition. Ratios are
// normalised by their sum; unusable ratios (see CheckRatios) mean Default.
func Random(n int, ratios [3]float64, seed uint64) []uint8 {
	if n <= 0 {
		return []uint8{}
	}
	// Shuffling the labels is the same as cutting a shuffled permutation.
	p := cut(n, ratios)
	shuffle(newRand(seed, streamRandom), p)
	return p
}

// Stratified partitions samples by the value of a categorical attribute
// (values[i] is sample i's): the distinct values are sorted, shuffled and
// cut by the ratios — floor(d·valid) values to valid, floor(d·test) to
// test, the rest to train, for d distinct values — and each sample goes
// where its value went. So every value lies in exactly one partition, and
// the sample counts follow the ratios only on average.
//
// With few distinct values the floors would leave valid or test empty
// (with the default ratios, for d < 5): then the values are cut as
// cutValues says, so that every partition of positive ratio gets a value
// whenever there are at least as many distinct values as such partitions
// (d = 3 or 4 at the default ratios: at least one value each; d = 2:
// train and test one each; d = 1: train). A value is never split to fill
// a partition. For d >= 5 at the default ratios nothing changes. Empty
// input gives an empty partition.
func Stratified(values []string, ratios [3]float64, seed uint64) []uint8 {
	return stratified(values, ratios, seed, streamStratified)
}

func stratified(values []string, ratios [3]float64, seed, stream uint64) []uint8 {
	of := labelValues(slices.Clone(values), ratios, seed, stream)
	p := make([]uint8, len(values))
	for i, v := range values {
		p[i] = of[v]
	}
	return p
}

// Compositional partitions samples by two categorical attributes so that
// each partition sees combinations of values the others do not, while each
// attribute's values appear everywhere: p1 is a stratified partition of a
// and p2 one of b (each with its own seed derived from seed), and sample i
// goes to the partition j with p1[i] = (p2[i] + j) mod 3 — train takes the
// samples whose two partitions agree.
//
// The edge cases of Stratified apply to each attribute: with a single
// distinct value an attribute is all "train", and the partition
// degenerates to the stratified partition of the other attribute. a and b
// must have the same length;
// if they do not, Compositional returns nil.
func Compositional(a, b []string, ratios [3]float64, seed uint64) []uint8 {
	if len(a) != len(b) {
		return nil
	}
	p1 := stratified(a, ratios, deriveSeed(seed, 1), streamCompositA)
	p2 := stratified(b, ratios, deriveSeed(seed, 2), streamCompositB)
	p := make([]uint8, len(a))
	for i := range p {
		// j ≡ p1 − p2 (mod 3)
		p[i] = (p1[i] + 3 - p2[i]) % 3
	}
	return p
}

// deriveSeed mixes seed with k (SplitMix64's finaliser), so that the two
// stratifications of Compositional do not share the seed of Stratified.
func deriveSeed(seed, k uint64) uint64 {
	z := seed + k*seedMixMultiplier
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// StratifiedCodes is Stratified for a column stored as codes into names
// (values[i] = names[codes[i]]), the compact form a large dataset keeps:
// the same partition, without a string per sample. Codes out of range of
// names make it return nil.
func StratifiedCodes(codes []uint32, names []string, ratios [3]float64, seed uint64) []uint8 {
	return stratifiedCodes(codes, names, ratios, seed, streamStratified)
}

// CompositionalCodes is Compositional for two coded columns (see
// StratifiedCodes).
func CompositionalCodes(a []uint32, aNames []string, b []uint32, bNames []string, ratios [3]float64, seed uint64) []uint8 {
	if len(a) != len(b) {
		return nil
	}
	p1 := stratifiedCodes(a, aNames, ratios, deriveSeed(seed, 1), streamCompositA)
	p2 := stratifiedCodes(b, bNames, ratios, deriveSeed(seed, 2), streamCompositB)
	if p1 == nil || p2 == nil {
		return nil
	}
	for i := range p1 {
		p1[i] = (p1[i] + 3 - p2[i]) % 3
	}
	return p1
}

// stratifiedCodes gives the partition stratified would give the decoded
// column: the distinct values present, sorted by name, shuffled and cut,
// exactly as there; codes with equal names share a label.
func stratifiedCodes(codes []uint32, names []string, ratios [3]float64, seed, stream uint64) []uint8 {
	used := make([]bool, len(names))
	for _, c := range codes {
		if int(c) >= len(names) {
			return nil
		}
		used[c] = true
	}
	var present []string
	for c, u := range used {
		if u {
			present = append(present, names[c])
		}
	}
	of := labelValues(present, ratios, seed, stream)
	byCode := make([]uint8, len(names))
	for c, u := range used {
		if u {
			byCode[c] = of[names[c]]
		}
	}
	p := make([]uint8, len(codes))
	for i, c := range codes {
		p[i] = byCode[c]
	}
	return p
}

// labelValues gives each distinct value of values (which it sorts) its
// partition: the distinct values, sorted, shuffled and cut.
func labelValues(values []string, ratios [3]float64, seed, stream uint64) map[string]uint8 {
	slices.Sort(values)
	distinct := slices.Compact(values)
	shuffle(newRand(seed, stream), distinct)
	labels := cutValues(len(distinct), ratios)
	of := make(map[string]uint8, len(distinct))
	for i, v := range distinct {
		of[v] = labels[i]
	}
	return of
}
