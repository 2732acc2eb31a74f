/* provision/fetch/secret.c — passwords: read, generated, hashed (secret.h) */
#include "secret.h"

#include <crypt.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"

#define PASSWORD_MAX 4096


static pthread_once_t crypt_once = PTHREAD_ONCE_INIT;
static __typeof__(crypt_r) *crypt_r_fn;
static char crypt_error[VP_ERROR_MAX];

static void crypt_load(void)
{
	void *h = dlopen("libcrypt.so.1", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(crypt_error, sizeof(crypt_error),
			 "cannot load libcrypt (libcrypt.so.1; Debian package libcrypt1): %s",
			 dlerror());
		return;
	}
	crypt_r_fn = (__typeof__(crypt_r) *)dlsym(h, "crypt_r");
	if (!crypt_r_fn)
		snprintf(crypt_error, sizeof(crypt_error),
			 "the libcrypt installed here has no crypt_r");
}

int vp_random_bytes(unsigned char *buf, size_t n, struct vp_error *err)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot get random bytes: %s",
					    strerror(errno));
		got += (size_t)r;
	}
	return 0;
}

/* "$6$<16 salt characters>$<86 characters>" */
int vp_password_hash(const char *password, char **out, struct vp_error *err)
{
	static const char salt_chars[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[16];
	char setting[3 + 16 + 2];
	struct crypt_data *cd;
	const char *h;
	size_t i;

	pthread_once(&crypt_once, crypt_load);
	if (crypt_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", crypt_error);
	if (vp_random_bytes(rnd, sizeof(rnd), err) < 0)
		return -1;
	memcpy(setting, "$6$", 3);
	for (i = 0; i < 16; i++)
		setting[3 + i] = salt_chars[rnd[i] & 63];
	setting[19] = '$';
	setting[20] = 0;
	cd = vp_calloc(1, sizeof(*cd));
	h = crypt_r_fn(password, setting, cd);
	if (!h || strncmp(h, setting, 20) || strlen(h) != 20 + 86) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "cannot hash the password: libcrypt has no SHA-512 crypt");
	}
	*out = vp_strdup(h);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return 0;
}

/* 16 characters of [A-Za-z0-9] (95 bits), without modulo bias */
int vp_password_generate(char **out, struct vp_error *err)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char pw[17];
	size_t n = 0;

	while (n < 16) {
		unsigned char rnd[32];
		size_t i;

		if (vp_random_bytes(rnd, sizeof(rnd), err) < 0)
			return -1;
		for (i = 0; i < sizeof(rnd) && n < 16; i++)
			if (rnd[i] < 248)
				pw[n++] = chars[rnd[i] % 62];
		explicit_bzero(rnd, sizeof(rnd));
	}
	pw[16] = 0;
	*out = vp_strdup(pw);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

void vp_secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* The first line of a file (a pipe is fine: <(pass show vm)), without the
 * line end. */
int vp_password_read(const char *path, const char *what, char **out, struct vp_error *err)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf;
	size_t n = 0;

	if (fd < 0)
		return vp_error_set(err, VP_ERR_INVALID, "cannot read the %s password file '%s': %s",
				    what, path, strerror(errno));
	buf = vp_grow(NULL, PASSWORD_MAX + 1, 1);
	while (n < PASSWORD_MAX && !memchr(buf, '\n', n)) {
		ssize_t r = read(fd, buf + n, PASSWORD_MAX - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			explicit_bzero(buf, PASSWORD_MAX + 1);
			free(buf);
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot read the %s password file '%s': %s", what, path,
					    strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	if (!memchr(buf, '\n', n) && n == PASSWORD_MAX) {
		explicit_bzero(buf, PASSWORD_MAX + 1);
		free(buf);
		return vp_error_set(err, VP_ERR_INVALID,
				    "the first line of the %s password file '%s' is longer than %d "
				    "bytes",
				    what, path, PASSWORD_MAX);
	}
	buf[strcspn(buf, "\n")] = 0;
	n = strlen(buf);
	if (n && buf[n - 1] == '\r')
		buf[--n] = 0;
	explicit_bzero(buf + n, PASSWORD_MAX + 1 - n); /* the lines after it */
	if (!n || strlen(buf) != n) {
		explicit_bzero(buf, PASSWORD_MAX + 1);
		free(buf);
		return vp_error_set(err, VP_ERR_INVALID,
				    "the %s password file '%s' holds no password on its first line",
				    what, path);
	}
	*out = buf;
	return 0;
}
