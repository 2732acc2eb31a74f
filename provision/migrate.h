/* provision/migrate.h — move a VM to another libvirt host: live (libvirt's
 * own migration, with its storage copied when the hosts share none) or
 * offline (each volume streamed through the storage API, verified, the
 * definition and vprov's metadata moved; the source removed last).
 *
 * A migration is a plan (plan.h) applied on the DESTINATION's connection:
 * what it makes there (volumes, the definition) is journalled on the
 * destination host, so a failure, SIGINT or a later `vprov recover -c DEST`
 * removes it, and the source is touched only by the last steps, after
 * everything on the destination is verified. */
#ifndef VP_MIGRATE_H
#define VP_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"
#include "report.h"
#include "virt.h"

enum vp_migrate_mode {
	VP_MIGRATE_AUTO = 0,     /* live when the VM runs (or is paused), offline when shut off */
	VP_MIGRATE_LIVE,         /* --live: refused unless the VM runs */
	VP_MIGRATE_OFFLINE,      /* --offline: refused unless the VM is shut off */
};

struct vp_migrate_req {
	const char *dest_uri;    /* as the user gave it */
	enum vp_migrate_mode mode;
	bool copy_storage;       /* live: copy every disk (copy-storage-all) instead of shared storage */
	bool keep_source;        /* --keep-source: the source stays defined (offline: and its volumes) */
	uint64_t bandwidth_mib;  /* MiB/s, 0: unlimited */
	int64_t timeout_ms;      /* 0: none; live: abort after it (the guest keeps running on the source) */
	const char *dest_pool;   /* NULL: on the destination, the pool of the source pool's name, else 'default' */
	bool unsafe;             /* live: let libvirt move disks it does not know to be shared (a
				  * local directory both hosts see): VIR_MIGRATE_UNSAFE */
};

/* Resolve: check the request against the VM's state and the destination
 * (a VM of that name there, the pools, their free space, the disks'
 * formats and backing chains) and build the plan; changes nothing on
 * either host.  dst is an open connection to req->dest_uri.  The plan's
 * ctx owns what the steps share; it keeps src, dom and dst (referenced,
 * not owned). */
int vp_migrate_plan(virConnectPtr src, virDomainPtr dom, virConnectPtr dst,
		    const struct vp_migrate_req *req, const struct vp_reporter *r,
		    struct vp_plan **out, struct vp_error *err);

/* How vp_migrate applies (apply's knobs, plan.h). */
struct vp_migrate_opts {
	const char *state_dir;   /* journals; NULL: in memory only */
	const struct vp_reporter *reporter;
	bool dry_run;            /* resolve only: *plan_out says what would be done */
	const char *fail_at;     /* tests: fail at the first step of this kind */
	int (*hook)(void *opaque, const struct vp_step *st, enum vp_hook_point at);
	void *hook_opaque;
};

/* The whole operation: the VM's lock (journal.h) on the source host, the
 * plan, and its apply on dst up to the commit point (the live migration,
 * or the definition on the destination); then the source's part (undefine,
 * remove its volumes), whose failures are warnings: the VM has moved.
 * *plan_out (may be NULL) gets the plan, also when it fails after
 * resolving; undo (may be NULL) what an unwind removed on dst. */
int vp_migrate(virConnectPtr src, virDomainPtr dom, virConnectPtr dst,
	       const struct vp_migrate_req *req, const struct vp_migrate_opts *opts,
	       struct vp_plan **plan_out, struct vp_undo_report *undo, struct vp_error *err);

#endif
