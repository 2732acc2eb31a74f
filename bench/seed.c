/* bench/seed.c — vprov's NoCloud seed, as `vprov create --cloud-init`
 * makes it (provision/cloud/seed.h: user-data merged, meta-data, the ISO
 * 9660 image written in-process with libarchive), as a program of its own
 * so bench/bench.sh can time it against cloud-localds, which does the same
 * job from the shell (cloud-localds spawns genisoimage).
 *
 *   vprov-seedbench OUT.iso USER-DATA KEY.pub [N]
 *
 * writes the seed N times (default 1) and prints each build's time in
 * microseconds, one per line, on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seed.h"

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	const char *keys[1];
	int n, i;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s OUT.iso USER-DATA KEY.pub [N]\n", argv[0]);
		return 2;
	}
	n = argc == 5 ? atoi(argv[4]) : 1;
	keys[0] = argv[3];
	for (i = 0; i < n; i++) {
		struct vp_seed_opts o = {
			.vm_name = "bench",
			.hostname = "bench",
			.root_ssh_keys = keys,
			.n_root_ssh_keys = 1,
			.user_data = argv[2],
		};
		struct vp_seed s = { 0 };
		struct vp_error err = { 0 };
		long long t0 = now_us();

		if (vp_seed_build(&o, &s, &err) < 0 || vp_seed_write_iso(&s, argv[1], &err) < 0) {
			fprintf(stderr, "vprov-seedbench: %s\n", err.msg);
			return 1;
		}
		printf("%lld\n", now_us() - t0);
		vp_seed_clear(&s);
	}
	return 0;
}
