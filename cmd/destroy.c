/* cmd/destroy.c — vprov destroy NAME: power off at once, keep everything */
#include "domain.h"
#include "vprov.h"

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	bool was_running;

	(void)a;
	if (vp_domain_destroy(ctx->dom, &was_running, &err) < 0)
		return vp_fail(ctx, &err);
	if (was_running)
		printf("powered off VM '%s'\n", ctx->name);
	else
		vp_say(ctx, "VM '%s' is not running", ctx->name);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_destroy = {
	.name = "destroy",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "power a VM off at once, like pulling the plug (its definition and disks stay)",
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = run,
};
