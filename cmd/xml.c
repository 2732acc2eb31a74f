/* cmd/xml.c — vprov xml NAME [--inactive] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vprov.h"
#include "domain.h"

static const char help[] =
	"      --inactive         the definition used at next start, not the running one\n";

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "inactive", no_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_error err = { 0 };
	const char *name = NULL;
	bool inactive = false;
	char *xml = NULL;
	size_t len;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT, options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx);
			continue;
		}
		if (opt == 'i')
			inactive = true;
		else
			return vp_bad_opt(ctx, opt, argv);
	}
	if (vp_one_name(ctx, argc, argv, &name) != 0)
		return VP_EXIT_USAGE;
	if (vp_connect(ctx, &err) < 0 || vp_domain_xml(ctx->conn, name, inactive, &xml, &err) < 0)
		return vp_report(ctx, &err);
	len = strlen(xml);
	fputs(xml, stdout);
	if (len && xml[len - 1] != '\n')
		putchar('\n');
	free(xml);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_xml = {
	.name = "xml",
	.usage = "NAME [--inactive]",
	.summary = "print a VM's libvirt domain XML",
	.help = help,
	.run = run,
};
