/* provision/install.h — the install run of a create (virt-install's first
 * phase): the install source opened and recognised while resolving, then
 * steps that fetch the installer's kernel and initrd (libcurl, the cache),
 * add files to the initrd (--initrd-inject, --unattended) and upload what
 * the host needs into a storage pool through libvirt streams, so remote
 * hosts work the same.  create.c drives it. */
#ifndef VP_INSTALL_H
#define VP_INSTALL_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"
#include "report.h"
#include "spec.h"
#include "tree.h"

struct vp_osinfo;

struct vp_install_env {
	const char *cache_dir;              /* downloads and temporary files; required */
	const struct vp_reporter *reporter;
	struct vp_osinfo *osinfo;           /* --install ID and --unattended */
	bool local;                         /* the connection's host is this machine */
	long stall_timeout_ms;              /* downloads: 0 for the default */
};

struct vp_install;

/* Open and recognise the install source in (--location, --install ID,
 * --cdrom) for guest architecture arch.  *out is NULL when there is none.
 * Changes nothing but the download cache (a tree's small metadata files). */
int vp_install_open(const struct vp_install_spec *in, const char *arch,
		    const struct vp_install_env *env, struct vp_install **out,
		    struct vp_error *err);
void vp_install_free(struct vp_install *ins);

/* What the tree is (NULL without a tree: --cdrom, or no source). */
const struct vp_tree *vp_install_tree(const struct vp_install *ins);

/* One line saying what was found, for the user ("Debian 12 (bookworm)
 * amd64 installer tree at 'URL', found by its MANIFEST"). */
char *vp_install_describe(const struct vp_install *ins);

/* Resolve against the merged spec (before its disks are resolved): the
 * kernel arguments, the unattended script, the installer's ISO as a disk,
 * the volumes to upload into boot_pool.  Sets s->install.run.  Warnings
 * go to plan. */
int vp_install_resolve(struct vp_install *ins, struct vp_domain_spec *s, const char *boot_pool,
		       struct vp_plan *plan, struct vp_error *err);

/* The steps: with uploads false, those that change nothing on the host
 * and go first ("download": kernel and initrd to this machine, "initrd":
 * files added); with uploads true, "upload" (each file into the boot
 * pool, once the pools the create makes are there). */
void vp_install_add_steps(struct vp_install *ins, struct vp_domain_spec *s,
			  struct vp_plan *plan, bool uploads);

#endif
