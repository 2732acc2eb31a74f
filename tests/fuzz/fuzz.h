/* tests/fuzz/fuzz.h — what every harness exposes: libFuzzer's entry point
 * (a fuzzer build links libFuzzer's main; the replay build, replay.c) */
#ifndef VP_FUZZ_H
#define VP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: crash, so the fuzzer keeps the input. */
#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			abort();          \
	} while (0)

#endif
