/* cmd/host.c — vprov host check: what this host offers, and whether its
 * KVM really runs guests (the probe, once per host; --refresh again) */
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "fs.h"
#include "kvm.h"
#include "vprov.h"

static const struct vp_opt check_opts[] = {
	VP_OPT_FLAG(0, "refresh", "run the KVM probe again, even when a verdict is kept"),
	VP_OPT_FLAG(0, "json", "print a JSON object"),
	/* tests: probe with a named CPU model, kept nowhere */
	VP_OPT_VALUE(0, "probe-cpu", "MODEL", "tests only", .hidden = true),
	VP_OPT_END,
};

static void version(char *buf, size_t len, unsigned long v)
{
	snprintf(buf, len, "%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

static json_object *report_json(const struct vp_host_report *r)
{
	json_object *o = json_object_new_object(), *k = json_object_new_object();
	char v[32];

	json_object_object_add(o, "uri", vp_json_str(r->uri));
	json_object_object_add(o, "hostname", vp_json_str(r->hostname));
	json_object_object_add(o, "arch", vp_json_str(r->arch));
	json_object_object_add(o, "hypervisor", vp_json_str(r->hv_type));
	version(v, sizeof(v), r->hv_version);
	json_object_object_add(o, "hypervisor_version", json_object_new_string(v));
	version(v, sizeof(v), r->lib_version);
	json_object_object_add(o, "libvirt_version", json_object_new_string(v));
	json_object_object_add(o, "domain_types", vp_json_str(r->domain_types));
	json_object_object_add(o, "local", json_object_new_boolean(r->local));
	if (r->local) {
		json_object_object_add(o, "dev_kvm", json_object_new_boolean(r->dev_kvm));
		json_object_object_add(o, "dev_kvm_rw", json_object_new_boolean(r->dev_kvm_rw));
		json_object_object_add(o, "kvm_modules", vp_json_str(r->kvm_modules));
		json_object_object_add(o, "cpu_model", vp_json_str(r->cpu_model));
		json_object_object_add(o, "cpu_vmx", json_object_new_boolean(r->cpu_vmx));
		json_object_object_add(o, "cpu_svm", json_object_new_boolean(r->cpu_svm));
		json_object_object_add(o, "vhost_net", json_object_new_boolean(r->vhost_net));
		json_object_object_add(o, "tun", json_object_new_boolean(r->tun));
	}
	json_object_object_add(k, "offered", json_object_new_boolean(r->kvm_offered));
	json_object_object_add(k, "verdict", json_object_new_string(vp_kvm_verdict_name(r->kvm.verdict)));
	json_object_object_add(k, "cached", json_object_new_boolean(r->kvm.cached));
	json_object_object_add(k, "evidence", vp_json_str(r->kvm.evidence));
	json_object_object_add(k, "markers", vp_json_str(r->kvm.markers));
	json_object_object_add(k, "probe_ms", json_object_new_int64(r->kvm.duration_ms));
	json_object_object_add(k, "checked", json_object_new_int64(r->kvm.checked_ms / 1000));
	json_object_object_add(k, "cache_file", vp_json_str(r->kvm.cache_file));
	json_object_object_add(o, "kvm", k);
	json_object_object_add(o, "new_vms_use", vp_json_str(r->choice));
	return o;
}

static void yesno(const char *label, bool v, const char *extra)
{
	printf("%-16s %s%s\n", label, v ? "yes" : "no", extra ? extra : "");
}

static void report_text(const struct vp_host_report *r)
{
	char hv[32], lib[32], when[32] = "?";
	time_t t = (time_t)(r->kvm.checked_ms / 1000);
	struct tm tm;

	version(hv, sizeof(hv), r->hv_version);
	version(lib, sizeof(lib), r->lib_version);
	printf("%-16s %s (%s)\n", "host:", r->uri ? r->uri : "?", r->hostname ? r->hostname : "?");
	printf("%-16s %s, %s %s, libvirt %s\n", "arch:", r->arch ? r->arch : "?",
	       r->hv_type ? r->hv_type : "?", hv, lib);
	printf("%-16s %s\n", "domain types:", r->domain_types ? r->domain_types : "none");
	if (r->local) {
		yesno("/dev/kvm:", r->dev_kvm, r->dev_kvm && !r->dev_kvm_rw ? " (not writable by this user)" : NULL);
		printf("%-16s %s\n", "kvm modules:", r->kvm_modules ? r->kvm_modules : "none");
		printf("%-16s %s (vmx: %s, svm: %s)\n", "cpu:", r->cpu_model ? r->cpu_model : "?",
		       r->cpu_vmx ? "yes" : "no", r->cpu_svm ? "yes" : "no");
		yesno("/dev/vhost-net:", r->vhost_net, NULL);
		yesno("/dev/net/tun:", r->tun, NULL);
	}
	if (!r->kvm_offered) {
		printf("%-16s not offered by libvirt for %s guests\n", "kvm:", r->arch ? r->arch : "?");
	} else {
		if (localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%-16s %s (%s %s, the probe took %.1f s)\n", "kvm runs guests:",
		       r->kvm.verdict == VP_KVM_WORKS ? "yes" : r->kvm.verdict == VP_KVM_BROKEN ? "no" : "unknown",
		       r->kvm.cached ? "probed" : "probed now,", r->kvm.cached ? when : when,
		       (double)r->kvm.duration_ms / 1000);
		if (r->kvm.evidence)
			printf("%-16s %s\n", "evidence:", r->kvm.evidence);
		if (r->kvm.markers && *r->kvm.markers) {
			const char *m = r->kvm.markers;
			bool first = true;

			while (*m) {
				size_t n = strcspn(m, "\n");

				printf("%-16s %.*s\n", first ? "probe printed:" : "", (int)n, m);
				first = false;
				m += n;
				if (*m)
					m++;
			}
		}
		if (r->kvm.cache_file)
			printf("%-16s %s\n", "kept in:", r->kvm.cache_file);
	}
	printf("%-16s %s%s\n", "new VMs use:", r->choice ? r->choice : "?",
	       r->choice && !strcmp(r->choice, "qemu") ? " (TCG software emulation)" : "");
}

static int run_check(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_host_check_opts o = {
		.cache_dir = cache,
		.state_dir = state,
		.reporter = &ctx->reporter,
		.refresh = vp_arg_flag(a, "refresh"),
		.cpu_model = vp_arg_str(a, "probe-cpu"),
	};
	struct vp_host_report r;
	struct vp_error err = { 0 };

	if (o.cpu_model) {
		/* a verdict about another CPU than real guests get: not kept */
		o.refresh = true;
		o.cache_dir = NULL;
	}
	if (vp_host_check(ctx->conn, &o, &r, &err) < 0)
		return vp_fail(ctx, &err);
	vp_reporter_done(ctx);
	if (ctx->json)
		vp_json_print(report_json(&r));
	else
		report_text(&r);
	vp_host_report_clear(&r);
	return VP_EXIT_OK;
}

static const struct vp_cmd host_check = {
	.name = "check",
	.summary = "what the host offers, and whether its KVM really runs guests",
	.description =
		"libvirt lists KVM wherever /dev/kvm opens, yet some hosts' KVM cannot run a\n"
		"real guest: QEMU aborts on an MSR write, or a paravirtual KVM (kvm_pvm) spins\n"
		"forever once the guest leaves real mode.  vprov boots a tiny probe (a few\n"
		"hundred bytes that go from real mode through protected mode to long mode with\n"
		"paging, write MSRs, print a marker on the serial port at each stage and power\n"
		"off) as a KVM guest, once per host and hypervisor version, and uses KVM only\n"
		"when it finished.  This command shows the verdict, the probe's evidence and\n"
		"what virt-host-validate would look at.",
	.opts = check_opts,
	.needs = VP_NEED_CONN | VP_NEED_EVENTS | VP_NEED_SIGNALS,
	.run = run_check,
};

static const struct vp_cmd *const host_subcmds[] = { &host_check, NULL };

const struct vp_cmd vp_cmd_host = {
	.name = "host",
	.summary = "the host: what it offers, whether KVM really runs guests",
	.subcmds = host_subcmds,
};
