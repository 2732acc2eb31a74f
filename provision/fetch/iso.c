/* provision/fetch/iso.c — ISO 9660 images and local directories as tree
 * readers (iso.h)
 *
 * An image is opened once to check that it is ISO 9660 and to index its
 * members (names as libarchive presents them: Rock Ridge, else Joliet, else
 * ISO 9660 without ";1"); each read then opens a fresh archive on the same
 * file and streams to the member, so readers may run in parallel.  Hard
 * links (libarchive reports files sharing their data that way, the data
 * with the first) and symbolic links inside the image are followed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "arlib.h"
#include "cleanup.h"
#include "fs.h"
#include "iso.h"

#define ISO_SECTOR 2048
#define ISO_PVD_OFFSET (16 * ISO_SECTOR)
#define ISO_LINK_DEPTH 16

struct iso_member {
	char *path;     /* as libarchive gives it */
	char *hardlink; /* the member holding the data, or NULL */
	char *symlink;  /* a symbolic link's target, or NULL */
	int type;       /* AE_IFREG, AE_IFDIR, AE_IFLNK, ... */
	int64_t size;
};

struct vp_iso {
	char *path;
	char *volume_id;
	struct iso_member *members;
	size_t n;
};

static void archive_read_free_wrap(struct archive *a)
{
	vp_ar.archive_read_free(a);
}

VP_DEFINE_CLEANUP(struct archive *, archive_read_free_wrap)

/* ---- names ---------------------------------------------------------------- */

/* A member name for comparing: no leading "./" or '/', no ISO 9660 version
 * (";1"), no trailing '/'. */
static size_t name_core(const char *p, const char **start)
{
	size_t n;
	const char *semi;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	n = strlen(p);
	while (n && p[n - 1] == '/')
		n--;
	/* "VMLINUZ.;1": the version, digits after the last ';' */
	semi = memrchr(p, ';', n);
	if (semi && semi > p && semi[-1] != '/' && semi + 1 < p + n &&
	    strspn(semi + 1, "0123456789") == (size_t)(p + n - (semi + 1)))
		n = (size_t)(semi - p);
	*start = p;
	return n;
}

/* Compare a and b (lengths na, nb) case-insensitively; loose also takes
 * ISO 9660 level 1 spellings ("_DISK/INFO" for ".disk/info"), where every
 * byte but letters and digits may have become '_'. */
static bool name_eq(const char *a, size_t na, const char *b, size_t nb, bool loose)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		unsigned char x = (unsigned char)tolower((unsigned char)a[i]);
		unsigned char y = (unsigned char)tolower((unsigned char)b[i]);

		if (x == y)
			continue;
		if (loose && x != '/' && y != '/' && (x == '_' || y == '_') && !isalnum(x == '_' ? y : x))
			continue;
		return false;
	}
	return true;
}

static struct iso_member *member_find(struct vp_iso *iso, const char *relpath)
{
	const char *want;
	size_t nwant = name_core(relpath, &want), i;
	int pass;

	if (!nwant)
		return NULL;
	/* the exact spelling first, then case-insensitively, then loosely */
	for (i = 0; i < iso->n; i++) {
		const char *have;
		size_t nhave = name_core(iso->members[i].path, &have);

		if (nhave == nwant && !memcmp(have, want, nwant))
			return &iso->members[i];
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < iso->n; i++) {
			const char *have;
			size_t nhave = name_core(iso->members[i].path, &have);

			if (name_eq(have, nhave, want, nwant, pass == 1))
				return &iso->members[i];
		}
	return NULL;
}

/* dir (of from) + target, with "." and ".." resolved inside the image. */
static char *link_resolve(const char *from, const char *target)
{
	_cleanup_(freep) char *joined = NULL;
	char *out, *seg, *save = NULL;
	size_t n = 0;

	if (target[0] == '/') {
		joined = vp_strdup(target);
	} else {
		const char *slash = strrchr(from, '/');

		joined = slash ? vp_strdup_printf("%.*s/%s", (int)(slash - from), from, target)
			       : vp_strdup(target);
	}
	out = vp_calloc(strlen(joined) + 2, 1);
	for (seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			/* back one component; the image's root is as far as it goes */
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
			continue;
		}
		if (n)
			out[n++] = '/';
		memcpy(out + n, seg, strlen(seg));
		n += strlen(seg);
		out[n] = '\0';
	}
	return out;
}

/* The member holding relpath's data, links followed; NULL when there is no
 * such regular file. */
static struct iso_member *member_data(struct vp_iso *iso, const char *relpath)
{
	struct iso_member *m = member_find(iso, relpath);
	int depth;

	for (depth = 0; m && depth < ISO_LINK_DEPTH; depth++) {
		if (m->hardlink) {
			m = member_find(iso, m->hardlink);
			continue;
		}
		if (m->type == AE_IFLNK && m->symlink) {
			_cleanup_(freep) char *target = link_resolve(m->path, m->symlink);

			m = member_find(iso, target);
			continue;
		}
		return m->type == AE_IFREG ? m : NULL;
	}
	return NULL;
}

/* ---- opening ---------------------------------------------------------------- */

static void members_free(struct iso_member *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].path);
		free(m[i].hardlink);
		free(m[i].symlink);
	}
	free(m);
}

void vp_iso_close(struct vp_iso *iso)
{
	if (!iso)
		return;
	members_free(iso->members, iso->n);
	free(iso->path);
	free(iso->volume_id);
	free(iso);
}

VP_DEFINE_CLEANUP(struct vp_iso *, vp_iso_close)

/* Whether the image starts its volume descriptors with ISO 9660's
 * "CD001", and the primary volume descriptor's volume id (NULL when none). */
static bool read_descriptors(int fd, char **volume_id)
{
	unsigned char vd[ISO_SECTOR];
	int sector;

	*volume_id = NULL;
	for (sector = 16; sector < 16 + 32; sector++) {
		ssize_t got = pread(fd, vd, sizeof(vd), (off_t)sector * ISO_SECTOR);
		size_t n = 32, i;

		if (got != (ssize_t)sizeof(vd) || memcmp(vd + 1, "CD001", 5))
			return sector > 16;
		if (vd[0] == 255) /* the set's terminator */
			return true;
		if (vd[0] != 1)
			continue;
		while (n > 0 && (vd[40 + n - 1] == ' ' || vd[40 + n - 1] == '\0'))
			n--;
		if (!n)
			return true;
		*volume_id = vp_strndup((const char *)vd + 40, n);
		/* a-characters only in theory; keep what a message can show */
		for (i = 0; (*volume_id)[i]; i++)
			if ((unsigned char)(*volume_id)[i] < 0x20 || (unsigned char)(*volume_id)[i] >= 0x7f)
				(*volume_id)[i] = '?';
		return true;
	}
	return true;
}

/* A fresh archive reader over path, iso9660 only; NULL with err (when
 * opening, a refusal means the file is not an image libarchive can read). */
static struct archive *iso_archive(const char *path, bool opening, struct vp_error *err)
{
	struct archive *a = vp_ar.archive_read_new();

	if (!a) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot read the image '%s': out of memory", path);
		return NULL;
	}
	if (vp_ar.archive_read_support_format_iso9660(a) != ARCHIVE_OK ||
	    vp_ar.archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
		if (opening)
			vp_error_set(err, VP_ERR_INVALID, "'%s' is not an ISO 9660 image", path);
		else
			vp_error_set(err, VP_ERR_RUNTIME, "cannot read the image '%s'", path);
		vp_error_append_reason(err, vp_ar.archive_error_string(a));
		vp_ar.archive_read_free(a);
		return NULL;
	}
	return a;
}

int vp_iso_open(const char *path, struct vp_iso **out, struct vp_error *err)
{
	_cleanup_(vp_iso_closep) struct vp_iso *iso = NULL;
	_cleanup_(archive_read_free_wrapp) struct archive *a = NULL;
	_cleanup_(closep) int fd = -1;
	struct archive_entry *e;
	struct stat st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	if (vp_archive_load(err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_RUNTIME,
				    "cannot open the image '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot open the image '%s': %s", path,
				    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is a directory, not an ISO 9660 image", path);
	iso = vp_calloc(1, sizeof(*iso));
	iso->path = vp_strdup(path);
	if (!read_descriptors(fd, &iso->volume_id))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not an ISO 9660 image: no volume descriptor at byte 32768",
				    path);

	a = iso_archive(path, true, err);
	if (!a)
		return -1;
	for (;;) {
		struct iso_member *m;
		const char *name, *link;

		rc = vp_ar.archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			if (iso->n == 0 && rc == ARCHIVE_FATAL) {
				vp_error_set(err, VP_ERR_INVALID, "'%s' is not an ISO 9660 image", path);
			} else {
				vp_error_set(err, VP_ERR_RUNTIME, "cannot read the image '%s'", path);
			}
			vp_error_append_reason(err, vp_ar.archive_error_string(a));
			return -1;
		}
		name = vp_ar.archive_entry_pathname(e);
		if (!name)
			continue;
		if (iso->n == cap) {
			cap = cap ? 2 * cap : 64;
			iso->members = vp_grow(iso->members, cap, sizeof(*iso->members));
		}
		m = &iso->members[iso->n++];
		memset(m, 0, sizeof(*m));
		m->path = vp_strdup(name);
		m->type = (int)vp_ar.archive_entry_filetype(e);
		m->size = vp_ar.archive_entry_size_is_set(e) ? vp_ar.archive_entry_size(e) : 0;
		link = vp_ar.archive_entry_hardlink(e);
		if (link && *link)
			m->hardlink = vp_strdup(link);
		link = m->type == AE_IFLNK ? vp_ar.archive_entry_symlink(e) : NULL;
		if (link && *link)
			m->symlink = vp_strdup(link);
	}
	*out = TAKE_PTR(iso);
	return 0;
}

const char *vp_iso_volume_id(const struct vp_iso *iso)
{
	return iso ? iso->volume_id : NULL;
}

/* ---- reading members ---------------------------------------------------------- */

/* A fresh archive positioned at m's data; NULL with err. */
static struct archive *iso_seek(struct vp_iso *iso, const struct iso_member *m, struct vp_error *err)
{
	struct archive *a = iso_archive(iso->path, false, err);
	struct archive_entry *e;
	int rc;

	if (!a)
		return NULL;
	for (;;) {
		const char *name;

		rc = vp_ar.archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s' in the image '%s': it went away",
				     m->path, iso->path);
			break;
		}
		if (rc < ARCHIVE_WARN) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s' in the image '%s'", m->path,
				     iso->path);
			vp_error_append_reason(err, vp_ar.archive_error_string(a));
			break;
		}
		name = vp_ar.archive_entry_pathname(e);
		if (name && !strcmp(name, m->path)) {
			const char *hl = vp_ar.archive_entry_hardlink(e);

			if (!hl || !*hl)
				return a;
		}
	}
	vp_ar.archive_read_free(a);
	return NULL;
}

static int iso_read(void *opaque, const char *relpath, size_t max, char **buf, size_t *len,
		    struct vp_error *err)
{
	struct vp_iso *iso = opaque;
	_cleanup_(archive_read_free_wrapp) struct archive *a = NULL;
	_cleanup_(freep) char *data = NULL;
	struct iso_member *m;
	size_t n = 0;

	*buf = NULL;
	*len = 0;
	if (!vp_relpath_inside(relpath))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not a path inside the image '%s' (absolute, or with '..')",
				    relpath ? relpath : "", iso->path);
	m = member_data(iso, relpath);
	if (!m)
		return 1;
	if (m->size < 0 || (uint64_t)m->size > max)
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' in the image '%s' is larger than %zu bytes", relpath, iso->path,
				    max);
	a = iso_seek(iso, m, err);
	if (!a)
		return -1;
	data = vp_calloc((size_t)m->size + 1, 1);
	while (n < (size_t)m->size) {
		la_ssize_t got = vp_ar.archive_read_data(a, data + n, (size_t)m->size - n);

		if (got < 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s' in the image '%s'", relpath,
				     iso->path);
			vp_error_append_reason(err, vp_ar.archive_error_string(a));
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	data[n] = '\0';
	*buf = TAKE_PTR(data);
	*len = n;
	return 0;
}

static int iso_exists(void *opaque, const char *relpath, struct vp_error *err)
{
	struct vp_iso *iso = opaque;

	if (!vp_relpath_inside(relpath))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not a path inside the image '%s' (absolute, or with '..')",
				    relpath ? relpath : "", iso->path);
	return member_data(iso, relpath) != NULL;
}

void vp_iso_reader(struct vp_iso *iso, const char *location, struct vp_tree_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->read = iso_read;
	r->exists = iso_exists;
	r->opaque = iso;
	r->location = location ? location : iso->path;
	r->is_url = false;
	r->is_iso = true;
	r->volume_id = iso->volume_id;
}

int vp_iso_extract(struct vp_iso *iso, const char *relpath, const char *dest, struct vp_error *err)
{
	_cleanup_(archive_read_free_wrapp) struct archive *a = NULL;
	_cleanup_(freep) char *tmp = NULL, *chunk = NULL;
	_cleanup_(closep) int fd = -1;
	struct iso_member *m;
	int64_t left;

	if (!vp_relpath_inside(relpath))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not a path inside the image '%s' (absolute, or with '..')",
				    relpath ? relpath : "", iso->path);
	m = member_data(iso, relpath);
	if (!m)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "there is no file '%s' in the image '%s'",
				    relpath, iso->path);
	a = iso_seek(iso, m, err);
	if (!a)
		return -1;

	tmp = vp_strdup_printf("%s.XXXXXX", dest);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot create '%s': %s", tmp, strerror(errno));
	if (fchmod(fd, 0644) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot create '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	chunk = vp_calloc(1, 1 << 20);
	for (left = m->size;;) {
		la_ssize_t got = vp_ar.archive_read_data(a, chunk, 1 << 20);

		if (got < 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s' in the image '%s'", relpath,
				     iso->path);
			vp_error_append_reason(err, vp_ar.archive_error_string(a));
			goto fail;
		}
		if (got == 0)
			break;
		if (vp_write_all(fd, chunk, (size_t)got) < 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
			goto fail;
		}
		left -= got;
	}
	if (left != 0) {
		vp_error_set(err, VP_ERR_RUNTIME,
			     "cannot read '%s' in the image '%s': it ended %lld bytes short", relpath,
			     iso->path, (long long)left);
		goto fail;
	}
	if (fsync(fd) < 0 || close(TAKE_FD(fd)) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (rename(tmp, dest) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot rename '%s' to '%s': %s", tmp, dest,
			     strerror(errno));
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return -1;
}

/* ---- local directories ---------------------------------------------------------- */

struct dir_reader {
	char *dir;
};

static char *dir_join(const struct dir_reader *dr, const char *relpath)
{
	size_t n = strlen(dr->dir);

	while (n > 1 && dr->dir[n - 1] == '/')
		n--;
	return vp_strdup_printf("%.*s/%s", (int)n, dr->dir, relpath);
}

static int dir_read(void *opaque, const char *relpath, size_t max, char **buf, size_t *len,
		    struct vp_error *err)
{
	struct dir_reader *dr = opaque;
	_cleanup_(freep) char *path = NULL, *data = NULL;
	_cleanup_(closep) int fd = -1;
	struct stat st;
	size_t n = 0;

	*buf = NULL;
	*len = 0;
	if (!vp_relpath_inside(relpath))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not a path inside '%s' (absolute, or with '..')",
				    relpath ? relpath : "", dr->dir);
	path = dir_join(dr, relpath);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return 1;
	if ((uint64_t)st.st_size > max)
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is larger than %zu bytes", path, max);
	data = vp_calloc((size_t)st.st_size + 1, 1);
	/* the file may grow while read: never past max */
	for (;;) {
		size_t room = (size_t)st.st_size - n;
		ssize_t got;

		if (room == 0)
			break;
		got = read(fd, data + n, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", path,
					    strerror(errno));
		if (got == 0)
			break;
		n += (size_t)got;
	}
	data[n] = '\0';
	*buf = TAKE_PTR(data);
	*len = n;
	return 0;
}

static int dir_exists(void *opaque, const char *relpath, struct vp_error *err)
{
	struct dir_reader *dr = opaque;
	_cleanup_(freep) char *path = NULL;
	struct stat st;

	if (!vp_relpath_inside(relpath))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not a path inside '%s' (absolute, or with '..')",
				    relpath ? relpath : "", dr->dir);
	path = dir_join(dr, relpath);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return 0;
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot look at '%s': %s", path, strerror(errno));
	}
	return S_ISREG(st.st_mode);
}

int vp_dir_reader(const char *dir, struct vp_tree_reader *r, struct vp_error *err)
{
	struct dir_reader *dr;
	struct stat st;

	memset(r, 0, sizeof(*r));
	if (!dir || !*dir)
		return vp_error_set(err, VP_ERR_INVALID, "no directory given for the installer tree");
	if (stat(dir, &st) < 0)
		return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_RUNTIME,
				    "cannot open the directory '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vp_error_set(err, VP_ERR_NOT_FOUND, "'%s' is not a directory", dir);
	dr = vp_calloc(1, sizeof(*dr));
	dr->dir = vp_strdup(dir);
	r->read = dir_read;
	r->exists = dir_exists;
	r->opaque = dr;
	r->location = dr->dir;
	return 0;
}

void vp_dir_reader_free(struct vp_tree_reader *r)
{
	struct dir_reader *dr;

	if (!r)
		return;
	dr = r->opaque;
	if (dr) {
		free(dr->dir);
		free(dr);
	}
	memset(r, 0, sizeof(*r));
}
