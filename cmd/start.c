/* cmd/start.c — vprov start NAME */
#include <getopt.h>
#include <stdio.h>

#include "vprov.h"
#include "../provision/domain.h"

static const struct option options[] = { VP_COMMON_LONG, { NULL, 0, NULL, 0 } };

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_error err = { 0 };
	const char *name = NULL;
	bool was_running;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT, options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) == 0)
			return vp_bad_opt(ctx, opt, argv);
		if (c < 0)
			return vp_help(ctx);
	}
	if (vp_one_name(ctx, argc, argv, &name) != 0)
		return VP_EXIT_USAGE;
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
