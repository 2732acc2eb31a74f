/* cmd/stop.c — vprov stop NAME [--timeout TIME] [--force] */
#include "domain.h"
#include "units.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_VALUE('t', "timeout", "TIME",
		     "wait this long for the guest to power off (default 120s;\n"
		     "seconds, or 30s, 5m; -1: forever)"),
	VP_OPT_FLAG('f', "force", "when the time is up, power it off at once instead of failing"),
	VP_OPT_END,
};

static int timeout(const struct vp_args *a, int64_t *ms, struct vp_error *err)
{
	const char *t = vp_arg_str(a, "timeout");

	*ms = 120 * 1000;
	return t ? vp_parse_duration(t, 24 * 3600 * 1000LL, "--timeout", ms, err) : 0;
}

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	int64_t ms;

	if (timeout(a, &ms, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	return VP_EXIT_OK;
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	int64_t timeout_ms;
	enum vp_stop_result result;

	timeout(a, &timeout_ms, &err);
	if (vp_domain_stop(ctx->dom, timeout_ms, vp_arg_flag(a, "force"), &vp_interrupted, &result,
			   &err) < 0)
		return vp_fail(ctx, &err);
	switch (result) {
	case VP_STOPPED:
		printf("stopped VM '%s'\n", ctx->name);
		break;
	case VP_WAS_STOPPED:
		vp_say(ctx, "VM '%s' is not running", ctx->name);
		break;
	case VP_FORCED:
		printf("powered off VM '%s' (it did not shut down in time)\n", ctx->name);
		break;
	}
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_stop = {
	.name = "stop",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "shut a VM down gracefully (ACPI), then fail or, with --force, power it off",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN | VP_NEED_SIGNALS,
	.check = check,
	.run = run,
};
