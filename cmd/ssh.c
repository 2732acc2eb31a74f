/* cmd/ssh.c — vprov ssh NAME [-l USER] [-i KEY] [--wait TIME] [-- CMD...] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "clock.h"
#include "fs.h"
#include "guestaddr.h"
#include "sshlogin.h"
#include "units.h"
#include "vprov.h"

#define DEFAULT_WAIT_MS (300 * 1000LL)

static const struct vp_opt options[] = {
	VP_OPT_VALUE('l', "login", "USER", "log in as USER instead of the user vprov recorded"),
	VP_OPT_VALUE('i', "identity", "KEY", "log in with the private key KEY instead of the\n"
					     "one vprov recorded", .comp = VP_COMP_FILE),
	VP_OPT_VALUE('w', "wait", "TIME",
		     "wait up to TIME (seconds, or 30s, 5m; -1: no end) for an\n"
		     "address and for sshd to answer (default 5m; 0: do not wait)"),
	VP_OPT_VALUE(0, "source", "SOURCE",
		     "where to ask for the address: lease, agent, arp or any (the\n"
		     "default), as vprov ip", .comp = VP_COMP_WORDS, .words = "lease agent arp any"),
	VP_OPT_END,
};

static int parse(struct vp_ctx *ctx, const struct vp_args *a, int64_t *wait_ms,
		 enum vp_addr_source *src)
{
	const char *v;
	int rc = vp_addr_args(ctx, a, wait_ms, src);

	if (rc != VP_EXIT_OK)
		return rc;
	if ((v = vp_arg_str(a, "identity")) && access(v, R_OK) < 0)
		return vp_usage_error(ctx, "cannot use key '%s': %s", v, strerror(errno));
	return VP_EXIT_OK;
}

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	int64_t w = DEFAULT_WAIT_MS;
	enum vp_addr_source s = VP_ADDR_ANY;

	return parse(ctx, a, &w, &s);
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_ssh_login rec = { 0 };
	struct vp_guest_addrs g = { 0 };
	struct vp_error err = { 0 };
	int64_t wait_ms = DEFAULT_WAIT_MS, start = vp_now_ms(), left;
	enum vp_addr_source src = VP_ADDR_ANY;
	char *state = NULL, *dir = NULL, *kh = NULL;
	char **argv = NULL;
	const char *user, *key;
	int rc = parse(ctx, a, &wait_ms, &src);

	if (rc != VP_EXIT_OK)
		return rc;
	if (vp_ssh_login_read(ctx->dom, &rec, &err) < 0)
		return vp_fail(ctx, &err);
	user = vp_arg_str(a, "login") ? vp_arg_str(a, "login") : rec.user;
	key = vp_arg_str(a, "identity");
	if (!key && rec.key) {
		if (access(rec.key, R_OK) == 0)
			key = rec.key;
		else
			vp_warn(ctx, "the key '%s' that VM '%s' got at create cannot be read (%s): ssh tries its own",
				rec.key, ctx->name, strerror(errno));
	}
	state = vp_state_dir();
	if (!state) {
		rc = vp_usage_error(ctx, "no state directory for the VM's known hosts: set $XDG_STATE_HOME or $HOME");
		goto out;
	}
	dir = vp_strdup_printf("%s/known_hosts", state);
	if (vp_mkdir_p(dir, 0700) < 0) {
		vp_error_set(&err, VP_ERR_RUNTIME, "cannot make directory '%s': %s", dir,
			     strerror(errno));
		rc = vp_fail(ctx, &err);
		goto out;
	}
	kh = vp_ssh_known_hosts(state, rec.uuid);

	if (vp_guest_addrs_wait(ctx->dom, src, wait_ms, &ctx->reporter, &g, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	left = wait_ms < 0 ? -1 : wait_ms - (vp_now_ms() - start);
	if (wait_ms >= 0 && left < 0)
		left = 0;
	if (vp_ssh_wait_port(vp_guest_addrs_pick(&g), 22, left, &ctx->reporter, &err) < 0) {
		struct vp_error e2 = { .code = err.code };

		if (err.code == VP_ERR_CANCELLED || wait_ms == 0)
			e2 = err;
		else if (wait_ms < 0)
			vp_error_set(&e2, err.code, "VM '%s': %s", ctx->name, err.msg);
		else
			vp_error_set(&e2, err.code, "VM '%s': after %lld s %s", ctx->name,
				     (long long)(wait_ms / 1000), err.msg);
		rc = vp_fail(ctx, &e2);
		goto out;
	}
	vp_reporter_done(ctx);
	{
		struct vp_ssh_req req = {
			.ssh = getenv("VPROV_SSH"),
			.user = user,
			.key = key,
			.known_hosts = kh,
			.alias = rec.uuid,
			.addr = vp_guest_addrs_pick(&g),
			.cmd = a->pos + 1,
			.n_cmd = a->n_pos - 1,
		};

		argv = vp_ssh_argv(&req);
	}
	fflush(stdout);
	fflush(stderr);
	execvp(argv[0], argv);
	vp_error_set(&err, VP_ERR_RUNTIME, "cannot run '%s': %s", argv[0], strerror(errno));
	rc = vp_fail(ctx, &err);
out:
	vp_ssh_argv_free(argv);
	vp_guest_addrs_clear(&g);
	vp_ssh_login_clear(&rec);
	free(kh);
	free(dir);
	free(state);
	return rc;
}

const struct vp_cmd vp_cmd_ssh = {
	.name = "ssh",
	.args = "NAME [-- CMD...]",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 4096,
	.arg_comp = VP_COMP_VM,
	.summary = "log in to a VM (or run CMD there) with the key vprov gave it",
	.description =
		"Waits for the guest's address (as vprov ip --wait) and for its sshd to\n"
		"answer on port 22, then runs the system's ssh in vprov's place: ssh's\n"
		"exit status, terminal and input are yours.  It logs in as the user and\n"
		"with the private key that vprov recorded when its --cloud-init seed put\n"
		"the .pub into the guest (root and your ~/.ssh/id_*.pub by default, or\n"
		"vprov's own key when you have none); -l and -i choose others.\n"
		"\n"
		"Everything after \"--\" is the remote command, as ssh runs it (joined by\n"
		"spaces and given to the remote shell): vprov ssh web1 -- uptime.  Words\n"
		"after \"--\" that look like ssh's options go to the remote command too.\n"
		"\n"
		"Host keys go to a known_hosts file of the VM's own (keyed by its UUID,\n"
		"under $XDG_STATE_HOME/vprov/known_hosts, never your ~/.ssh/known_hosts),\n"
		"accepted on first use: a VM made again under the same name and address\n"
		"brings no host-key alarm, while a changed key of the same VM stops ssh.\n"
		"vprov delete removes the file.  $VPROV_SSH names another ssh program.",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN | VP_NEED_SIGNALS,
	.check = check,
	.run = run,
};
