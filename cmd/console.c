/* cmd/console.c — vprov console NAME [--log] [--force] [--timeout TIME] */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "console.h"
#include "domain.h"
#include "units.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG('l', "log", "print what the console showed so far, from its log file\n"
				"(running or not; the VM's host must be this machine)"),
	VP_OPT_FLAG('f', "force", "take the console over from another session"),
	VP_OPT_VALUE('t', "timeout", "TIME", "detach after TIME (seconds, or 30s, 5m)"),
	VP_OPT_END,
};

struct banner {
	const char *name;
	bool shown;              /* the session began on a terminal */
};

static void say_connected(void *opaque, bool tty)
{
	struct banner *b = opaque;

	if (!tty)
		return;
	b->shown = true;
	fprintf(stderr, "connected to VM '%s' console; escape with ^]\n", b->name);
	fflush(stderr);
}

int vp_console_session(struct vp_ctx *ctx, const char *name, const struct vp_console_opts *o)
{
	struct vp_error err = { 0 };
	struct vp_console_opts co = *o;
	struct banner b = { .name = name };
	virDomainPtr dom = NULL;
	int r;

	co.on_open = say_connected;
	co.opaque = &b;
	vp_catch_signals();
	/* a closed stdout must be an error, reported with the terminal restored */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	r = vp_connect(ctx, &err);
	if (r == 0)
		r = vp_domain_lookup(ctx->conn, name, &dom, &err);
	if (r == 0)
		r = vp_console_attach(dom, STDIN_FILENO, STDOUT_FILENO, &co, &vp_interrupted, NULL,
				      &err);
	if (dom)
		virDomainFree(dom);
	if (b.shown)
		fputc('\n', stderr); /* the guest's last line may be unfinished */
	return r < 0 ? vp_fail(ctx, &err) : VP_EXIT_OK;
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	struct vp_console_opts o = { .timeout_ms = -1 };
	const char *t = vp_arg_str(a, "timeout");

	o.force = vp_arg_flag(a, "force");
	if (t && vp_parse_duration(t, 7 * 24 * 3600 * 1000LL, "--timeout", &o.timeout_ms, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	if (vp_arg_flag(a, "log")) {
		if (o.force || t)
			return vp_usage_error(ctx, "--log prints the log and exits: it takes no --%s; see '%s --help'",
					      o.force ? "force" : "timeout", ctx->prog);
		fflush(stdout);
		if (vp_connect(ctx, &err) < 0 || vp_domain_lookup(ctx->conn, ctx->name, &ctx->dom, &err) < 0 ||
		    vp_console_log_copy(ctx->dom, STDOUT_FILENO, &err) < 0)
			return vp_fail(ctx, &err);
		return VP_EXIT_OK;
	}
	return vp_console_session(ctx, ctx->name, &o);
}

const struct vp_cmd vp_cmd_console = {
	.name = "console",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "attach to a VM's serial console, or print its log",
	.description =
		"Attaches to the serial console of a running VM: stdin goes to the guest, what the\n"
		"guest prints goes to stdout, until the VM stops.  On a terminal, Ctrl+] detaches.\n"
		"When stdin is not a terminal it is sent as it is, and its end stops only the\n"
		"input: the output is relayed until the VM stops or the --timeout passes.",
	.opts = options,
	.needs = VP_NEED_EVENTS,
	.run = run,
};
