#include "textflag.h"

// func classifyAVX2(src *byte, blocks int, quotes, slashes *byte) (anySlash uint64)
//
// For each 64-byte block: two 32-byte loads, compared bytewise with '"'
// and with '\', each comparison's 32 high bits gathered by VPMOVMSKB and
// the two halves joined into one word per map. anySlash is the OR of the
// backslash words.
TEXT ·classifyAVX2(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ quotes+16(FP), DI
	MOVQ slashes+24(FP), DX
	MOVQ $0x22, AX
	MOVQ AX, X0
	VPBROADCASTB X0, Y0
	MOVQ $0x5c, AX
	MOVQ AX, X1
	VPBROADCASTB X1, Y1
	XORQ R10, R10

loop:
	VMOVDQU (SI), Y2
	VMOVDQU 32(SI), Y3
	VPCMPEQB Y0, Y2, Y4
	VPCMPEQB Y0, Y3, Y5
	VPCMPEQB Y1, Y2, Y6
	VPCMPEQB Y1, Y3, Y7
	VPMOVMSKB Y4, AX
	VPMOVMSKB Y5, BX
	VPMOVMSKB Y6, R8
	VPMOVMSKB Y7, R9
	SHLQ $32, BX
	ORQ  BX, AX
	SHLQ $32, R9
	ORQ  R9, R8
	ORQ  R8, R10
	MOVQ AX, (DI)
	MOVQ R8, (DX)
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, DX
	DECQ CX
	JNZ  loop

	VZEROUPPER
	MOVQ R10, anySlash+32(FP)
	RET

// func classifyAVX512(src *byte, blocks int, quotes, slashes *byte) (anySlash uint64)
//
// For each 64-byte block: one load, compared bytewise with '"' and with
// '\' into mask registers, which are the map words as they are.
TEXT ·classifyAVX512(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ quotes+16(FP), DI
	MOVQ slashes+24(FP), DX
	MOVL $0x22, AX
	VPBROADCASTB AX, Z0
	MOVL $0x5c, AX
	VPBROADCASTB AX, Z1
	XORQ R10, R10

loop512:
	VMOVDQU64 (SI), Z2
	VPCMPEQB  Z0, Z2, K1
	VPCMPEQB  Z1, Z2, K2
	KMOVQ     K1, (DI)
	KMOVQ     K2, R8
	MOVQ      R8, (DX)
	ORQ       R8, R10
	ADDQ      $64, SI
	ADDQ      $8, DI
	ADDQ      $8, DX
	DECQ      CX
	JNZ       loop512

	VZEROUPPER
	MOVQ R10, anySlash+32(FP)
	RET

// func classify4AVX2(src *byte, blocks int, quotes, slashes, opens, closes *byte) (anySlash uint64)
//
// classifyAVX2, and in the same pass the bytes OR'd with 0x20 (which maps
// '[' to '{' and ']' to '}', and nothing else to either) compared with
// '{' and with '}'.
TEXT ·classify4AVX2(SB), NOSPLIT, $0-56
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ quotes+16(FP), DI
	MOVQ slashes+24(FP), DX
	MOVQ opens+32(FP), R11
	MOVQ closes+40(FP), R12
	MOVQ $0x22, AX
	MOVQ AX, X0
	VPBROADCASTB X0, Y0
	MOVQ $0x5c, AX
	MOVQ AX, X1
	VPBROADCASTB X1, Y1
	MOVQ $0x20, AX
	MOVQ AX, X8
	VPBROADCASTB X8, Y8
	MOVQ $0x7b, AX
	MOVQ AX, X9
	VPBROADCASTB X9, Y9
	MOVQ $0x7d, AX
	MOVQ AX, X10
	VPBROADCASTB X10, Y10
	XORQ R10, R10

loop4:
	VMOVDQU   (SI), Y2
	VMOVDQU   32(SI), Y3
	VPCMPEQB  Y0, Y2, Y4
	VPCMPEQB  Y0, Y3, Y5
	VPCMPEQB  Y1, Y2, Y6
	VPCMPEQB  Y1, Y3, Y7
	VPMOVMSKB Y4, AX
	VPMOVMSKB Y5, BX
	VPMOVMSKB Y6, R8
	VPMOVMSKB Y7, R9
	SHLQ      $32, BX
	ORQ       BX, AX
	SHLQ      $32, R9
	ORQ       R9, R8
	ORQ       R8, R10
	MOVQ      AX, (DI)
	MOVQ      R8, (DX)
	VPOR      Y8, Y2, Y2
	VPOR      Y8, Y3, Y3
	VPCMPEQB  Y9, Y2, Y4
	VPCMPEQB  Y9, Y3, Y5
	VPCMPEQB  Y10, Y2, Y6
	VPCMPEQB  Y10, Y3, Y7
	VPMOVMSKB Y4, AX
	VPMOVMSKB Y5, BX
	VPMOVMSKB Y6, R8
	VPMOVMSKB Y7, R9
	SHLQ      $32, BX
	ORQ       BX, AX
	SHLQ      $32, R9
	ORQ       R9, R8
	MOVQ      AX, (R11)
	MOVQ      R8, (R12)
	ADDQ      $64, SI
	ADDQ      $8, DI
	ADDQ      $8, DX
	ADDQ      $8, R11
	ADDQ      $8, R12
	DECQ      CX
	JNZ       loop4

	VZEROUPPER
	MOVQ R10, anySlash+48(FP)
	RET

// func classify4AVX512(src *byte, blocks int, quotes, slashes, opens, closes *byte) (anySlash uint64)
//
// classifyAVX512, and the bracket maps as in classify4AVX2, from the same
// load.
TEXT ·classify4AVX512(SB), NOSPLIT, $0-56
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ quotes+16(FP), DI
	MOVQ slashes+24(FP), DX
	MOVQ opens+32(FP), R11
	MOVQ closes+40(FP), R12
	MOVL $0x22, AX
	VPBROADCASTB AX, Z0
	MOVL $0x5c, AX
	VPBROADCASTB AX, Z1
	MOVL $0x20, AX
	VPBROADCASTB AX, Z3
	MOVL $0x7b, AX
	VPBROADCASTB AX, Z4
	MOVL $0x7d, AX
	VPBROADCASTB AX, Z5
	XORQ R10, R10

loop4x512:
	VMOVDQU64 (SI), Z2
	VPCMPEQB  Z0, Z2, K1
	VPCMPEQB  Z1, Z2, K2
	VPORQ     Z3, Z2, Z6
	VPCMPEQB  Z4, Z6, K3
	VPCMPEQB  Z5, Z6, K4
	KMOVQ     K1, (DI)
	KMOVQ     K2, R8
	MOVQ      R8, (DX)
	ORQ       R8, R10
	KMOVQ     K3, (R11)
	KMOVQ     K4, (R12)
	ADDQ      $64, SI
	ADDQ      $8, DI
	ADDQ      $8, DX
	ADDQ      $8, R11
	ADDQ      $8, R12
	DECQ      CX
	JNZ       loop4x512

	VZEROUPPER
	MOVQ R10, anySlash+48(FP)
	RET

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax, edx uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
