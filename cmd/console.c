/* cmd/console.c — vprov console NAME [--log] [--force] [--timeout TIME] */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "vprov.h"
#include "console.h"
#include "units.h"

static const char help[] =
	"Attaches to the serial console of a running VM: stdin goes to the guest, what the\n"
	"guest prints goes to stdout, until the VM stops.  On a terminal, Ctrl+] detaches.\n"
	"When stdin is not a terminal it is sent as it is, and its end stops only the\n"
	"input: the output is relayed until the VM stops or the --timeout passes.\n"
	"\n"
	"  -l, --log              print what the console showed so far, from its log file\n"
	"                         (running or not; the VM's host must be this machine)\n"
	"  -f, --force            take the console over from another session\n"
	"  -t, --timeout TIME     detach after TIME (seconds, or 30s, 5m)\n";

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "log", no_argument, NULL, 'l' },
	{ "force", no_argument, NULL, 'f' },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
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
	struct vp_console_opts opts = *o;
	struct banner b = { .name = name };
	int r;

	opts.on_open = say_connected;
	opts.opaque = &b;
	vp_catch_signals();
	/* a closed stdout must be an error, reported with the terminal restored */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	r = vp_connect(ctx, &err);
	if (r == 0)
		r = vp_console_attach(ctx->conn, name, STDIN_FILENO, STDOUT_FILENO, &opts,
				      &vp_interrupted, NULL, &err);
	if (b.shown)
		fputc('\n', stderr); /* the guest's last line may be unfinished */
	return r < 0 ? vp_report(ctx, &err) : VP_EXIT_OK;
}

static int print_log(struct vp_ctx *ctx, const char *name)
{
	struct vp_error err = { 0 };

	fflush(stdout);
	if (vp_connect(ctx, &err) < 0 || vp_console_log_copy(ctx->conn, name, STDOUT_FILENO, &err) < 0)
		return vp_report(ctx, &err);
	return VP_EXIT_OK;
}

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_error err = { 0 };
	struct vp_console_opts o = { .timeout_ms = -1 };
	const char *name = NULL;
	bool log = false, timeout_set = false;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT "lft:", options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx);
			continue;
		}
		if (opt == 'l') {
			log = true;
		} else if (opt == 'f') {
			o.force = true;
		} else if (opt == 't') {
			if (vp_parse_duration(optarg, 7 * 24 * 3600 * 1000LL, "--timeout", &o.timeout_ms,
					      &err) < 0)
				return vp_usage_error(ctx, "%s", err.msg);
			timeout_set = true;
		} else {
			return vp_bad_opt(ctx, opt, argv);
		}
	}
	if (vp_one_name(ctx, argc, argv, &name) != 0)
		return VP_EXIT_USAGE;
	if (log && (o.force || timeout_set))
		return vp_usage_error(ctx, "--log prints the log and exits: it takes no --%s; see '%s --help'",
				      o.force ? "force" : "timeout", ctx->prog);
	return log ? print_log(ctx, name) : vp_console_session(ctx, name, &o);
}

const struct vp_cmd vp_cmd_console = {
	.name = "console",
	.usage = "NAME [--log] [--force] [--timeout TIME]",
	.summary = "attach to a VM's serial console, or print its log",
	.help = help,
	.flags = VP_CMD_EVENTS,
	.run = run,
};
