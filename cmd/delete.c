/* cmd/delete.c — vprov delete NAME [--keep-storage] */
#include <getopt.h>
#include <stdio.h>

#include "vprov.h"
#include "domain.h"

static const char help[] =
	"      --keep-storage     keep the volumes vprov created for the VM\n"
	"\n"
	"A running VM is powered off first.  Only volumes vprov created for this VM\n"
	"are removed: never a disk it only used, a backing image, or a volume\n"
	"another VM uses.\n";

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "keep-storage", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 },
};

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_delete_report rep = { 0 };
	struct vp_error err = { 0 };
	const char *name = NULL;
	bool keep = false;
	int opt, c, rc = VP_EXIT_OK;
	size_t i;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT, options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx);
			continue;
		}
		if (opt == 'k')
			keep = true;
		else
			return vp_bad_opt(ctx, opt, argv);
	}
	if (vp_one_name(ctx, argc, argv, &name) != 0)
		return VP_EXIT_USAGE;
	if (vp_connect(ctx, &err) < 0)
		return vp_report(ctx, &err);
	if (vp_domain_delete(ctx->conn, name, keep, &rep, &err) < 0)
		rc = vp_report(ctx, &err);
	else
		printf("deleted VM '%s'\n", name);
	for (i = 0; i < rep.n_removed; i++)
		printf("  removed %s\n", rep.removed[i]);
	for (i = 0; i < rep.n_kept; i++)
		vp_warn(ctx, "kept %s", rep.kept[i]);
	if (rc == VP_EXIT_OK && !rep.managed && !keep)
		vp_warn(ctx, "VM '%s' was not created by vprov; its disks were kept", name);
	vp_delete_report_clear(&rep);
	return rc;
}

const struct vp_cmd vp_cmd_delete = {
	.name = "delete",
	.usage = "NAME [--keep-storage]",
	.summary = "remove a VM and the volumes vprov created for it",
	.help = help,
	.run = run,
};
