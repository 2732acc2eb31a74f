/* cmd/xml.c — vprov xml NAME [--inactive] */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG(0, "inactive", "the definition used at next start, not the running one"),
	VP_OPT_END,
};

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	char *xml = NULL;
	size_t len;

	if (vp_domain_xml(ctx->dom, vp_arg_flag(a, "inactive"), &xml, &err) < 0)
		return vp_fail(ctx, &err);
	len = strlen(xml);
	fputs(xml, stdout);
	if (len && xml[len - 1] != '\n')
		putchar('\n');
	free(xml);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_xml = {
	.name = "xml",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "print a VM's libvirt domain XML",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = run,
};
