/* cmd/clone.c — vprov clone SRC NEW [--linked] [--sysprep] [--dry-run] [--json] */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vprov.h"
#include "alloc.h"
#include "cleanup.h"
#include "clone.h"
#include "fs.h"
#include "spec.h"
#include "units.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG(0, "linked", "thin qcow2 overlays on SRC's disks instead of full copies\n"
				 "(SRC then cannot be started, edited or deleted while the\n"
				 "clone exists)"),
	VP_OPT_FLAG(0, "sysprep", "reset the clone for a new machine: empty /etc/machine-id,\n"
				  "no SSH host keys (made again at boot), no cloud-init state,\n"
				  "leases and logs cleared (libguestfs, this machine only)"),
	VP_OPT_FLAG(0, "dry-run", "print what would be done; change nothing"),
	VP_OPT_FLAG(0, "json", "print the result (or with --dry-run the plan) as JSON"),
	VP_OPT_END,
};

static const char description[] =
	"Copy the shut-off VM SRC as NEW (virt-clone's job): SRC's definition with a\n"
	"new name, UUID and MAC addresses, and a volume of NEW's own for each disk\n"
	"vprov created for SRC, in the same pool (NEW.qcow2, NEW-1.qcow2, ...).\n"
	"Read-only disks, cdroms and disks SRC only uses are shared, not copied.\n"
	"A full clone copies through the host's storage API (sparse; a qcow2 disk\n"
	"keeps its backing image); --linked makes overlays on SRC's disks instead,\n"
	"fast and small, and SRC must then stay as it is: vprov refuses to start,\n"
	"edit (inject) or delete it while such a clone exists.  A failure or Ctrl+C\n"
	"leaves nothing.\n"
	"\n"
	"  vprov clone web1 web2\n"
	"  vprov clone gold test1 --linked --sysprep\n"
	"  vprov clone web1 web2 --dry-run --json";

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };

	if (a->n_pos == 0)
		return vp_usage_error(ctx, "the VM to clone (SRC) is required; see '%s --help'",
				      ctx->prog);
	if (a->n_pos == 1)
		return vp_usage_error(ctx, "the clone's name (NEW) is required; see '%s --help'",
				      ctx->prog);
	if (vp_name_check(vp_arg_pos(a, 0), &err) < 0 ||
	    vp_name_check(vp_arg_pos(a, 1), &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	return VP_EXIT_OK;
}

static const char *how_text(const struct vp_clone_disk *d)
{
	switch (d->how) {
	case VP_CLONE_COPY:
	case VP_CLONE_STREAM:
		return "copy";
	case VP_CLONE_OVERLAY:
		return "overlay";
	case VP_CLONE_SHARED:
		break;
	}
	return "shared";
}

static json_object *result_json(const struct vp_clone_result *res, const struct vp_plan *plan,
				bool dry)
{
	json_object *o = json_object_new_object(), *disks = json_object_new_array();
	json_object *nics = json_object_new_array(), *acts = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(res->name));
	json_object_object_add(o, "uuid", json_object_new_string(res->uuid));
	json_object_object_add(o, "source", json_object_new_string(res->src));
	json_object_object_add(o, "linked", json_object_new_boolean(res->linked));
	json_object_object_add(o, "sysprep", json_object_new_boolean(res->sysprep));
	json_object_object_add(o, "created", json_object_new_boolean(!dry));
	for (i = 0; i < res->n_disks; i++) {
		const struct vp_clone_disk *d = &res->disks[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "target", vp_json_str(d->target));
		json_object_object_add(j, "action", json_object_new_string(how_text(d)));
		json_object_object_add(j, "path", vp_json_str(d->path));
		json_object_object_add(j, "pool", vp_json_str(d->pool));
		json_object_object_add(j, "volume", vp_json_str(d->vol));
		json_object_object_add(j, "format", vp_json_str(d->format));
		json_object_object_add(j, "from", vp_json_str(d->src_path));
		if (d->how == VP_CLONE_OVERLAY)
			json_object_object_add(j, "backing_store", vp_json_str(d->src_path));
		else if (d->src_backing && d->how != VP_CLONE_SHARED)
			json_object_object_add(j, "backing_store", vp_json_str(d->src_backing));
		if (d->how != VP_CLONE_SHARED)
			json_object_object_add(j, "capacity_bytes",
					       json_object_new_int64((int64_t)d->capacity));
		json_object_array_add(disks, j);
	}
	json_object_object_add(o, "disks", disks);
	for (i = 0; i < res->n_nics; i++) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "mac", vp_json_str(res->nics[i].mac));
		json_object_object_add(j, "source_mac", vp_json_str(res->nics[i].old_mac));
		json_object_array_add(nics, j);
	}
	json_object_object_add(o, "interfaces", nics);
	json_object_object_add(o, "console_log", vp_json_str(res->console_log));
	json_object_object_add(o, "nvram", vp_json_str(res->nvram));
	for (i = 0; plan && i < plan->n_steps; i++)
		json_object_array_add(acts, json_object_new_string(plan->steps[i].desc));
	json_object_object_add(o, dry ? "would" : "done", acts);
	if (dry && plan)
		json_object_object_add(o, "plan", vp_plan_to_json(plan));
	return o;
}

static void print_summary(const struct vp_clone_result *res)
{
	char size[32];
	size_t i;

	printf("cloned VM '%s' as '%s' (%s clone%s), UUID %s\n", res->src, res->name,
	       res->linked ? "linked" : "full", res->sysprep ? ", sysprepped" : "", res->uuid);
	for (i = 0; i < res->n_disks; i++) {
		const struct vp_clone_disk *d = &res->disks[i];
		const char *where = d->path ? d->path : d->vol ? d->vol : "(empty)";

		vp_format_size(d->capacity, size, sizeof(size));
		printf("  disk %s: %s", d->target ? d->target : "?", where);
		if (d->how == VP_CLONE_OVERLAY)
			printf(" (new, %s qcow2, linked clone of %s)\n", size, d->src_path);
		else if (d->how == VP_CLONE_SHARED)
			printf(" (shared with '%s')\n", res->src);
		else if (d->src_backing)
			printf(" (copy of %s, %s %s, backing image %s)\n", d->src_path, size, d->format,
			       d->src_backing);
		else
			printf(" (copy of %s, %s %s)\n", d->src_path, size, d->format);
	}
	for (i = 0; i < res->n_nics; i++)
		printf("  interface %zu: MAC %s (was %s)\n", i + 1, res->nics[i].mac,
		       res->nics[i].old_mac ? res->nics[i].old_mac : "none");
	if (res->nvram)
		printf("  nvram: %s\n", res->nvram);
	if (res->console_log)
		printf("  console: vprov console %s (log: %s)\n", res->name, res->console_log);
	printf("  start it with 'vprov start %s'\n", res->name);
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_clone_result res = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	struct vp_test_pause pause = { 0 };
	struct vp_clone_opts opts = {
		.linked = vp_arg_flag(a, "linked"),
		.sysprep = vp_arg_flag(a, "sysprep"),
		.dry_run = vp_arg_flag(a, "dry-run"),
		.state_dir = state,
		.cache_dir = cache,
		.reporter = &ctx->reporter,
	};
	int rc = VP_EXIT_OK;
	size_t i;

	vp_test_knobs(&opts.fail_at, &opts.hook, &opts.hook_opaque, &pause);
	if (vp_domain_clone(ctx->conn, vp_arg_pos(a, 0), vp_arg_pos(a, 1), &opts, &res, &plan, NULL,
			    &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	if (ctx->json)
		vp_json_print(result_json(&res, plan, opts.dry_run));
	else if (opts.dry_run)
		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
	else
		print_summary(&res);
out:
	vp_plan_free(plan);
	vp_clone_result_clear(&res);
	return rc;
}

const struct vp_cmd vp_cmd_clone = {
	.name = "clone",
	.args = "SRC NEW",
	.arg_what = "the VM to clone",
	.min_args = 0, /* check() says which one is missing */
	.max_args = 2,
	.arg_comp = VP_COMP_VM,
	.summary = "copy a shut-off VM under a new name (full or linked clone)",
	.description = description,
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_SIGNALS,
	.check = check,
	.run = run,
};
