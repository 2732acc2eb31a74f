/* provision/stats.h — what running VMs use: CPU, memory, disk and network
 * I/O of every VM from one bulk libvirt call per sample, and the host's
 * free memory and CPU count.
 *
 * A sample holds counters (CPU time, bytes read and written, received and
 * sent); rates need two samples.  vp_stats_rates() computes them from the
 * previous sample, matched by domain UUID.  `vprov stats` keeps its last
 * sample per connection in a small state file (vp_stats_state_*), so a
 * single run costs one sample and still shows rates when it ran a short
 * while before; `--watch` keeps the previous sample in memory.
 *
 * The libvirt calls a sample makes are counted, whatever the number of
 * VMs: one bulk domain statistics call (virConnectGetAllDomainStats, or
 * virDomainListGetStats for named VMs, which also lists the domains once),
 * plus virNodeGetInfo and virNodeGetFreeMemory for the host.
 */
#ifndef VP_STATS_H
#define VP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "virt.h"

/* a counter or a value libvirt did not report: VP_STATS_NONE */
#define VP_STATS_NONE UINT64_MAX

struct vp_stats_vm {
	char *name;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;                     /* -1: not running */
	int state;                  /* virDomainState */
	unsigned vcpus;             /* vcpu.current; 0: not reported */
	uint64_t cpu_time_ns;       /* cpu.time: the whole QEMU process */
	/* memory, KiB, as the balloon driver reports it: current (the balloon's
	 * size), maximum, and what the guest itself says (available, unused,
	 * usable: only with a stats period on its memballoon); rss is the QEMU
	 * process's resident set on the host */
	uint64_t mem_current_kib, mem_maximum_kib, mem_available_kib, mem_unused_kib,
		mem_usable_kib, mem_rss_kib;
	unsigned n_disks, n_nics;       /* block.count, net.count */
	bool disks_known, nics_known;   /* libvirt reported those counts */
	uint64_t rd_bytes, wr_bytes;    /* summed over the VM's disks */
	uint64_t rx_bytes, tx_bytes;    /* summed over its interfaces */
	/* rates, from the previous sample (NAN: none); cpu_percent is of one
	 * host CPU (100: one host CPU busy all the time, up to vcpus x 100) */
	double cpu_percent, rd_bps, wr_bps, rx_bps, tx_bps;
};

struct vp_stats_sample {
	int64_t time_ms;            /* wall clock when the call returned (ms since the epoch) */
	double interval_s;          /* what the rates cover; 0: no rates */
	struct vp_stats_vm *vms;
	size_t n_vms;
	unsigned host_cpus;         /* 0: unknown */
	uint64_t host_memory_kib, host_free_kib;  /* VP_STATS_NONE: unknown */
	unsigned calls;             /* libvirt calls this sample made (connection aside) */
	unsigned domain_stats_calls;/* of which bulk domain statistics calls: 1 */
};

/* Sample every active VM (all_vms: every defined one) or the VMs named
 * (n_names > 0, in any state; NOT_FOUND for a name no VM has).  No rates
 * yet (NAN).  0 or -1 with err. */
int vp_stats_sample(virConnectPtr conn, const char *const *names, size_t n_names, bool all_vms,
		    struct vp_stats_sample *out, struct vp_error *err);

/* Fill vm's counters from one domain's statistics record (the typed
 * parameters virConnectGetAllDomainStats returns for it); name, uuid and
 * id are left to the caller.  Unknown fields are ignored.  Pure. */
void vp_stats_parse_params(const virTypedParameter *params, int n, struct vp_stats_vm *vm);

/* The used memory a user wants to see, KiB: available - unused when the
 * guest reports both, else the QEMU process's RSS (*from_guest false),
 * else the balloon's current size; VP_STATS_NONE when nothing is known. */
uint64_t vp_stats_mem_used(const struct vp_stats_vm *vm, bool *from_guest);

/* Rates of cur from prev (the same VM: the same UUID and domain id, and
 * counters that did not go back; a VM restarted in between gets none).
 * Sets cur->interval_s.  No rates when prev is NULL, older than cur or
 * taken at the same millisecond.  Pure. */
void vp_stats_rates(struct vp_stats_sample *cur, const struct vp_stats_sample *prev);

enum vp_stats_sort { VP_STATS_SORT_CPU, VP_STATS_SORT_MEM, VP_STATS_SORT_DISK,
		     VP_STATS_SORT_NET, VP_STATS_SORT_NAME };
/* Busiest first (unknown rates last), then by name; by name ascending. */
void vp_stats_sort(struct vp_stats_sample *s, enum vp_stats_sort by);
/* "cpu", "mem", "disk", "net", "name"; -1 for anything else */
int vp_stats_sort_parse(const char *s);

/* The state file of this connection: <state_dir>/stats/<uri, made safe>-<hash>.json */
char *vp_stats_state_path(const char *state_dir, const char *uri);
/* Read the sample kept there into out (its counters only); 1 when read,
 * 0 when there is none or it cannot be read (no rates then, no error). */
int vp_stats_state_load(const char *path, struct vp_stats_sample *out);
/* Keep s's counters there (atomically, mode 0600). */
int vp_stats_state_save(const char *path, const struct vp_stats_sample *s, struct vp_error *err);

void vp_stats_sample_clear(struct vp_stats_sample *s);

#endif
