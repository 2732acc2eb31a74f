/* provision/base/hash.c — SHA-256 in hex (gnutls) */
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

int vp_sha256_file(const char *path, char hex[65], unsigned long long *size)
{
	gnutls_hash_hd_t h;
	unsigned char d[32], buf[1 << 16];
	unsigned long long total = 0;
	ssize_t n;
	int fd, e;
	size_t i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			gnutls_hash_deinit(h, d);
			close(fd);
			errno = e;
			return -1;
		}
		gnutls_hash(h, buf, (size_t)n);
		total += (unsigned long long)n;
	}
	close(fd);
	gnutls_hash_deinit(h, d);
	for (i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	if (size)
		*size = total;
	return 0;
}
