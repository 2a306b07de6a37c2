package splits

import (
	"math"
	"slices"
)

// valueCounts cuts d distinct values by the ratios as counts does, then
// fills the partitions the floors left empty: each partition of positive
// ratio without a value (test first, then valid, then train) takes one
// from a partition of ratio 0 holding values if there is one, else from
// the partition holding the most values, provided it keeps at least one
// (train wins ties). So when d is at least the number of partitions of
// positive ratio, every one of them gets a value; with fewer, test is
// served before valid. When the floors leave no such partition empty
// (d >= 5 at the default ratios) the counts are counts' own, so the
// partitions of files written before this rule are unchanged.
func valueCounts(d int, ratios [3]float64) [3]int {
	c := counts(d, ratios)
	r := normalize(ratios)
	for _, p := range [3]int{2, 1, 0} {
		if r[p] <= 0 || c[p] > 0 {
			continue
		}
		donor := -1
		for q := range 3 {
			if r[q] <= 0 && c[q] > 0 {
				donor = q
				break
			}
		}
		if donor < 0 {
			for q := range 3 {
				if c[q] >= 2 && (donor < 0 || c[q] > c[donor]) {
					donor = q
				}
			}
		}
		if donor < 0 {
			break
		}
		c[donor]--
		c[p]++
	}
	return c
}

// cutValues returns the labels of d shuffled distinct values (valueCounts).
func cutValues(d int, ratios [3]float64) []uint8 { return cutCounts(valueCounts(d, ratios)) }

// ValueCounts returns how many of d distinct values a stratified split
// puts in train, valid and test: floor(d·valid) and floor(d·test), the
// rest to train, then one value moved into each partition of positive
// ratio left empty while another can spare one (see Stratified). d <= 0
// gives zeros.
func ValueCounts(d int, ratios [3]float64) [3]int {
	if d <= 0 {
		return [3]int{}
	}
	return valueCounts(d, ratios)
}

// Percentile partitions samples by a continuous attribute, as the
// original's percentile_partition does: the lowest valid share of the
// values goes to valid, the highest test share to test, and train takes
// the middle, so that valid and test ask a model to extrapolate below and
// above what it was trained on (the paper's stratified scale and rotation
// splits). The two cuts are the percentiles 100·valid and
// 100·(train+valid) of the values, interpolated linearly between the
// nearest ranks (numpy.percentile's default); a sample goes to valid when
// its value is below the first cut, to test when above the second, else
// to train. So with distinct values the counts are within 2 of n·ratio,
// and ties stay together. Unlike the original, a value equal to the upper
// cut stays in train (a constant column is all train rather than all
// test), and a partition of ratio 0 is empty. NaN values (a sample
// without that attribute) are left out of the percentiles and go to
// train. Ratios are normalised as for Random; empty input gives an empty
// partition.
func Percentile(values []float64, ratios [3]float64) []uint8 {
	r := normalize(ratios)
	sorted := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			sorted = append(sorted, v)
		}
	}
	p := make([]uint8, len(values))
	if len(sorted) == 0 {
		return p
	}
	slices.Sort(sorted)
	lo, hi := percentile(sorted, r[1]), percentile(sorted, r[1]+r[0])
	for i, v := range values {
		switch {
		case math.IsNaN(v):
		case r[1] > 0 && v < lo:
			p[i] = 1
		case r[2] > 0 && v > hi:
			p[i] = 2
		}
	}
	return p
}

// percentile is the q-quantile (0 <= q <= 1) of sorted (not empty), by
// linear interpolation between ranks (q·(n−1)), as numpy.percentile.
func percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	h := float64(min(max(q, 0), 1) * float64(n-1))
	i := int(math.Floor(h))
	if i >= n-1 {
		return sorted[n-1]
	}
	a, b, t := sorted[i], sorted[i+1], h-float64(i)
	if t == 0 || a == b {
		return a
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		// a + (b−a)·t would be NaN; the nearer rank instead.
		if t < 0.5 {
			return a
		}
		return b
	}
	return a + float64((b-a)*t)
}

// Attr is one attribute's column, as the splits read it: categorical, as
// Codes into Names (sample i's value is Names[Codes[i]]), or Continuous,
// as Values. A categorical stratification shuffles the distinct names
// (Stratified); a continuous one cuts by percentiles (Percentile).
type Attr struct {
	Codes      []uint32
	Names      []string
	Values     []float64
	Continuous bool
}

// Len is the number of samples.
func (a Attr) Len() int {
	if a.Continuous {
		return len(a.Values)
	}
	return len(a.Codes)
}

// StratifiedAttr is the stratified split of one attribute: StratifiedCodes
// for a categorical one (so stratified_char from the char column is the
// partition StratifiedCodes gives), Percentile for a continuous one
// (which needs no seed). It returns nil for codes out of range of Names.
func StratifiedAttr(a Attr, ratios [3]float64, seed uint64) []uint8 {
	return stratifiedAttr(a, ratios, seed, streamStratified)
}

func stratifiedAttr(a Attr, ratios [3]float64, seed, stream uint64) []uint8 {
	if a.Continuous {
		return Percentile(a.Values, ratios)
	}
	return stratifiedCodes(a.Codes, a.Names, ratios, seed, stream)
}

// CompositionalAttrs is Compositional for any two attributes, each
// stratified by StratifiedAttr's rule (continuous ones binned by
// percentiles into low, middle and high) and combined as there: train
// takes the samples whose two strata agree, valid and test the two other
// diagonals of the 3×3 grid, so every partition sees each stratum of
// each attribute. For two categorical attributes it is
// CompositionalCodes. It returns nil when the lengths differ or codes are
// out of range.
func CompositionalAttrs(a, b Attr, ratios [3]float64, seed uint64) []uint8 {
	if a.Len() != b.Len() {
		return nil
	}
	p1 := stratifiedAttr(a, ratios, deriveSeed(seed, 1), streamCompositA)
	p2 := stratifiedAttr(b, ratios, deriveSeed(seed, 2), streamCompositB)
	if p1 == nil || p2 == nil {
		return nil
	}
	for i := range p1 {
		p1[i] = (p1[i] + 3 - p2[i]) % 3
	}
	return p1
}
