/* tests/fuzz/replay.c — a harness's corpus, replayed in every build
 *
 * Linked with one tests/fuzz/fuzz_<parser>.c instead of libFuzzer: feeds
 * every file of the directories (or files) given to LLVMFuzzerTestOneInput,
 * each in a buffer of exactly its size (so a read past the end is caught
 * under the sanitizers), then some neighbours of it: prefixes, and copies
 * with single bytes changed to ones parsers care about.  Exit status 0
 * when every input ran; a harness that finds a bug aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long runs;

static void one(const unsigned char *data, size_t size)
{
	/* an exact-size copy: no terminating NUL to lean on */
	unsigned char *copy = malloc(size ? size : 1);

	if (!copy)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	runs++;
}

static void input(const unsigned char *data, size_t size)
{
	static const unsigned char odd[] = { '\0', '\n', '\r', ' ', '[', ']', '=', ':', '"', '/',
					     '.', '#', '*', '(', 0xff };
	size_t i, step;

	one(data, size);
	/* prefixes: inputs cut anywhere */
	step = size / 64 + 1;
	for (i = 0; i < size; i += step)
		one(data, i);
	/* single bytes changed */
	if (size) {
		unsigned char *m = malloc(size);

		if (!m)
			abort();
		step = size / 32 + 1;
		for (i = 0; i < size; i += step) {
			size_t k;

			for (k = 0; k < sizeof(odd); k++) {
				memcpy(m, data, size);
				m[i] = odd[k];
				one(m, size);
			}
		}
		free(m);
	}
}

static int file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	input(buf, len);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	unsigned long files = 0;
	int i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **names;
		int n, k;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= file(argv[i]) < 0;
			files++;
			continue;
		}
		n = scandir(argv[i], &names, NULL, by_name);
		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			char *path;

			if (names[k]->d_name[0] != '.') {
				path = malloc(strlen(argv[i]) + strlen(names[k]->d_name) + 2);
				if (!path)
					abort();
				sprintf(path, "%s/%s", argv[i], names[k]->d_name);
				if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
					bad |= file(path) < 0;
					files++;
				}
				free(path);
			}
			free(names[k]);
		}
		free(names);
	}
	/* the empty input, always */
	one((const unsigned char *)"", 0);
	printf("replay: %lu files, %lu runs\n", files, runs);
	if (!files) {
		fprintf(stderr, "replay: no corpus files found\n");
		return 1;
	}
	return bad;
}
