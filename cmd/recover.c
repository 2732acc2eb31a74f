/* cmd/recover.c — vprov recover: roll back now what operations that died
 * left on a host (every command that connects does it too, first) */
#include "cleanup.h"
#include "fs.h"
#include "journal.h"
#include "vprov.h"

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_error err = { 0 };
	int n;

	(void)a;
	ctx->no_recover = true;
	if (vp_connect(ctx, &err) < 0)
		return vp_fail(ctx, &err);
	n = vp_journal_recover(ctx->conn, state, &ctx->reporter, &err);
	if (n < 0)
		return vp_fail(ctx, &err);
	if (n == 0)
		printf("nothing to roll back on this host\n");
	else
		printf("rolled back %d interrupted operation%s\n", n, n == 1 ? "" : "s");
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_recover = {
	.name = "recover",
	.summary = "roll back what interrupted vprov operations left on the host",
	.description =
		"vprov writes the undo of each step of a create to a journal before the step\n"
		"runs.  When a create dies half-way (SIGKILL, a crash, power loss, libvirtd\n"
		"gone), the next vprov command that connects to that host rolls it back and\n"
		"says what it removed; this command does only that.  Journals live in\n"
		"~/.local/state/vprov/journal (or $XDG_STATE_HOME/vprov/journal).",
	.needs = VP_NEED_SIGNALS,
	.run = run,
};
