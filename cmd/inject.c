/* cmd/inject.c — vprov inject (NAME | --disk PATH|POOL/VOL) [EDITS]: guest
 * disk edits in one libguestfs appliance launch, in command-line order */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cleanup.h"
#include "edit.h"
#include "fs.h"
#include "inject.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_VALUE(0, "disk", "PATH|POOL/VOL",
		     "edit this disk image instead of a VM's disks: a local\n"
		     "path, or a volume of a storage pool",
		     .comp = VP_COMP_FILE),
	VP_OPT_GROUP("Edits (in the order given; each may be repeated)"),
	VP_OPT_LIST(0, "hostname", "NAME", "the guest's host name (/etc/hostname, /etc/hosts)"),
	VP_OPT_LIST(0, "ssh-inject", "USER:file:PATH",
		    "add a public key to USER's authorized_keys\n"
		    "(USER:string:KEY gives the key itself)",
		    .comp = VP_COMP_FILE),
	VP_OPT_LIST(0, "root-password", "file:PATH|random|locked",
		    "root's password: the first line of a file (a pipe is\n"
		    "fine), a generated one (printed once) or none; written\n"
		    "as a SHA-512 crypt hash"),
	VP_OPT_LIST(0, "write", "PATH:CONTENT", "write CONTENT to the guest file PATH"),
	VP_OPT_LIST(0, "upload", "LOCAL:REMOTE", "copy the local file LOCAL to REMOTE in the guest",
		    .comp = VP_COMP_FILE),
	VP_OPT_LIST(0, "mkdir", "PATH", "make a guest directory (and its parents)"),
	VP_OPT_LIST(0, "chmod", "MODE:PATH", "set the octal mode of a guest file"),
	VP_OPT_LIST(0, "firstboot-command", "CMD", "run CMD once (/bin/sh) when the guest next boots"),
	VP_OPT_LIST(0, "serial-console", "[=TTY]",
		    "kernel messages and a login on the serial console:\n"
		    "console=TTY (default ttyS0,115200n8) on the kernel\n"
		    "command line in /etc/default/grub, grub.cfg and BLS\n"
		    "entries, effective at the next boot",
		    .optional = true),
	VP_OPT_LIST(0, "nocloud-seed", "[=OPTS]",
		    "a cloud-init NoCloud seed in /var/lib/cloud/seed/nocloud;\n"
		    "OPTS as --cloud-init's (root-password-file=F,\n"
		    "root-ssh-key=F, user-data=F, disable=on, ...) and\n"
		    "hostname=H; bare: a generated root password, disable,\n"
		    "$HOME's keys",
		    .optional = true),
	VP_OPT_FLAG(0, "sysprep",
		    "prepare a clone: empty machine-id, remove SSH host keys\n"
		    "(made again at boot), cloud-init state, DHCP leases,\n"
		    "udev net rules, histories; truncate logs"),
	VP_OPT_GROUP("Other"),
	VP_OPT_FLAG(0, "dry-run", "check everything and say what would be edited; change nothing"),
	VP_OPT_END,
};

static const char description[] =
	"All edits are made in one libguestfs appliance launch, in the order given on\n"
	"the command line (across options), on the guest that inspection finds on the\n"
	"disks.  The VM must be shut off; a disk a running VM uses is refused.  The\n"
	"appliance runs under KVM when 'vprov host check' found that KVM runs guests\n"
	"here, else under TCG (LIBGUESTFS_BACKEND and LIBGUESTFS_BACKEND_SETTINGS, when\n"
	"set, still win).  When an edit fails, the ones before it stay applied and the\n"
	"error names them.\n"
	"\n"
	"  vprov inject web1 --hostname web1 --ssh-inject root:file:$HOME/.ssh/id_ed25519.pub\n"
	"  vprov inject --disk default/web1.qcow2 --serial-console --sysprep\n"
	"  vprov inject --disk ./d.qcow2 --mkdir /opt/a --write /opt/a/f:hello --chmod 0600:/opt/a/f";

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	bool disk = vp_arg_str(a, "disk") != NULL;
	size_t i = 0;

	if (disk == (vp_arg_pos(a, 0) != NULL))
		return vp_usage_error(ctx, "give a VM name or --disk PATH|POOL/VOL%s; see '%s --help'",
				      disk ? ", not both" : "", ctx->prog);
	if (!vp_arg_next_of(a, vp_edit_options, &i))
		return vp_usage_error(ctx, "no edit given (--hostname, --ssh-inject, ...); see '%s --help'",
				      ctx->prog);
	return VP_EXIT_OK;
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	struct vp_edit_list edits = { 0 };
	struct vp_domain_inject_result res = { 0 };
	_cleanup_(freep) char *cache = vp_cache_dir();
	struct vp_domain_inject_opts o = { .cache_dir = cache, .reporter = &ctx->reporter,
					   .dry_run = vp_arg_flag(a, "dry-run") };
	const struct vp_arg_value *v;
	int rc = VP_EXIT_OK;
	size_t i = 0;

	while ((v = vp_arg_next_of(a, vp_edit_options, &i)))
		if (vp_edit_list_add(&edits, v->opt->name, v->value, &err) < 0) {
			rc = vp_fail(ctx, &err);
			goto out;
		}
	if (vp_domain_inject(ctx->conn, vp_arg_pos(a, 0), vp_arg_str(a, "disk"), &edits, &o, &res,
			     &err) < 0) {
		rc = vp_fail(ctx, &err);
	} else if (o.dry_run) {
		printf("would edit, in one libguestfs appliance under %s:\n", res.tcg ? "TCG" : "KVM");
		for (i = 0; i < res.n_disks; i++)
			printf("  disk %s\n", res.disks[i]);
		for (i = 0; i < edits.n; i++)
			printf("  %zu. %s\n", i + 1, edits.v[i].label);
	} else
		printf("applied %zu edit%s to %s (root file system %s)\n", res.edits.applied,
		       res.edits.applied == 1 ? "" : "s",
		       vp_arg_pos(a, 0) ? vp_arg_pos(a, 0) : res.n_disks ? res.disks[0] : "the disk",
		       res.edits.root ? res.edits.root : "?");
	/* a generated password that went into the guest is shown even when a
	 * later edit failed: it is the only way in */
	if (res.edits.password)
		printf("root password: %s\n", res.edits.password);
	if (res.edits.seed_password)
		printf("root password (cloud-init, to be changed at the first login): %s\n",
		       res.edits.seed_password);
out:
	vp_domain_inject_result_clear(&res);
	vp_edit_list_clear(&edits);
	return rc;
}

const struct vp_cmd vp_cmd_inject = {
	.name = "inject",
	.args = "[NAME]",
	.arg_what = "a VM name",
	.min_args = 0,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "edit a shut-off VM's disks (host name, keys, password, files, serial console)",
	.description = description,
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_SIGNALS,
	.check = check,
	.run = run,
};
