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
