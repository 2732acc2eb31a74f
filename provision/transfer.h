/* provision/transfer.h — a volume's bytes from one libvirt host to another
 * (or the same), through storage streams only, so it works between remote
 * hosts: a sparse download on the source's connection piped into a sparse
 * upload on the destination's.  Holes cross both connections as lengths and
 * stay holes on the destination; the sha256 of the bytes (holes as zeros,
 * so it is what `sha256sum` of the file gives) is computed on the way.
 *
 * The bytes are the volume's file as it is (a qcow2 volume moves as its
 * qcow2 file, not as the guest sees it).  A qcow2 overlay's header names
 * its backing image by the source host's path: backing_to rewrites that
 * name in the header as it passes (the name lives in the first cluster;
 * the new one must fit there), so the copy points at its base on the
 * destination.  Nothing else is changed. */
#ifndef VP_TRANSFER_H
#define VP_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "report.h"
#include "virt.h"

struct vp_transfer_opts {
	const char *stage;                /* progress label; NULL: "copy volume" */
	const struct vp_reporter *reporter;
	const char *backing_to;           /* qcow2: the backing file name the copy gets; NULL: unchanged */
};

struct vp_transfer_result {
	char sha256[65];                  /* of the bytes written (the source's, with the new backing name) */
	uint64_t length;                  /* bytes of the file, data and holes */
	uint64_t data;                    /* of which data (the rest crossed as holes) */
	bool rebased;                     /* the backing file name was rewritten */
};

/* The length of vol's file (its physical size, not its allocation). */
int vp_volume_length(virStorageVolPtr vol, uint64_t *length, struct vp_error *err);

/* Copy src's bytes into dst, which must exist (an empty raw volume of
 * src's length is right: holes are skipped, not written).  Progress
 * (bytes of src passed) and the cancel flag through opts->reporter;
 * cancelled: both streams are aborted and err->code is VP_ERR_CANCELLED.
 * dst is left as far as it got: the caller removes it on failure. */
int vp_volume_transfer(virStorageVolPtr src, virStorageVolPtr dst,
		       const struct vp_transfer_opts *opts, struct vp_transfer_result *res,
		       struct vp_error *err);

/* The sha256 of vol's bytes (holes as zeros) read through a sparse
 * download; *length (may be NULL) gets how many bytes that was. */
int vp_volume_sha256(virStorageVolPtr vol, const char *stage, const struct vp_reporter *r,
		     char hex[65], uint64_t *length, struct vp_error *err);

/* The pure part of the header rewrite, for tests: in head (the first
 * len bytes of a qcow2 file, holes as zeros), replace the backing file
 * name by name.  Returns 1 when rewritten, 0 when it already was name,
 * -1 (err) when head is not a qcow2 header with a backing file, or the
 * new name does not fit (it must end inside the first cluster, over
 * bytes that are zero); need (may be NULL) gets how many bytes of the
 * file must be in head to decide (more than len: call again with more). */
int vp_qcow2_set_backing_name(unsigned char *head, size_t len, const char *name, size_t *need,
			      struct vp_error *err);

#endif
