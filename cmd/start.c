/* cmd/start.c — vprov start NAME */
#include <stdio.h>

#include "vprov.h"
#include "domain.h"

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_error err = { 0 };
	const char *name = NULL;
	bool was_running;
	int p = vp_parse_name_only(ctx, argc, argv, &name);

	if (p <= 0)
		return p < 0 ? VP_EXIT_USAGE : VP_EXIT_OK;
	if (vp_connect(ctx, &err) < 0 || vp_domain_start(ctx->conn, name, &was_running, &err) < 0)
		return vp_report(ctx, &err);
	if (was_running)
		fprintf(stderr, "%s: VM '%s' is already running\n", ctx->prog, name);
	else
		printf("started VM '%s'\n", name);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_start = {
	.name = "start",
	.usage = "NAME",
	.summary = "start a VM (nothing to do when it runs)",
	.run = run,
};
