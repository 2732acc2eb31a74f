/* provision/base/fs.c — atomic writes, mkdir -p, XDG directories */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"

int vp_mkdir_p(const char *dir, mode_t mode)
{
	_cleanup_(freep) char *copy = vp_strdup(dir);
	struct stat st;
	char *p;

	for (p = copy + 1;; p++) {
		if (*p && *p != '/')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(copy, mode) < 0 && errno != EEXIST)
				return -1;
			*p = c;
		}
		if (!*p)
			break;
	}
	if (stat(copy, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int vp_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	_cleanup_(freep) char *dir = slash ? vp_strndup(path, slash == path ? 1 : (size_t)(slash - path))
					   : vp_strdup(".");
	_cleanup_(closep) int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		fsync(fd);
}

int vp_write_atomic(const char *path, const void *data, size_t len, mode_t mode, bool durable,
		    struct vp_error *err)
{
	_cleanup_(freep) char *tmp = vp_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
	if (vp_write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", path, strerror(e));
	}
	if (durable)
		fsync_dir_of(path);
	return 0;
}

char *vp_read_file(const char *path, size_t max, size_t *len)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_(freep) char *buf = NULL;
	struct stat st;
	size_t n = 0, cap;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		errno = EFBIG;
		return NULL;
	}
	cap = (size_t)st.st_size + 1;
	buf = vp_grow(NULL, cap, 1);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			if (cap > max) {
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			buf = vp_grow(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return NULL;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return TAKE_PTR(buf);
}

bool vp_relpath_inside(const char *p)
{
	const char *c = p;

	if (!p || !*p || *p == '/')
		return false;
	for (;;) {
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]))
			return false;
		c = strchr(c, '/');
		if (!c)
			return true;
		c++;
	}
}

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *xdg = getenv(var);
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return vp_strdup_printf("%s/vprov", xdg);
	if (home && home[0] == '/')
		return vp_strdup_printf("%s/%s/vprov", home, fallback);
	return NULL;
}

char *vp_cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");

	/* root's downloads serve every admin of the machine: the system's
	 * cache directory, unless the environment says otherwise */
	if (geteuid() == 0 && !(xdg && xdg[0] == '/'))
		return vp_strdup("/var/cache/vprov");
	return xdg_dir("XDG_CACHE_HOME", ".cache");
}

char *vp_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *vp_data_dir(void)
{
	return xdg_dir("XDG_DATA_HOME", ".local/share");
}
