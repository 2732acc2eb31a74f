/* cmd/delete.c — vprov delete NAME [--keep-storage] */
#include "domain.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG(0, "keep-storage", "keep the volumes vprov created for the VM"),
	VP_OPT_END,
};

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_delete_report rep = { 0 };
	struct vp_error err = { 0 };
	bool keep = vp_arg_flag(a, "keep-storage");
	int rc = VP_EXIT_OK;
	size_t i;

	if (vp_domain_delete(ctx->dom, keep, &rep, &err) < 0)
		rc = vp_fail(ctx, &err);
	else
		printf("deleted VM '%s'\n", ctx->name);
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
		"another VM uses (that VM then owns it, so its own delete removes it).",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = run,
};
