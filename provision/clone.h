/* provision/clone.h — a copy of a shut-off VM under a new name
 * (virt-clone's job), as a plan of named steps applied with the journal.
 *
 * The clone is SRC's inactive definition with a new name, a new UUID and a
 * new MAC address on every interface; each disk vprov created for SRC (its
 * vprov record says owned="yes"; every writable disk when SRC carries no
 * record) is replaced by a volume of the clone's own, in the same pool, named
 * as create names disks (NEW.qcow2, NEW-1.qcow2, ...):
 *   - a full clone (the default) copies it on the host: the pool API's
 *     virStorageVolCreateXMLFrom (sparse, same format, works on remote
 *     hosts); a qcow2 disk with a backing image is copied byte for byte
 *     through two sparse libvirt streams instead, so the copy keeps that
 *     backing image (libvirt's own copy would flatten it silently);
 *   - a linked clone (linked) makes a thin qcow2 overlay whose backing
 *     store is SRC's volume.  SRC must then never change: vp_domain_delete,
 *     vp_domain_start and vp_domain_inject refuse it while such clones
 *     exist (vp_clone_dependents); libvirt itself does not stop a start.
 * Read-only disks, cdroms, shareable disks and disks that are not SRC's
 * own are used by the clone as they are.  The cloud-init seed is copied as
 * the clone's own (see clone.c for why).  The serial console log named
 * after SRC is renamed, an NVRAM file is copied (local hosts).  With
 * sysprep the clone's disks are reset for a new machine (the "sysprep"
 * guest edit of cloud/edit.h: empty machine-id, no SSH host keys, ...) in
 * one libguestfs launch, before the definition.
 *
 * The clone's vprov record keeps SRC's, with its volumes updated, and says
 * where it came from:
 *   <vprov:clone source="SRC" source-uuid="U" linked="yes|no"/>
 */
#ifndef VP_CLONE_H
#define VP_CLONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "journal.h"
#include "plan.h"
#include "report.h"
#include "virt.h"

enum vp_clone_how {
	VP_CLONE_COPY,       /* a full copy made by the host (CreateXMLFrom) */
	VP_CLONE_STREAM,     /* a byte copy of a qcow2 overlay, keeping its backing image */
	VP_CLONE_OVERLAY,    /* --linked: a qcow2 overlay on SRC's volume */
	VP_CLONE_SHARED,     /* used as it is (read-only, cdrom, shareable, not SRC's own) */
};

struct vp_clone_disk {
	char *target;            /* vda */
	char *device;            /* disk, cdrom, ... */
	enum vp_clone_how how;
	bool seed;               /* the cloud-init seed */
	bool writable;
	/* SRC's */
	char *src_pool, *src_vol, *src_path, *src_format;
	char *src_backing;       /* its backing image (kept), if any */
	uint64_t capacity;       /* bytes, virtual */
	uint64_t physical;       /* bytes of the file (STREAM) */
	/* the clone's (SHARED: SRC's) */
	char *pool, *vol, *path, *format;
};

struct vp_clone_nic {
	char *old_mac, *mac;
};

struct vp_clone_opts {
	bool linked;
	bool sysprep;
	bool dry_run;                       /* resolve and validate; change nothing */
	const char *state_dir;              /* journals and name locks; NULL: in memory */
	const char *cache_dir;              /* the KVM verdict, for libguestfs (sysprep) */
	const struct vp_reporter *reporter;
	/* tests */
	const char *uuid;                   /* instead of a random one */
	const char *fail_at;
	int (*hook)(void *opaque, const struct vp_step *st, enum vp_hook_point at);
	void *hook_opaque;
};

struct vp_clone_result {
	char *src, *name, *uuid;
	bool linked, sysprep;
	struct vp_clone_disk *disks;
	size_t n_disks;
	struct vp_clone_nic *nics;
	size_t n_nics;
	char *console_log;       /* the clone's, when it has one */
	char *nvram, *src_nvram; /* the clone's NVRAM file and SRC's, when SRC has one */
	bool nvram_implicit;     /* not in the definition: where libvirt keeps it for a
	                          * firmware it chose (<os firmware='efi'>) */
	char *xml;               /* the definition (submitted, or would be) */
};

/* Resolve: SRC must exist and be shut off (VP_ERR_INVALID), new_name be a
 * valid name no VM has (VP_ERR_EXISTS); nothing on the host changes. res
 * must outlive *plan. */
int vp_clone_plan(virConnectPtr conn, const char *src, const char *new_name,
		  const struct vp_clone_opts *opts, struct vp_clone_result *res,
		  struct vp_plan **plan, struct vp_error *err);

/* Plan, then (unless dry_run) apply, holding this machine's lock on the new
 * name.  plan (may be NULL) gets the plan, to free before res; undo (may
 * be NULL) what a failed clone removed again. */
int vp_domain_clone(virConnectPtr conn, const char *src, const char *new_name,
		    const struct vp_clone_opts *opts, struct vp_clone_result *res,
		    struct vp_plan **plan, struct vp_undo_report *undo, struct vp_error *err);
void vp_clone_result_clear(struct vp_clone_result *res);

/* The VMs (other than dom) that vprov cloned with --linked from dom, or
 * from one of its clones, whose disks are built on a volume dom owns:
 * names in *names (malloc'd, vp_strings_free), how many in *n. */
int vp_clone_dependents(virDomainPtr dom, char ***names, size_t *n, struct vp_error *err);

/* "VM 'a'" / "VMs 'a', 'b'" for messages about dependents (malloc'd). */
char *vp_clone_name_list(char *const *names, size_t n);

/* 0 when no linked clone is built on dom's disks; else -1 with err one
 * sentence naming them, why (what the change would do to them) and what
 * to do.  For everything that would change SRC's disks: start, delete,
 * inject, snapshot create and revert. */
int vp_clone_refuse_dependents(virDomainPtr dom, const char *why, const char *what_to_do,
			       struct vp_error *err);

#endif
