/* cmd/create.c — vprov create NAME [options]: define and start a VM */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vprov.h"
#include "fs.h"
#include "osinfo.h"
#include "cleanup.h"
#include "console.h"
#include "create.h"
#include "domain.h"
#include "units.h"

static const char help[] =
	"VM:\n"
	"  -n, --name NAME          the VM's name (or give it as the first argument)\n"
	"      --os, --os-variant, --osinfo ID\n"
	"                           the OS profile (see 'vprov osinfo list'): memory,\n"
	"                           vCPUs, disk size, machine, devices and firmware a\n"
	"                           good admin would pick for it; options given win.\n"
	"                           A NAME that is a profile id picks that profile;\n"
	"                           'generic' picks none\n"
	"      --memory, --ram SIZE memory: 2048 (MiB), 2G, 512M (default 2 GiB)\n"
	"      --vcpus N            virtual CPUs (default 2)\n"
	"      --virt-type TYPE     kvm or qemu (default: kvm when it really runs guests\n"
	"                           here, else qemu; $VPROV_VIRT_TYPE pins it)\n"
	"      --arch ARCH          guest architecture (default: the host's)\n"
	"      --machine MACHINE    machine type (default: q35 on x86)\n"
	"storage (repeatable; default: one 20 GiB qcow2 disk in pool 'default'):\n"
	"      --disk OPTS          size=GiB, pool=NAME, path=PATH, vol=POOL/VOL,\n"
	"                           format=qcow2|raw, bus=virtio|sata|scsi|ide|usb,\n"
	"                           cache=MODE, backing_store=PATH|POOL/VOL,\n"
	"                           backing_format=FMT, device=disk|cdrom, readonly=on,\n"
	"                           sparse=off; or 'none'\n"
	"boot:\n"
	"      --import             boot the first disk (no install step)\n"
	"      --boot OPTS          hd, cdrom, network, uefi (in order), or\n"
	"                           kernel=PATH,initrd=PATH,kernel_args=\"ARGS\"\n"
	"devices:\n"
	"  -w, --network OPTS       none, user, network=NAME, bridge=NAME with model=, mac=\n"
	"                           (repeatable; default: network 'default' if active)\n"
	"      --graphics TYPE      none, vnc or spice, with listen=ADDR, port=N\n"
	"                           (default vnc on 127.0.0.1); a serial console on a pty\n"
	"                           is always there and logged to a file\n"
	"behaviour:\n"
	"      --autostart          start the VM when the host boots\n"
	"      --transient          do not keep a definition once the VM stops\n"
	"      --noautoconsole      do not attach to the console after starting\n"
	"      --wait TIME          wait up to TIME (seconds, or 30s, 5m, 1h; -1: forever)\n"
	"                           for the VM to power off, e.g. when an install ends\n"
	"      --print-xml          print the domain XML and change nothing\n"
	"      --dry-run            check everything, say what would be done, change nothing\n"
	"      --json               print the result as JSON\n";

enum {
	OPT_MEMORY = 256,
	OPT_VCPUS,
	OPT_DISK,
	OPT_IMPORT,
	OPT_BOOT,
	OPT_GRAPHICS,
	OPT_VIRT_TYPE,
	OPT_ARCH,
	OPT_MACHINE,
	OPT_AUTOSTART,
	OPT_TRANSIENT,
	OPT_NOAUTOCONSOLE,
	OPT_WAIT,
	OPT_PRINT_XML,
	OPT_DRY_RUN,
	OPT_JSON,
	OPT_OS,
};

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "name", required_argument, NULL, 'n' },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "ram", required_argument, NULL, OPT_MEMORY },
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "import", no_argument, NULL, OPT_IMPORT },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "network", required_argument, NULL, 'w' },
	{ "graphics", required_argument, NULL, OPT_GRAPHICS },
	{ "virt-type", required_argument, NULL, OPT_VIRT_TYPE },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "machine", required_argument, NULL, OPT_MACHINE },
	{ "autostart", no_argument, NULL, OPT_AUTOSTART },
	{ "transient", no_argument, NULL, OPT_TRANSIENT },
	{ "noautoconsole", no_argument, NULL, OPT_NOAUTOCONSOLE },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "print-xml", no_argument, NULL, OPT_PRINT_XML },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "os", required_argument, NULL, OPT_OS },
	{ "os-variant", required_argument, NULL, OPT_OS },
	{ "osinfo", required_argument, NULL, OPT_OS },
	{ NULL, 0, NULL, 0 },
};

struct create_args {
	struct vp_domain_spec spec;   /* the command line's layer */
	bool print_xml, dry_run, json, noautoconsole;
	bool wait_set;
	int64_t wait_ms;
	char *os;                     /* --os; "generic": none */
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

/* Report a usage error and return -1: vp_usage_error() returns the exit code
 * 2, which parse() would hand on as "go on". */
#define usage_error(ctx, ...) (vp_usage_error(ctx, __VA_ARGS__), -1)

/* <0: usage error (already reported), 0: --help shown, >0: go on. */
static int parse(int argc, char **argv, struct vp_ctx *ctx, struct create_args *a)
{
	struct vp_domain_spec *s = &a->spec;
	struct vp_error err = { 0 };
	const char *env;
	uint64_t v;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT "n:w:", options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx), 0;
			continue;
		}
		switch (opt) {
		case 'n':
			vp_set_str(&s->name, optarg);
			break;
		case OPT_MEMORY:
			if (!strncmp(optarg, "memory=", 7))
				optarg += 7;
			if (vp_parse_size(optarg, VP_MiB, VP_MIN_MEMORY, VP_MAX_MEMORY, "--memory",
					  &s->memory, &err) < 0)
				goto bad;
			break;
		case OPT_VCPUS:
			if (vp_parse_uint(optarg, 1, VP_MAX_VCPUS, "--vcpus", &v, &err) < 0)
				goto bad;
			s->vcpus = (unsigned)v;
			break;
		case OPT_DISK:
			if (vp_spec_parse_disk(s, optarg, &err) < 0)
				goto bad;
			break;
		case OPT_IMPORT:
			s->import = VP_YES;
			break;
		case OPT_BOOT:
			if (vp_spec_parse_boot(s, optarg, &err) < 0)
				goto bad;
			break;
		case 'w':
			if (vp_spec_parse_network(s, optarg, &err) < 0)
				goto bad;
			break;
		case OPT_GRAPHICS:
			if (vp_spec_parse_graphics(s, optarg, &err) < 0)
				goto bad;
			break;
		case OPT_VIRT_TYPE:
			if (!is_word(optarg))
				return usage_error(ctx, "invalid --virt-type '%s': use kvm or qemu",
						      optarg);
			vp_set_str(&s->virt_type, optarg);
			break;
		case OPT_ARCH:
			if (!is_word(optarg))
				return usage_error(ctx, "invalid --arch '%s'", optarg);
			vp_set_str(&s->arch, optarg);
			break;
		case OPT_MACHINE:
			if (strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != strlen(optarg) ||
			    !*optarg)
				return usage_error(ctx, "invalid --machine '%s'", optarg);
			vp_set_str(&s->machine, optarg);
			break;
		case OPT_AUTOSTART:
			s->autostart = VP_YES;
			break;
		case OPT_TRANSIENT:
			s->transient = VP_YES;
			break;
		case OPT_NOAUTOCONSOLE:
			a->noautoconsole = true;
			break;
		case OPT_WAIT:
			if (vp_parse_duration(optarg, 7 * 24 * 3600 * 1000LL, "--wait", &a->wait_ms,
					      &err) < 0)
				goto bad;
			a->wait_set = true;
			break;
		case OPT_PRINT_XML:
			a->print_xml = true;
			break;
		case OPT_DRY_RUN:
			a->dry_run = true;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_OS:
			/* virt-install also spells it name=ID[,require=on|off] */
			if (!strncmp(optarg, "name=", 5) || !strncmp(optarg, "short-id=", 9))
				optarg = strchr(optarg, '=') + 1;
			if (strchr(optarg, ',') && (!strstr(optarg, ",require=") ||
						    strchr(optarg, ',') != strstr(optarg, ",require=")))
				return usage_error(ctx, "invalid --os '%s': give a profile id, e.g. --os debian12",
						   optarg);
			free(a->os);
			a->os = strndup(optarg, strcspn(optarg, ","));
			if (!a->os || !*a->os)
				return usage_error(ctx, "--os needs a profile id");
			break;
		default:
			return vp_bad_opt(ctx, opt, argv), -1;
		}
	}
	if (optind < argc) {
		if (s->name)
			return usage_error(ctx, "the name is given twice ('%s' and '%s')", s->name,
					      argv[optind]);
		vp_set_str(&s->name, argv[optind++]);
	}
	if (optind < argc)
		return usage_error(ctx, "unexpected argument '%s'; see '%s --help'", argv[optind],
				      ctx->prog);
	if (!s->name)
		return usage_error(ctx, "a VM name is required; see '%s --help'", ctx->prog);
	if (vp_name_check(s->name, &err) < 0)
		goto bad;
	if (!s->virt_type && (env = getenv("VPROV_VIRT_TYPE")) && *env) {
		if (!is_word(env))
			return usage_error(ctx, "invalid $VPROV_VIRT_TYPE '%s': use kvm or qemu", env);
		vp_set_str(&s->virt_type, env);
	}
	if (s->transient == VP_YES && s->autostart == VP_YES)
		return usage_error(ctx, "--transient and --autostart do not go together");
	if (s->import == VP_YES && s->boot.kernel)
		return usage_error(ctx, "--import and --boot kernel= do not go together");
	return 1;
bad:
	return usage_error(ctx, "%s", err.msg);
}

/* The profile: --os, else the VM's name when it is a profile id; never a
 * silent guess (a name that only suggests profiles says so). */
static int choose_profile(struct vp_ctx *ctx, struct create_args *a, struct vp_osinfo **db,
			  const char **os_id, struct vp_error *err)
{
	const char *name = a->spec.name;
	char *sug[3];
	size_t n, i;

	*os_id = NULL;
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
		vp_warn(ctx, "using OS profile '%s' because the VM is named so (choose another with --os, or --os generic)",
			name);
		*os_id = name;
		return 0;
	}
	n = vp_osinfo_suggest(*db, name, sug, 3);
	if (n == 1)
		vp_warn(ctx, "'%s' is not an OS profile, so generic defaults are used; it suggests %s (choose with --os)",
			name, sug[0]);
	else if (n == 2)
		vp_warn(ctx, "'%s' is not an OS profile, so generic defaults are used; it suggests %s or %s (choose with --os)",
			name, sug[0], sug[1]);
	else if (n == 3)
		vp_warn(ctx, "'%s' is not an OS profile, so generic defaults are used; it suggests %s, %s or %s (choose with --os)",
			name, sug[0], sug[1], sug[2]);
	for (i = 0; i < n; i++)
		free(sug[i]);
	return 0;
}

static void on_note(void *opaque, const char *msg)
{
	vp_warn(opaque, "%s", msg);
}

static void print_json(const struct vp_create_result *res, bool dry)
{
	const struct vp_domain_spec *s = &res->spec;
	json_object *o = json_object_new_object(), *disks = json_object_new_array();
	json_object *acts = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "uuid", json_object_new_string(s->uuid));
	json_object_object_add(o, "created", json_object_new_boolean(!dry));
	json_object_object_add(o, "virt_type", json_object_new_string(s->virt_type));
	json_object_object_add(o, "kvm_fell_back", json_object_new_boolean(res->kvm_fell_back));
	json_object_object_add(o, "arch", json_object_new_string(s->arch));
	json_object_object_add(o, "machine", s->machine ? json_object_new_string(s->machine) : NULL);
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)(s->memory >> 20)));
	json_object_object_add(o, "vcpus", json_object_new_int((int)s->vcpus));
	json_object_object_add(o, "os", s->os.short_id ? json_object_new_string(s->os.short_id) : NULL);
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "target", json_object_new_string(d->target));
		json_object_object_add(j, "path", d->src.path ? json_object_new_string(d->src.path) : NULL);
		json_object_object_add(j, "pool", d->src.pool ? json_object_new_string(d->src.pool) : NULL);
		json_object_object_add(j, "volume", d->src.volume ? json_object_new_string(d->src.volume) : NULL);
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
	json_object_object_add(o, "console_log",
			       s->console_log ? json_object_new_string(s->console_log) : NULL);
	for (i = 0; i < res->n_actions; i++)
		json_object_array_add(acts, json_object_new_string(res->actions[i]));
	json_object_object_add(o, dry ? "would" : "done", acts);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
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
		putchar('\n');
	}
	if (s->console_log)
		printf("  console: vprov console %s (log: %s)\n", s->name, s->console_log);
}

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct create_args a = { 0 };
	struct vp_osinfo *db = NULL;
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(freep) char *cache = vp_cache_dir();
	struct vp_create_opts opts = {
		.note = on_note,
		.opaque = ctx,
		.cancel = &vp_interrupted,
		.cache_dir = cache,
	};
	int rc = VP_EXIT_OK, p;

	p = parse(argc, argv, ctx, &a);
	if (p <= 0) {
		vp_spec_clear(&a.spec);
		free(a.os);
		return p < 0 ? VP_EXIT_USAGE : VP_EXIT_OK;
	}
	opts.mode = a.dry_run ? VP_CREATE_DRY_RUN : a.print_xml ? VP_CREATE_PRINT_XML : VP_CREATE_REAL;
	if (choose_profile(ctx, &a, &db, &opts.os_id, &err) < 0) {
		rc = vp_report(ctx, &err);
		goto out;
	}
	opts.osinfo = db;
	if (opts.mode == VP_CREATE_REAL)
		vp_catch_signals();
	if (vp_connect(ctx, &err) < 0 || vp_domain_create(ctx->conn, &a.spec, &opts, &res, &err) < 0) {
		rc = vp_report(ctx, &err);
		goto out;
	}
	if (a.print_xml)
		fputs(res.xml, stdout);
	if (a.json && !a.print_xml) {
		print_json(&res, opts.mode != VP_CREATE_REAL);
	} else if (a.dry_run && !a.print_xml) {
		size_t i;

		for (i = 0; i < res.n_actions; i++)
			printf("would %s\n", res.actions[i]);
	} else if (opts.mode == VP_CREATE_REAL) {
		print_summary(&res);
	}
	if (opts.mode != VP_CREATE_REAL)
		goto out;
	fflush(stdout);
	if (a.wait_set) {
		int w = vp_domain_wait_shutoff(ctx->conn, res.spec.name, a.wait_ms, &vp_interrupted, &err);

		if (w < 0)
			rc = vp_report(ctx, &err);
		else if (w == 0) {
			err.code = VP_ERR_RUNTIME;
			snprintf(err.msg, sizeof(err.msg),
				 "VM '%s' is still running after the --wait time; it was left running",
				 res.spec.name);
			rc = vp_report(ctx, &err);
		}
	} else if (!a.noautoconsole && !a.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct vp_console_opts co = { .timeout_ms = -1 };

		rc = vp_console_session(ctx, res.spec.name, &co);
	}
out:
	vp_osinfo_done(db);
	vp_spec_clear(&a.spec);
	free(a.os);
	vp_create_result_clear(&res);
	return rc;
}

const struct vp_cmd vp_cmd_create = {
	.name = "create",
	.usage = "NAME [options]",
	.summary = "define and start a VM (virt-install's options where they overlap)",
	.help = help,
	.flags = VP_CMD_EVENTS,
	.run = run,
};
