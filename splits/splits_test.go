package splits

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func count(p []uint8) [3]int {
	var c [3]int
	for _, v := range p {
		c[v]++
	}
	return c
}

func TestRandomCounts(t *testing.T) {
	for _, tc := range []struct {
		n      int
		ratios [3]float64
		want   [3]int
	}{
		{1000, Default, [3]int{600, 200, 200}}, // the reference file's sums
		{200, Default, [3]int{120, 40, 40}},
		{500, Default, [3]int{300, 100, 100}},
		{7, Default, [3]int{5, 1, 1}},
		{1, Default, [3]int{1, 0, 0}},
		{10, [3]float64{3, 1, 1}, [3]int{6, 2, 2}},     // normalised
		{10, [3]float64{0, 0.5, 0.5}, [3]int{0, 5, 5}}, // no train
		{10, [3]float64{-1, 0, 0}, [3]int{6, 2, 2}},    // unusable: Default
		{10, [3]float64{math.NaN(), 1, 1}, [3]int{6, 2, 2}},
		{0, Default, [3]int{}},
		{-3, Default, [3]int{}},
	} {
		p := Random(tc.n, tc.ratios, 42)
		if len(p) != max(tc.n, 0) {
			t.Errorf("Random(%d, %v): len %d", tc.n, tc.ratios, len(p))
			continue
		}
		if got := count(p); got != tc.want {
			t.Errorf("Random(%d, %v): counts %v, want %v", tc.n, tc.ratios, got, tc.want)
		}
	}
}

func TestRandomDeterminism(t *testing.T) {
	a, b := Random(1000, Default, 7), Random(1000, Default, 7)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different partitions")
	}
	if c := Random(1000, Default, 8); slices.Equal(a, c) {
		t.Fatal("seeds 7 and 8 give the same partition")
	}
	// It is a shuffle, not a block cut: the first 600 are not all train.
	if count(a[:600])[0] == 600 {
		t.Fatal("partition is not shuffled")
	}
}

// TestRandomGolden pins the partition of a small case, so that a change of
// algorithm (which would change every published split) is noticed.
func TestRandomGolden(t *testing.T) {
	got := fmt.Sprint(Random(20, Default, 42))
	const want = "[0 0 0 0 0 0 2 0 0 2 2 0 1 0 2 1 1 0 0 1]"
	if got != want {
		t.Errorf("Random(20, Default, 42) = %s, want %s", got, want)
	}
}

// column makes n values cycling over d distinct names, shuffled by a fixed
// permutation so that the order of samples is not the order of values.
func column(n, d int, name string) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("%s%03d", name, (i*7919)%d)
	}
	return v
}

func TestStratified(t *testing.T) {
	values := column(1000, 26, "c")
	p := Stratified(values, Default, 42)
	where := map[string]uint8{}
	perPart := [3]map[string]bool{{}, {}, {}}
	for i, v := range values {
		if w, ok := where[v]; ok && w != p[i] {
			t.Fatalf("value %q in partitions %d and %d", v, w, p[i])
		}
		where[v] = p[i]
		perPart[p[i]][v] = true
	}
	// 26 values: floor(5.2) = 5 valid, 5 test, 16 train.
	if got := [3]int{len(perPart[0]), len(perPart[1]), len(perPart[2])}; got != [3]int{16, 5, 5} {
		t.Errorf("distinct values per partition %v, want [16 5 5]", got)
	}
	if !slices.Equal(p, Stratified(values, Default, 42)) {
		t.Error("same seed, different partitions")
	}
	if slices.Equal(p, Stratified(values, Default, 43)) {
		t.Error("seeds 42 and 43 give the same partition")
	}
	// The order of the samples does not matter, only the set of values.
	rev := slices.Clone(values)
	slices.Reverse(rev)
	pr := Stratified(rev, Default, 42)
	for i, v := range rev {
		if pr[i] != where[v] {
			t.Fatalf("value %q: partition %d after reversing, %d before", v, pr[i], where[v])
		}
	}
}

func TestStratifiedEdgeCases(t *testing.T) {
	if p := Stratified(nil, Default, 1); len(p) != 0 {
		t.Errorf("nil input: %v", p)
	}
	for d, want := range map[int][3]int{1: {1, 0, 0}, 2: {1, 0, 1}, 3: {1, 1, 1}, 4: {2, 1, 1}, 5: {3, 1, 1}} {
		values := column(100, d, "v")
		p := Stratified(values, Default, 1)
		seen := [3]map[string]bool{{}, {}, {}}
		for i, v := range values {
			seen[p[i]][v] = true
		}
		if got := [3]int{len(seen[0]), len(seen[1]), len(seen[2])}; got != want {
			t.Errorf("%d distinct values: per partition %v, want %v", d, got, want)
		}
	}
}

func TestCompositional(t *testing.T) {
	a := column(5000, 26, "char")
	b := make([]string, len(a))
	for i := range b {
		b[i] = fmt.Sprintf("font%02d", (i*31+i/26)%40)
	}
	p := Compositional(a, b, Default, 42)
	if len(p) != len(a) {
		t.Fatalf("len %d", len(p))
	}
	// Reconstruct the two stratifications from the partition's rule: the
	// pair (p1(a), p2(b)) must satisfy p1 = (p2 + j) mod 3 with p1 and p2
	// functions of the value alone. Take p1 and p2 as the function computes
	// them and check the rule on every sample.
	p1 := stratified(a, Default, deriveSeed(42, 1), streamCompositA)
	p2 := stratified(b, Default, deriveSeed(42, 2), streamCompositB)
	for i := range p {
		if p1[i] != (p2[i]+p[i])%3 {
			t.Fatalf("sample %d: p1=%d p2=%d partition %d", i, p1[i], p2[i], p[i])
		}
	}
	// Each of p1, p2 is a stratification (a value in one partition only).
	for _, c := range []struct {
		v []string
		p []uint8
	}{{a, p1}, {b, p2}} {
		w := map[string]uint8{}
		for i, v := range c.v {
			if x, ok := w[v]; ok && x != c.p[i] {
				t.Fatalf("value %q in two partitions", v)
			}
			w[v] = c.p[i]
		}
	}
	// Every (a, b) combination lies in exactly one partition, and every
	// partition is non-empty.
	combo := map[[2]string]uint8{}
	for i := range p {
		k := [2]string{a[i], b[i]}
		if x, ok := combo[k]; ok && x != p[i] {
			t.Fatalf("combination %v in two partitions", k)
		}
		combo[k] = p[i]
	}
	c := count(p)
	if c[0] == 0 || c[1] == 0 || c[2] == 0 {
		t.Errorf("counts %v", c)
	}
	// Expected train share 0.6² + 0.2² + 0.2² = 0.44 of the samples; loose
	// bounds since only 26 and 40 values are cut.
	if f := float64(c[0]) / float64(len(p)); f < 0.25 || f > 0.65 {
		t.Errorf("train fraction %.2f", f)
	}
	if !slices.Equal(p, Compositional(a, b, Default, 42)) {
		t.Error("same seed, different partitions")
	}
	if slices.Equal(p, Compositional(a, b, Default, 41)) {
		t.Error("seeds 41 and 42 give the same partition")
	}
	if Compositional(a, b[:10], Default, 1) != nil {
		t.Error("different lengths: want nil")
	}
	if p := Compositional(nil, nil, Default, 1); len(p) != 0 {
		t.Errorf("empty input: %v", p)
	}
}

func TestCheckRatios(t *testing.T) {
	if err := CheckRatios(Default); err != nil {
		t.Error(err)
	}
	for _, r := range [][3]float64{{-1, 1, 1}, {0, 0, 0}, {math.Inf(1), 0, 0}, {math.NaN(), 1, 1}} {
		if CheckRatios(r) == nil {
			t.Errorf("CheckRatios(%v) = nil", r)
		}
	}
}

func TestUintnUniform(t *testing.T) {
	r := newRand(1, 2)
	var c [3]int
	for range 30000 {
		c[uintn(r, 3)]++
	}
	for _, v := range c {
		if v < 9500 || v > 10500 {
			t.Fatalf("counts %v not uniform", c)
		}
	}
}

// TestCodesEqualStrings: the coded columns a large dataset keeps give the
// partitions the string columns give — with codes in any order, names
// repeated under two codes, and unused names — for 20,000 samples.
func TestCodesEqualStrings(t *testing.T) {
	names := []string{"q", "a", "m", "z", "b", "a", "unused", "k", "c", "x", "d", "e"}
	r := rand.New(rand.NewPCG(7, 9))
	const n = 20000
	ca, cb := make([]uint32, n), make([]uint32, n)
	va, vb := make([]string, n), make([]string, n)
	for i := range n {
		ca[i], cb[i] = uint32(r.IntN(6)), uint32(r.IntN(len(names)))
		if names[cb[i]] == "unused" {
			cb[i] = 0
		}
		va[i], vb[i] = names[ca[i]], names[cb[i]]
	}
	for seed := range uint64(5) {
		if !slices.Equal(StratifiedCodes(ca, names, Default, seed), Stratified(va, Default, seed)) {
			t.Fatalf("seed %d: StratifiedCodes differs from Stratified", seed)
		}
		if !slices.Equal(StratifiedCodes(cb, names, Default, seed), Stratified(vb, Default, seed)) {
			t.Fatalf("seed %d: StratifiedCodes (12 names) differs", seed)
		}
		if !slices.Equal(CompositionalCodes(ca, names, cb, names, Default, seed), Compositional(va, vb, Default, seed)) {
			t.Fatalf("seed %d: CompositionalCodes differs from Compositional", seed)
		}
	}
	if StratifiedCodes([]uint32{99}, names, Default, 1) != nil {
		t.Error("a code out of range must give nil")
	}
}
