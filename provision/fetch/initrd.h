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

/* Write dest (created 0600, atomically) = initrd followed by one archive
 * holding files.  A name given twice, a name with '/', or a missing file:
 * VP_ERR_INVALID naming it. */
int vp_initrd_inject(const char *initrd, const struct vp_initrd_file *files, size_t n,
		     const char *dest, struct vp_error *err);

/* The names in a newc cpio stream (possibly several concatenated archives,
 * each gzip-compressed or not), for tests and 'vprov fetch --list'. */
int vp_initrd_list(const char *initrd, char ***names, size_t *n, struct vp_error *err);

#endif
