/* cmd/stop.c — vprov stop NAME [--timeout S] [--force] */
#include <getopt.h>
#include <stdio.h>

#include "vprov.h"
#include "domain.h"
#include "units.h"

static const char help[] =
	"  -t, --timeout TIME     wait this long for the guest to power off (default 120s;\n"
	"                         seconds, or 30s, 5m; -1: forever)\n"
	"  -f, --force            when the time is up, power it off at once instead of failing\n";

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "timeout", required_argument, NULL, 't' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_error err = { 0 };
	const char *name = NULL;
	int64_t timeout_ms = 120 * 1000;
	enum vp_stop_result result;
	bool force = false;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT "t:f", options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx);
			continue;
		}
		if (opt == 'f') {
			force = true;
		} else if (opt == 't') {
			if (vp_parse_duration(optarg, 24 * 3600 * 1000LL, "--timeout", &timeout_ms, &err) < 0)
				return vp_usage_error(ctx, "%s", err.msg);
		} else {
			return vp_bad_opt(ctx, opt, argv);
		}
	}
	if (vp_one_name(ctx, argc, argv, &name) != 0)
		return VP_EXIT_USAGE;
	vp_catch_signals();
	if (vp_connect(ctx, &err) < 0 ||
	    vp_domain_stop(ctx->conn, name, timeout_ms, force, &vp_interrupted, &result, &err) < 0)
		return vp_report(ctx, &err);
	switch (result) {
	case VP_STOPPED:
		printf("stopped VM '%s'\n", name);
		break;
	case VP_WAS_STOPPED:
		fprintf(stderr, "%s: VM '%s' is not running\n", ctx->prog, name);
		break;
	case VP_FORCED:
		printf("powered off VM '%s' (it did not shut down in time)\n", name);
		break;
	}
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_stop = {
	.name = "stop",
	.usage = "NAME [--timeout TIME] [--force]",
	.summary = "shut a VM down gracefully (ACPI), then fail or, with --force, power it off",
	.help = help,
	.run = run,
};
