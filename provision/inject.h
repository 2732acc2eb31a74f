/* provision/inject.h — edit a VM's disks, or one disk image, with the guest
 * edits of provision/cloud/edit.h, in one libguestfs appliance launch.
 *
 * The part that needs libvirt: the disks of VM name (its writable disk
 * images: file, block device or pool volume; cdroms, read-only and
 * network disks are left out), or the disk named by disk (a local path,
 * or POOL/VOL resolved through libvirt's storage API to its path).  Local
 * hosts only: libguestfs opens the images here, so a remote connection is
 * refused.  A disk that a running VM uses (as its disk or in a disk's
 * backing chain) is refused, as is a running VM.  The appliance runs under
 * KVM only when the host's kept KVM verdict (kvm.h) says KVM runs guests;
 * otherwise under TCG (libguestfs's direct backend with force_tcg), so
 * users never set LIBGUESTFS_* themselves (their own settings still win).
 */
#ifndef VP_DOMAIN_INJECT_H
#define VP_DOMAIN_INJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"
#include "error.h"
#include "report.h"
#include "virt.h"

struct vp_domain_inject_opts {
	const char *cache_dir;              /* where the KVM verdict is kept; NULL: TCG */
	const struct vp_reporter *reporter;
	bool dry_run;                       /* resolve and check everything, edit nothing
	                                     * (res: the disks and the backend) */
};

struct vp_domain_inject_result {
	struct vp_inject_result edits;      /* applied count, generated password, root */
	char **disks;                       /* the paths edited */
	size_t n_disks;
	bool tcg;                           /* the appliance ran under TCG */
};

void vp_domain_inject_result_clear(struct vp_domain_inject_result *r);

/* Whether the appliance should run under TCG on conn's host: unless the
 * verdict kept in cache_dir says KVM runs guests there (NULL cache_dir:
 * TCG).  For callers that apply edits themselves (vp_inject_apply), such
 * as a create's step that edits a new overlay before its first boot. */
bool vp_inject_want_tcg(virConnectPtr conn, const char *cache_dir);

/* Exactly one of name and disk.  VP_ERR_NOT_FOUND: no such VM, pool,
 * volume or file; VP_ERR_INVALID: both or neither given, a running VM or a
 * disk in use by one, a remote connection, a VM without a disk to edit. */
int vp_domain_inject(virConnectPtr conn, const char *name, const char *disk,
		     const struct vp_edit_list *edits, const struct vp_domain_inject_opts *opts,
		     struct vp_domain_inject_result *res, struct vp_error *err);

#endif
