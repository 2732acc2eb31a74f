/* tests/fuzz/fuzz_sums.c — vp_sums_find over arbitrary bytes */
#include <ctype.h>
#include <string.h>

#include "fuzz.h"
#include "tree.h"

static void check(const char *text, size_t len, const char *relpath)
{
	char *hex = vp_sums_find(text, len, relpath);
	size_t i, n;

	if (!hex)
		return;
	/* what it returns is a digest: lowercase hex, 32 to 128 digits */
	n = strlen(hex);
	FUZZ_CHECK(n >= 32 && n <= 128 && n % 2 == 0);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(isdigit((unsigned char)hex[i]) || (hex[i] >= 'a' && hex[i] <= 'f'));
	free(hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char want[256];
	const char *nl;
	size_t n;

	check(text, size, "netboot/debian-installer/amd64/linux");
	check(text, size, "./netboot/debian-installer/amd64/initrd.gz");
	check(text, size, "install.amd/vmlinuz");
	check(text, size, "a");
	check(text, size, "");
	check(text, size, NULL);
	/* a path the input itself names: the last word of its first line */
	nl = memchr(text, '\n', size);
	n = nl ? (size_t)(nl - text) : size;
	while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	if (n > 0) {
		size_t start = n;

		while (start > 0 && text[start - 1] != ' ' && text[start - 1] != '*' &&
		       text[start - 1] != '(')
			start--;
		if (n - start < sizeof(want)) {
			memcpy(want, text + start, n - start);
			want[n - start] = '\0';
			check(text, size, want);
		}
	}
	return 0;
}
