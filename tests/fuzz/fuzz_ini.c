/* tests/fuzz/fuzz_ini.c — vp_ini_get (.treeinfo) over arbitrary bytes */
#include <string.h>

#include "fuzz.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *section, *key;
	} q[] = {
		{ "general", "family" },   { "general", "version" },      { "general", "arch" },
		{ "release", "name" },     { "images-x86_64", "kernel" }, { "images-x86_64", "initrd" },
		{ "checksums", "images/pxeboot/vmlinuz" },                 { "tree", "arch" },
		{ "", "x" },               { "general", "" },              { NULL, "family" },
	};
	const char *text = (const char *)data;
	size_t i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		char *v = vp_ini_get(text, size, q[i].section, q[i].key);

		if (v) {
			/* a value is one trimmed line */
			size_t n = strlen(v);

			FUZZ_CHECK(!strchr(v, '\n'));
			FUZZ_CHECK(n == 0 || (v[0] != ' ' && v[n - 1] != ' ' && v[n - 1] != '\r'));
			FUZZ_CHECK(n <= size);
			free(v);
		}
	}
	return 0;
}
