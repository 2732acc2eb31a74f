/* cmd/common.c — connection, messages and option helpers for commands */
#include "vprov.h"

#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osinfo.h"
#include "fs.h"
#include "spec.h"

volatile sig_atomic_t vp_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	vp_interrupted = 1;
}

void vp_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int vp_connect(struct vp_ctx *ctx, struct vp_error *err)
{
	if (ctx->conn)
		return 0;
	if (vp_libvirt_load(err) < 0)
		return -1;
	if (ctx->cmd && (ctx->cmd->flags & VP_CMD_EVENTS))
		virEventRegisterDefaultImpl();
	ctx->conn = virConnectOpenAuth(ctx->uri, virConnectAuthPtrDefault, 0);
	if (!ctx->conn) {
		const char *uri = ctx->uri ? ctx->uri : getenv("LIBVIRT_DEFAULT_URI");

		if (uri)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot connect to '%s'", uri);
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot connect to the default hypervisor");
	}
	return 0;
}

int vp_report(const struct vp_ctx *ctx, const struct vp_error *err)
{
	fprintf(stderr, "%s: %s\n", ctx->prog, err->msg[0] ? err->msg : "failed");
	switch (err->code) {
	case VP_ERR_INVALID:
	case VP_ERR_NOT_FOUND:
	case VP_ERR_EXISTS:
		return VP_EXIT_USAGE;
	case VP_ERR_CANCELLED:
		return VP_EXIT_INTERRUPTED;
	default:
		return VP_EXIT_FAIL;
	}
}

int vp_usage_error(const struct vp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctx->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return VP_EXIT_USAGE;
}

void vp_warn(const struct vp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", ctx->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vp_help(const struct vp_ctx *ctx)
{
	const struct vp_cmd *c = ctx->cmd;

	printf("usage: %s %s\n\n%s\n", ctx->prog, c->usage, c->summary);
	if (c->help)
		printf("\n%s", c->help);
	printf("\n  -c, --connect URI      libvirt URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)\n"
	       "  -h, --help             show this help\n");
	return VP_EXIT_OK;
}

int vp_common_opt(struct vp_ctx *ctx, int opt, const char *arg)
{
	switch (opt) {
	case 'c':
		ctx->uri = arg;
		return 1;
	case 'h':
		return -1;
	default:
		return 0;
	}
}

int vp_bad_opt(const struct vp_ctx *ctx, int opt, char **argv)
{
	const char *bad = optind > 0 ? argv[optind - 1] : NULL;
	size_t len = bad ? strcspn(bad, "=") : 0;

	if (opt == ':' && bad)
		return vp_usage_error(ctx, "option '%.*s' needs a value; see '%s --help'", (int)len,
				      bad, ctx->prog);
	if (optopt && optopt != '?')
		return vp_usage_error(ctx, "unknown option '-%c'; see '%s --help'", optopt,
				      ctx->prog);
	return vp_usage_error(ctx, "unknown option '%.*s'; see '%s --help'", (int)len,
			      bad ? bad : "?", ctx->prog);
}

int vp_one_name(const struct vp_ctx *ctx, int argc, char **argv, const char **name)
{
	if (optind >= argc) {
		vp_usage_error(ctx, "a VM name is required; see '%s --help'", ctx->prog);
		return -1;
	}
	if (optind + 1 < argc) {
		vp_usage_error(ctx, "unexpected argument '%s'; see '%s --help'", argv[optind + 1],
			       ctx->prog);
		return -1;
	}
	*name = argv[optind];
	return 0;
}

int vp_parse_name_only(struct vp_ctx *ctx, int argc, char **argv, const char **name)
{
	static const struct option options[] = { VP_COMMON_LONG, { NULL, 0, NULL, 0 } };
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT, options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) == 0) {
			vp_bad_opt(ctx, opt, argv);
			return -1;
		}
		if (c < 0) {
			vp_help(ctx);
			return 0;
		}
	}
	return vp_one_name(ctx, argc, argv, name) < 0 ? -1 : 1;
}

static void osinfo_warn(void *opaque, const char *msg)
{
	vp_warn(opaque, "%s", msg);
}

int vp_osinfo_open_default(const struct vp_ctx *ctx, struct vp_osinfo **db, bool *rebuilt,
			   struct vp_error *err)
{
	struct vp_osinfo_opts o;
	char *bufs[3];
	char *cache = vp_cache_dir();
	int r;

	vp_osinfo_default_opts(&o, bufs);
	o.cache_dir = cache;
	o.lazy = cache != NULL; /* a stale index is rebuilt after the answer */
	o.warn = osinfo_warn;
	o.opaque = (void *)ctx;
	if (getenv("VPROV_OSINFO_NO_BUNDLED"))
		o.no_bundled = true;
	r = vp_osinfo_open(&o, db, rebuilt, err);
	free(bufs[0]);
	free(bufs[1]);
	free(bufs[2]);
	free(cache);
	return r;
}

void vp_osinfo_done(struct vp_osinfo *db)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char *argv[] = { "vprov", "osinfo", "reindex", "--background", NULL };
	pid_t pid;

	if (!db)
		return;
	if (vp_osinfo_stale(db) && posix_spawn_file_actions_init(&fa) == 0) {
		/* detached, silent, at the lowest priority: the next command
		 * finds the index ready */
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		posix_spawnattr_init(&attr);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
		posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, environ);
		posix_spawnattr_destroy(&attr);
		posix_spawn_file_actions_destroy(&fa);
	}
	vp_osinfo_close(db);
}
