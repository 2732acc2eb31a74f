/* provision/domain.h — the lifecycle of existing VMs: list, info, start,
 * stop, destroy, delete, XML.  Every function takes the connection or the
 * VM it acts on; none keeps state between calls. */
#ifndef VP_DOMAIN_H
#define VP_DOMAIN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virt.h"

#include "error.h"

struct vp_domain_summary {
	char *name;
	int id;                  /* -1 when not running */
	const char *state;       /* running, paused, shut off, ... (static) */
	unsigned vcpus;
	uint64_t memory;         /* bytes */
	bool persistent, autostart;
	bool managed;            /* carries vprov metadata */
	unsigned snapshots;      /* how many snapshots it has (0 when libvirt cannot tell) */
};

struct vp_disk_info {
	char *target, *bus, *device, *type;
	char *source;            /* path, or pool/volume */
	char *format;
	char *encryption;        /* luks (the image is encrypted), or NULL */
	uint64_t capacity, allocation; /* bytes; 0 when unknown */
	bool owned;              /* vprov created it for this VM */
	char *backing;           /* backing image path, if any */
};

struct vp_nic_info {
	char *type, *source, *mac, *model;
	char *reserved_ip;       /* the address vprov reserved for it on its network */
};

struct vp_domain_info {
	struct vp_domain_summary sum;
	char *uuid, *virt_type, *arch, *machine;
	char *console_log;
	char *spec_hash;
	char *os;                /* the OS profile's short-id (or id) it was made from */
	char *graphics;          /* vnc/spice/NULL */
	char *display;           /* vnc://127.0.0.1:5900 while it runs, else NULL */
	struct vp_disk_info *disks;
	size_t n_disks;
	struct vp_nic_info *nics;
	size_t n_nics;
};

/* NOT_FOUND when there is no VM of that name. */
int vp_domain_lookup(virConnectPtr conn, const char *name, virDomainPtr *out,
		     struct vp_error *err);

int vp_domain_list(virConnectPtr conn, bool all, struct vp_domain_summary **out, size_t *n,
		   struct vp_error *err);
void vp_domain_summaries_free(struct vp_domain_summary *list, size_t n);

int vp_domain_info(virDomainPtr dom, struct vp_domain_info *out, struct vp_error *err);
void vp_domain_info_clear(struct vp_domain_info *info);

/* Start; *was_running tells when there was nothing to do. */
int vp_domain_start(virDomainPtr dom, bool *was_running, struct vp_error *err);

/* Ask the guest to shut down (ACPI power button, or the guest agent), wait
 * up to timeout_ms (-1: forever) for it to power off; then either fail or,
 * with force, pull the plug.  *result: 0 stopped cleanly, 1 was not
 * running, 2 forced. */
enum vp_stop_result { VP_STOPPED, VP_WAS_STOPPED, VP_FORCED };
int vp_domain_stop(virDomainPtr dom, int64_t timeout_ms, bool force,
		   volatile sig_atomic_t *cancel, enum vp_stop_result *result, struct vp_error *err);

/* Power off at once. *was_running false when it was not running. */
int vp_domain_destroy(virDomainPtr dom, bool *was_running, struct vp_error *err);

struct vp_delete_report {
	char **removed;          /* volume paths (or pool/name) deleted */
	size_t n_removed;
	char **kept;             /* volumes kept, each with the reason */
	size_t n_kept;
	bool managed;            /* the VM carried vprov metadata */
};

/* Stop the VM if it runs, delete the volumes vprov created for it (unless
 * keep_storage; never a volume another VM uses, never one it did not
 * create), then undefine it.  A VM with snapshots is refused (RUNTIME,
 * changing nothing): see vp_domain_delete_snapshots. */
int vp_domain_delete(virDomainPtr dom, bool keep_storage, struct vp_delete_report *report,
		     struct vp_error *err);
/* The same; with snapshots, a VM's snapshots go first (vp_snapshot_remove_all:
 * with the overlays vprov made for them unless keep_storage), then the VM;
 * without, a VM with snapshots is refused. */
int vp_domain_delete_snapshots(virDomainPtr dom, bool keep_storage, bool snapshots,
			       struct vp_delete_report *report, struct vp_error *err);
void vp_delete_report_clear(struct vp_delete_report *r);

int vp_domain_xml(virDomainPtr dom, bool inactive, char **out, struct vp_error *err);

/* The file the serial console is logged to (NULL in *out when none). */
int vp_domain_console_log(virDomainPtr dom, char **out, struct vp_error *err);

/* Wait until the VM is shut off, up to timeout_ms (-1: forever).
 * Returns 1 when it is off, 0 on timeout, -1 on error or cancel. */
int vp_domain_wait_shutoff(virConnectPtr conn, const char *name, int64_t timeout_ms,
			   volatile sig_atomic_t *cancel, struct vp_error *err);

const char *vp_state_name(int state);

#endif
