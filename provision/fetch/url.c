/* provision/fetch/url.c — what counts as a URL to fetch */
#include <string.h>
#include <strings.h>

#include "fetch.h"

bool vp_fetch_is_url(const char *url)
{
	static const char *const schemes[] = { "http://", "https://", "ftp://", "file://" };
	size_t i;

	for (i = 0; url && i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncasecmp(url, schemes[i], strlen(schemes[i])) && url[strlen(schemes[i])])
			return true;
	return false;
}
