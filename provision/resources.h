/* provision/resources.h — does the host have room for a new VM?  Its
 * memory, CPUs and the space of the pools its new disks go in, read
 * through the connection (so a remote host is judged by its own figures)
 * and weighed before anything is made.
 *
 * The rules (vp_resources_judge):
 * - memory: refused when the VM's memory is more than the host has
 *   available now: free + buffers + page cache (virNodeGetMemoryStats);
 *   a driver that reports no such figures is judged by its total memory.
 *   Memory promised to VMs that are defined but not running is not
 *   counted: libvirt does not reserve it either.
 * - vCPUs: more than the host's CPUs is only a warning (it runs, slower,
 *   as virt-install warns); more than VP_VCPU_REFUSE_RATIO times the
 *   host's CPUs is refused.
 * - disks, per pool: a non-sparse disk (sparse=no) takes its whole
 *   capacity now; a sparse one only its metadata (256 KiB for qcow2).
 *   Refused when what is certainly taken now is more than the pool has
 *   available; a warning when the capacities of the new disks add up to
 *   more (overcommit: they may fill the pool as the guests write).  Pools
 *   that do not exist yet or are not running are not judged.  The pool's
 *   figures are libvirt's as they stand (they follow the volumes made and
 *   deleted through it, not what guests wrote since the last refresh):
 *   vprov does not refresh a pool, since a refresh that fails stops it.
 * A refusal is VP_ERR_INVALID (exit 2) with the numbers, unless force:
 * then it is a warning.
 */
#ifndef VP_RESOURCES_H
#define VP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "error.h"
#include "plan.h"
#include "spec.h"
#include "virt.h"

#define VP_VCPU_REFUSE_RATIO 4
#define VP_QCOW2_NEW_BYTES (256ULL * 1024)

struct vp_res_pool {
	char *name;
	bool known;              /* running, its space read */
	uint64_t available;      /* bytes */
	uint64_t asked;          /* the new disks' capacities, added up */
	uint64_t needed;         /* what creating them certainly takes now */
	size_t n_disks, n_sparse;
};

struct vp_res_check {
	char *host;              /* the host's name, for messages */
	uint64_t mem_asked, mem_available;
	bool mem_known;
	const char *mem_source;  /* "free+buffers+cached" or "total" */
	unsigned vcpus, host_cpus;   /* host_cpus 0: unknown */
	struct vp_res_pool *pools;
	size_t n_pools;
	/* vp_resources_judge */
	char **refusals;         /* sentences, without the --force hint */
	size_t n_refusals;
	size_t n_host_refusals;  /* the first ones, of memory and CPUs; the rest
	                          * are of pool space */
	char **warnings;
	size_t n_warnings;
};

/* Read the host's figures for s (resolved: memory, vCPUs, each new
 * disk's pool and capacity).  Figures the host does not give are left
 * unknown (and not judged); only a lost connection fails. */
int vp_resources_read(virConnectPtr conn, const struct vp_domain_spec *s, struct vp_res_check *out,
		      struct vp_error *err);

/* Pure: fill refusals and warnings from the figures. */
void vp_resources_judge(struct vp_res_check *r);

/* read + judge; warnings (and, with force, the refusals) go to plan's
 * warnings; without force a refusal fails with every reason in one line
 * and "(add --force to create it anyway)".  *out (may be NULL) keeps the
 * figures, for the plan's JSON. */
int vp_resources_check(virConnectPtr conn, const struct vp_domain_spec *s, bool force,
		       struct vp_plan *plan, struct vp_res_check **out, struct vp_error *err);

/* The same, where disks_off (virt-install's --check disk_size=off) makes
 * the refusals of pool space warnings, as force does every refusal. */
int vp_resources_check_disks(virConnectPtr conn, const struct vp_domain_spec *s, bool force,
			     bool disks_off, struct vp_plan *plan, struct vp_res_check **out,
			     struct vp_error *err);

/* {"host":..,"memory":{"asked_bytes","available_bytes","source"},
 *  "vcpus":{"asked","host_cpus"},"pools":[{"name","available_bytes",
 *  "new_capacity_bytes","needed_now_bytes","disks","sparse_disks"}],
 *  "refusals":[..],"warnings":[..]} */
json_object *vp_resources_json(const struct vp_res_check *r);
/* One line for --dry-run: "host 'X': memory 2 GiB asked, 22.9 GiB available; ..." */
char *vp_resources_summary(const struct vp_res_check *r);

void vp_resources_clear(struct vp_res_check *r);
void vp_resources_free(struct vp_res_check *r);

#endif
