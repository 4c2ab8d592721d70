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

// func classifyBracesAVX2(src *byte, blocks int, opens, closes *byte)
//
// For each 64-byte block: two 32-byte loads, OR'd with 0x20 (which maps
// '[' to '{' and ']' to '}', and nothing else to either), compared with
// '{' and with '}', gathered as in classifyAVX2.
TEXT ·classifyBracesAVX2(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ opens+16(FP), DI
	MOVQ closes+24(FP), DX
	MOVQ $0x20, AX
	MOVQ AX, X0
	VPBROADCASTB X0, Y0
	MOVQ $0x7b, AX
	MOVQ AX, X1
	VPBROADCASTB X1, Y1
	MOVQ $0x7d, AX
	MOVQ AX, X2
	VPBROADCASTB X2, Y2

braces:
	VMOVDQU (SI), Y3
	VMOVDQU 32(SI), Y4
	VPOR     Y0, Y3, Y3
	VPOR     Y0, Y4, Y4
	VPCMPEQB Y1, Y3, Y5
	VPCMPEQB Y1, Y4, Y6
	VPCMPEQB Y2, Y3, Y7
	VPCMPEQB Y2, Y4, Y8
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y6, BX
	VPMOVMSKB Y7, R8
	VPMOVMSKB Y8, R9
	SHLQ $32, BX
	ORQ  BX, AX
	SHLQ $32, R9
	ORQ  R9, R8
	MOVQ AX, (DI)
	MOVQ R8, (DX)
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, DX
	DECQ CX
	JNZ  braces

	VZEROUPPER
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
