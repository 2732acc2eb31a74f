/* cmd/console.c — TEMPORARY: replaced by the console implementation */
#include "vprov.h"

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	(void)argc;
	(void)argv;
	return vp_usage_error(ctx, "not built yet");
}

const struct vp_cmd vp_cmd_console = {
	.name = "console",
	.usage = "NAME [--log]",
	.summary = "attach to a VM's serial console, or print its log",
	.flags = VP_CMD_EVENTS,
	.run = run,
};
