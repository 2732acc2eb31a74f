/* cmd/create.c — vprov create NAME [options]: define and start a VM */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vprov.h"
#include "plan.h"
#include "fs.h"
#include "osinfo.h"
#include "cleanup.h"
#include "console.h"
#include "create.h"
#include "domain.h"
#include "units.h"

static const struct vp_opt options[] = {
	VP_OPT_GROUP("VM"),
	VP_OPT_VALUE('n', "name", "NAME", "the VM's name (or give it as the first argument)"),
	VP_OPT_VALUE(0, "os", "ID",
		     "the OS profile (see 'vprov osinfo list'): memory,\n"
		     "vCPUs, disk size, machine, devices and firmware a\n"
		     "good admin would pick for it; options given win.\n"
		     "A NAME that is a profile id picks that profile;\n"
		     "'generic' picks none",
		     .aliases = "os-variant osinfo", .comp = VP_COMP_OS),
	VP_OPT_VALUE(0, "memory", "SIZE", "memory: 2048 (MiB), 2G, 512M (default 2 GiB)",
		     .aliases = "ram"),
	VP_OPT_VALUE(0, "vcpus", "N", "virtual CPUs (default 2)"),
	VP_OPT_VALUE(0, "virt-type", "TYPE",
		     "kvm or qemu (default: kvm when it really runs guests\n"
		     "here, which vprov checks once per host, else qemu;\n"
		     "$VPROV_VIRT_TYPE pins it)",
		     .comp = VP_COMP_WORDS, .words = "kvm qemu"),
	VP_OPT_VALUE(0, "arch", "ARCH", "guest architecture (default: the host's)"),
	VP_OPT_VALUE(0, "machine", "MACHINE", "machine type (default: q35 on x86)"),
	VP_OPT_GROUP("storage (repeatable; default: one 20 GiB qcow2 disk in pool 'default')"),
	VP_OPT_LIST(0, "disk", "OPTS",
		    "size=GiB, pool=NAME, path=PATH, vol=POOL/VOL,\n"
		    "format=qcow2|raw, bus=virtio|sata|scsi|ide|usb,\n"
		    "cache=MODE, backing_store=PATH|POOL/VOL,\n"
		    "backing_format=FMT, device=disk|cdrom, readonly=on,\n"
		    "sparse=off; or 'none'"),
	VP_OPT_GROUP("install (the first run installs; the definition then boots the disks)"),
	VP_OPT_VALUE('l', "location", "WHERE",
		     "an installer tree: http(s):// or ftp:// URL, local\n"
		     "directory or ISO image, with ,kernel=REL,initrd=REL\n"
		     "when vprov cannot tell where they are; its kernel\n"
		     "and initrd are fetched (cached, checksums verified)\n"
		     "and booted directly",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE('x', "extra-args", "ARGS", "kernel arguments for the installer (--location)"),
	VP_OPT_LIST(0, "initrd-inject", "FILE",
		    "add FILE to the installer's initrd root (repeatable),\n"
		    "e.g. a preseed.cfg or kickstart file",
		    .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "unattended", "[OPTS]",
		     "install without questions: osinfo-db's script for the\n"
		     "OS (preseed, kickstart) in the initrd; OPTS:\n"
		     "profile=jeos|desktop, admin-password-file=F,\n"
		     "user-login=U, user-password-file=F (passwords only\n"
		     "from files; without one, a generated one is shown once)",
		     .optional = true),
	VP_OPT_VALUE(0, "cdrom", "ISO", "boot an installer ISO: PATH, URL or POOL/VOL",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "install", "ID",
		     "install from the OS profile's own tree (--install\n"
		     "debian12); no_install=yes: a VM with nothing to boot,\n"
		     "on purpose"),
	VP_OPT_FLAG(0, "pxe", "boot the install run from the network"),
	VP_OPT_GROUP("cloud images (the default where the OS profile has one)"),
	VP_OPT_VALUE(0, "image", "IMAGE",
		     "a cloud image under the first disk, a thin qcow2 overlay\n"
		     "(--disk size=N makes it larger): an OS id (its cloud\n"
		     "image), a URL (downloaded once), a file, or POOL/VOL;\n"
		     "uploaded once per pool as a base found by its checksum",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "cloud-init", "[OPTS]",
		     "a NoCloud seed (kept until delete): hostname=H,\n"
		     "root-password-file=F, root-password-generate=on,\n"
		     "root-ssh-key=F, clouduser-ssh-key=F, user-data=F,\n"
		     "meta-data=F, network-config=F, disable=on; bare:\n"
		     "virt-install's defaults (with --image: the default);\n"
		     "none: no seed",
		     .optional = true, .words = "none"),
	VP_OPT_LIST(0, "inject", "EDIT[=VALUE]",
		     "edit the new overlay before its first boot, as\n"
		     "'vprov inject' does (repeatable, in order): serial-console,\n"
		     "hostname=H, ssh-inject=USER:file:F, root-password=file:F,\n"
		     "write=PATH:TEXT, upload=LOCAL:REMOTE, mkdir=PATH,\n"
		     "chmod=MODE:PATH, firstboot-command=CMD, sysprep"),
	VP_OPT_GROUP("boot"),
	VP_OPT_FLAG(0, "import", "boot the first disk (no install step)"),
	VP_OPT_LIST(0, "boot", "OPTS",
		    "hd, cdrom, network, uefi (in order), or\n"
		    "kernel=PATH,initrd=PATH,kernel_args=\"ARGS\""),
	VP_OPT_GROUP("devices"),
	VP_OPT_LIST('w', "network", "OPTS",
		    "none, user, network=NAME, bridge=NAME with model=, mac=\n"
		    "(repeatable; default: network 'default' if active)"),
	VP_OPT_VALUE(0, "graphics", "TYPE",
		     "none, vnc or spice, with listen=ADDR, port=N\n"
		     "(default vnc on 127.0.0.1); a serial console on a pty\n"
		     "is always there and logged to a file"),
	VP_OPT_VALUE(0, "console", "OPTS",
		     "pty,target_type=serial (the default, always there) or\n"
		     "pty,target_type=virtio (a virtio console as well)"),
	VP_OPT_VALUE(0, "os-type", "TYPE", "accepted and ignored, as virt-install 4 does (use --os)",
		     .hidden = true),
	VP_OPT_GROUP("behaviour"),
	VP_OPT_FLAG(0, "autostart", "start the VM when the host boots"),
	VP_OPT_FLAG(0, "transient", "do not keep a definition once the VM stops"),
	VP_OPT_FLAG(0, "noautoconsole", "do not attach to the console after starting"),
	VP_OPT_VALUE(0, "wait", "TIME",
		     "wait up to TIME (seconds, or 30s, 5m, 1h; -1: forever)\n"
		     "for the VM to power off, e.g. when an install ends"),
	VP_OPT_VALUE(0, "print-xml", "[=STEP]",
		     "print the domain XML and change nothing; with an install\n"
		     "run both documents (the install run's, then the final\n"
		     "VM's), or --print-xml=1 / --print-xml=2 for one",
		     .optional = true),
	VP_OPT_FLAG(0, "dry-run", "check everything, say what would be done, change nothing"),
	VP_OPT_FLAG(0, "json", "print the result (or with --dry-run the plan) as JSON;\n"
			       "notes and progress go to stderr as JSON lines"),
	VP_OPT_END,
};

static const char description[] =
	"Resolves the request against the host first, changing nothing there: the VM's\n"
	"name, devices and storage, the pools and volumes to make.  Then applies that\n"
	"plan step by step, writing each step's undo to a journal before the step runs:\n"
	"a failure or Ctrl+C removes everything made, newest first, and a create that\n"
	"died (SIGKILL, a crash, libvirtd gone) is rolled back by the next vprov command\n"
	"that reaches the host, or by 'vprov recover'.\n"
	"\n"
	"  vprov create web1 --memory 4G --vcpus 2 --disk size=40\n"
	"  vprov create db1 --disk size=100,pool=fast,cache=none --disk size=10,bus=scsi\n"
	"  vprov create k1 --disk none --network none \\\n"
	"      --boot kernel=/boot/vmlinuz,initrd=/boot/initrd.img,kernel_args=\"console=ttyS0\"\n"
	"  vprov create web2 --dry-run";

struct create_args {
	struct vp_domain_spec spec;   /* the command line's layer */
	bool print_xml, dry_run, noautoconsole;
	int print_step;               /* --print-xml=1|2; 0: every document */
	bool wait_set;
	int64_t wait_ms;
	char *os;                     /* --os; "generic": none */
	bool os_type;                 /* --os-type (ignored) */
	char *line_pick;              /* the profile a release line named */
};

static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* The command line into a spec layer; -1 after a usage error was reported. */
static int parse(struct vp_ctx *ctx, const struct vp_args *args, struct create_args *a)
{
	struct vp_domain_spec *s = &a->spec;
	struct vp_error err = { 0 };
	const char *v, *env;
	uint64_t n;
	size_t i;

	vp_set_str(&s->name, vp_arg_str(args, "name"));
	if ((v = vp_arg_str(args, "memory"))) {
		if (!strncmp(v, "memory=", 7))
			v += 7;
		if (vp_parse_size(v, VP_MiB, VP_MIN_MEMORY, VP_MAX_MEMORY, "--memory", &s->memory,
				  &err) < 0)
			goto bad;
	}
	if ((v = vp_arg_str(args, "vcpus"))) {
		if (vp_parse_uint(v, 1, VP_MAX_VCPUS, "--vcpus", &n, &err) < 0)
			goto bad;
		s->vcpus = (unsigned)n;
	}
	for (i = 0; i < vp_arg_count(args, "disk"); i++)
		if (vp_spec_parse_disk(s, vp_arg_nth(args, "disk", i), &err) < 0)
			goto bad;
	if (vp_arg_flag(args, "import"))
		s->import = VP_YES;
	for (i = 0; i < vp_arg_count(args, "boot"); i++)
		if (vp_spec_parse_boot(s, vp_arg_nth(args, "boot", i), &err) < 0)
			goto bad;
	for (i = 0; i < vp_arg_count(args, "network"); i++)
		if (vp_spec_parse_network(s, vp_arg_nth(args, "network", i), &err) < 0)
			goto bad;
	if ((v = vp_arg_str(args, "graphics")) && vp_spec_parse_graphics(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "console")) && vp_spec_parse_console(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "location")) && vp_spec_parse_location(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "install")) && vp_spec_parse_install(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "unattended")) && vp_spec_parse_unattended(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "image"))) {
		if (!*v)
			return vp_usage_error(ctx, "--image needs an OS id, a URL, a file or POOL/VOL"), -1;
		if (vp_spec_check_value("--image", v, &err) < 0)
			goto bad;
		vp_set_str(&s->cloud.image, v);
	}
	if ((v = vp_arg_str(args, "cloud-init")) && vp_spec_parse_cloud_init(s, v, &err) < 0)
		goto bad;
	for (i = 0; i < vp_arg_count(args, "inject"); i++) {
		v = vp_arg_nth(args, "inject", i);
		if (!*v)
			return vp_usage_error(ctx, "--inject needs an edit, such as serial-console or hostname=NAME"), -1;
		if (vp_spec_check_value("--inject", v, &err) < 0)
			goto bad;
		vp_strings_add(&s->cloud.edits, &s->cloud.n_edits, vp_strdup(v));
	}
	if ((v = vp_arg_str(args, "extra-args"))) {
		if (vp_spec_check_value("--extra-args", v, &err) < 0)
			goto bad;
		vp_set_str(&s->install.extra_args, v);
	}
	if ((v = vp_arg_str(args, "cdrom"))) {
		if (!*v)
			return vp_usage_error(ctx, "--cdrom needs a path, a URL or POOL/VOL"), -1;
		if (vp_spec_check_value("--cdrom", v, &err) < 0)
			goto bad;
		vp_set_str(&s->install.cdrom, v);
	}
	if (vp_arg_flag(args, "pxe"))
		s->install.pxe = VP_YES;
	for (i = 0; i < vp_arg_count(args, "initrd-inject"); i++) {
		v = vp_arg_nth(args, "initrd-inject", i);
		if (vp_spec_check_value("--initrd-inject", v, &err) < 0)
			goto bad;
		s->install.inject = vp_grow(s->install.inject, s->install.n_inject + 1,
					    sizeof(*s->install.inject));
		s->install.inject[s->install.n_inject++] = vp_strdup(v);
	}
	if (!!s->install.location + !!s->install.cdrom + !!s->install.tree_os > 1)
		return vp_usage_error(ctx, "give one install source: --location, --cdrom or --install ID"), -1;
	if (vp_arg_str(args, "os-type"))
		a->os_type = true;
	if ((v = vp_arg_str(args, "virt-type"))) {
		if (!is_word(v))
			return vp_usage_error(ctx, "invalid --virt-type '%s': use kvm or qemu", v), -1;
		vp_set_str(&s->virt_type, v);
	}
	if ((v = vp_arg_str(args, "arch"))) {
		if (!is_word(v))
			return vp_usage_error(ctx, "invalid --arch '%s'", v), -1;
		vp_set_str(&s->arch, v);
	}
	if ((v = vp_arg_str(args, "machine"))) {
		if (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != strlen(v))
			return vp_usage_error(ctx, "invalid --machine '%s'", v), -1;
		vp_set_str(&s->machine, v);
	}
	if (vp_arg_flag(args, "autostart"))
		s->autostart = VP_YES;
	if (vp_arg_flag(args, "transient"))
		s->transient = VP_YES;
	a->noautoconsole = vp_arg_flag(args, "noautoconsole");
	if ((v = vp_arg_str(args, "wait"))) {
		if (vp_parse_duration(v, 7 * 24 * 3600 * 1000LL, "--wait", &a->wait_ms, &err) < 0)
			goto bad;
		a->wait_set = true;
	}
	if ((v = vp_arg_str(args, "print-xml"))) {
		a->print_xml = true;
		if (*v && strcmp(v, "1") && strcmp(v, "2"))
			return vp_usage_error(ctx, "invalid --print-xml '%s': give 1 (the install run) or 2 (the final VM)",
					      v), -1;
		a->print_step = *v ? *v - '0' : 0;
	}
	a->dry_run = vp_arg_flag(args, "dry-run");
	if ((v = vp_arg_str(args, "os"))) {
		/* virt-install also spells it name=ID[,require=on|off] */
		if (!strncmp(v, "name=", 5) || !strncmp(v, "short-id=", 9))
			v = strchr(v, '=') + 1;
		if (strchr(v, ',') && (!strstr(v, ",require=") || strchr(v, ',') != strstr(v, ",require=")))
			return vp_usage_error(ctx, "invalid --os '%s': give a profile id, e.g. --os debian12",
					      v), -1;
		a->os = vp_strndup(v, strcspn(v, ","));
		if (!*a->os)
			return vp_usage_error(ctx, "--os needs a profile id"), -1;
	}
	if ((v = vp_arg_pos(args, 0))) {
		if (s->name)
			return vp_usage_error(ctx, "the name is given twice ('%s' and '%s')", s->name, v), -1;
		vp_set_str(&s->name, v);
	}
	if (!s->name)
		return vp_usage_error(ctx, "a VM name is required; see '%s --help'", ctx->prog), -1;
	if (vp_name_check(s->name, &err) < 0)
		goto bad;
	if (!s->virt_type && (env = getenv("VPROV_VIRT_TYPE")) && *env) {
		if (!is_word(env))
			return vp_usage_error(ctx, "invalid $VPROV_VIRT_TYPE '%s': use kvm or qemu", env), -1;
		vp_set_str(&s->virt_type, env);
	}
	if (s->transient == VP_YES && s->autostart == VP_YES)
		return vp_usage_error(ctx, "--transient and --autostart do not go together"), -1;
	if (s->import == VP_YES && s->boot.kernel)
		return vp_usage_error(ctx, "--import and --boot kernel= do not go together"), -1;
	return 0;
bad:
	vp_usage_error(ctx, "%s", err.msg);
	return -1;
}

/* The profile: --os, else the VM's name when it is a profile id; never a
 * silent guess (a name that only suggests profiles says so).  *note gets
 * what to say about it, said only when the create goes on. */
static int choose_profile(struct vp_ctx *ctx, struct create_args *a, struct vp_osinfo **db,
			  const char **os_id, char **note, struct vp_error *err)
{
	const char *name = a->spec.name;
	char *sug[3];
	size_t n, i;

	*os_id = NULL;
	*note = NULL;
	if (a->os && (!strcmp(a->os, "generic") || !strcmp(a->os, "linux")))
		return 0;
	if (vp_osinfo_open_default(ctx, db, NULL, err) < 0)
		return -1;
	if (a->os) {
		if (vp_osinfo_check(*db, a->os, err) < 0)
			return -1;
		*os_id = a->os;
		return 0;
	}
	if (vp_osinfo_has(*db, name)) {
		*note = vp_strdup_printf("using OS profile '%s' because the VM is named so (choose another with --os, or --os generic)",
					 name);
		*os_id = name;
		return 0;
	}
	/* an install tree that says what it is chooses then */
	if (vp_install_requested(&a->spec.install))
		return 0;
	{
		/* a release line: the release of it supported longest */
		char *pick = NULL, *eol = NULL;

		if (vp_osinfo_line_pick(*db, name, &pick, &eol, err) < 0)
			return -1;
		if (pick) {
			*note = eol ? vp_strdup_printf("using OS profile '%s' for '%s': of that line the release supported longest (until %s); choose another with --os",
						       pick, name, eol) :
				      vp_strdup_printf("using OS profile '%s' for '%s': of that line the release supported longest (still supported); choose another with --os",
						       pick, name);
			a->line_pick = pick;
			*os_id = pick;
			free(eol);
			return 0;
		}
	}
	n = vp_osinfo_suggest(*db, name, sug, 3);
	if (n == 1)
		*note = vp_strdup_printf("'%s' is not an OS profile, so generic defaults are used; it suggests %s (choose with --os)",
					 name, sug[0]);
	else if (n == 2)
		*note = vp_strdup_printf("'%s' is not an OS profile, so generic defaults are used; it suggests %s or %s (choose with --os)",
					 name, sug[0], sug[1]);
	else if (n == 3)
		*note = vp_strdup_printf("'%s' is not an OS profile, so generic defaults are used; it suggests %s, %s or %s (choose with --os)",
					 name, sug[0], sug[1], sug[2]);
	for (i = 0; i < n; i++)
		free(sug[i]);
	return 0;
}

static json_object *result_json(const struct vp_create_result *res, const struct vp_plan *plan,
				bool dry)
{
	const struct vp_domain_spec *s = &res->spec;
	json_object *o = json_object_new_object(), *disks = json_object_new_array();
	json_object *acts = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "uuid", json_object_new_string(s->uuid));
	json_object_object_add(o, "created", json_object_new_boolean(!dry));
	json_object_object_add(o, "virt_type", json_object_new_string(s->virt_type));
	json_object_object_add(o, "kvm_probed", json_object_new_boolean(res->kvm_probed));
	json_object_object_add(o, "arch", json_object_new_string(s->arch));
	json_object_object_add(o, "machine", vp_json_str(s->machine));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)(s->memory >> 20)));
	json_object_object_add(o, "vcpus", json_object_new_int((int)s->vcpus));
	json_object_object_add(o, "os", vp_json_str(s->os.short_id));
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "target", json_object_new_string(d->target));
		json_object_object_add(j, "path", vp_json_str(d->src.path));
		json_object_object_add(j, "pool", vp_json_str(d->src.pool));
		json_object_object_add(j, "volume", vp_json_str(d->src.volume));
		json_object_object_add(j, "format", json_object_new_string(d->src.format));
		json_object_object_add(j, "created", json_object_new_boolean(d->src.create));
		if (d->src.create)
			json_object_object_add(j, "capacity_bytes",
					       json_object_new_int64((int64_t)d->src.capacity));
		if (d->src.backing_path)
			json_object_object_add(j, "backing_store",
					       json_object_new_string(d->src.backing_path));
		json_object_array_add(disks, j);
	}
	json_object_object_add(o, "disks", disks);
	json_object_object_add(o, "console_log", vp_json_str(s->console_log));
	if (s->install.run) {
		json_object *in = json_object_new_object();

		json_object_object_add(in, "kernel_args", vp_json_str(s->install.cmdline));
		json_object_object_add(in, "kernel_volume", vp_json_str(s->install.kernel_vol));
		json_object_object_add(in, "initrd_volume", vp_json_str(s->install.initrd_vol));
		json_object_object_add(in, "pool", vp_json_str(s->install.kernel_pool ?
								s->install.kernel_pool : s->install.media_pool));
		json_object_object_add(o, "install_run", in);
	}
	for (i = 0; plan && i < plan->n_steps; i++)
		json_object_array_add(acts, json_object_new_string(plan->steps[i].desc));
	json_object_object_add(o, dry ? "would" : "done", acts);
	if (dry && plan)
		json_object_object_add(o, "plan", vp_plan_to_json(plan));
	return o;
}

static void print_summary(const struct vp_create_result *res)
{
	const struct vp_domain_spec *s = &res->spec;
	char size[32];
	size_t i;

	vp_format_size(s->memory, size, sizeof(size));
	printf("created %sVM '%s'%s%s%s: %s, %u vCPU%s, %s%s\n",
	       s->transient == VP_YES ? "transient " : "", s->name, s->os.short_id ? " (" : "",
	       s->os.short_id ? s->os.short_id : "", s->os.short_id ? ")" : "", size, s->vcpus,
	       s->vcpus == 1 ? "" : "s", s->virt_type, !strcmp(s->virt_type, "qemu") ? " (TCG)" : "");
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];

		vp_format_size(d->src.capacity, size, sizeof(size));
		printf("  disk %s: %s", d->target,
		       d->src.path ? d->src.path : d->src.volume ? d->src.volume : "?");
		if (d->src.create)
			printf(" (new, %s %s%s%s)", size, d->src.format,
			       d->src.backing_path ? ", linked clone of " : "",
			       d->src.backing_path ? d->src.backing_path : "");
		else if (d->seed)
			printf(" (cloud-init seed, read-only)");
		putchar('\n');
	}
	if (s->console_log)
		printf("  console: vprov console %s (log: %s)\n", s->name, s->console_log);
}

/* The create's own knob beside the shared ones: $VPROV_TEST_STALL_MS,
 * downloads fail sooner when stalled. */
static void test_knobs(struct vp_create_opts *opts, struct vp_test_pause *p)
{
	const char *v;

	vp_test_knobs(&opts->fail_at, &opts->hook, &opts->hook_opaque, p);
	if ((v = getenv("VPROV_TEST_STALL_MS")) && *v)
		opts->fetch_stall_ms = strtol(v, NULL, 10);
}

/* After the install run: the VM as defined, booting its disks. */
static int start_final(struct vp_ctx *ctx, const char *name)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	struct vp_error err = { 0 };
	bool was_running;

	if (vp_domain_lookup(ctx->conn, name, &dom, &err) < 0 ||
	    vp_domain_start(dom, &was_running, &err) < 0)
		return vp_fail(ctx, &err);
	printf("the install run of VM '%s' ended; started it from its disks\n", name);
	return VP_EXIT_OK;
}

static int run(struct vp_ctx *ctx, const struct vp_args *args)
{
	struct create_args a = { 0 };
	struct vp_osinfo *db = NULL;
	struct vp_create_result res = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *state = vp_state_dir();
	_cleanup_(freep) char *note = NULL;
	struct vp_test_pause pause = { 0 };
	struct vp_create_opts opts = {
		.cache_dir = cache,
		.state_dir = state,
		.reporter = &ctx->reporter,
	};
	int rc = VP_EXIT_OK;
	size_t i;

	if (parse(ctx, args, &a) < 0) {
		rc = VP_EXIT_USAGE;
		goto out;
	}
	opts.mode = a.dry_run ? VP_CREATE_DRY_RUN : a.print_xml ? VP_CREATE_PRINT_XML : VP_CREATE_REAL;
	test_knobs(&opts, &pause);
	if (choose_profile(ctx, &a, &db, &opts.os_id, &note, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	opts.osinfo = db;
	opts.os_from_name = opts.os_id && !a.os;
	if (a.os_type)
		vp_say(ctx, "--os-type is ignored, as virt-install 4 ignores it; --os chooses the OS profile");
	if (note) {
		opts.notes = (const char *const *)&note;
		opts.n_notes = 1;
	}
	if (vp_connect(ctx, &err) < 0 ||
	    vp_domain_create(ctx->conn, &a.spec, &opts, &res, &plan, NULL, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	if (a.print_xml) {
		/* virt-install's order: each step of the install, then the VM */
		if (res.install_xml && a.print_step != 2)
			fputs(res.install_xml, stdout);
		if (!res.install_xml || a.print_step != 1)
			fputs(res.xml, stdout);
	}
	if (ctx->json && !a.print_xml) {
		vp_json_print(result_json(&res, plan, opts.mode != VP_CREATE_REAL));
	} else if (a.dry_run && !a.print_xml) {
		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
	} else if (opts.mode == VP_CREATE_REAL) {
		print_summary(&res);
	}
	if (opts.mode != VP_CREATE_REAL)
		goto out;
	fflush(stdout);
	if (a.wait_set) {
		int w = vp_domain_wait_shutoff(ctx->conn, res.spec.name, a.wait_ms, &vp_interrupted, &err);

		if (w < 0) {
			rc = vp_fail(ctx, &err);
		} else if (w == 0) {
			vp_error_set(&err, VP_ERR_RUNTIME,
				     "VM '%s' is still running after the --wait time; it was left running",
				     res.spec.name);
			rc = vp_fail(ctx, &err);
		} else if (res.spec.install.run && res.spec.transient != VP_YES) {
			rc = start_final(ctx, res.spec.name);
		}
	} else if (!a.noautoconsole && !ctx->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct vp_console_opts co = { .timeout_ms = -1 };

		rc = vp_console_session(ctx, res.spec.name, &co);
		/* the console ends with the install run: the VM goes on from its disks */
		if (rc == VP_EXIT_OK && res.spec.install.run && res.spec.transient != VP_YES &&
		    vp_domain_wait_shutoff(ctx->conn, res.spec.name, 0, &vp_interrupted, &err) == 1)
			rc = start_final(ctx, res.spec.name);
	} else if (res.spec.install.run && !ctx->json) {
		printf("  the install runs now: when the installer reboots, the VM powers off;\n"
		       "  'vprov start %s' boots the installed system (or create with --wait)\n",
		       res.spec.name);
	}
out:
	vp_osinfo_done(db);
	vp_spec_clear(&a.spec);
	free(a.os);
	free(a.line_pick);
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	return rc;
}

const struct vp_cmd vp_cmd_create = {
	.name = "create",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 0,
	.max_args = 1,
	.summary = "define and start a VM (virt-install's options where they overlap)",
	.description = description,
	.opts = options,
	.needs = VP_NEED_EVENTS | VP_NEED_SIGNALS,
	.run = run,
};
