/* cmd/common.c — the connection, messages, signals and the OS database
 * for commands */
#include "vprov.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "journal.h"
#include "osinfo.h"

volatile sig_atomic_t vp_interrupted;

static void on_signal(int sig)
{
	if (!vp_interrupted)
		vp_interrupted = sig;
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
	_cleanup_(freep) char *state = NULL;

	if (ctx->conn)
		return 0;
	if (vp_libvirt_load(err) < 0)
		return -1;
	ctx->conn = virConnectOpenAuth(ctx->uri, virConnectAuthPtrDefault, 0);
	if (!ctx->conn) {
		const char *uri = ctx->uri ? ctx->uri : getenv("LIBVIRT_DEFAULT_URI");

		if (uri)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot connect to '%s'", uri);
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot connect to the default hypervisor");
	}
	/* what operations that died on this host left behind goes first */
	if (!ctx->no_recover && (state = vp_state_dir())) {
		struct vp_error e2 = { 0 };

		if (vp_journal_recover(ctx->conn, state, &ctx->reporter, &e2) < 0)
			vp_warn(ctx, "%s", e2.msg);
	}
	return 0;
}

int vp_fail(const struct vp_ctx *ctx, const struct vp_error *err)
{
	vp_reporter_done((struct vp_ctx *)ctx);
	fprintf(stderr, "%s: %s\n", ctx->prog, err->msg[0] ? err->msg : "failed");
	switch (err->code) {
	case VP_ERR_INVALID:
	case VP_ERR_NOT_FOUND:
	case VP_ERR_EXISTS:
		return VP_EXIT_USAGE;
	case VP_ERR_CANCELLED:
		return vp_interrupted ? 128 + vp_interrupted : VP_EXIT_INTERRUPTED;
	default:
		return VP_EXIT_FAIL;
	}
}

int vp_usage_error(const struct vp_ctx *ctx, const char *fmt, ...)
{
	struct vp_error err = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vp_error_setv(&err, VP_ERR_INVALID, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", ctx->prog, err.msg);
	return VP_EXIT_USAGE;
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
	o.reporter = &ctx->reporter;
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

/* Test knobs for the tests that interrupt, kill or fail an operation at a
 * chosen step on a real host. */
static int test_pause_hook(void *opaque, const struct vp_step *st, enum vp_hook_point at)
{
	static const char *const points[] = { "before", "intent", "after" };
	const struct vp_test_pause *p = opaque;
	int i;

	if (strcmp(p->kind, st->kind) != 0 || strcmp(p->point, points[at]) != 0)
		return 0;
	fprintf(stderr, "vprov-test: paused %s step '%s' (pid %ld)\n", points[at], st->kind,
		(long)getpid());
	fflush(stderr);
	for (i = 0; i < 120 * 50 && access(p->file, F_OK) == 0 && !vp_interrupted; i++)
		usleep(20 * 1000);
	return 0;
}

void vp_test_knobs(const char **fail_at, vp_test_hook_fn *hook, void **hook_opaque,
		   struct vp_test_pause *p)
{
	const char *v = getenv("VPROV_FAIL_AT");
	const char *c1, *c2;

	if (v && *v)
		*fail_at = v;
	v = getenv("VPROV_TEST_PAUSE");
	if (!v || !(c1 = strchr(v, ':')) || !(c2 = strchr(c1 + 1, ':')) ||
	    (size_t)(c1 - v) >= sizeof(p->kind) || (size_t)(c2 - c1 - 1) >= sizeof(p->point))
		return;
	snprintf(p->kind, sizeof(p->kind), "%.*s", (int)(c1 - v), v);
	snprintf(p->point, sizeof(p->point), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	p->file = c2 + 1;
	*hook = test_pause_hook;
	*hook_opaque = p;
}
