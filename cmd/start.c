/* cmd/start.c — vprov start NAME */
#include "domain.h"
#include "vprov.h"

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	bool was_running;

	(void)a;
	if (vp_domain_start(ctx->dom, &was_running, &err) < 0)
		return vp_fail(ctx, &err);
	if (was_running)
		vp_say(ctx, "VM '%s' is already running", ctx->name);
	else
		printf("started VM '%s'\n", ctx->name);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_start = {
	.name = "start",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "start a VM (nothing to do when it runs)",
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = run,
};
