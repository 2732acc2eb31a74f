/* provision/base/hash.h — SHA-256 in hex, for keys and fingerprints */
#ifndef VP_HASH_H
#define VP_HASH_H

#include <stddef.h>

/* The first nhex (even, at most 64) hex digits of text's SHA-256
 * (malloc'd), or NULL when the digest cannot be made. */
char *vp_sha256_hex(const char *text, size_t nhex);

/* The SHA-256 of the file at path into hex (65 bytes); *size (may be NULL)
 * gets its length.  0, or -1 with errno. */
int vp_sha256_file(const char *path, char hex[65], unsigned long long *size);

#endif
