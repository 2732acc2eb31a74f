/* provision/fetch/initrd.c — files appended to an initrd, and the names in
 * one (initrd.h)
 *
 * Writing: the original bytes as they are, zeros up to a multiple of four,
 * then one gzip-compressed newc archive (libarchive) with the files at its
 * root.  The kernel's initramfs unpacker (init/initramfs.c) takes a chain
 * of archives, each compressed or not, with zero padding between them;
 * the later archive's files land on top of the earlier one's.  Every field
 * that could vary is fixed (uid/gid 0, mtime 0, nlink 1, inode numbers in
 * order, no gzip time stamp), so the same input gives the same bytes.
 *
 * Reading follows the same unpacker: at each offset, zeros are padding, an
 * aligned "0707" starts an uncompressed newc entry, anything else is a
 * compressed stream named by its magic.  libarchive decompresses; where a
 * stream ends is what libarchive consumed for gzip, bzip2 and lzma (their
 * decoders stop at the stream's end), and is found from the format itself
 * for xz (the CRC-checked stream footer), zstd and lz4 (frame and block
 * headers) and legacy lz4 (chunk lengths), whose decoders would otherwise
 * run on into the next archive and fail or take bytes of it.
 */
#include "initrd.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "arlib.h"
#include "cleanup.h"
#include "fs.h"
#include "text.h"

#define CPIO_MAX_MEMBER 0xffffffffULL /* newc sizes are 8 hex digits */
#define CPIO_NAME_MAX 4096            /* the kernel's PATH_MAX */

/* ---- writing ------------------------------------------------------------ */

struct member {
	char *name;
	int fd;                  /* path given: open, checked */
	uint64_t size;
	mode_t mode;
};

static int check_name(const char *name, const struct member *m, size_t n, struct vp_error *err)
{
	size_t i;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot inject '%s' into the initrd: the name must be a file name",
				    name);
	if (vp_text_bad(name))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot inject '%s' into the initrd: the name must be printable "
				    "UTF-8",
				    name);
	if (strchr(name, '/'))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot inject '%s' into the initrd: the name must not contain '/' "
				    "(files go to the initrd's root)",
				    name);
	if (!strcmp(name, "TRAILER!!!"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot inject '%s' into the initrd: the name ends a cpio archive",
				    name);
	for (i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot inject '%s' into the initrd: the name is given twice",
					    name);
	return 0;
}

static int open_member(const struct vp_initrd_file *f, struct member *m, struct vp_error *err)
{
	struct stat st;

	if (!f->path) {
		if (!f->data && f->len)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot inject '%s' into the initrd: no data", m->name);
		if ((uint64_t)f->len > CPIO_MAX_MEMBER)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot inject '%s' into the initrd: it is 4 GiB or larger",
					    m->name);
		m->size = f->len;
		return 0;
	}
	m->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (m->fd < 0 && !strcmp(f->path, m->name))
		return vp_error_set(err, VP_ERR_INVALID, "cannot inject '%s' into the initrd: %s",
				    m->name, strerror(errno));
	if (m->fd < 0)
		return vp_error_set(err, VP_ERR_INVALID, "cannot inject '%s' into the initrd: '%s': %s",
				    m->name, f->path, strerror(errno));
	if (fstat(m->fd, &st) < 0)
		return vp_error_set(err, VP_ERR_INVALID, "cannot inject '%s' into the initrd: '%s': %s",
				    m->name, f->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot inject '%s' into the initrd: '%s' is not a regular file",
				    m->name, f->path);
	if ((uint64_t)st.st_size > CPIO_MAX_MEMBER)
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot inject '%s' into the initrd: '%s' is 4 GiB or larger",
				    m->name, f->path);
	m->size = (uint64_t)st.st_size;
	return 0;
}

static void members_free(struct member *m, size_t n)
{
	size_t i;

	for (i = 0; m && i < n; i++) {
		free(m[i].name);
		if (m[i].fd >= 0)
			close(m[i].fd);
	}
	free(m);
}

/* Copy the original initrd to out, then zeros up to a multiple of 4. */
static int copy_original(const char *initrd, int out, const char *tmp, struct vp_error *err)
{
	_cleanup_(closep) int in = open(initrd, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_(freep) char *buf = NULL;
	uint64_t total = 0;
	struct stat st;
	static const char zeros[4];

	if (in < 0)
		return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_RUNTIME,
				    "cannot read the initrd '%s': %s", initrd, strerror(errno));
	if (fstat(in, &st) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the initrd '%s': %s", initrd,
				    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot read the initrd '%s': not a regular file", initrd);
	buf = vp_grow(NULL, 1 << 20, 1);
	for (;;) {
		ssize_t r = read(in, buf, 1 << 20);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the initrd '%s': %s",
					    initrd, strerror(errno));
		if (r == 0)
			break;
		if (vp_write_all(out, buf, (size_t)r) < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp,
					    strerror(errno));
		total += (uint64_t)r;
	}
	if (total % 4 && vp_write_all(out, zeros, 4 - total % 4) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp,
				    strerror(errno));
	return 0;
}

static int ar_fail(struct archive *a, struct vp_error *err, const char *what)
{
	vp_error_set(err, VP_ERR_RUNTIME, "cannot write the archive added to the initrd (%s)",
		     what);
	vp_error_append_reason(err, vp_ar.archive_error_string(a));
	return -1;
}

static int write_member(struct archive *a, struct archive_entry *e, const struct vp_initrd_file *f,
			const struct member *m, size_t i, struct vp_error *err)
{
	vp_ar.archive_entry_clear(e);
	vp_ar.archive_entry_set_pathname(e, m->name);
	vp_ar.archive_entry_set_filetype(e, AE_IFREG);
	vp_ar.archive_entry_set_perm(e, m->mode);
	vp_ar.archive_entry_set_size(e, (la_int64_t)m->size);
	vp_ar.archive_entry_set_mtime(e, 0, 0);
	vp_ar.archive_entry_set_nlink(e, 1);
	vp_ar.archive_entry_set_uid(e, 0);
	vp_ar.archive_entry_set_gid(e, 0);
	vp_ar.archive_entry_set_ino(e, (la_int64_t)i + 1);
	if (vp_ar.archive_write_header(a, e) != ARCHIVE_OK)
		return ar_fail(a, err, m->name);
	if (m->fd < 0) {
		if (m->size && vp_ar.archive_write_data(a, f->data, f->len) != (la_ssize_t)f->len)
			return ar_fail(a, err, m->name);
	} else {
		_cleanup_(freep) char *buf = vp_grow(NULL, 1 << 20, 1);
		uint64_t done = 0;

		while (done < m->size) {
			uint64_t left = m->size - done;
			ssize_t r = read(m->fd, buf, left < (1 << 20) ? (size_t)left : 1 << 20);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return vp_error_set(err, VP_ERR_RUNTIME,
						    "cannot inject '%s' into the initrd: '%s': %s", m->name,
						    f->path, strerror(errno));
			if (r == 0)
				return vp_error_set(err, VP_ERR_RUNTIME,
						    "cannot inject '%s' into the initrd: '%s' shrank while "
						    "it was read",
						    m->name, f->path);
			if (vp_ar.archive_write_data(a, buf, (size_t)r) != r)
				return ar_fail(a, err, m->name);
			done += (uint64_t)r;
		}
	}
	if (vp_ar.archive_write_finish_entry(a) != ARCHIVE_OK)
		return ar_fail(a, err, m->name);
	return 0;
}

static int write_archive(int fd, const struct vp_initrd_file *files, const struct member *m,
			 size_t n, struct vp_error *err)
{
	struct archive *a = vp_ar.archive_write_new();
	struct archive_entry *e = vp_ar.archive_entry_new();
	int ret = -1;
	size_t i;

	if (!a || !e)
		vp_oom();
	if (vp_ar.archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    vp_ar.archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    vp_ar.archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK ||
	    vp_ar.archive_write_set_bytes_per_block(a, 512) != ARCHIVE_OK ||
	    vp_ar.archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    vp_ar.archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		ar_fail(a, err, "setting up");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (write_member(a, e, &files[i], &m[i], i, err) < 0)
			goto out;
	if (vp_ar.archive_write_close(a) != ARCHIVE_OK) {
		ar_fail(a, err, "finishing");
		goto out;
	}
	ret = 0;
out:
	vp_ar.archive_entry_free(e);
	vp_ar.archive_write_free(a);
	return ret;
}

int vp_initrd_inject(const char *initrd, const struct vp_initrd_file *files, size_t n,
		     const char *dest, struct vp_error *err)
{
	struct member *m = NULL;
	_cleanup_(freep) char *tmp = NULL;
	_cleanup_(freep) char *dir = NULL;
	int fd = -1, ret = -1;
	size_t i;

	if (!initrd || !dest || (n && !files))
		return vp_error_set(err, VP_ERR_INVALID, "initrd injection needs an initrd and a "
				    "destination");
	m = vp_calloc(n ? n : 1, sizeof(*m));
	for (i = 0; i < n; i++)
		m[i].fd = -1;
	for (i = 0; i < n; i++) {
		const struct vp_initrd_file *f = &files[i];
		_cleanup_(freep) char *copy = vp_strdup(f->path);
		const char *name = f->name ? f->name : copy ? basename(copy) : NULL;

		if (!name) {
			vp_error_set(err, VP_ERR_INVALID,
				     "cannot inject file %zu into the initrd: it has neither a name nor "
				     "a path",
				     i + 1);
			goto out;
		}
		if (check_name(name, m, i, err) < 0)
			goto out;
		m[i].name = vp_strdup(name);
		m[i].mode = (f->mode ? f->mode : f->secret ? 0600 : 0644) & 07777;
		if (open_member(f, &m[i], err) < 0)
			goto out;
	}
	if (vp_archive_load(err) < 0)
		goto out;

	tmp = vp_strdup_printf("%s.XXXXXX.tmp", dest);
	fd = mkostemps(tmp, 4, O_CLOEXEC);
	if (fd < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", dest, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (copy_original(initrd, fd, tmp, err) < 0 || write_archive(fd, files, m, n, err) < 0)
		goto out;
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, dest) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", dest, strerror(errno));
		goto out;
	}
	free(TAKE_PTR(tmp));
	dir = vp_strdup(dest);
	{
		int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	members_free(m, n);
	return ret;
}

/* ---- reading -------------------------------------------------------------- */

/* A newc parser fed a byte stream in pieces, as the kernel's is. */
enum scan_state { SCAN_BETWEEN, SCAN_HEADER, SCAN_NAME, SCAN_SKIP };

struct scan {
	enum scan_state state;
	uint64_t pos;            /* bytes seen of this stream (alignment) */
	unsigned char hdr[110];
	size_t got;
	size_t namesize;
	uint64_t filesize, skip;
	char name[CPIO_NAME_MAX + 4];
	char ***names;
	size_t *n;
	const char *bad;         /* why the stream is not newc */
};

static bool hex8(const unsigned char *p, uint64_t *out)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

static size_t pad4(uint64_t x)
{
	return (size_t)((4 - x % 4) % 4);
}

static void scan_name_done(struct scan *s)
{
	const char *name = s->name;

	s->state = SCAN_SKIP;
	s->skip = pad4(110 + s->namesize);
	if (!strcmp(name, "TRAILER!!!"))
		return;
	s->skip += s->filesize + pad4(s->filesize);
	if (!strncmp(name, "./", 2) && name[2])
		name += 2;
	vp_strings_add(s->names, s->n, vp_strdup(name));
}

/* Feed len bytes; returns how many were taken.  With raw (the file's own
 * bytes, not a decompressed stream), stop before a byte that cannot start
 * an entry so the caller can look at it; in a decompressed stream such a
 * byte is an error, as for the kernel ("junk within compressed archive"). */
static size_t scan_feed(struct scan *s, const unsigned char *p, size_t len, bool raw)
{
	size_t i = 0;

	while (i < len && !s->bad) {
		switch (s->state) {
		case SCAN_BETWEEN:
			if (p[i] == 0) {
				i++;
				s->pos++;
				continue;
			}
			if (p[i] != '0' || s->pos % 4) {
				if (raw)
					return i;
				s->bad = s->pos % 4 ? "broken padding"
						    : "junk within compressed archive";
				return i;
			}
			s->state = SCAN_HEADER;
			s->got = 0;
			continue;
		case SCAN_HEADER: {
			size_t k = len - i < 110 - s->got ? len - i : 110 - s->got;
			uint64_t namesize;

			memcpy(s->hdr + s->got, p + i, k);
			s->got += k;
			i += k;
			s->pos += k;
			if (s->got < 110)
				continue;
			if (memcmp(s->hdr, "070701", 6) && memcmp(s->hdr, "070702", 6)) {
				s->bad = "no newc cpio magic";
				return i;
			}
			if (!hex8(s->hdr + 54, &s->filesize) || !hex8(s->hdr + 94, &namesize)) {
				s->bad = "a cpio header that is not hexadecimal";
				return i;
			}
			if (namesize < 1 || namesize > CPIO_NAME_MAX) {
				s->bad = "a cpio name length out of range";
				return i;
			}
			s->namesize = (size_t)namesize;
			s->got = 0;
			s->state = SCAN_NAME;
			continue;
		}
		case SCAN_NAME: {
			size_t k = len - i < s->namesize - s->got ? len - i : s->namesize - s->got;

			memcpy(s->name + s->got, p + i, k);
			s->got += k;
			i += k;
			s->pos += k;
			if (s->got < s->namesize)
				continue;
			s->name[s->namesize] = 0; /* the stored name ends in NUL already */
			scan_name_done(s);
			continue;
		}
		case SCAN_SKIP: {
			uint64_t k = len - i < s->skip ? len - i : s->skip;

			i += (size_t)k;
			s->pos += k;
			s->skip -= k;
			if (!s->skip)
				s->state = SCAN_BETWEEN;
			continue;
		}
		}
	}
	if (!s->bad && s->state == SCAN_SKIP && !s->skip)
		s->state = SCAN_BETWEEN;
	return i;
}

/* A new decompressed stream: the kernel counts alignment from its start. */
static void scan_restart(struct scan *s)
{
	s->state = SCAN_BETWEEN;
	s->pos = 0;
	s->got = 0;
	s->skip = 0;
	s->bad = NULL;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The length of the xz stream at p: up to the first stream footer whose
 * CRC32 checks, whose flags are the header's and whose index is there.
 * 0 when there is none. */
static size_t xz_length(const unsigned char *p, size_t len)
{
	size_t end;

	if (len < 24 || crc32_of(p + 6, 2) != le32(p + 8))
		return 0;
	for (end = 24; end <= len; end += 4) {
		const unsigned char *f = p + end - 12;
		uint64_t backward;

		if (f[10] != 'Y' || f[11] != 'Z' || f[8] != p[6] || f[9] != p[7])
			continue;
		if (crc32_of(f + 4, 6) != le32(f))
			continue;
		backward = ((uint64_t)le32(f + 4) + 1) * 4;
		if (backward > end - 24 || p[end - 12 - backward] != 0)
			continue;
		return end;
	}
	return 0;
}

/* The length of the zstd frames (and skippable frames) starting at p; 0
 * when the first one is cut short. */
static size_t zstd_length(const unsigned char *p, size_t len)
{
	size_t at = 0, good = 0;

	while (len - at >= 8) {
		uint32_t magic = le32(p + at);

		if ((magic & 0xfffffff0u) == 0x184d2a50u) {
			uint64_t sz = le32(p + at + 4);

			if (sz > len - at - 8)
				break;
			at += 8 + (size_t)sz;
			good = at;
			continue;
		}
		if (magic != 0xfd2fb528u)
			break;
		{
			size_t q = at + 4;
			unsigned fhd = p[q++];
			static const size_t did_size[4] = { 0, 1, 2, 4 };
			/* frame content size: 0 (1 when single segment), 2, 4, 8 */
			size_t fcs = (fhd >> 6) ? (size_t)1 << (fhd >> 6) : (fhd & 0x20) ? 1 : 0;
			bool last = false;

			if (fhd & 0x08)
				break; /* reserved bit */
			q += (fhd & 0x20 ? 0 : 1) + did_size[fhd & 3] + fcs;
			while (!last) {
				uint32_t bh;
				size_t bsize;

				if (q + 3 > len)
					return good;
				bh = (uint32_t)p[q] | (uint32_t)p[q + 1] << 8 |
				     (uint32_t)p[q + 2] << 16;
				last = bh & 1;
				switch ((bh >> 1) & 3) {
				case 0: bsize = bh >> 3; break;
				case 1: bsize = 1; break;
				case 2: bsize = bh >> 3; break;
				default: return good;
				}
				q += 3;
				if (bsize > len - q)
					return good;
				q += bsize;
			}
			if (fhd & 0x04)
				q += 4;
			if (q > len)
				return good;
			at = good = q;
		}
	}
	return good;
}

/* The length of the lz4 frames (and skippable frames) starting at p; 0
 * when the first one is cut short.  (libarchive's reader looks for a next
 * frame and takes four bytes more than the frames.) */
static size_t lz4_frame_length(const unsigned char *p, size_t len)
{
	size_t at = 0, good = 0;

	while (len - at >= 7) {
		uint32_t magic = le32(p + at);
		unsigned flg;
		size_t q;

		if ((magic & 0xfffffff0u) == 0x184d2a50u) {
			uint64_t sz = le32(p + at + 4);

			if (len - at < 8 || sz > len - at - 8)
				break;
			at += 8 + (size_t)sz;
			good = at;
			continue;
		}
		if (magic != 0x184d2204u)
			break;
		flg = p[at + 4];
		if ((flg >> 6) != 1)
			break; /* version 01 only */
		q = at + 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
		for (;;) {
			uint32_t bsize;

			if (q + 4 > len)
				return good;
			bsize = le32(p + q) & 0x7fffffffu;
			q += 4;
			if (!bsize)
				break;
			if (bsize > len - q)
				return good;
			q += bsize + (flg & 0x10 ? 4 : 0);
		}
		if (flg & 0x04)
			q += 4;
		if (q > len)
			return good;
		at = good = q;
	}
	return good;
}

/* The length of legacy lz4 (the kernel's "lz4 -l"): chunks, each a 32-bit
 * length and that many bytes, until a length no chunk can have. */
static size_t lz4_legacy_length(const unsigned char *p, size_t len)
{
	const uint32_t bound = (8u << 20) + (8u << 20) / 255 + 16;
	size_t at = 4;

	while (len - at >= 4) {
		uint32_t c = le32(p + at);

		if (c == 0x184c2102u) {
			at += 4;
			continue;
		}
		if (c == 0 || c > bound || c > len - at - 4)
			break;
		at += 4 + c;
	}
	return at;
}

struct stream_kind {
	const char *name;
	const unsigned char magic[6];
	size_t magic_len;
	size_t (*length)(const unsigned char *p, size_t len); /* NULL: what libarchive takes */
};

static const struct stream_kind kinds[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, NULL },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, xz_length },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, zstd_length },
	{ "lzma", { 0x5d, 0, 0 }, 3, NULL },
	{ "bzip2", { 'B', 'Z', 'h' }, 3, NULL },
	{ "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4, lz4_frame_length },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, lz4_legacy_length },
};

static int read_fail(struct archive *a, const char *initrd, const char *kind, size_t off,
		     struct vp_error *err)
{
	vp_error_set(err, VP_ERR_INVALID, "cannot read the initrd '%s': the %s data at offset %zu",
		     initrd, kind, off);
	vp_error_append_reason(err, a ? vp_ar.archive_error_string(a) : NULL);
	return -1;
}

/* Decompress the stream at p (at most len bytes) into the parser; *used is
 * how many bytes of the file it took. */
static int read_stream(const char *initrd, const struct stream_kind *k, const unsigned char *p,
		       size_t len, size_t off, struct scan *s, size_t *used, struct vp_error *err)
{
	struct archive *a;
	struct archive_entry *e;
	_cleanup_(freep) unsigned char *buf = NULL;
	size_t bound = len;
	la_int64_t took;
	int ret = -1;

	if (k->length) {
		bound = k->length(p, len);
		if (!bound)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot read the initrd '%s': the %s data at offset %zu "
					    "is cut short or damaged",
					    initrd, k->name, off);
	}
	a = vp_ar.archive_read_new();
	if (!a)
		vp_oom();
	if (vp_ar.archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    vp_ar.archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    vp_ar.archive_read_open_memory(a, p, bound) != ARCHIVE_OK ||
	    vp_ar.archive_read_next_header(a, &e) != ARCHIVE_OK) {
		read_fail(a, initrd, k->name, off, err);
		goto out;
	}
	buf = vp_grow(NULL, 1 << 20, 1);
	for (;;) {
		la_ssize_t r = vp_ar.archive_read_data(a, buf, 1 << 20);

		if (r < 0) {
			read_fail(a, initrd, k->name, off, err);
			goto out;
		}
		if (r == 0)
			break;
		scan_feed(s, buf, (size_t)r, false);
		if (s->bad) {
			vp_error_set(err, VP_ERR_INVALID,
				     "cannot read the initrd '%s': the %s data at offset %zu holds %s",
				     initrd, k->name, off, s->bad);
			goto out;
		}
	}
	took = vp_ar.archive_filter_bytes(a, vp_ar.archive_filter_count(a) - 1);
	if (k->length)
		took = (la_int64_t)bound;
	if (took <= 0 || (uint64_t)took > len) {
		read_fail(a, initrd, k->name, off, err);
		goto out;
	}
	*used = (size_t)took;
	ret = 0;
out:
	vp_ar.archive_read_free(a);
	return ret;
}

static int list_bytes(const char *initrd, const unsigned char *p, size_t size, struct scan *s,
		      struct vp_error *err)
{
	size_t off = 0;

	while (off < size) {
		size_t i, used = 0;
		const struct stream_kind *k = NULL;

		if (p[off] == 0 || (p[off] == '0' && off % 4 == 0)) {
			/* padding, or uncompressed entries: the file's own bytes */
			s->pos = off;
			off += scan_feed(s, p + off, size - off, true);
			if (s->bad)
				return vp_error_set(err, VP_ERR_INVALID,
						    "cannot read the initrd '%s': %s at offset %zu",
						    initrd, s->bad, off);
			if (off >= size || s->state != SCAN_BETWEEN)
				break;
			continue;
		}
		if (s->state != SCAN_BETWEEN)
			break;
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (size - off >= kinds[i].magic_len &&
			    !memcmp(p + off, kinds[i].magic, kinds[i].magic_len)) {
				k = &kinds[i];
				break;
			}
		if (!k)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot read the initrd '%s': unknown data at offset %zu "
					    "(neither newc cpio nor gzip, xz, zstd, lzma, bzip2 or lz4)",
					    initrd, off);
		scan_restart(s);
		if (read_stream(initrd, k, p + off, size - off, off, s, &used, err) < 0)
			return -1;
		if (s->state != SCAN_BETWEEN)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot read the initrd '%s': the %s data at offset %zu "
					    "ends inside a cpio entry",
					    initrd, k->name, off);
		off += used;
		s->pos = 0;
	}
	if (s->state != SCAN_BETWEEN)
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot read the initrd '%s': it ends inside a cpio entry", initrd);
	return 0;
}

int vp_initrd_list(const char *initrd, char ***names, size_t *n, struct vp_error *err)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;
	void *map = NULL;
	struct scan *s;
	char **list = NULL;
	size_t count = 0;
	int ret;

	*names = NULL;
	*n = 0;
	if (vp_archive_load(err) < 0)
		return -1;
	fd = open(initrd, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_RUNTIME,
				    "cannot read the initrd '%s': %s", initrd, strerror(errno));
	if (fstat(fd, &st) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the initrd '%s': %s", initrd,
				    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot read the initrd '%s': not a regular file", initrd);
	if (st.st_size == 0)
		return 0;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the initrd '%s': %s", initrd,
				    strerror(errno));
	s = vp_calloc(1, sizeof(*s));
	s->names = &list;
	s->n = &count;
	ret = list_bytes(initrd, map, (size_t)st.st_size, s, err);
	munmap(map, (size_t)st.st_size);
	free(s);
	if (ret < 0) {
		vp_strings_free(list, count);
		return -1;
	}
	*names = list;
	*n = count;
	return 0;
}
