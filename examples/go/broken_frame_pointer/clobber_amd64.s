#include "textflag.h"

// func clobber()
// The assembler saves and sets BP for this frame (its size is not 0); the
// function then overwrites BP, so explode saves a bogus caller frame pointer.
TEXT ·clobber(SB), 0, $8-0
	MOVQ $0x10, BP
	CALL ·explode(SB)
	RET
