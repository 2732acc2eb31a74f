/* tests/fuzz/fuzz_disk_info.c — .disk/info, version.info and codenames
 * over arbitrary bytes */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "tree.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct vp_disk_info di;
	char *version, *codename;
	char word[64];
	size_t n;

	if (vp_disk_info_parse(text, size, &di)) {
		FUZZ_CHECK(di.product || di.version || di.codename || di.debarch);
		FUZZ_CHECK(!di.product || !strchr(di.product, '\n'));
		/* codenames are plain lowercase words */
		FUZZ_CHECK(!di.codename || strspn(di.codename, "abcdefghijklmnopqrstuvwxyz") ==
						   strlen(di.codename));
		FUZZ_CHECK(!di.version || strspn(di.version, "0123456789.") == strlen(di.version) ||
			   !strcmp(di.version, "testing") || !strcmp(di.version, "unstable") ||
			   !strcmp(di.version, "sid") || !strcasecmp(di.version, "testing") ||
			   !strcasecmp(di.version, "unstable") || !strcasecmp(di.version, "sid"));
	} else {
		FUZZ_CHECK(!di.product && !di.version && !di.codename && !di.debarch);
	}
	vp_disk_info_clear(&di);

	if (vp_version_info_parse(text, size, &version, &codename))
		FUZZ_CHECK(version || codename);
	free(version);
	free(codename);

	/* the codename table takes any C string */
	n = size < sizeof(word) - 1 ? size : sizeof(word) - 1;
	memcpy(word, text, n);
	word[n] = '\0';
	{
		const char *fam = NULL, *v = vp_codename_version(word, &fam);

		FUZZ_CHECK((v == NULL) == (fam == NULL));
	}
	return 0;
}
