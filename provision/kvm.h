/* provision/kvm.h — whether KVM really runs guests on a host: a probe that
 * boots a tiny payload through real, protected and long mode, and the
 * verdict kept per host.
 *
 * libvirt lists KVM wherever /dev/kvm opens, yet a host's KVM can fail
 * real guests in ways that are only seen by running one: QEMU aborting on
 * an MSR write at start, or a paravirtual KVM (kvm_pvm) that runs the
 * BIOS and real-mode code and then spins forever once the guest leaves
 * real mode.  The probe (provision/probe/payload.S, a few hundred bytes
 * in the Linux boot-protocol layout) is booted by libvirt's direct kernel
 * boot in a transient, auto-destroyed domain of type kvm with the CPU
 * real guests get (host-passthrough); it prints a marker on the serial
 * port at each stage and powers the VM off through ACPI only when every
 * stage passed.  The verdict is "works" only when the domain powered off
 * by itself within the time limit; the markers it printed (read over the
 * console stream) and the vCPU's emulation-failure counter are the
 * evidence.
 *
 * Local hosts get the payload as a file libvirt can read; remote hosts
 * (qemu+ssh://, qemu+tcp://) through a volume upload into an active
 * directory pool, since the client's files are not the host's.  Both are
 * removed afterwards, and journalled meanwhile.
 *
 * Verdicts are cached in <cache_dir>/kvm-<key>, the key hashing the host's
 * UUID, the URI, the hypervisor's and libvirt's versions and (local hosts)
 * the kernel release, so an upgrade asks again.
 */
#ifndef VP_KVM_H
#define VP_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "host.h"
#include "report.h"
#include "virt.h"

enum vp_kvm_verdict {
	VP_KVM_UNKNOWN,   /* not probed yet (or the probe could not run) */
	VP_KVM_WORKS,
	VP_KVM_BROKEN,
};

struct vp_kvm_check {
	enum vp_kvm_verdict verdict;
	char *evidence;          /* one line: markers seen, how it ended */
	char *markers;           /* what the payload printed, one marker per line */
	int64_t duration_ms;     /* how long the probe took */
	int64_t checked_ms;      /* wall clock of the probe */
	bool cached;             /* from the cache, not probed now */
	char *cache_file;        /* where the verdict is kept (NULL: nowhere) */
};

void vp_kvm_check_clear(struct vp_kvm_check *c);
const char *vp_kvm_verdict_name(enum vp_kvm_verdict v);

/* The cached verdict for conn's host (VP_KVM_UNKNOWN when none). */
int vp_kvm_cached(virConnectPtr conn, const struct vp_host_caps *caps, const char *cache_dir,
		  struct vp_kvm_check *out);

struct vp_kvm_probe_opts {
	const char *cache_dir;              /* where the verdict goes; NULL: not kept */
	const char *state_dir;              /* the probe's undo journal */
	const struct vp_reporter *reporter;
	int64_t timeout_ms;                 /* 0: the default (VP_KVM_PROBE_TIMEOUT_MS) */
	const char *machine;                /* NULL: q35 when offered, else pc */
	const char *cpu_model;              /* tests: a named CPU model instead of
					     * host-passthrough (the CPU real guests get) */
	bool unless_known;                  /* a verdict kept meanwhile (by another
					     * vprov that probed first) is the answer */
};

#define VP_KVM_PROBE_TIMEOUT_MS 8000

/* Run the probe on conn's host now and keep its verdict.  One probe at a
 * time per host on this machine (others wait).  -1 only when the probe
 * cannot be run at all (then out->verdict is UNKNOWN). */
int vp_kvm_probe(virConnectPtr conn, const struct vp_host_caps *caps,
		 const struct vp_kvm_probe_opts *opts, struct vp_kvm_check *out, struct vp_error *err);

/* What `vprov host check` reports: what virt-host-validate would look at
 * (local hosts only: /dev/kvm, the kvm modules, CPU flags, vhost-net,
 * tun) and the probe's verdict. */
struct vp_host_report {
	char *uri, *hostname, *arch, *hv_type;
	unsigned long hv_version, lib_version;
	char *domain_types;      /* for the host's arch: "kvm qemu" */
	bool local;
	/* local hosts only */
	bool dev_kvm, dev_kvm_rw, vhost_net, tun;
	char *kvm_modules;       /* loaded: "kvm kvm_amd", "kvm kvm_pvm" */
	char *cpu_model;
	bool cpu_vmx, cpu_svm;
	/* the verdict */
	bool kvm_offered;        /* libvirt lists KVM for the host's arch */
	struct vp_kvm_check kvm;
	const char *choice;      /* what a create picks without --virt-type: kvm or qemu */
};

struct vp_host_check_opts {
	const char *cache_dir, *state_dir;
	const struct vp_reporter *reporter;
	bool refresh;            /* probe again even when a verdict is cached */
	const char *cpu_model;   /* tests: see vp_kvm_probe_opts */
};

int vp_host_check(virConnectPtr conn, const struct vp_host_check_opts *opts,
		  struct vp_host_report *out, struct vp_error *err);
void vp_host_report_clear(struct vp_host_report *r);

#endif
