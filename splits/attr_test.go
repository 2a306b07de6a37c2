package splits

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestValueCountsFewValues checks the rule for few distinct values: for
// every d from 1 to 40 and a range of ratios, the counts add up to d, and
// when d is at least the number m of partitions of positive ratio every
// one of them holds a value; with fewer, test before valid.
func TestValueCountsFewValues(t *testing.T) {
	for _, r := range [][3]float64{Default, {0.8, 0.1, 0.1}, {0.5, 0.5, 0}, {0, 0.5, 0.5}, {0.98, 0.01, 0.01}, {1, 0, 0}, {0.1, 0.1, 0.8}} {
		nr := normalize(r)
		m := 0
		for _, v := range nr {
			if v > 0 {
				m++
			}
		}
		for d := 1; d <= 40; d++ {
			c := ValueCounts(d, r)
			if c[0]+c[1]+c[2] != d {
				t.Fatalf("ratios %v, d=%d: counts %v do not add up", r, d, c)
			}
			for p := range 3 {
				if d >= m && nr[p] > 0 && c[p] == 0 {
					t.Errorf("ratios %v, d=%d: counts %v leave partition %d (ratio %g) empty", r, d, c, p, nr[p])
				}
			}
		}
	}
	// The default ratios, d = 1..4 (before the rule: all train).
	for d, want := range map[int][3]int{1: {1, 0, 0}, 2: {1, 0, 1}, 3: {1, 1, 1}, 4: {2, 1, 1}} {
		if got := ValueCounts(d, Default); got != want {
			t.Errorf("ValueCounts(%d, Default) = %v, want %v", d, got, want)
		}
	}
	if got := ValueCounts(0, Default); got != [3]int{} {
		t.Errorf("ValueCounts(0) = %v", got)
	}
}

// oldStratified is the rule before the few-values fix: the floors alone.
func oldStratified(values []string, ratios [3]float64, seed uint64) []uint8 {
	d := slices.Compact(slices.Sorted(slices.Values(values)))
	shuffle(newRand(seed, streamStratified), d)
	labels := cut(len(d), ratios)
	of := map[string]uint8{}
	for i, v := range d {
		of[v] = labels[i]
	}
	p := make([]uint8, len(values))
	for i, v := range values {
		p[i] = of[v]
	}
	return p
}

// TestStratifiedUnchangedFromFive: at the default ratios, every d >= 5
// (5..60, three seeds) gives the partition the floors alone gave, so
// files written before the fix keep their splits.
func TestStratifiedUnchangedFromFive(t *testing.T) {
	for d := 5; d <= 60; d++ {
		values := column(300, d, "v")
		for _, seed := range []uint64{1, 42, 1 << 40} {
			if !slices.Equal(Stratified(values, Default, seed), oldStratified(values, Default, seed)) {
				t.Fatalf("d=%d seed %d: partition changed", d, seed)
			}
		}
	}
	// And it does change below 5 (the test can tell them apart).
	if v := column(100, 3, "v"); slices.Equal(Stratified(v, Default, 1), oldStratified(v, Default, 1)) {
		t.Fatal("d=3: same partition as before the fix")
	}
}

// TestPercentileBoundaries: n = 1000 distinct uniform values, several
// ratios: every valid value lies below every train value, every train
// value below every test value, and each count is within 2 of n·ratio.
func TestPercentileBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 1000
	values := make([]float64, n)
	for i := range values {
		values[i] = rng.Float64()*4 - 2
	}
	for _, r := range [][3]float64{Default, {0.8, 0.1, 0.1}, {0.2, 0.6, 0.2}, {3, 1, 1}, {0.5, 0.5, 0}, {0.5, 0, 0.5}} {
		p := Percentile(values, r)
		nr := normalize(r)
		lo := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
		hi := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
		var c [3]int
		for i, v := range values {
			c[p[i]]++
			lo[p[i]], hi[p[i]] = min(lo[p[i]], v), max(hi[p[i]], v)
		}
		for q := range 3 {
			if math.Abs(float64(c[q])-n*nr[q]) > 2 {
				t.Errorf("ratios %v: counts %v, want within 2 of %v·%d", r, c, nr, n)
			}
		}
		if c[1] > 0 && c[0] > 0 && !(hi[1] < lo[0]) {
			t.Errorf("ratios %v: valid reaches %g, train starts at %g", r, hi[1], lo[0])
		}
		if c[2] > 0 && c[0] > 0 && !(hi[0] < lo[2]) {
			t.Errorf("ratios %v: train reaches %g, test starts at %g", r, hi[0], lo[2])
		}
		if c[1] > 0 && c[2] > 0 && !(hi[1] < lo[2]) {
			t.Errorf("ratios %v: valid reaches %g, test starts at %g", r, hi[1], lo[2])
		}
	}
}

func TestPercentileEdgeCases(t *testing.T) {
	if p := Percentile(nil, Default); len(p) != 0 {
		t.Errorf("nil: %v", p)
	}
	// A constant column is all train; NaN goes to train.
	if c := count(Percentile([]float64{2, 2, 2, 2, 2}, Default)); c != [3]int{5, 0, 0} {
		t.Errorf("constant: %v", c)
	}
	v := []float64{math.NaN(), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, math.NaN()}
	p := Percentile(v, Default)
	if p[0] != 0 || p[11] != 0 {
		t.Errorf("NaN samples in %v", p)
	}
	// The ten numbers: cuts at the 20th and 80th percentiles, 2.8 and 8.2.
	if got := fmt.Sprint(p[1:11]); got != "[1 1 0 0 0 0 0 0 2 2]" {
		t.Errorf("1..10 cut as %s", got)
	}
	// Ties at a cut stay together.
	ties := []float64{1, 1, 1, 1, 5, 5, 5, 5, 9, 9}
	pt := Percentile(ties, Default)
	for i := range ties {
		for j := range ties {
			if ties[i] == ties[j] && pt[i] != pt[j] {
				t.Fatalf("equal values %g in partitions %d and %d", ties[i], pt[i], pt[j])
			}
		}
	}
	if Percentile([]float64{math.Inf(-1), 0, 1, math.Inf(1)}, Default) == nil {
		t.Error("infinities: nil")
	}
}

// TestStratifiedAttrIsCodes: a categorical Attr gives StratifiedCodes'
// partition, and two give CompositionalCodes'.
func TestStratifiedAttrIsCodes(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	codes := make([]uint32, 500)
	codes2 := make([]uint32, 500)
	for i := range codes {
		codes[i], codes2[i] = uint32(i*7%8), uint32(i*3%5)
	}
	a, b := Attr{Codes: codes, Names: names}, Attr{Codes: codes2, Names: names}
	if !slices.Equal(StratifiedAttr(a, Default, 9), StratifiedCodes(codes, names, Default, 9)) {
		t.Error("StratifiedAttr differs from StratifiedCodes")
	}
	if !slices.Equal(CompositionalAttrs(a, b, Default, 9), CompositionalCodes(codes, names, codes2, names, Default, 9)) {
		t.Error("CompositionalAttrs differs from CompositionalCodes")
	}
	if CompositionalAttrs(a, Attr{Continuous: true, Values: []float64{1}}, Default, 1) != nil {
		t.Error("lengths differ: not nil")
	}
	if StratifiedAttr(Attr{Codes: []uint32{9}, Names: names}, Default, 1) != nil {
		t.Error("code out of range: not nil")
	}
}

// TestCompositionalHoles checks, as the paper's Fig. 2 shows, for a
// continuous pair (scale × rotation, n = 9000 uniform independent) and a
// categorical one (26 × 40 values, n = 20000): no (a, b) combination —
// of strata for continuous attributes, of values for categorical ones —
// lies in two partitions; every held-out combination's a and b each
// appear in train; and every partition holds samples of every stratum of
// each attribute, at least 3% of the partition (the smallest cell share
// at the default ratios is 0.2·0.2/0.44 ≈ 9%).
func TestCompositionalHoles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 9000
	sc, rot := make([]float64, n), make([]float64, n)
	for i := range sc {
		sc[i], rot[i] = 0.5+rng.Float64(), rng.Float64()*2-1
	}
	a, b := Attr{Continuous: true, Values: sc}, Attr{Continuous: true, Values: rot}
	checkHoles(t, "scale×rotation", CompositionalAttrs(a, b, Default, 1), Percentile(sc, Default), Percentile(rot, Default))

	const m = 20000
	chars, fonts := make([]uint32, m), make([]uint32, m)
	cn, fn := make([]string, 26), make([]string, 40)
	for i := range cn {
		cn[i] = fmt.Sprintf("c%02d", i)
	}
	for i := range fn {
		fn[i] = fmt.Sprintf("f%02d", i)
	}
	for i := range chars {
		chars[i], fonts[i] = uint32(rng.IntN(26)), uint32(rng.IntN(40))
	}
	ca, fa := Attr{Codes: chars, Names: cn}, Attr{Codes: fonts, Names: fn}
	p := CompositionalAttrs(ca, fa, Default, 7)
	checkHoles(t, "char×font strata", p, stratifiedCodes(chars, cn, Default, deriveSeed(7, 1), streamCompositA),
		stratifiedCodes(fonts, fn, Default, deriveSeed(7, 2), streamCompositB))
	// Value level: each held-out (char, font) pair's char and font occur
	// in train, and no pair occurs in two partitions.
	inTrainA, inTrainB := map[uint32]bool{}, map[uint32]bool{}
	pairPart := map[[2]uint32]uint8{}
	for i := range p {
		if p[i] == 0 {
			inTrainA[chars[i]], inTrainB[fonts[i]] = true, true
		}
		k := [2]uint32{chars[i], fonts[i]}
		if q, ok := pairPart[k]; ok && q != p[i] {
			t.Fatalf("pair %v in partitions %d and %d", k, q, p[i])
		}
		pairPart[k] = p[i]
	}
	for i := range p {
		if p[i] != 0 && (!inTrainA[chars[i]] || !inTrainB[fonts[i]]) {
			t.Fatalf("held-out pair (%d, %d): char in train %v, font in train %v", chars[i], fonts[i], inTrainA[chars[i]], inTrainB[fonts[i]])
		}
	}
}

// checkHoles is TestCompositionalHoles' check on strata sa, sb.
func checkHoles(t *testing.T, what string, p, sa, sb []uint8) {
	t.Helper()
	var cell [3][3][3]int // partition, stratum a, stratum b
	var size [3]int
	for i := range p {
		cell[p[i]][sa[i]][sb[i]]++
		size[p[i]]++
	}
	for x := range 3 {
		for y := range 3 {
			in := 0
			for q := range 3 {
				if cell[q][x][y] > 0 {
					in++
				}
			}
			if in > 1 {
				t.Errorf("%s: cell (%d, %d) in %d partitions", what, x, y, in)
			}
		}
	}
	for q := range 3 {
		if size[q] == 0 {
			t.Fatalf("%s: partition %d empty", what, q)
		}
		for s := range 3 {
			na, nb := 0, 0
			for o := range 3 {
				na += cell[q][s][o]
				nb += cell[q][o][s]
			}
			if float64(na) < 0.03*float64(size[q]) || float64(nb) < 0.03*float64(size[q]) {
				t.Errorf("%s: partition %d holds %d and %d of %d samples of stratum %d", what, q, na, nb, size[q], s)
			}
			// held out: its strata appear in train
			if q != 0 {
				for o := range 3 {
					if cell[q][s][o] > 0 {
						ta, tb := 0, 0
						for k := range 3 {
							ta += cell[0][s][k]
							tb += cell[0][k][o]
						}
						if ta == 0 || tb == 0 {
							t.Errorf("%s: held-out cell (%d, %d) has a stratum missing from train", what, s, o)
						}
					}
				}
			}
		}
	}
}

// TestAttrNoPanics: 2,000 random inputs (lengths 0–40, NaN and infinite
// values, ties, ratios with zeros, negative or NaN ratios) give
// partitions of the right length with labels 0–2, without panicking.
func TestAttrNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, 1}
	for it := range 2000 {
		n := rng.IntN(41)
		v := make([]float64, n)
		codes := make([]uint32, n)
		names := []string{"a", "b", "c", "d", "e", "f"}
		for i := range v {
			v[i] = rng.NormFloat64()
			if rng.IntN(4) == 0 {
				v[i] = specials[rng.IntN(len(specials))]
			}
			codes[i] = uint32(rng.IntN(len(names)))
		}
		var r [3]float64
		for i := range r {
			r[i] = []float64{0, 0.1, 0.5, 1, -1, math.NaN()}[rng.IntN(6)]
		}
		for _, p := range [][]uint8{
			Percentile(v, r),
			StratifiedAttr(Attr{Codes: codes, Names: names}, r, uint64(it)),
			CompositionalAttrs(Attr{Continuous: true, Values: v}, Attr{Codes: codes, Names: names}, r, uint64(it)),
		} {
			if len(p) != n {
				t.Fatalf("case %d: len %d, want %d", it, len(p), n)
			}
			for _, x := range p {
				if x > 2 {
					t.Fatalf("case %d: label %d", it, x)
				}
			}
		}
	}
}
