/* tests/fuzz/fuzz_suse_content.c — SUSE's content file over arbitrary bytes */
#include <string.h>

#include "fuzz.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "LABEL", "DISTRO", "VERSION", "BASEARCHS", "REPOID",
					    "DEFAULTBASE", "", NULL };
	static const char *const paths[] = { "boot/x86_64/loader/linux", "boot/x86_64/loader/initrd",
					     "./a", "", NULL };
	const char *text = (const char *)data;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *v = vp_suse_content_get(text, size, keys[i]);

		if (v) {
			FUZZ_CHECK(!strchr(v, '\n'));
			free(v);
		}
	}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *h = vp_suse_content_hash(text, size, paths[i]);

		if (h) {
			FUZZ_CHECK(strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64);
			free(h);
		}
	}
	return 0;
}
