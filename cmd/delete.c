/* cmd/delete.c — vprov delete NAME [--keep-storage] [--snapshots] */
#include "domain.h"
#include "sshlogin.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG(0, "keep-storage", "keep the volumes vprov created for the VM"),
	VP_OPT_FLAG(0, "snapshots", "delete the VM's snapshots too (with the overlays vprov\n"
				    "made for external ones); without it a VM with snapshots\n"
				    "is not deleted"),
	VP_OPT_END,
};

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_delete_report rep = { 0 };
	struct vp_error err = { 0 };
	bool keep = vp_arg_flag(a, "keep-storage");
	int rc = VP_EXIT_OK;
	size_t i;

	if (vp_domain_delete_snapshots(ctx->dom, keep, vp_arg_flag(a, "snapshots"), &rep, &err) < 0)
		rc = vp_fail(ctx, &err);
	else
		printf("deleted VM '%s'\n", ctx->name);
	/* its host keys, kept for vprov ssh */
	if (rc == VP_EXIT_OK && vp_ssh_known_hosts_forget(ctx->dom, &err) < 0)
		vp_warn(ctx, "%s", err.msg);
	for (i = 0; i < rep.n_removed; i++)
		printf("  removed %s\n", rep.removed[i]);
	for (i = 0; i < rep.n_kept; i++)
		vp_warn(ctx, "kept %s", rep.kept[i]);
	if (rc == VP_EXIT_OK && !rep.managed && !keep)
		vp_warn(ctx, "VM '%s' was not created by vprov; its disks were kept", ctx->name);
	vp_delete_report_clear(&rep);
	return rc;
}

const struct vp_cmd vp_cmd_delete = {
	.name = "delete",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "remove a VM and the volumes vprov created for it",
	.description =
		"A running VM is powered off first.  Only volumes vprov created for this VM\n"
		"are removed: never a disk it only used, a backing image, or a volume\n"
		"another VM uses (that VM then owns it, so its own delete removes it).\n"
		"\n"
		"A VM with snapshots is deleted only with --snapshots, which removes them\n"
		"first, with the overlay volumes of external ones (kept with --keep-storage).\n"
		"A VM that linked clones are built on (vprov clone --linked) is not deleted\n"
		"while they exist, unless with --keep-storage.",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = run,
};
