/* cmd/snapshot.c — vprov snapshot create|list|info|revert|delete: internal
 * snapshots of a VM, and external ones (--disk-only) */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vprov.h"
#include "cleanup.h"
#include "fs.h"
#include "plan.h"
#include "snapshot.h"
#include "units.h"

static const struct vp_opt create_opts[] = {
	VP_OPT_VALUE(0, "description", "TEXT", "a description kept with the snapshot"),
	VP_OPT_FLAG(0, "disk-only", "an external snapshot: the disks only, each frozen under a\n"
				    "new qcow2 overlay volume (the VM may run or be off)"),
	VP_OPT_FLAG(0, "quiesce", "with --disk-only: the guest agent flushes and freezes the\n"
				  "guest's file systems while the snapshot is taken"),
	VP_OPT_FLAG(0, "json", "print the new snapshot as a JSON object"),
	VP_OPT_END,
};

static const struct vp_opt list_opts[] = {
	VP_OPT_FLAG(0, "json", "print a JSON array, parents before their children"),
	VP_OPT_END,
};

static const struct vp_opt info_opts[] = {
	VP_OPT_FLAG(0, "json", "print a JSON object"),
	VP_OPT_END,
};

static const struct vp_opt revert_opts[] = {
	VP_OPT_FLAG(0, "running", "leave the VM running afterwards, whatever state the\n"
				  "snapshot was taken in"),
	VP_OPT_FLAG(0, "paused", "leave the VM paused afterwards"),
	VP_OPT_END,
};

static const struct vp_opt delete_opts[] = {
	VP_OPT_FLAG(0, "children", "delete the snapshot's descendants too (without it they\n"
				   "are kept, re-parented onto its parent)"),
	VP_OPT_END,
};

static const char description[] =
	"Internal snapshots (the default) are kept inside the VM's qcow2 disks: of a\n"
	"running VM they hold its memory too, so a revert brings it back running.  A\n"
	"raw disk cannot hold them.\n"
	"\n"
	"External snapshots (create --disk-only) hold the disks only: each writable\n"
	"disk's current image is frozen and the VM goes on writing to a new qcow2\n"
	"overlay on it, a volume of the disk's pool named VM-TARGET.SNAP.qcow2\n"
	"(web1-vda.before-upgrade.qcow2; -2, -3, ... added when taken).  Raw disks\n"
	"can have them.  A revert powers the VM off (a running one only with\n"
	"--running or --paused) and points each disk at a new overlay on the\n"
	"snapshot's frozen image; a delete merges that image with the one built on\n"
	"it (a block commit while the VM runs; qemu-img commit on this host when it\n"
	"is off) so the chain gets shorter.  A VM has snapshots of one kind only.\n"
	"\n"
	"Snapshot names: at most 64 bytes, no '/' or control characters; without one,\n"
	"create names it snap-YYYYMMDD-HHMMSS.  vprov delete removes a VM with\n"
	"snapshots only with --snapshots.\n"
	"\n"
	"  vprov snapshot create web1 before-upgrade --description 'kernel 6.1'\n"
	"  vprov snapshot create web1 nightly --disk-only --quiesce\n"
	"  vprov snapshot list web1\n"
	"  vprov snapshot revert web1 before-upgrade\n"
	"  vprov snapshot delete web1 before-upgrade --children";

static void when(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
}

static json_object *snap_json(const struct vp_snapshot_info *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", vp_json_str(s->name));
	json_object_object_add(o, "parent", vp_json_str(s->parent));
	json_object_object_add(o, "description", vp_json_str(s->description));
	json_object_object_add(o, "state", vp_json_str(s->state));
	json_object_object_add(o, "created", json_object_new_int64(s->created));
	json_object_object_add(o, "current", json_object_new_boolean(s->current));
	json_object_object_add(o, "memory", json_object_new_boolean(s->memory));
	json_object_object_add(o, "external", json_object_new_boolean(s->external));
	json_object_object_add(o, "depth", json_object_new_int((int)s->depth));
	json_object_object_add(o, "children", json_object_new_int64((int64_t)s->n_children));
	json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)s->size));
	return o;
}

/* The snapshot name (second argument) is checked before connecting. */
static int check_snap(struct vp_ctx *ctx, const struct vp_args *a)
{
	const char *snap = vp_arg_pos(a, 1);
	struct vp_error err = { 0 };

	if (snap && vp_snapshot_name_check(snap, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	return VP_EXIT_OK;
}

static int check_create(struct vp_ctx *ctx, const struct vp_args *a)
{
	if (vp_arg_flag(a, "quiesce") && !vp_arg_flag(a, "disk-only"))
		return vp_usage_error(ctx, "--quiesce needs --disk-only");
	return check_snap(ctx, a);
}

static int check_revert(struct vp_ctx *ctx, const struct vp_args *a)
{
	if (vp_arg_flag(a, "running") && vp_arg_flag(a, "paused"))
		return vp_usage_error(ctx, "--running and --paused exclude each other");
	return check_snap(ctx, a);
}

static int snap_create(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_snapshot_info s = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_apply_opts apply = {
		.state_dir = state,
		.reporter = &ctx->reporter,
		.fail_at = getenv("VPROV_FAIL_AT"),
	};
	struct vp_snapshot_req req = {
		.name = vp_arg_pos(a, 1),
		.description = vp_arg_str(a, "description"),
		.disk_only = vp_arg_flag(a, "disk-only"),
		.quiesce = vp_arg_flag(a, "quiesce"),
		.apply = &apply,
	};

	if (vp_snapshot_create(ctx->dom, &req, &s, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json)
		vp_json_print(snap_json(&s));
	else
		printf("created snapshot '%s' of VM '%s' (%s)\n", s.name, ctx->name,
		       s.external ? "disks only, external" : s.memory ? "disks and memory" : "disks");
	vp_snapshot_info_clear(&s);
	return VP_EXIT_OK;
}

static int snap_list(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_snapshot_info *l = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i, w = 4;
	char t[32], size[32];

	(void)a;
	if (vp_snapshot_list(ctx->dom, &l, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, snap_json(&l[i]));
		vp_json_print(arr);
		vp_snapshot_infos_free(l, n);
		return VP_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (strlen(l[i].name) + 2 * l[i].depth > w)
			w = strlen(l[i].name) + 2 * l[i].depth;
	printf("  %-*s  %-19s  %-8s  %9s  %s\n", (int)w, "NAME", "CREATED", "STATE", "SIZE",
	       "DESCRIPTION");
	for (i = 0; i < n; i++) {
		when(l[i].created, t, sizeof(t));
		if (l[i].size)
			vp_format_size(l[i].size, size, sizeof(size));
		else
			snprintf(size, sizeof(size), "-");
		printf("%c %*s%-*s  %-19s  %-8s  %9s", l[i].current ? '*' : ' ',
		       (int)(2 * l[i].depth), "", (int)(w - 2 * l[i].depth), l[i].name, t,
		       l[i].state, size);
		if (l[i].description)
			printf("  %s", l[i].description);
		putchar('\n');
	}
	printf("%zu snapshot%s%s\n", n, n == 1 ? "" : "s", n ? "; * marks the current one" : "");
	vp_snapshot_infos_free(l, n);
	return VP_EXIT_OK;
}

static int snap_info(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_snapshot_info s = { 0 };
	struct vp_error err = { 0 };
	char t[32], size[32];

	if (vp_snapshot_info(ctx->dom, vp_arg_pos(a, 1), &s, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		vp_json_print(snap_json(&s));
	} else {
		when(s.created, t, sizeof(t));
		if (s.size)
			vp_format_size(s.size, size, sizeof(size));
		else
			snprintf(size, sizeof(size), "unknown");
		printf("name:        %s\n", s.name);
		printf("vm:          %s\n", ctx->name);
		printf("parent:      %s\n", s.parent ? s.parent : "-");
		printf("created:     %s\n", t);
		printf("state:       %s\n", s.state);
		printf("kind:        %s\n", s.external ? "external (disks only, overlays)" : "internal");
		printf("memory:      %s\n", s.memory ? "yes" : "no");
		printf("current:     %s\n", s.current ? "yes" : "no");
		printf("children:    %zu\n", s.n_children);
		printf("size:        %s\n", size);
		printf("description: %s\n", s.description ? s.description : "-");
	}
	vp_snapshot_info_clear(&s);
	return VP_EXIT_OK;
}

static int snap_revert(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	enum vp_revert_mode mode = VP_REVERT_AS_TAKEN;

	if (vp_arg_flag(a, "running"))
		mode = VP_REVERT_RUNNING;
	else if (vp_arg_flag(a, "paused"))
		mode = VP_REVERT_PAUSED;
	if (vp_snapshot_revert(ctx->dom, vp_arg_pos(a, 1), mode, &err) < 0)
		return vp_fail(ctx, &err);
	printf("VM '%s' reverted to snapshot '%s'\n", ctx->name, vp_arg_pos(a, 1));
	return VP_EXIT_OK;
}

static int snap_delete(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	size_t n = 0;

	if (vp_snapshot_delete(ctx->dom, vp_arg_pos(a, 1), vp_arg_flag(a, "children"), &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (n > 1)
		printf("deleted snapshot '%s' of VM '%s' and %zu descendant%s\n", vp_arg_pos(a, 1),
		       ctx->name, n - 1, n == 2 ? "" : "s");
	else
		printf("deleted snapshot '%s' of VM '%s'\n", vp_arg_pos(a, 1), ctx->name);
	return VP_EXIT_OK;
}

static const struct vp_cmd snap_create_cmd = {
	.name = "create",
	.args = "NAME [SNAP]",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 2,
	.arg_comp = VP_COMP_VM,
	.summary = "take a snapshot (internal; --disk-only: external overlays)",
	.opts = create_opts,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.check = check_create,
	.run = snap_create,
};

static const struct vp_cmd snap_list_cmd = {
	.name = "list",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "a VM's snapshots as a tree, the current one marked",
	.opts = list_opts,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = snap_list,
};

static const struct vp_cmd snap_info_cmd = {
	.name = "info",
	.args = "NAME SNAP",
	.arg_what = "a snapshot name after the VM name",
	.min_args = 2,
	.max_args = 2,
	.arg_comp = VP_COMP_VM,
	.summary = "one snapshot in detail",
	.opts = info_opts,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.check = check_snap,
	.run = snap_info,
};

static const struct vp_cmd snap_revert_cmd = {
	.name = "revert",
	.args = "NAME SNAP",
	.arg_what = "a snapshot name after the VM name",
	.min_args = 2,
	.max_args = 2,
	.arg_comp = VP_COMP_VM,
	.summary = "bring a VM back to a snapshot",
	.description = "Without --running or --paused the VM ends in the state the snapshot was\n"
		       "taken in (shut off for an external one); a running VM is not reverted\n"
		       "to a snapshot without its memory (one taken shut off, or --disk-only:\n"
		       "that would discard its running state) unless one of them is given.",
	.opts = revert_opts,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.check = check_revert,
	.run = snap_revert,
};

static const struct vp_cmd snap_delete_cmd = {
	.name = "delete",
	.args = "NAME SNAP",
	.arg_what = "a snapshot name after the VM name",
	.min_args = 2,
	.max_args = 2,
	.arg_comp = VP_COMP_VM,
	.summary = "delete a snapshot (--children: and its descendants)",
	.opts = delete_opts,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.check = check_snap,
	.run = snap_delete,
};

static const struct vp_cmd *const snapshot_subcmds[] = {
	&snap_create_cmd, &snap_list_cmd, &snap_info_cmd, &snap_revert_cmd, &snap_delete_cmd, NULL,
};

const struct vp_cmd vp_cmd_snapshot = {
	.name = "snapshot",
	.summary = "snapshots of a VM: create, list, info, revert, delete",
	.description = description,
	.subcmds = snapshot_subcmds,
};
