/* provision/reinstall.h — vprov create --reinstall VM: virt-install's
 * reinstall.  An existing, shut-off VM boots one install run (its own
 * definition with only the install method applied: the installer's kernel,
 * initrd and arguments, an installer ISO in its first cdrom, or the
 * network first), started with virDomainCreateXML, which libvirt runs as
 * the live configuration of the defined VM.  The definition stays exactly
 * as it was: no disk is made or changed, no device added.
 *
 * It is a sibling of create.c, not a variant of its plan: create builds
 * its documents from a spec, a reinstall edits the VM's own document, and
 * the two share only the install run's source and steps (install.h). */
#ifndef VP_REINSTALL_H
#define VP_REINSTALL_H

#include <stdbool.h>
#include <libxml/tree.h>

#include "create.h"
#include "error.h"
#include "plan.h"
#include "report.h"
#include "spec.h"

struct vp_osinfo;

struct vp_reinstall_opts {
	enum vp_create_mode mode;           /* as a create's: real, --dry-run, --print-xml */
	const char *cache_dir;              /* downloads (required for --location) */
	const char *state_dir;              /* undo journals and the VM's name lock */
	const struct vp_reporter *reporter;
	struct vp_osinfo *osinfo;           /* a tree's profile arguments, --unattended */
	const char *os_id;                  /* --os: the profile (NULL: the VM's own, or the tree's) */
	/* tests */
	const char *fail_at;
	long fetch_stall_ms;
	int (*hook)(void *opaque, const struct vp_step *st, enum vp_hook_point at);
	void *hook_opaque;
};

struct vp_reinstall_result {
	struct vp_domain_spec spec;  /* name, uuid, arch and the install run (install.h's view) */
	char *xml;                   /* the definition: as it was, and as it stays */
	char *install_xml;           /* the install run's document */
	char *media_pool, *media_vol; /* an installer ISO uploaded for the run: in use
	                                * until it ends (vp_reinstall_cleanup) */
};

/* What the install run boots instead of what the definition boots. */
struct vp_reinstall_boot {
	const char *kernel, *initrd, *cmdline; /* a tree's installer, booted directly */
	const char *media;           /* an installer ISO (path on the host) */
	bool media_block;            /* ... which is a block device */
	bool pxe;                    /* the network first */
};

/* Make doc (a VM's definition) the install run's document, as
 * virt-install's installer alters it: on_reboot destroy (the installer's
 * reboot ends the run); a kernel replaces what <os> boots; an ISO goes
 * into the first cdrom (or a new one, after the disks) and boots first;
 * --pxe boots the first interface first.  Per-device boot orders are
 * kept: the ISO or the interface takes order 1 and the others move one
 * down.  INVALID when there is nothing to boot that way (--pxe without an
 * interface). */
int vp_reinstall_edit(xmlDocPtr doc, const struct vp_reinstall_boot *b, struct vp_error *err);

/* Resolve the reinstall of the VM domain (a name or a UUID) with the
 * install method in (--location, --cdrom, --install ID, --pxe and their
 * --extra-args, --initrd-inject, --unattended): the VM must exist and be
 * shut off.  Changes nothing on the host. */
int vp_reinstall_plan(virConnectPtr conn, const char *domain, const struct vp_install_spec *in,
		      const struct vp_reinstall_opts *opts, struct vp_reinstall_result *res,
		      struct vp_plan **plan, struct vp_error *err);

/* Plan, then (VP_CREATE_REAL) apply, holding the VM's name lock: the
 * downloads, the uploads, the install run's start (checking first that
 * the VM is still off and its definition unchanged), then the removal of
 * the installer's kernel and initrd volumes, which QEMU has read by then.
 * A failure undoes everything made; the definition is never touched. */
int vp_domain_reinstall(virConnectPtr conn, const char *domain, const struct vp_install_spec *in,
			const struct vp_reinstall_opts *opts, struct vp_reinstall_result *res,
			struct vp_plan **plan, struct vp_undo_report *undo, struct vp_error *err);

/* Once the install run ended: remove what it still used (an uploaded
 * ISO).  Nothing to do is fine. */
int vp_reinstall_cleanup(virConnectPtr conn, struct vp_reinstall_result *res,
			 struct vp_error *err);

void vp_reinstall_result_clear(struct vp_reinstall_result *res);

#endif
