/* provision/fetch/initrd.h — files added to an initrd (--initrd-inject,
 * --unattended): the original bytes, then a gzip-compressed newc cpio
 * archive with the files at its root; the kernel unpacks concatenated
 * archives in order, so the added files land in the installer's root. */
#ifndef VP_INITRD_H
#define VP_INITRD_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct vp_initrd_file {
	const char *name;        /* the name in the initrd's root (no '/'; NULL: basename of path) */
	const char *path;        /* a local file to add ... */
	const char *data;        /* ... or these bytes */
	size_t len;
	mode_t mode;             /* 0: 0644 (0600 when secret) */
	int secret;              /* holds a password: never logged */
};

/* Write dest (created 0600, atomically) = initrd (its bytes as they are,
 * then zeros to a multiple of 4) followed by one gzip'd newc archive
 * holding files: uid/gid 0, mtime 0, nlink 1, so the same input gives the
 * same bytes.  A name given twice, a name with '/', an empty name, "." or
 * "..", or a file that cannot be read: VP_ERR_INVALID naming it ("cannot
 * inject 'preseed.cfg' into the initrd: ...").  No initrd: VP_ERR_NOT_FOUND.
 * Nothing is left behind on failure. */
int vp_initrd_inject(const char *initrd, const struct vp_initrd_file *files, size_t n,
		     const char *dest, struct vp_error *err);

/* The names in an initrd as the kernel unpacks it: concatenated newc
 * archives, each uncompressed or compressed with gzip, xz, zstd, lzma,
 * bzip2 or lz4, with zero padding between them; in order (a name can come
 * twice: the later one wins in the kernel), a leading "./" removed.  For
 * tests and 'vprov fetch --list'.  *names: free with vp_strings_free(). */
int vp_initrd_list(const char *initrd, char ***names, size_t *n, struct vp_error *err);

#endif
