/* cmd/main.c — the command table and the dispatcher
 *
 *   vprov [-c URI] COMMAND [options] [args]
 *
 * Command names match exactly (no prefixes: delete is destructive).  The
 * dispatcher parses by the command's table, then sets up what the command
 * declares it needs (signals, the event loop thread, the connection with
 * the roll-back of dead operations, the VM named by the first argument)
 * and runs it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cleanup.h"
#include "domain.h"
#include "osinfo.h"
#include "vprov.h"

const struct vp_opt vp_common_opts[] = {
	VP_OPT_VALUE('c', "connect", "URI",
		     "libvirt URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)"),
	VP_OPT_FLAG('h', "help", "show this help"),
	VP_OPT_END,
};

/* ---- hidden commands: completion and the build's documents ---- */

static int complete_names(struct vp_ctx *ctx, const struct vp_args *a)
{
	const char *kind = vp_arg_pos(a, 0);
	struct vp_error err = { 0 };

	if (!strcmp(kind, "os")) {
		struct vp_osinfo *db = NULL;
		struct vp_os_summary *l = NULL;
		size_t n = 0, i;

		if (vp_osinfo_open_default(ctx, &db, NULL, &err) < 0)
			return VP_EXIT_FAIL;
		if (vp_osinfo_list(db, NULL, NULL, &l, &n, &err) == 0) {
			for (i = 0; i < n; i++)
				if (l[i].short_id)
					puts(l[i].short_id);
			vp_os_summaries_free(l, n);
		}
		vp_osinfo_close(db);
		return VP_EXIT_OK;
	}
	ctx->no_recover = true;
	if (vp_connect(ctx, &err) < 0)
		return VP_EXIT_FAIL;
	if (!strcmp(kind, "vm")) {
		virDomainPtr *doms = NULL;
		int n = virConnectListAllDomains(ctx->conn, &doms, 0), i;

		for (i = 0; i < n; i++) {
			puts(virDomainGetName(doms[i]));
			virDomainFree(doms[i]);
		}
		free(doms);
	} else if (!strcmp(kind, "pool")) {
		virStoragePoolPtr *pools = NULL;
		int n = virConnectListAllStoragePools(ctx->conn, &pools, 0), i;

		for (i = 0; i < n; i++) {
			puts(virStoragePoolGetName(pools[i]));
			virStoragePoolFree(pools[i]);
		}
		free(pools);
	} else if (!strcmp(kind, "network")) {
		virNetworkPtr *nets = NULL;
		int n = virConnectListAllNetworks(ctx->conn, &nets, 0), i;

		for (i = 0; i < n; i++) {
			puts(virNetworkGetName(nets[i]));
			virNetworkFree(nets[i]);
		}
		free(nets);
	}
	return VP_EXIT_OK;
}

static int print_man(struct vp_ctx *ctx, const struct vp_args *a)
{
	(void)ctx;
	(void)a;
	vp_print_man(stdout);
	return VP_EXIT_OK;
}

static int print_completion(struct vp_ctx *ctx, const struct vp_args *a)
{
	(void)ctx;
	(void)a;
	vp_print_bash_completion(stdout);
	return VP_EXIT_OK;
}

static const struct vp_cmd cmd_complete = {
	.name = "__complete", .args = "vm|pool|network|os", .min_args = 1, .max_args = 1,
	.summary = "names for bash completion", .run = complete_names, .hidden = true,
};
static const struct vp_cmd cmd_man = {
	.name = "__man", .summary = "the man page vprov(1), in roff", .run = print_man, .hidden = true,
};
static const struct vp_cmd cmd_bashcomp = {
	.name = "__bash-completion", .summary = "the bash completion script",
	.run = print_completion, .hidden = true,
};

const struct vp_cmd *const vp_commands[] = {
	&vp_cmd_create, &vp_cmd_list,   &vp_cmd_info, &vp_cmd_start,  &vp_cmd_stop,
	&vp_cmd_stats,
	&vp_cmd_pool,
	&vp_cmd_destroy, &vp_cmd_delete, &vp_cmd_snapshot, &vp_cmd_net, &vp_cmd_clone, &vp_cmd_migrate, &vp_cmd_inject, &vp_cmd_console, &vp_cmd_xml, &vp_cmd_osinfo,
	&vp_cmd_ip, &vp_cmd_ssh,
	&vp_cmd_host,   &vp_cmd_fetch, &vp_cmd_cache, &vp_cmd_image, &vp_cmd_recover, &cmd_complete, &cmd_man, &cmd_bashcomp, NULL,
};

/* ---- libvirt's event loop, on a thread the program owns ---- */

static pthread_t event_thread;
static volatile sig_atomic_t event_quit;

static void *event_loop(void *arg)
{
	(void)arg;
	while (!event_quit)
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void wake(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

static int events_start(struct vp_ctx *ctx, struct vp_error *err)
{
	if (vp_libvirt_load(err) < 0)
		return -1;
	if (virEventRegisterDefaultImpl() < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot set up libvirt's event loop");
	if (pthread_create(&event_thread, NULL, event_loop, NULL) != 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot start the event loop thread");
	ctx->events = true;
	return 0;
}

static void events_stop(struct vp_ctx *ctx)
{
	if (!ctx->events)
		return;
	event_quit = 1;
	virEventAddTimeout(0, wake, NULL, NULL);
	pthread_join(event_thread, NULL);
	ctx->events = false;
}

/* ---- dispatch ---- */

/* stdout must not lie: a failed write (full disk, closed pipe) is an error. */
static int close_stdout(int rc)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);
	int e = errno;

	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad && rc == VP_EXIT_OK) {
		fprintf(stderr, "vprov: cannot write output: %s\n", strerror(e));
		return VP_EXIT_FAIL;
	}
	return rc;
}

static const struct vp_cmd *find(const struct vp_cmd *const *table, const char *name)
{
	size_t i;

	for (i = 0; table[i]; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	return NULL;
}

static bool declares(const struct vp_cmd *cmd, const char *opt)
{
	const struct vp_opt *o;

	for (o = cmd->opts; o && o->kind != VP_K_END; o++)
		if (o->kind != VP_K_GROUP && !strcmp(o->name, opt))
			return true;
	return false;
}

static int run(struct vp_ctx *ctx, const struct vp_cmd *cmd, int argc, char **argv)
{
	struct vp_args a = { 0 };
	struct vp_error err = { 0 };
	int p, rc;

	p = vp_args_parse(ctx, cmd, argc, argv, &a);
	if (p != 0) {
		vp_args_clear(&a);
		return p > 0 ? VP_EXIT_OK : VP_EXIT_USAGE;
	}
	ctx->json = declares(cmd, "json") && vp_arg_flag(&a, "json");
	ctx->quiet = declares(cmd, "quiet") && vp_arg_flag(&a, "quiet");
	ctx->debug = declares(cmd, "debug") && vp_arg_flag(&a, "debug");
	if (ctx->quiet && ctx->debug) {
		vp_usage_error(ctx, "--quiet and --debug cannot go together");
		vp_args_clear(&a);
		return VP_EXIT_USAGE;
	}
	ctx->name = vp_arg_pos(&a, 0);
	if (cmd->check && (rc = cmd->check(ctx, &a)) != VP_EXIT_OK)
		goto out;
	if ((cmd->needs & VP_NEED_EVENTS) && events_start(ctx, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	if ((cmd->needs & (VP_NEED_CONN | VP_NEED_DOMAIN)) && vp_connect(ctx, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	if ((cmd->needs & VP_NEED_DOMAIN) && vp_domain_lookup(ctx->conn, ctx->name, &ctx->dom, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	rc = cmd->run(ctx, &a);
out:
	vp_reporter_done(ctx);
	if (ctx->dom)
		virDomainFree(ctx->dom);
	if (ctx->conn)
		virConnectClose(ctx->conn);
	events_stop(ctx);
	vp_args_clear(&a);
	return rc;
}

int main(int argc, char **argv)
{
	struct vp_ctx ctx = { .prog = "vprov" };
	const struct vp_cmd *cmd;
	int i = 1;

	vp_reporter_init(&ctx);
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			vp_print_top_help(stdout);
			return close_stdout(VP_EXIT_OK);
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("vprov %s\n", VP_VERSION);
			return close_stdout(VP_EXIT_OK);
		}
		if (!strcmp(a, "-c") || !strcmp(a, "--connect")) {
			if (i + 1 >= argc)
				return vp_usage_error(&ctx, "option '%s' needs a value", a);
			ctx.uri = argv[i + 1];
			i += 2;
			continue;
		}
		if (!strncmp(a, "--connect=", 10)) {
			ctx.uri = a + 10;
			i++;
			continue;
		}
		return vp_usage_error(&ctx, "unknown option '%s'; see 'vprov --help'", a);
	}
	if (i >= argc) {
		vp_print_top_help(stderr);
		return VP_EXIT_USAGE;
	}
	cmd = find(vp_commands, argv[i]);
	if (!cmd)
		return vp_usage_error(&ctx, "unknown command '%s'; see 'vprov --help'", argv[i]);
	snprintf(ctx.prog, sizeof(ctx.prog), "vprov %s", cmd->name);
	if (cmd->subcmds) {
		const struct vp_cmd *sub;

		if (i + 1 >= argc) {
			vp_print_help(stderr, cmd, ctx.prog);
			return VP_EXIT_USAGE;
		}
		if (!strcmp(argv[i + 1], "-h") || !strcmp(argv[i + 1], "--help")) {
			vp_print_help(stdout, cmd, ctx.prog);
			return close_stdout(VP_EXIT_OK);
		}
		sub = find(cmd->subcmds, argv[i + 1]);
		if (!sub)
			return vp_usage_error(&ctx, "unknown command '%s'; see '%s --help'", argv[i + 1],
					      ctx.prog);
		snprintf(ctx.prog, sizeof(ctx.prog), "vprov %s %s", cmd->name, sub->name);
		cmd = sub;
		i++;
	}
	ctx.cmd = cmd;
	/* before anything else: a signal during the first milliseconds is an
	 * interrupt the command sees, not a death that skips the unwind */
	if (cmd->needs & VP_NEED_SIGNALS)
		vp_catch_signals();
	return close_stdout(run(&ctx, cmd, argc - i - 1, argv + i + 1));
}
