/* provision/base/uuid.c — random UUIDs */
#include "uuid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int vp_uuid_generate(char out[37], struct vp_error *err)
{
	unsigned char u[16];
	size_t got = 0;

	while (got < sizeof(u)) {
		ssize_t n = getrandom(u + got, sizeof(u) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot get random bytes: %s",
					    strerror(errno));
		}
		got += (size_t)n;
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	return 0;
}

void vp_mac_random(char out[18])
{
	unsigned char b[3] = { 0 };

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* never fails for 3 bytes once the pool is initialised; be safe */
		unsigned r = (unsigned)rand();

		b[0] = (unsigned char)r;
		b[1] = (unsigned char)(r >> 8);
		b[2] = (unsigned char)(r >> 16);
	}
	snprintf(out, 18, "52:54:00:%02x:%02x:%02x", b[0], b[1], b[2]);
}
