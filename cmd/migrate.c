/* cmd/migrate.c — vprov migrate NAME DEST_URI [--live|--offline]
 * [--copy-storage] [--undefine-source|--keep-source] [--bandwidth MiB/s]
 * [--timeout S] [--unsafe] [--dry-run] [--json] */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs.h"
#include "migrate.h"
#include "units.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG(0, "live", "move the running VM while it runs (refused when it is shut off)"),
	VP_OPT_FLAG(0, "offline", "move the shut-off VM: its volumes are streamed to the\n"
				  "destination and checked (refused when it runs)"),
	VP_OPT_FLAG(0, "copy-storage", "live: copy the disks too (the hosts share no storage);\n"
				       "the destination's volumes are made first"),
	VP_OPT_FLAG(0, "undefine-source", "remove the VM from the source once it has moved (the default)"),
	VP_OPT_FLAG(0, "keep-source", "keep the VM's definition (and, offline or with\n"
				      "--copy-storage, its volumes) on the source"),
	VP_OPT_VALUE(0, "bandwidth", "MIB", "live: at most this many MiB/s"),
	VP_OPT_VALUE(0, "timeout", "TIME", "live: abort after TIME (seconds, or 30s, 5m);\n"
					   "the VM then goes on running on the source"),
	VP_OPT_VALUE(0, "dest-pool", "POOL", "the destination's pool for the volumes that move (default:\n"
					     "the pool of the source pool's name there, else 'default')"),
	VP_OPT_FLAG(0, "unsafe", "live: let libvirt move disks it does not know to be shared\n"
				 "(a local directory both hosts really see)"),
	VP_OPT_FLAG(0, "dry-run", "check everything, say what would be done, change nothing"),
	VP_OPT_FLAG(0, "json", "print the result (or with --dry-run the plan) as JSON"),
	VP_OPT_END,
};

static const char description[] =
	"Without --live or --offline the VM's state chooses: a running or paused VM\n"
	"moves live (libvirt's migration, peer to peer when DEST_URI names a host;\n"
	"through this client for a local socket such as qemu:///system), a shut-off\n"
	"one offline.  The destination gets the VM persistent, with vprov's record\n"
	"of it; everything made there is journalled on that host, so a failure, an\n"
	"interrupt or --timeout removes it and the VM stays on the source as it was.\n"
	"The source is changed last, once the VM is on the destination.\n"
	"\n"
	"  vprov migrate web1 qemu+ssh://host2/system --copy-storage\n"
	"  vprov migrate web1 qemu+tcp://host2/system --bandwidth 100 --timeout 10m\n"
	"  vprov -c qemu+tcp://host2/system migrate web1 qemu:///system --dry-run";

struct margs {
	struct vp_migrate_req req;
	bool dry_run;
};

static int parse(struct vp_ctx *ctx, const struct vp_args *a, struct margs *m)
{
	const char *bw = vp_arg_str(a, "bandwidth"), *t = vp_arg_str(a, "timeout");
	struct vp_error err = { 0 };

	memset(m, 0, sizeof(*m));
	m->req.dest_uri = vp_arg_pos(a, 1);
	if (!m->req.dest_uri)
		return vp_usage_error(ctx, "a destination URI after the VM name is required; see '%s --help'",
				      ctx->prog);
	if (!*m->req.dest_uri)
		return vp_usage_error(ctx, "the destination URI cannot be empty");
	if (vp_arg_flag(a, "live") && vp_arg_flag(a, "offline"))
		return vp_usage_error(ctx, "--live and --offline exclude each other");
	if (vp_arg_flag(a, "keep-source") && vp_arg_flag(a, "undefine-source"))
		return vp_usage_error(ctx, "--keep-source and --undefine-source exclude each other");
	if (vp_arg_flag(a, "offline") && vp_arg_flag(a, "copy-storage"))
		return vp_usage_error(ctx, "--copy-storage is for a live move (offline, the volumes are always copied)");
	m->req.mode = vp_arg_flag(a, "live") ? VP_MIGRATE_LIVE :
		      vp_arg_flag(a, "offline") ? VP_MIGRATE_OFFLINE : VP_MIGRATE_AUTO;
	m->req.copy_storage = vp_arg_flag(a, "copy-storage");
	m->req.keep_source = vp_arg_flag(a, "keep-source");
	m->req.unsafe = vp_arg_flag(a, "unsafe");
	m->req.dest_pool = vp_arg_str(a, "dest-pool");
	if (bw && vp_parse_uint(bw, 1, 1ULL << 30, "--bandwidth", &m->req.bandwidth_mib, &err) < 0)
		return vp_usage_error(ctx, "%s (MiB/s)", err.msg);
	if (t) {
		if (vp_parse_duration(t, 7 * 24 * 3600 * 1000LL, "--timeout", &m->req.timeout_ms, &err) < 0)
			return vp_usage_error(ctx, "%s", err.msg);
		if (m->req.timeout_ms <= 0)
			return vp_usage_error(ctx, "--timeout must be longer than 0 ('%s')", t);
	}
	m->dry_run = vp_arg_flag(a, "dry-run");
	return VP_EXIT_OK;
}

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct margs m;

	return parse(ctx, a, &m);
}

static bool is_live(const struct vp_plan *plan)
{
	size_t i;

	for (i = 0; plan && i < plan->n_steps; i++)
		if (!strcmp(plan->steps[i].kind, "migrate"))
			return true;
	return false;
}

static json_object *result_json(const struct vp_ctx *ctx, const struct margs *m,
				const struct vp_plan *plan)
{
	json_object *o = json_object_new_object(), *acts = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(ctx->name));
	json_object_object_add(o, "destination", json_object_new_string(m->req.dest_uri));
	json_object_object_add(o, "mode", json_object_new_string(is_live(plan) ? "live" : "offline"));
	json_object_object_add(o, "migrated", json_object_new_boolean(!m->dry_run));
	json_object_object_add(o, "source_kept", json_object_new_boolean(m->req.keep_source));
	for (i = 0; i < plan->n_steps; i++)
		json_object_array_add(acts, json_object_new_string(plan->steps[i].desc));
	json_object_object_add(o, m->dry_run ? "would" : "done", acts);
	if (m->dry_run)
		json_object_object_add(o, "plan", vp_plan_to_json(plan));
	return o;
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_ctx dctx = *ctx;
	struct margs m;
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_migrate_opts o = { .state_dir = state, .reporter = &ctx->reporter };
	struct vp_test_pause pause = { 0 };
	int rc;
	size_t i;

	if ((rc = parse(ctx, a, &m)) != VP_EXIT_OK)
		return rc;
	o.dry_run = m.dry_run;
	vp_test_knobs(&o.fail_at, &o.hook, &o.hook_opaque, &pause);
	/* the destination: what operations that died there left goes first,
	 * as for any connection */
	dctx.uri = m.req.dest_uri;
	dctx.conn = NULL;
	dctx.dom = NULL;
	if (vp_connect(&dctx, &err) < 0)
		return vp_fail(ctx, &err);
	if (vp_migrate(ctx->conn, ctx->dom, dctx.conn, &m.req, &o, &plan, NULL, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	if (ctx->json) {
		vp_json_print(result_json(ctx, &m, plan));
	} else if (m.dry_run) {
		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
	} else {
		printf("migrated VM '%s' %s to '%s'%s\n", ctx->name, is_live(plan) ? "live" : "offline",
		       m.req.dest_uri, m.req.keep_source ? " (its definition kept on the source)" : "");
	}
	rc = VP_EXIT_OK;
out:
	vp_plan_free(plan);
	virConnectClose(dctx.conn);
	return rc;
}

const struct vp_cmd vp_cmd_migrate = {
	.name = "migrate",
	.args = "NAME DEST_URI",
	.arg_what = "a VM name",
	.min_args = 1, /* the destination's absence is check()'s to say */
	.max_args = 2,
	.arg_comp = VP_COMP_VM,
	.summary = "move a VM to another libvirt host, live or offline",
	.description = description,
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN | VP_NEED_EVENTS | VP_NEED_SIGNALS,
	.check = check,
	.run = run,
};
