//go:build goexperiment.simd && amd64 && !go1.27

#include "textflag.h"

// noiseBits is postVector's noise look-up (vector_amd64.go): archsimd has
// no gather, and the scalar loop of loads it replaces cost about three
// times as much. VEX instructions only, and VZEROUPPER before returning
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
