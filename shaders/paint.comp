#version 430
// paint.comp: one workgroup paints one image of a batch. It mirrors
// engine/internal/paint (patterns, SDF sampling, coverage, noise: the
// paint.X named below) and engine/cpu/cpu.go (background, OVER
// compositing in symbol order, masks, post-processing) operation for
// operation in float32, so that both backends write the same
// bytes. Rules that keep it so:
//   - every float temporary is `precise`: no fused multiply-adds, no
//     reassociation (the Go code on amd64 rounds after every operation);
//   - division and square root go through divRN and sqrtRN, which correct
//     the GPU's approximations to IEEE round-to-nearest with exact double
//     residuals (GLSL only promises 2.5 ulp for x/y and sqrt);
//   - SDF and noise decoding, and the sub-sample offsets, use tables
//     computed in Go and uploaded.
//
// The host prepends, after the #version line: the record layout as word
// offsets (IMAGE_WORDS, IMG_*, SYMBOL_WORDS, SYM_*, PAT_*, taken from
// unsafe.Offsetof of engine.Image, engine.Symbol and engine.Pattern),
// NOISE_N, LOCAL_SIZE, MAX_SUB, the flag and pattern constants, and
// REGS and QPI (pixel state in registers, below), and
// SUBSAMPLING: the host compiles the shader twice, with SUBSAMPLING 0 (every
// symbol one sample per pixel) for chunks where no symbol has Sub > 1, and
// 1 (paint.SubCoverage for those that do) for the others, so that the
// common case runs the one-sample loop alone (with the sub-sampling branch
// in it, llvmpipe paints the default preset some 10% slower); and PATTERNS,
// 1 for chunks with a layered, camouflage or image pattern (engine/
// internal/paint/pattern.go), 0 for the others, which would otherwise pay for the larger
// code (measured on llvmpipe: 2.5× slower on the default preset).
//
// Work split: an image's pixels are padded to a multiple of 4 (uPixels4) and
// handled by quads: invocation l owns quads l, l + LOCAL_SIZE, ... in every
// phase, so it owns whole 32-bit words of X (4·C bytes per quad) and of the
// mask (4·K bytes per quad), and it is the only one to read and write its
// pixels' float RGB state (in registers or the scratch buffer: REGS below)
// and RGBA of a camouflage texture: no barriers are needed except for the
// min/max reduction and the camouflage's chunks of strokes in shared memory.
//
// A symbol visits only its Box (engine.Symbol.Box, the Planner's
// InkBounds), keeping that ownership: the box's pixels lie in the band of
// quads qa = (y0·W + x0)/4 to qb = ((y1 − 1)·W + x1 − 1)/4, invocation l
// takes the quads of the band ≡ l mod LOCAL_SIZE, and within a quad only
// the pixels inside the box (see engine/gpu's package doc for why a band
// rather than a pass per row).

layout(local_size_x = LOCAL_SIZE) in;

layout(std430, binding = 0) readonly buffer Images { uint images[]; };
layout(std430, binding = 1) readonly buffer Symbols { uint symbols[]; };
layout(std430, binding = 2) readonly buffer Tiles { uint tiles[]; };
layout(std430, binding = 3) readonly buffer Tables { float noiseTable[NOISE_N]; float sdfTable[256]; float subOffs[(MAX_SUB + 1u) * MAX_SUB]; float byteTable[256]; };
layout(std430, binding = 4) buffer Scratch { float scratch[]; };
layout(std430, binding = 5) writeonly buffer OutX { uint outX[]; };
layout(std430, binding = 6) buffer OutMask { uint outMask[]; };
// The image pool (engine.ImagePool): its PoolImage records, 4 words each,
// then its pixels from word uPoolPixels. Uploaded once per pool.
layout(std430, binding = 7) readonly buffer Pool { uint pool[]; };

uniform uint uSymbolBase;   // index of symbols[0] in the batch's symbol slice
#if SPECIALISED
// Compiled for one image shape (engine/gpu: one program per W, H, C, K):
// as constants, the pixel-index arithmetic (divisions by W) folds into
// multiplies and shifts and the per-channel loops unroll.
const uint uWidth = SPEC_WIDTH;
const uint uHeight = SPEC_HEIGHT;
const uint uChannels = SPEC_CHANNELS;
const uint uMaskChannels = SPEC_MASK_CHANNELS;
const uint uPixels4 = SPEC_PIXELS4;
#else
uniform uint uWidth;
uniform uint uHeight;
uniform uint uChannels;     // 1 or 3
uniform uint uMaskChannels; // K
uniform uint uPixels4;      // W·H rounded up to a multiple of 4
#endif
uniform uint uTileSize;     // atlas tile side in texels
uniform uint uTileStride;   // bytes between tiles (multiple of 4)
uniform float uInv;         // 1/min(W, H), computed in Go in float32
uniform uint uLayerBase;    // word of the chunk's first layer in images[]
uniform uint uLayerFirst;   // its index in the batch's Layers
uniform uint uPoolPixels;   // word of the pool's first pixel in pool[]
uniform uint uScratch;      // scratch floats per image: 3·P4 unless REGS, + 4·P4 for a camouflage texture

// Pixel state. With REGS (set by the host for a specialised program whose
// image has at most QPI·LOCAL_SIZE quads, QPI ≤ 4: 64×64 and smaller),
// an invocation's pixels' float RGB live in st[], private to it: entry
// 4·jq + j is pixel j of its quad lid + jq·LOCAL_SIZE. Every loop over
// the invocation's quads then runs jq from 0 to QPI, a constant, so that
// the compiler can unroll it and keep st in registers. Without REGS the
// state is 3 floats a pixel in the scratch buffer (larger images, the
// generic programs). The camouflage texture is in the scratch buffer
// either way, after the state (tb).
#if REGS
vec3 st[4u * QPI];
// OWN_QUADS(lo, hi) { ... } runs its body for each quad q in [lo, hi)
// that this invocation owns, with jq its turn.
#define OWN_QUADS(lo, hi) for (uint jq = 0u, q = lid; jq < QPI; jq++, q += LOCAL_SIZE) if (q >= (lo) && q < (hi))
#else
#define OWN_QUADS(lo, hi) for (uint q = firstOwn(lo, lid), jq = q / LOCAL_SIZE; q < (hi); q += LOCAL_SIZE, jq++)
#endif

// getPix and setPix read and write the state of pixel p, pixel j of the
// invocation's quad of turn jq; sb is the image's first scratch float.
vec3 getPix(uint jq, uint j, uint sb, uint p) {
#if REGS
	return st[4u * jq + j];
#else
	uint o = sb + 3u * p;
	return vec3(scratch[o], scratch[o + 1u], scratch[o + 2u]);
#endif
}

void setPix(uint jq, uint j, uint sb, uint p, vec3 v) {
#if REGS
	st[4u * jq + j] = v;
#else
	uint o = sb + 3u * p;
	scratch[o] = v.r;
	scratch[o + 1u] = v.g;
	scratch[o + 2u] = v.b;
#endif
}

shared float sMin[LOCAL_SIZE];
shared float sMax[LOCAL_SIZE];
// One chunk of camouflage strokes (paint.Stroke): start, direction;
// length and colour; pixel box. 48 bytes a stroke, 12 KiB in all.
shared vec4 sStrokeGeo[LOCAL_SIZE];
shared vec4 sStrokeCol[LOCAL_SIZE];
shared ivec4 sStrokeBox[LOCAL_SIZE];

// ---- IEEE round-to-nearest division and square root ----

float nextUp(float x) {
	uint u = floatBitsToUint(x);
	return uintBitsToFloat(x > 0.0 ? u + 1u : u - 1u);
}

float nextDown(float x) {
	uint u = floatBitsToUint(x);
	return uintBitsToFloat(x > 0.0 ? u - 1u : u + 1u);
}

// Exact rounding decisions in integers (ROUND_INT 1; 0 decides them with
// double residuals throughout, as on llvmpipe, where doubles are the
// CPU's and the integer path measured 0.5–0.6× as fast). A positive
// normal float is M·2^E, M its 24-bit significand (hidden bit set), E its
// exponent field − 150. The midpoints between a candidate q = Mq·2^Eq and its neighbours
// are (2Mq ± 1)·2^(Eq − 1), or (4Mq − 1)·2^(Eq − 2) below a power of two:
// 25- or 26-bit integers, whose products with a 24-bit significand, or
// with themselves, are exact in 64 bits (umulExtended). Integer multiplies
// run at a GPU's full or half rate, where FP64 runs at 1/2 (H100, H200) to
// 1/64 (consumer GPUs) of FP32, and no float residual is needed, whose
// exactness would rest on fma rounding once (GLSL does not promise it) or
// on no denormal being flushed.

uint sigOf(uint u) { return (u & 0x7FFFFFu) | 0x800000u; }
int expOf(uint u) { return int(u >> 23) - 150; }

// normalIn reports whether bits u (sign cleared) are a normal float with
// exponent field in [2, 253]: its neighbours and their midpoints are
// normal and finite.
bool normalIn(uint u) {
	uint f = u >> 23;
	return f >= 2u && f <= 253u;
}

// cmpProd is the sign of ma·2^ea − mx·my·2^e, for 2^23 ≤ ma < 2^24 (a
// significand) and 2^23 ≤ mx, my < 2^26 (so 2^46 ≤ mx·my < 2^52). For a
// candidate within a few ulps of a/b, ea − e is 23 to 27; the other shifts
// are decided by the operands' sizes alone.
int cmpProd(uint ma, int ea, uint mx, uint my, int e) {
	uint phi, plo;
	umulExtended(mx, my, phi, plo);
	uint ahi = 0u;
	uint alo = ma;
	int s = ea - e;
	if (s >= 40) {
		return 1; // ma·2^s ≥ 2^63 > mx·my
	} else if (s >= 32) {
		ahi = ma << uint(s - 32);
		alo = 0u;
	} else if (s > 0) {
		ahi = ma >> uint(32 - s);
		alo = ma << uint(s);
	} else if (s < 0) {
		return -1; // mx·my·2^-s ≥ 2^46 > ma
	}
	if (ahi != phi) {
		return ahi > phi ? 1 : -1;
	}
	if (alo != plo) {
		return alo > plo ? 1 : -1;
	}
	return 0;
}

// lowerMid is the midpoint below candidate bits uq (normalIn): its
// integer and exponent.
void lowerMid(uint uq, out uint m, out int e) {
	if ((uq & 0x7FFFFFu) == 0u) {
		m = 4u * sigOf(uq) - 1u;
		e = expOf(uq) - 2;
	} else {
		m = 2u * sigOf(uq) - 1u;
		e = expOf(uq) - 1;
	}
}

// roundInt corrects candidate bits uq (sign cleared) of a/b, or of √a
// when square (b unused), comparing a = ma·2^ea with the midpoints times
// b = mb·2^eb, or squared: at most three ulp steps, as the double test. It
// returns false, with uq where it got to, if uq left the normal range
// (normalIn), where the double test takes over.
bool roundInt(uint ma, int ea, uint mb, int eb, bool square, inout uint uq) {
	for (int i = 0; i < 3; i++) {
		if (!normalIn(uq)) {
			return false;
		}
		uint mu = 2u * sigOf(uq) + 1u;
		int eu = expOf(uq) - 1;
		if (square ? cmpProd(ma, ea, mu, mu, 2 * eu) > 0 : cmpProd(ma, ea, mu, mb, eu + eb) > 0) {
			uq++;
			continue;
		}
		uint m;
		int e;
		lowerMid(uq, m, e);
		if (square ? cmpProd(ma, ea, m, m, 2 * e) < 0 : cmpProd(ma, ea, m, mb, e + eb) < 0) {
			uq--;
			continue;
		}
		break;
	}
	return true;
}

#if ROUNDING_TEST
// offBy2 moves a normal, finite candidate two ulps up or down (by bit 0
// of key): a test program's stand-in for a division or square root that
// is not correctly rounded, so that the parity tests run the corrections
// on a device whose own results are.
float offBy2(float q, float key) {
	uint u = floatBitsToUint(q);
	uint f = (u & 0x7FFFFFFFu) >> 23;
	if (f < 3u || f > 252u) {
		return q;
	}
	return uintBitsToFloat((floatBitsToUint(key) & 1u) != 0u ? u + 2u : u - 2u);
}
#endif

// divRN returns a/b correctly rounded: the candidate a/b (within 2.5 ulp,
// as GLSL promises) moves an ulp at a time while a lies beyond the
// midpoint on either side (|a| against |b| times the midpoint: no ties
// exist between normal floats). In integers (cmpProd) where a, b and the
// candidates are normal; else with double residuals, where the midpoint's
// 25 bits times b's 24 are exact too.
float divRN(float a, float b) {
	precise float q = a / b;
#if ROUNDING_TEST
	q = offBy2(q, a);
#endif
	if (a == 0.0 || q == 0.0 || isinf(q) || isnan(q) || isinf(b)) {
		return q;
	}
	uint ua = floatBitsToUint(a) & 0x7FFFFFFFu;
	uint ub = floatBitsToUint(b) & 0x7FFFFFFFu;
	uint uq = floatBitsToUint(q);
	uint sign = uq & 0x80000000u;
	uq &= 0x7FFFFFFFu;
	if (ROUND_INT != 0 && ua >= 0x00800000u && ua < 0x7F800000u && ub >= 0x00800000u && ub < 0x7F800000u) {
		if (roundInt(sigOf(ua), expOf(ua), sigOf(ub), expOf(ub), false, uq)) {
			return uintBitsToFloat(uq | sign);
		}
		q = uintBitsToFloat(uq | sign); // left the normal range: on in double
	}
	if (b < 0.0) {
		a = -a;
		b = -b;
	}
	precise double da = double(a);
	precise double db = double(b);
	for (int i = 0; i < 3; i++) {
		precise double mu = (double(q) + double(nextUp(q))) * 0.5lf;
		precise double md = (double(q) + double(nextDown(q))) * 0.5lf;
		if (da > mu * db) {
			q = nextUp(q);
		} else if (da < md * db) {
			q = nextDown(q);
		} else {
			break;
		}
	}
	return q;
}

// sqrtRN returns sqrt(x) correctly rounded (as Go's
// float32(math.Sqrt(float64(x)))), by the same midpoint test against the
// midpoint squared.
float sqrtRN(float x) {
	precise float s = sqrt(x);
#if ROUNDING_TEST
	s = offBy2(s, x);
#endif
	if (!(x > 0.0) || isinf(x)) {
		return s;
	}
	uint ux = floatBitsToUint(x);
	uint us = floatBitsToUint(s);
	if (ROUND_INT != 0 && ux >= 0x00800000u) {
		if (roundInt(sigOf(ux), expOf(ux), 0u, 0, true, us)) {
			return uintBitsToFloat(us);
		}
		s = uintBitsToFloat(us); // left the normal range: on in double
	}
	precise double dx = double(x);
	for (int i = 0; i < 3; i++) {
		precise double mu = (double(s) + double(nextUp(s))) * 0.5lf;
		precise double md = (double(s) + double(nextDown(s))) * 0.5lf;
		if (dx > mu * mu) {
			s = nextUp(s);
		} else if (dx < md * md) {
			s = nextDown(s);
		} else {
			break;
		}
	}
	return s;
}

// ---- patterns (paint.PatternColor / paint.Fill) ----

struct Pat {
	uint kind;
	float g[8];
	// Geom[0], Geom[1] and Geom[7] as the uint32 bits they hold, read
	// straight from the buffer (a float register might not keep a NaN's
	// or a denormal's bits).
	uint u0, u1, u7;
	vec4 s0, s1, s2;
	// hiFails is paint.Fill's bound for a radial gradient (withHiFails):
	// a larger root hi <= hiFails fails its test, so its division is
	// skipped. NaN (never) unless withHiFails set it.
	float hiFails;
};

// withHiFails sets p.hiFails as paint.radialHiFails does, once per
// pattern load rather than per pixel: for finite a < 0 and a shrinking
// circle (dr < 0, r0 >= 2^-100), (r0/-dr)(1 + 2^-18)·a. The double
// arithmetic here may round differently from Go's by an ulp or two; the
// bound's 2^-18 margin holds several times over (see radialHiFails), so
// a skipped root fails its test here exactly as it does there, and the
// bytes do not change.
Pat withHiFails(Pat p) {
	if (p.kind != PATTERN_RADIAL) {
		return p;
	}
	precise float r0 = p.g[2];
	precise float dx = p.g[3] - p.g[0];
	precise float dy = p.g[4] - p.g[1];
	precise float dr = p.g[5] - r0;
	precise float a = dx * dx + dy * dy - dr * dr;
	if (a < 0.0 && dr < 0.0 && r0 >= uintBitsToFloat(0x0d800000u) && !isinf(a) && !isinf(dr) && !isinf(r0)) {
		precise double t = double(r0) / -double(dr) * (1.0lf + 1.0lf / 262144.0lf);
		p.hiFails = float(t * double(a));
	}
	return p;
}

Pat loadImagePat(uint w) {
	Pat p;
	p.kind = images[w + PAT_KIND];
	for (int i = 0; i < 8; i++) {
		p.g[i] = uintBitsToFloat(images[w + PAT_GEOM + uint(i)]);
	}
	p.u0 = images[w + PAT_GEOM];
	p.u1 = images[w + PAT_GEOM + 1u];
	p.u7 = images[w + PAT_GEOM + 7u];
	uint s = w + PAT_STOPS;
	p.s0 = vec4(uintBitsToFloat(images[s + 0u]), uintBitsToFloat(images[s + 1u]), uintBitsToFloat(images[s + 2u]), uintBitsToFloat(images[s + 3u]));
	p.s1 = vec4(uintBitsToFloat(images[s + 4u]), uintBitsToFloat(images[s + 5u]), uintBitsToFloat(images[s + 6u]), uintBitsToFloat(images[s + 7u]));
	p.s2 = vec4(uintBitsToFloat(images[s + 8u]), uintBitsToFloat(images[s + 9u]), uintBitsToFloat(images[s + 10u]), uintBitsToFloat(images[s + 11u]));
	p.hiFails = uintBitsToFloat(0x7fc00000u);
	return p;
}

Pat loadSymbolPat(uint w) {
	Pat p;
	p.kind = symbols[w + PAT_KIND];
	for (int i = 0; i < 8; i++) {
		p.g[i] = uintBitsToFloat(symbols[w + PAT_GEOM + uint(i)]);
	}
	p.u0 = symbols[w + PAT_GEOM];
	p.u1 = symbols[w + PAT_GEOM + 1u];
	p.u7 = symbols[w + PAT_GEOM + 7u];
	uint s = w + PAT_STOPS;
	p.s0 = vec4(uintBitsToFloat(symbols[s + 0u]), uintBitsToFloat(symbols[s + 1u]), uintBitsToFloat(symbols[s + 2u]), uintBitsToFloat(symbols[s + 3u]));
	p.s1 = vec4(uintBitsToFloat(symbols[s + 4u]), uintBitsToFloat(symbols[s + 5u]), uintBitsToFloat(symbols[s + 6u]), uintBitsToFloat(symbols[s + 7u]));
	p.s2 = vec4(uintBitsToFloat(symbols[s + 8u]), uintBitsToFloat(symbols[s + 9u]), uintBitsToFloat(symbols[s + 10u]), uintBitsToFloat(symbols[s + 11u]));
	p.hiFails = uintBitsToFloat(0x7fc00000u);
	return p;
}

// ramp is Fill.Ramp: three stops at 0, ½, 1, padded; NaN takes stop 0.
vec4 ramp(Pat p, float t) {
	if (!(t > 0.0)) {
		return p.s0;
	}
	if (t >= 1.0) {
		return p.s2;
	}
	precise vec4 c;
	if (t <= 0.5) {
		precise float tt = t * 2.0;
		precise vec4 d = p.s1 - p.s0;
		c = p.s0 + d * tt;
	} else {
		precise float tt = (t - 0.5) * 2.0;
		precise vec4 d = p.s2 - p.s1;
		c = p.s1 + d * tt;
	}
	return c;
}

// patternColor is paint.PatternColor: colour and alpha, not premultiplied.
vec4 patternColor(Pat p, float x, float y) {
	if (p.kind == PATTERN_SOLID) {
		return p.s0;
	}
	if (p.kind == PATTERN_LINEAR) {
		precise float dx = p.g[2] - p.g[0];
		precise float dy = p.g[3] - p.g[1];
		precise float den = dx * dx + dy * dy;
		precise float t = 0.0;
		if (den != 0.0) {
			precise float num = (x - p.g[0]) * dx + (y - p.g[1]) * dy;
			t = divRN(num, den);
		}
		return ramp(p, t);
	}
	if (p.kind == PATTERN_RADIAL) {
		precise float x0 = p.g[0];
		precise float y0 = p.g[1];
		precise float r0 = p.g[2];
		precise float dx = p.g[3] - x0;
		precise float dy = p.g[4] - y0;
		precise float dr = p.g[5] - r0;
		precise float a = dx * dx + dy * dy - dr * dr;
		precise float r0dr = r0 * dr;
		precise float r0r0 = r0 * r0;
		precise float pdx = x - x0;
		precise float pdy = y - y0;
		precise float b = pdx * dx + pdy * dy + r0dr;
		precise float c = pdx * pdx + pdy * pdy - r0r0;
		if (a == 0.0) {
			if (b == 0.0) {
				return vec4(0.0);
			}
			precise float t = divRN(c, 2.0 * b);
			precise float rt = r0 + t * dr;
			if (rt >= 0.0) {
				return ramp(p, t);
			}
			return vec4(0.0);
		}
		precise float disc = b * b - a * c;
		if (disc < 0.0) {
			return vec4(0.0);
		}
		precise float sq = sqrtRN(disc);
		precise float hi = b + sq;
		precise float lo = b - sq;
		if (a < 0.0) {
			precise float tmp = hi;
			hi = lo;
			lo = tmp;
		}
		// As paint.Fill.RadialT: hi <= hiFails proves the larger root
		// fails, as it does at every pixel of the planner's gradients.
		if (!(hi <= p.hiFails)) {
			precise float t1 = divRN(hi, a);
			precise float r1 = r0 + t1 * dr;
			if (r1 >= 0.0) {
				return ramp(p, t1);
			}
		}
		precise float t2 = divRN(lo, a);
		precise float r2 = r0 + t2 * dr;
		if (r2 >= 0.0) {
			return ramp(p, t2);
		}
		return vec4(0.0);
	}
	return vec4(0.0);
}

// ---- SDF ----

float texel(uint base, int x, int y) {
	uint i = base + uint(y) * uTileSize + uint(x);
	uint v = (tiles[i >> 2] >> ((i & 3u) * 8u)) & 0xFFu;
	return sdfTable[v];
}

// sdfAt is paint.SDFTable.Sample at a point of the tile (0 ≤ u, v ≤
// size): bilinear over the four taps clamped to the tile (no clamp bites
// at an Interior point, so it equals SampleInterior there).
float sdfAt(uint base, float u, float v) {
	int T = int(uTileSize);
	// floor(u − ½) as int(u + ½) − 1, as in paint.TexelCell.
	int x0 = int(u + 0.5) - 1;
	int y0 = int(v + 0.5) - 1;
	precise float fx = (u - 0.5) - float(x0);
	precise float fy = (v - 0.5) - float(y0);
	int x1 = clamp(x0 + 1, 0, T - 1);
	int y1 = clamp(y0 + 1, 0, T - 1);
	x0 = clamp(x0, 0, T - 1);
	y0 = clamp(y0, 0, T - 1);
	precise float d00 = texel(base, x0, y0);
	precise float d10 = texel(base, x1, y0);
	precise float d01 = texel(base, x0, y1);
	precise float d11 = texel(base, x1, y1);
	precise float top = d00 + (d10 - d00) * fx;
	precise float bot = d01 + (d11 - d01) * fx;
	precise float sd = top + (bot - top) * fy;
	return sd;
}

// firstOwn is the first quad at or after qa that invocation lid owns (the
// quads q ≡ lid mod LOCAL_SIZE).
uint firstOwn(uint qa, uint lid) {
	return qa + (lid + LOCAL_SIZE - qa % LOCAL_SIZE) % LOCAL_SIZE;
}

// ---- noise (internal/rng lowbias32, paint.NoiseKeyed) ----

uint lowbias32(uint x) {
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

// quantize is cpu.quantize: clip to [0, 1], then ⌊255·v⌋; NaN gives 0.
uint quantize(float v) {
	precise float f = v * 255.0;
	if (!(f < 1073741824.0 && f > -1073741824.0)) {
		return f > 0.0 ? 255u : 0u;
	}
	return uint(clamp(int(f), 0, 255));
}

// ---- composite patterns (engine/internal/paint/pattern.go) ----

// layersColor is paint.LayersColor: the layers composited OVER each other
// on transparent black, premultiplied (R, G, B, A).
vec4 layersColor(Pat p, float x, float y) {
	precise float R = 0.0;
	precise float G = 0.0;
	precise float B = 0.0;
	precise float A = 0.0;
	for (uint i = 0u; i < p.u1; i++) {
		Pat l = loadImagePat(uLayerBase + (p.u0 + i - uLayerFirst) * PATTERN_WORDS);
		vec4 c = patternColor(l, x, y);
		precise float h = 1.0 - c.a;
		R = c.r * c.a + R * h;
		G = c.g * c.a + G * h;
		B = c.b * c.a + B * h;
		A = c.a + A * h;
	}
	return vec4(R, G, B, A);
}

// imageColor is paint.ImageColor: the mean of n×n bilinear taps of the
// pool image, black outside it.
vec3 imageColor(Pat p, uint x, uint y) {
	uint ib = 4u * p.u0;
	uint off = uPoolPixels + pool[ib];
	int w = int(pool[ib + 1u]);
	int h = int(pool[ib + 2u]);
	precise float fw = float(w);
	precise float fh = float(h);
	uint n = p.u7;
	uint ob = n * MAX_SUB;
	precise float r = 0.0;
	precise float g = 0.0;
	precise float b = 0.0;
	for (uint j = 0u; j < n; j++) {
		precise float uy = (float(y) + subOffs[ob + j]) * uInv;
		for (uint i = 0u; i < n; i++) {
			precise float ux = (float(x) + subOffs[ob + i]) * uInv;
			precise float sx = p.g[1] * ux + p.g[2] * uy + p.g[3];
			precise float sy = p.g[4] * ux + p.g[5] * uy + p.g[6];
			if (!(sx >= 0.0 && sy >= 0.0 && sx <= fw && sy <= fh)) {
				continue;
			}
			int x0 = int(sx + 0.5) - 1;
			int y0 = int(sy + 0.5) - 1;
			precise float fx = (sx - 0.5) - float(x0);
			precise float fy = (sy - 0.5) - float(y0);
			int x1 = clamp(x0 + 1, 0, w - 1);
			int y1 = clamp(y0 + 1, 0, h - 1);
			x0 = clamp(x0, 0, w - 1);
			y0 = clamp(y0, 0, h - 1);
			uint p00 = pool[off + uint(y0 * w + x0)];
			uint p10 = pool[off + uint(y0 * w + x1)];
			uint p01 = pool[off + uint(y1 * w + x0)];
			uint p11 = pool[off + uint(y1 * w + x1)];
			for (uint c = 0u; c < 3u; c++) {
				uint sh = 8u * c;
				precise float d00 = byteTable[(p00 >> sh) & 0xFFu];
				precise float d10 = byteTable[(p10 >> sh) & 0xFFu];
				precise float d01 = byteTable[(p01 >> sh) & 0xFFu];
				precise float d11 = byteTable[(p11 >> sh) & 0xFFu];
				precise float top = d00 + (d10 - d00) * fx;
				precise float bot = d01 + (d11 - d01) * fx;
				precise float v = top + (bot - top) * fy;
				if (c == 0u) {
					r = r + v;
				} else if (c == 1u) {
					g = g + v;
				} else {
					b = b + v;
				}
			}
		}
	}
	precise float nn = float(n * n);
	return vec3(divRN(r, nn), divRN(g, nn), divRN(b, nn));
}

// pixelClamp is engine's: an integral v clamped to [0, n], NaN to 0.
int pixelClamp(float v, uint n) {
	if (!(v > 0.0)) {
		return 0;
	}
	if (v >= float(n)) {
		return int(n);
	}
	return int(v);
}

// strokeInto is paint.CamoStroke: stroke k of camouflage p, into slot s
// of the shared stroke chunk.
void strokeInto(Pat p, uint k, uint s) {
	uint key = lowbias32(p.u0 ^ 0x9e3779b9u);
	uint hs[7];
	float u[7];
	for (uint j = 0u; j < 7u; j++) {
		hs[j] = lowbias32((8u * k + j) ^ key);
		precise float uj = float(hs[j] >> 8u) * uintBitsToFloat(0x33800000u); // 2⁻²⁴
		u[j] = uj;
	}
	precise float m = float(min(uWidth, uHeight));
	precise float vx = p.g[2];
	precise float vy = p.g[3];
	precise float noise = p.g[5];
	precise float sx = (u[0] * uintBitsToFloat(CAMO_SPAN_BITS) - uintBitsToFloat(CAMO_LEAD_BITS)) * (1.0 - vx);
	precise float sy = (u[1] * uintBitsToFloat(CAMO_SPAN_BITS) - uintBitsToFloat(CAMO_LEAD_BITS)) * (1.0 - vy);
	precise float n2 = noise * noiseTable[hs[2] >> (32u - NOISE_BITS)];
	precise float n3 = noise * noiseTable[hs[3] >> (32u - NOISE_BITS)];
	precise float ex = sx + vx + n2;
	precise float ey = sy + vy + n3;
	precise float Sx = sx * m;
	precise float Sy = sy * m;
	precise float Ex = ex * m;
	precise float Ey = ey * m;
	precise float dx = Ex - Sx;
	precise float dy = Ey - Sy;
	precise float l2 = dx * dx + dy * dy;
	precise float L = sqrtRN(l2);
	sStrokeCol[s] = vec4(L, u[4], u[5], u[6]);
	if (!(L > 0.0)) {
		sStrokeGeo[s] = vec4(Sx, Sy, 0.0, 0.0);
		sStrokeBox[s] = ivec4(0);
		return;
	}
	precise float tx = divRN(dx, L);
	precise float ty = divRN(dy, L);
	sStrokeGeo[s] = vec4(Sx, Sy, tx, ty);
	precise float ext = p.g[4] * m * 0.5 + 2.0;
	precise float lx = min(Sx, Ex) - ext;
	precise float hx = max(Sx, Ex) + ext;
	precise float ly = min(Sy, Ey) - ext;
	precise float hy = max(Sy, Ey) + ext;
	sStrokeBox[s] = ivec4(pixelClamp(floor(lx), uWidth), pixelClamp(floor(ly), uHeight),
		pixelClamp(ceil(hx), uWidth), pixelClamp(ceil(hy), uHeight));
}

// camoTexture paints camouflage p into the texture at scratch[tb + 4·pixel]
// (premultiplied RGBA) over this invocation's pixels of the box
// [bx0, bx1)×[by0, by1): the strokes are generated LOCAL_SIZE at a time,
// one per invocation, into shared memory, then every pixel composites the
// chunk's strokes in order, skipping those whose box misses it or whose
// f = alpha·coverage is 0 (engine/cpu's camouflage does the same per
// pixel). Must be called in uniform control flow (barriers).
void camoTexture(Pat p, uint tb, uint bx0, uint by0, uint bx1, uint by1, uint lid) {
	uint W = uWidth;
	uint qa = (by0 * W + bx0) / 4u;
	uint qb = ((by1 - 1u) * W + bx1 - 1u) / 4u;
	precise float m = float(min(uWidth, uHeight));
	precise float hw = p.g[4] * m * 0.5;
	float alpha = p.g[6];
	for (uint q = firstOwn(qa, lid); q <= qb; q += LOCAL_SIZE) {
		for (uint j = 0u; j < 4u; j++) {
			uint pix = 4u * q + j;
			uint x = pix % W;
			uint y = pix / W;
			if (x < bx0 || x >= bx1 || y < by0 || y >= by1) {
				continue;
			}
			for (uint c = 0u; c < 4u; c++) {
				scratch[tb + 4u * pix + c] = 0.0;
			}
		}
	}
	uint n = p.u1;
	for (uint c0 = 0u; c0 < n; c0 += LOCAL_SIZE) {
		barrier(); // every invocation is done with the previous chunk
		if (c0 + lid < n) {
			strokeInto(p, c0 + lid, lid);
		}
		memoryBarrierShared();
		barrier();
		uint cn = min(n - c0, LOCAL_SIZE);
		for (uint q = firstOwn(qa, lid); q <= qb; q += LOCAL_SIZE) {
			for (uint j = 0u; j < 4u; j++) {
				uint pix = 4u * q + j;
				uint x = pix % W;
				uint y = pix / W;
				if (x < bx0 || x >= bx1 || y < by0 || y >= by1) {
					continue;
				}
				int ix = int(x);
				int iy = int(y);
				uint o = tb + 4u * pix;
				precise float R = scratch[o];
				precise float G = scratch[o + 1u];
				precise float B = scratch[o + 2u];
				precise float A = scratch[o + 3u];
				precise float px = float(x) + 0.5;
				precise float py = float(y) + 0.5;
				for (uint i = 0u; i < cn; i++) {
					ivec4 bb = sStrokeBox[i];
					if (ix < bb.x || iy < bb.y || ix >= bb.z || iy >= bb.w) {
						continue;
					}
					vec4 geo = sStrokeGeo[i];
					vec4 col = sStrokeCol[i];
					precise float qx = px - geo.x;
					precise float qy = py - geo.y;
					precise float a = qx * geo.z + qy * geo.w;
					precise float d = qx * geo.w - qy * geo.z;
					precise float along = min(max(min(a, col.x - a) + 0.5, 0.0), 1.0);
					precise float across = min(max(hw - abs(d) + 0.5, 0.0), 1.0);
					precise float cv = along * across;
					precise float f = alpha * cv;
					if (f == 0.0) {
						continue;
					}
					precise float h = 1.0 - f;
					R = col.y * f + R * h;
					G = col.z * f + G * h;
					B = col.w * f + B * h;
					A = f + A * h;
				}
				scratch[o] = R;
				scratch[o + 1u] = G;
				scratch[o + 2u] = B;
				scratch[o + 3u] = A;
			}
		}
	}
}

// blend composites the foreground fg of a symbol with coverage cov OVER
// pixel p = (x, y), as engine/cpu's symbol does: plain colours with
// f = a·cov, dst = r·f + dst·(1 − f); layers and camouflage (texture at
// tb) premultiplied, f = A·cov, dst = R·cov + dst·(1 − f). d is the
// pixel's state; blend returns the new one.
vec3 blend(Pat fg, uint x, uint y, uint p, float cov, uint tb, vec3 d) {
	precise float px = float(x) + 0.5;
	precise float py = float(y) + 0.5;
	vec4 c;
#if PATTERNS
	if (fg.kind == PATTERN_LAYERS || fg.kind == PATTERN_CAMOUFLAGE) {
		vec4 s;
		if (fg.kind == PATTERN_LAYERS) {
			s = layersColor(fg, px * uInv, py * uInv);
		} else {
			uint t = tb + 4u * p;
			s = vec4(scratch[t], scratch[t + 1u], scratch[t + 2u], scratch[t + 3u]);
		}
		precise float f = s.a * cov;
		precise float g = 1.0 - f;
		precise float r0 = s.r * cov + d.r * g;
		precise float r1 = s.g * cov + d.g * g;
		precise float r2 = s.b * cov + d.b * g;
		return vec3(r0, r1, r2);
	}
	if (fg.kind == PATTERN_IMAGE) {
		c = vec4(imageColor(fg, x, y), 1.0);
	} else
#endif
	{
		c = patternColor(fg, px * uInv, py * uInv);
	}
	precise float f = c.a * cov;
	precise float g = 1.0 - f;
	precise float r0 = c.r * f + d.r * g;
	precise float r1 = c.g * f + d.g * g;
	precise float r2 = c.b * f + d.b * g;
	return vec3(r0, r1, r2);
}

// maskByte writes coverage cov as mask value mi (pixel·K + symbol) of
// the image whose mask starts at word mb: with one channel (K = 1) into
// the quad's word qm, its written bytes marked in qk, for storeQuadMask
// to store once after the quad; else straight into the mask buffer.
void maskByte(uint mb, uint mi, uint K, float cov, inout uint qm, inout uint qk) {
	precise float m = cov * 255.0 + 0.5;
	uint sh = (mi & 3u) * 8u;
	if (K == 1u) {
		qm |= uint(m) << sh;
		qk |= 0xFFu << sh;
	} else {
		uint mw = mb + (mi >> 2);
		outMask[mw] = (outMask[mw] & ~(0xFFu << sh)) | (uint(m) << sh);
	}
}

// storeQuadMask stores the bytes qk of quad q's mask word qm (K = 1:
// pixel p's byte is in word p / 4).
void storeQuadMask(uint mb, uint q, uint qm, uint qk) {
	if (qk != 0u) {
		outMask[mb + q] = (outMask[mb + q] & ~qk) | qm;
	}
}

void main() {
	uint img = gl_WorkGroupID.x;
	uint lid = gl_LocalInvocationID.x;
	uint ib = img * IMAGE_WORDS;
	uint firstSym = images[ib + IMG_FIRST] - uSymbolBase;
	uint numSym = images[ib + IMG_NUM];
	uint flags = images[ib + IMG_FLAGS];
	uint seed = images[ib + IMG_SEED];
	float sigma = uintBitsToFloat(images[ib + IMG_NOISE]);
	uint W = uWidth;
	uint npix = W * uHeight;
	uint nquads = uPixels4 / 4u;
	uint K = uMaskChannels;
	uint C = uChannels;
	uint sb = img * uScratch;
	// The camouflage texture, when uScratch has room for it.
#if REGS
	uint tb = sb;
#else
	uint tb = sb + 3u * uPixels4;
#endif
	uint xb = img * (uPixels4 * C / 4u);
	uint mb = img * (uPixels4 * K / 4u);
	float inv = uInv;

	// Background over transparent black; clear the mask.
	Pat bg = withHiFails(loadImagePat(ib + IMG_BG));
#if PATTERNS
	if (bg.kind == PATTERN_CAMOUFLAGE) {
		camoTexture(bg, tb, 0u, 0u, W, uHeight, lid);
	}
#endif
	OWN_QUADS(0u, nquads) {
		for (uint k = 0u; k < K; k++) {
			outMask[mb + q * K + k] = 0u;
		}
		for (uint j = 0u; j < 4u; j++) {
			uint p = 4u * q + j;
			if (p >= npix) {
				break;
			}
			uint x = p % W;
			uint y = p / W;
			precise float ux = (float(x) + 0.5) * inv;
			precise float uy = (float(y) + 0.5) * inv;
			precise vec3 pm;
#if PATTERNS
			if (bg.kind == PATTERN_LAYERS) {
				pm = layersColor(bg, ux, uy).rgb;
			} else if (bg.kind == PATTERN_CAMOUFLAGE) {
				pm = vec3(scratch[tb + 4u * p], scratch[tb + 4u * p + 1u], scratch[tb + 4u * p + 2u]);
			} else if (bg.kind == PATTERN_IMAGE) {
				pm = imageColor(bg, x, y); // alpha 1
			} else
#endif
			{
				vec4 c = patternColor(bg, ux, uy);
				pm = c.rgb * c.a;
			}
			setPix(jq, j, sb, p, pm);
		}
	}

	// Symbols OVER, in order; mask channel s is symbol s.
	int T = int(uTileSize);
	float fs = float(uTileSize);
	for (uint s = 0u; s < numSym; s++) {
		uint sw = (firstSym + s) * SYMBOL_WORDS;
		uint tileBase = symbols[sw + SYM_GLYPH] * uTileStride;
		float a0 = uintBitsToFloat(symbols[sw + SYM_AFFINE + 0u]);
		float a1 = uintBitsToFloat(symbols[sw + SYM_AFFINE + 1u]);
		float a2 = uintBitsToFloat(symbols[sw + SYM_AFFINE + 2u]);
		float a3 = uintBitsToFloat(symbols[sw + SYM_AFFINE + 3u]);
		float a4 = uintBitsToFloat(symbols[sw + SYM_AFFINE + 4u]);
		float a5 = uintBitsToFloat(symbols[sw + SYM_AFFINE + 5u]);
		float distScale = uintBitsToFloat(symbols[sw + SYM_DISTSCALE]);
		float bias = uintBitsToFloat(symbols[sw + SYM_BIAS]);
		Pat fg = withHiFails(loadSymbolPat(sw + SYM_FG));
		// The symbol's Box: this invocation visits its own quads among
		// those each row of the box touches (see the header).
		uint bx0 = symbols[sw + SYM_BOX + 0u];
		uint by0 = symbols[sw + SYM_BOX + 1u];
		uint bx1 = symbols[sw + SYM_BOX + 2u];
		uint by1 = symbols[sw + SYM_BOX + 3u];
		if (bx0 >= bx1 || by0 >= by1) {
			continue;
		}
		uint qa = (by0 * W + bx0) / 4u;
		uint qb = ((by1 - 1u) * W + bx1 - 1u) / 4u;
#if PATTERNS
		if (fg.kind == PATTERN_CAMOUFLAGE) {
			camoTexture(fg, tb, bx0, by0, bx1, by1, lid);
		}
#endif
#if SUBSAMPLING
		uint nsub = min(symbols[sw + SYM_SUB], MAX_SUB);
		if (nsub <= 1u) {
#endif
			// One sample at the pixel centre.
			OWN_QUADS(qa, qb + 1u) {
				uint qm = 0u; // the quad's mask word (K = 1) and its written bytes
				uint qk = 0u;
				for (uint j = 0u; j < 4u; j++) {
					uint p = 4u * q + j;
					uint x = p % W;
					uint y = p / W;
					if (x < bx0 || x >= bx1 || y < by0 || y >= by1) {
						continue;
					}
					precise float px = float(x) + 0.5;
					precise float py = float(y) + 0.5;
					precise float u = a0 * px + a1 * py + a2;
					precise float v = a3 * px + a4 * py + a5;
					if (!(u >= 0.0 && v >= 0.0 && u <= fs && v <= fs)) {
						continue;
					}
					// floor(u − ½) as int(u + ½) − 1, as in paint.SampleSDF.
					int x0 = int(u + 0.5) - 1;
					int y0 = int(v + 0.5) - 1;
					precise float fx = (u - 0.5) - float(x0);
					precise float fy = (v - 0.5) - float(y0);
					int x1 = clamp(x0 + 1, 0, T - 1);
					int y1 = clamp(y0 + 1, 0, T - 1);
					x0 = clamp(x0, 0, T - 1);
					y0 = clamp(y0, 0, T - 1);
					precise float d00 = texel(tileBase, x0, y0);
					precise float d10 = texel(tileBase, x1, y0);
					precise float d01 = texel(tileBase, x0, y1);
					precise float d11 = texel(tileBase, x1, y1);
					precise float top = d00 + (d10 - d00) * fx;
					precise float bot = d01 + (d11 - d01) * fx;
					precise float sd = top + (bot - top) * fy;
					precise float cov = 0.5 + (sd + bias) * distScale;
					if (cov <= 0.0) {
						continue;
					}
					if (cov >= 1.0) {
						cov = 1.0;
					}
					maskByte(mb, p * K + s, K, cov, qm, qk);
					setPix(jq, j, sb, p, blend(fg, x, y, p, cov, tb, getPix(jq, j, sb, p)));
				}
				storeQuadMask(mb, q, qm, qk);
			}
#if SUBSAMPLING
			continue;
		}
		// Sub-sampling (paint.SubCoverage): n×n samples at offsets
		// subOffs[n·MAX_SUB + i] = paint.SubOffsets(n)[i], ramp slope
		// distScale·n, clamped each, summed in row order, divided by n².
		// A pixel's samples lie within ½(|a0| + |a1|) texels of its
		// centre in u (and so in v): a pixel whose centre is farther than
		// that, plus a texel for rounding, outside the tile has no sample
		// in it and is skipped. The compositing below repeats the one-
		// sample loop's: keep them in step.
		uint ob = nsub * MAX_SUB;
		precise float slope = distScale * float(nsub);
		precise float ru = 0.5 * (abs(a0) + abs(a1)) + 1.0;
		precise float rv = 0.5 * (abs(a3) + abs(a4)) + 1.0;
		OWN_QUADS(qa, qb + 1u) {
			uint qm = 0u; // the quad's mask word (K = 1) and its written bytes
			uint qk = 0u;
			for (uint j = 0u; j < 4u; j++) {
				uint p = 4u * q + j;
				uint x = p % W;
				uint y = p / W;
				if (x < bx0 || x >= bx1 || y < by0 || y >= by1) {
					continue;
				}
				precise float px = float(x) + 0.5;
				precise float py = float(y) + 0.5;
				precise float u = a0 * px + a1 * py + a2;
				precise float v = a3 * px + a4 * py + a5;
				if (!(u >= -ru && v >= -rv && u <= fs + ru && v <= fs + rv)) {
					continue;
				}
				precise float sum = 0.0;
				for (uint sj = 0u; sj < nsub; sj++) {
					precise float sy = float(y) + subOffs[ob + sj];
					for (uint si = 0u; si < nsub; si++) {
						precise float sx = float(x) + subOffs[ob + si];
						precise float su = a0 * sx + a1 * sy + a2;
						precise float sv = a3 * sx + a4 * sy + a5;
						if (!(su >= 0.0 && sv >= 0.0 && su <= fs && sv <= fs)) {
							continue;
						}
						precise float sd = sdfAt(tileBase, su, sv);
						precise float c = 0.5 + (sd + bias) * slope;
						c = min(max(c, 0.0), 1.0);
						sum = sum + c;
					}
				}
				precise float cov = divRN(sum, float(nsub * nsub));
				if (cov <= 0.0) {
					continue;
				}
				maskByte(mb, p * K + s, K, cov, qm, qk);
				setPix(jq, j, sb, p, blend(fg, x, y, p, cov, tb, getPix(jq, j, sb, p)));
			}
			storeQuadMask(mb, q, qm, qk);
		}
#endif
	}

	// Values: grey (r + g + b)/3 when the image or the output is grey, kept
	// in the pixel's first state value; extremes of this invocation's values.
	bool grey = (flags & FLAG_GRAY) != 0u || C == 1u;
	float lo = uintBitsToFloat(0x7f800000u);  // +inf
	float hi = uintBitsToFloat(0xff800000u);  // −inf
	OWN_QUADS(0u, nquads) {
		for (uint j = 0u; j < 4u; j++) {
			uint p = 4u * q + j;
			if (p >= npix) {
				break;
			}
			vec3 d = getPix(jq, j, sb, p);
			if (grey) {
				precise float sum = d.r + d.g + d.b;
				float gv = divRN(sum, 3.0);
				setPix(jq, j, sb, p, vec3(gv, d.g, d.b));
				if (gv < lo) lo = gv;
				if (gv > hi) hi = gv;
			} else {
				for (uint c = 0u; c < 3u; c++) {
					float v = d[c];
					if (v < lo) lo = v;
					if (v > hi) hi = v;
				}
			}
		}
	}
	sMin[lid] = lo;
	sMax[lid] = hi;
	memoryBarrierShared();
	barrier();
	for (uint n = LOCAL_SIZE / 2u; n > 0u; n /= 2u) {
		if (lid < n) {
			float a = sMin[lid + n];
			if (a < sMin[lid]) sMin[lid] = a;
			float b = sMax[lid + n];
			if (b > sMax[lid]) sMax[lid] = b;
		}
		memoryBarrierShared();
		barrier();
	}

	bool inverse = (flags & FLAG_INVERSE) != 0u;
	precise float vlo = 0.0;
	precise float scale = 1.0;
	bool stretch = false;
	if ((flags & FLAG_MAX_CONTRAST) != 0u) {
		precise float l = sMin[0];
		precise float h = sMax[0];
		if (inverse) {
			precise float nl = 1.0 - h;
			precise float nh = 1.0 - l;
			l = nl;
			h = nh;
		}
		if (h > l) {
			vlo = l;
			precise float range = h - l;
			scale = divRN(1.0, range);
			stretch = true;
		}
	}
	uint key = lowbias32(seed ^ 0x9e3779b9u);

	// Post-process and pack 4 bytes per word; padding pixels write 0.
	OWN_QUADS(0u, nquads) {
		for (uint wi = q * C; wi < (q + 1u) * C; wi++) {
			uint word = 0u;
			for (uint j = 0u; j < 4u; j++) {
				uint i = wi * 4u + j; // value index: pixel·C + channel
				uint p = i / C;
				if (p >= npix) {
					break;
				}
				vec3 d = getPix(jq, p - 4u * q, sb, p);
				precise float v = grey ? d.r : d[i % C];
				if (inverse) {
					v = 1.0 - v;
				}
				if (stretch) {
					v = (v - vlo) * scale;
				}
				if (sigma != 0.0) {
					precise float nz = sigma * noiseTable[lowbias32(i ^ key) >> (32u - NOISE_BITS)];
					v = v + nz;
				}
				word |= quantize(v) << (8u * j);
			}
			outX[xb + wi] = word;
		}
	}
}
