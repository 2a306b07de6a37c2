//go:build goexperiment.simd && amd64 && !go1.27

#include "textflag.h"

// The vector build's table look-ups, which archsimd cannot write (it has
// no gather): noiseBits, postVector's noise look-up, and tapsGather,
// oneCoveredVector's SDF taps (vector_amd64.go declares both). AVX2
// VPGATHERDD; VEX instructions only, and VZEROUPPER before returning
// (the rules of rows_vector.go).

DATA noiseIota<>+0(SB)/4, $0
DATA noiseIota<>+4(SB)/4, $1
DATA noiseIota<>+8(SB)/4, $2
DATA noiseIota<>+12(SB)/4, $3
DATA noiseIota<>+16(SB)/4, $4
DATA noiseIota<>+20(SB)/4, $5
DATA noiseIota<>+24(SB)/4, $6
DATA noiseIota<>+28(SB)/4, $7
GLOBL noiseIota<>(SB), RODATA|NOPTR, $32

// func noiseBits(dst *uint32, n int, k uint32, table *[4096]uint32)
TEXT ·noiseBits(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVL k+16(FP), AX
	MOVQ table+24(FP), DX
	SHRQ $3, CX
	JZ   done
	VMOVD AX, X3
	VPBROADCASTD X3, Y3         // k
	MOVL $0x7feb352d, AX
	VMOVD AX, X5
	VPBROADCASTD X5, Y5         // the hash's first multiplier
	MOVL $0x846ca68b, AX
	VMOVD AX, X6
	VPBROADCASTD X6, Y6         // and its second
	MOVL $8, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8         // eight
	VMOVDQU noiseIota<>(SB), Y4 // the indices i … i+7

loop:
	// noiseIndex: ((i ^ k)·m1, xor its >> 15)·m2 >> (32 − NoiseBits)
	VPXOR    Y3, Y4, Y0
	VPMULLD  Y5, Y0, Y0
	VPSRLD   $15, Y0, Y1
	VPXOR    Y1, Y0, Y0
	VPMULLD  Y6, Y0, Y0
	VPSRLD   $20, Y0, Y0
	VPCMPEQD Y2, Y2, Y2         // every lane (the gather clears its mask)
	VPXOR    Y7, Y7, Y7
	VPGATHERDD Y2, (DX)(Y0*4), Y7
	VMOVDQU  Y7, (DI)
	VPADDD   Y8, Y4, Y4
	ADDQ     $32, DI
	DECQ     CX
	JNZ      loop

done:
	VZEROUPPER
	RET

// func tapsGather(taps *uint32, idx, state *int32, n int, tile *byte, size, last int)
//
// tapsGather is oneCoveredVector's tap look-up for interior points: for
// each i < n (a multiple of 8) with state[i] = −1 and 0 ≤ idx[i] ≤ last,
// taps[i] = the 16 bits at tile[idx[i]] | the 16 bits at
// tile[idx[i]+size] << 16, read by two 32-bit gathers (last keeps their
// four bytes inside the tile); other entries are left as they are.
TEXT ·tapsGather(SB), NOSPLIT, $0-56
	MOVQ taps+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ state+16(FP), BX
	MOVQ n+24(FP), CX
	MOVQ tile+32(FP), DX
	MOVQ size+40(FP), AX
	MOVQ last+48(FP), R8
	SHRQ $3, CX
	JZ   tdone
	VMOVD AX, X9
	VPBROADCASTD X9, Y9          // size
	INCQ R8
	VMOVD R8, X10
	VPBROADCASTD X10, Y10        // last + 1
	VPCMPEQD Y11, Y11, Y11       // −1 in every lane
	MOVL $0xffff, AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12        // the low half's mask

tloop:
	VMOVDQU  (BX), Y0
	VPCMPEQD Y11, Y0, Y1         // interior
	VMOVDQU  (SI), Y2
	VPCMPGTD Y11, Y2, Y3         // idx > −1
	VPAND    Y3, Y1, Y1
	VPCMPGTD Y2, Y10, Y3         // last + 1 > idx
	VPAND    Y3, Y1, Y1
	VMOVDQA  Y1, Y4              // the gathers clear their masks
	VPXOR    Y5, Y5, Y5
	VPGATHERDD Y4, (DX)(Y2*1), Y5
	VPADDD   Y9, Y2, Y6
	VMOVDQA  Y1, Y4
	VPXOR    Y7, Y7, Y7
	VPGATHERDD Y4, (DX)(Y6*1), Y7
	VPAND    Y12, Y5, Y5
	VPSLLD   $16, Y7, Y7
	VPOR     Y7, Y5, Y5
	VMOVDQU  (DI), Y8
	VPBLENDVB Y1, Y5, Y8, Y8     // the gathered taps where interior
	VMOVDQU  Y8, (DI)
	ADDQ     $32, DI
	ADDQ     $32, SI
	ADDQ     $32, BX
	DECQ     CX
	JNZ      tloop

tdone:
	VZEROUPPER
	RET
