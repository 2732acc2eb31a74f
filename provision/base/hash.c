/* provision/base/hash.c — SHA-256 in hex (gnutls) */
#include "hash.h"

#include <stdio.h>
#include <string.h>
#include <gnutls/crypto.h>

#include "alloc.h"

char *vp_sha256_hex(const char *text, size_t nhex)
{
	unsigned char d[32];
	char *hex;
	size_t i;

	if (nhex > 2 * sizeof(d) || gnutls_hash_fast(GNUTLS_DIG_SHA256, text, strlen(text), d) < 0)
		return NULL;
	hex = vp_grow(NULL, nhex + 1, 1);
	for (i = 0; i < nhex / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	hex[nhex] = '\0';
	return hex;
}
