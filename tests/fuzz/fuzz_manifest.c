/* tests/fuzz/fuzz_manifest.c — vp_manifest_has over arbitrary bytes */
#include <string.h>

#include "fuzz.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"netboot/debian-installer/amd64/linux", "netboot/ubuntu-installer/amd64/initrd.gz",
		"cdrom/vmlinuz", "netboot/", "./x", "/", "", NULL,
	};
	const char *text = (const char *)data;
	char first[128];
	size_t i, n;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)vp_manifest_has(text, size, paths[i]);
	/* the input's own first word is listed, unless it is no path at all */
	for (n = 0; n < size && n < sizeof(first) - 1 && text[n] != ' ' && text[n] != '\t' &&
		    text[n] != '\n' && text[n] != '\r' && text[n] != '\0' && text[n] != '#' &&
		    text[n] != '\v' && text[n] != '\f';
	     n++)
		first[n] = text[n];
	first[n] = '\0';
	if (n > 0 && n < size && strchr(" \t\n\r\v\f", text[n]) && text[n] && strspn(first, "./") == 0 &&
	    (size < 3 || memcmp(text, "\xef\xbb\xbf", 3)))
		FUZZ_CHECK(vp_manifest_has(text, size, first));
	return 0;
}
