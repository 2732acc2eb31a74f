/* cmd/osinfo.c — vprov osinfo list|show: the OS profiles vprov knows */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "vprov.h"
#include "fs.h"
#include "osinfo.h"
#include "cleanup.h"
#include "units.h"


/* ---- list ------------------------------------------------------------------ */

static const struct vp_opt list_opts[] = {
	VP_OPT_VALUE(0, "family", "F", "only this family (linux, winnt, freebsd, ...)"),
	VP_OPT_VALUE(0, "distro", "D", "only this distribution (debian, ubuntu, fedora, ...)"),
	VP_OPT_FLAG(0, "json", "print a JSON array"),
	VP_OPT_END,
};

static int run_list(struct vp_ctx *ctx, const struct vp_args *a)
{
	const char *family = vp_arg_str(a, "family"), *distro = vp_arg_str(a, "distro");
	struct vp_os_summary *l = NULL;
	struct vp_osinfo *db = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i, w = 8;

	if (vp_osinfo_open_default(ctx, &db, NULL, &err) < 0 ||
	    vp_osinfo_list(db, family, distro, &l, &n, &err) < 0) {
		vp_osinfo_close(db);
		return vp_fail(ctx, &err);
	}
	if (ctx->json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "short_id", vp_json_str(l[i].short_id));
			json_object_object_add(o, "aliases", vp_json_str(l[i].aliases));
			json_object_object_add(o, "id", vp_json_str(l[i].id));
			json_object_object_add(o, "name", vp_json_str(l[i].name));
			json_object_object_add(o, "version", vp_json_str(l[i].version));
			json_object_object_add(o, "family", vp_json_str(l[i].family));
			json_object_object_add(o, "distro", vp_json_str(l[i].distro));
			json_object_object_add(o, "release_date", vp_json_str(l[i].release_date));
			json_object_object_add(o, "eol_date", vp_json_str(l[i].eol_date));
			json_object_object_add(o, "source", vp_json_str(l[i].source));
			json_object_object_add(o, "file", vp_json_str(l[i].file));
			json_object_array_add(arr, o);
		}
		vp_json_print(arr);
	} else {
		for (i = 0; i < n; i++)
			if (l[i].short_id && strlen(l[i].short_id) > w)
				w = strlen(l[i].short_id);
		printf("%-*s  %-8s  %-7s  %s\n", (int)w, "SHORT-ID", "FAMILY", "SOURCE", "NAME");
		for (i = 0; i < n; i++)
			printf("%-*s  %-8s  %-7s  %s\n", (int)w, l[i].short_id ? l[i].short_id : l[i].id,
			       l[i].family ? l[i].family : "-", l[i].source,
			       l[i].name ? l[i].name : "-");
	}
	vp_os_summaries_free(l, n);
	vp_osinfo_done(db);
	return VP_EXIT_OK;
}

/* ---- show ------------------------------------------------------------------- */

static const struct vp_opt show_opts[] = {
	VP_OPT_VALUE(0, "arch", "ARCH", "resources for this architecture (default: this machine's)"),
	VP_OPT_FLAG(0, "json", "print a JSON object"),
	VP_OPT_END,
};

static const char *source_label(const char *source)
{
	if (!strcmp(source, "bundled"))
		return "built into vprov";
	if (!strcmp(source, "system"))
		return "system database";
	if (!strcmp(source, "local"))
		return "local database";
	return "user database";
}

static json_object *json_res(const struct vp_os_resources *r)
{
	json_object *o;

	if (!r->set)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "n_cpus", r->n_cpus ? json_object_new_int((int)r->n_cpus) : NULL);
	json_object_object_add(o, "ram_bytes", r->ram ? json_object_new_int64((int64_t)r->ram) : NULL);
	json_object_object_add(o, "storage_bytes",
			       r->storage ? json_object_new_int64((int64_t)r->storage) : NULL);
	return o;
}

static json_object *json_links(const struct vp_os_link *l, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "arch", vp_json_str(l[i].arch));
		json_object_object_add(o, "url", vp_json_str(l[i].url));
		if (l[i].kernel)
			json_object_object_add(o, "kernel", vp_json_str(l[i].kernel));
		if (l[i].initrd)
			json_object_object_add(o, "initrd", vp_json_str(l[i].initrd));
		if (l[i].format)
			json_object_object_add(o, "format", vp_json_str(l[i].format));
		if (l[i].cloud_init)
			json_object_object_add(o, "cloud_init", json_object_new_boolean(1));
		if (l[i].live)
			json_object_object_add(o, "live", json_object_new_boolean(1));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *json_uses(const struct vp_domain_spec *l)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "memory_mib", l->memory ? json_object_new_int64((int64_t)(l->memory >> 20)) : NULL);
	json_object_object_add(o, "vcpus", l->vcpus ? json_object_new_int((int)l->vcpus) : NULL);
	json_object_object_add(o, "disk_bytes", l->disk_size ? json_object_new_int64((int64_t)l->disk_size) : NULL);
	json_object_object_add(o, "machine", vp_json_str(l->machine));
	json_object_object_add(o, "disk_bus", vp_json_str(l->dev.disk_bus ? l->dev.disk_bus : "virtio"));
	json_object_object_add(o, "net_model", vp_json_str(l->dev.net_model ? l->dev.net_model : "virtio"));
	json_object_object_add(o, "usb", vp_json_str(l->dev.usb_model ? l->dev.usb_model : "qemu-xhci"));
	json_object_object_add(o, "video", vp_json_str(l->dev.video_model ? l->dev.video_model : "virtio"));
	json_object_object_add(o, "rng", json_object_new_boolean(l->dev.rng != VP_NO));
	json_object_object_add(o, "firmware", vp_json_str(l->boot.uefi == VP_YES ? "efi" : "bios"));
	return o;
}

static void show_json(const struct vp_os_profile *p, const struct vp_domain_spec *uses)
{
	const struct vp_os *os = p->os;
	json_object *o = json_object_new_object(), *a;
	size_t i;

	json_object_object_add(o, "short_id", vp_json_str(os->n_short_ids ? os->short_ids[0] : NULL));
	a = json_object_new_array();
	for (i = 1; i < os->n_short_ids; i++)
		json_object_array_add(a, vp_json_str(os->short_ids[i]));
	json_object_object_add(o, "aliases", a);
	json_object_object_add(o, "id", vp_json_str(os->id));
	json_object_object_add(o, "name", vp_json_str(os->name));
	json_object_object_add(o, "version", vp_json_str(os->version));
	json_object_object_add(o, "vendor", vp_json_str(os->vendor));
	json_object_object_add(o, "family", vp_json_str(os->family));
	json_object_object_add(o, "distro", vp_json_str(os->distro));
	json_object_object_add(o, "codename", vp_json_str(os->codename));
	json_object_object_add(o, "release_date", vp_json_str(os->release_date));
	json_object_object_add(o, "eol_date", vp_json_str(os->eol_date));
	json_object_object_add(o, "source", vp_json_str(os->source));
	json_object_object_add(o, "file", vp_json_str(os->file));
	json_object_object_add(o, "shadows", vp_json_str(p->shadowed));
	json_object_object_add(o, "shadows_source", vp_json_str(p->shadowed_source));
	json_object_object_add(o, "chosen_because", vp_json_str(p->why));
	a = json_object_new_array();
	for (i = 1; i < p->n_chain; i++)
		json_object_array_add(a, vp_json_str(p->chain_short[i]));
	json_object_object_add(o, "inherits_from", a);
	json_object_object_add(o, "arch", vp_json_str(p->arch));
	json_object_object_add(o, "minimum", json_res(&p->min));
	json_object_object_add(o, "recommended", json_res(&p->rec));
	json_object_object_add(o, "memory_from", vp_json_str(p->ram_from));
	json_object_object_add(o, "install_ram_bytes",
			       p->install_ram ? json_object_new_int64((int64_t)p->install_ram) : NULL);
	json_object_object_add(o, "install_ram_from", vp_json_str(p->install_ram_from));
	a = json_object_new_array();
	for (i = 0; i < p->n_devices; i++)
		json_object_array_add(a, vp_json_str(p->devices[i]));
	json_object_object_add(o, "devices", a);
	json_object_object_add(o, "efi_supported", json_object_new_boolean(p->efi_supported));
	json_object_object_add(o, "bios_unsupported", json_object_new_boolean(p->bios_unsupported));
	json_object_object_add(o, "vprov_uses", json_uses(uses));
	json_object_object_add(o, "trees", json_links(os->trees, os->n_trees));
	json_object_object_add(o, "media", json_links(os->media, os->n_media));
	json_object_object_add(o, "images", json_links(os->images, os->n_images));
	vp_json_print(o);
}

static void print_res(const char *label, const struct vp_os_resources *r)
{
	char ram[32], disk[32];

	if (!r->set)
		return;
	vp_format_size(r->ram, ram, sizeof(ram));
	vp_format_size(r->storage, disk, sizeof(disk));
	printf("  %-15s", label);
	if (r->n_cpus)
		printf("%u vCPU%s, ", r->n_cpus, r->n_cpus == 1 ? "" : "s");
	printf("%s memory, %s disk\n", r->ram ? ram : "?", r->storage ? disk : "?");
}

static void print_links(const char *label, const struct vp_os_link *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("  %-15s%s %s\n", i ? "" : label, l[i].arch, l[i].url ? l[i].url : "(no download)");
		if (l[i].kernel || l[i].initrd)
			printf("  %-15s  kernel %s, initrd %s\n", "", l[i].kernel ? l[i].kernel : "-",
			       l[i].initrd ? l[i].initrd : "-");
	}
}

static void show_text(const struct vp_os_profile *p, const struct vp_domain_spec *u)
{
	const struct vp_os *os = p->os;
	char mem[32], disk[32];
	size_t i;

	printf("%s: %s\n", os->n_short_ids ? os->short_ids[0] : os->id, os->name ? os->name : "?");
	printf("  %-15s%s\n", "id:", os->id);
	if (os->n_short_ids > 1) {
		printf("  %-15s", "aliases:");
		for (i = 1; i < os->n_short_ids; i++)
			printf("%s%s", i > 1 ? ", " : "", os->short_ids[i]);
		putchar('\n');
	}
	printf("  %-15s%s\n", "version:", os->version ? os->version : "-");
	printf("  %-15s%s / %s\n", "family/distro:", os->family ? os->family : "-",
	       os->distro ? os->distro : "-");
	if (os->vendor)
		printf("  %-15s%s\n", "vendor:", os->vendor);
	if (os->release_date || os->eol_date)
		printf("  %-15s%s%s%s%s\n", "released:", os->release_date ? os->release_date : "?",
		       os->eol_date ? " (end of life " : "", os->eol_date ? os->eol_date : "",
		       os->eol_date ? ")" : "");
	printf("  %-15s%s (%s)\n", "from:", os->file, source_label(os->source));
	if (p->shadowed)
		printf("  %-15s%s (%s): %s\n", "chosen over:", p->shadowed,
		       source_label(p->shadowed_source), p->why);
	if (p->n_chain > 1) {
		printf("  %-15s", "inherits from:");
		for (i = 1; i < p->n_chain && i <= 4; i++)
			printf("%s%s", i > 1 ? " < " : "", p->chain_short[i]);
		if (p->n_chain > 5)
			printf(" < ... (%zu releases)", p->n_chain - 1);
		putchar('\n');
	}
	printf("  resources for %s:\n", p->arch);
	print_res("  minimum:", &p->min);
	print_res("  recommended:", &p->rec);
	if (p->install_ram) {
		vp_format_size(p->install_ram, mem, sizeof(mem));
		printf("    %-13s%s memory (%s)\n", "installing:", mem,
		       p->install_ram_from ? p->install_ram_from : "network-install");
	}
	vp_format_size(u->memory, mem, sizeof(mem));
	vp_format_size(u->disk_size, disk, sizeof(disk));
	printf("  %-15s%s memory, %u vCPU%s, %s disk, %s, %s disk, %s network, %s USB, %s video, %s\n",
	       "vprov uses:", u->memory ? mem : "default", u->vcpus ? u->vcpus : 2,
	       u->vcpus == 1 ? "" : "s", u->disk_size ? disk : "default",
	       u->machine ? u->machine : "default machine",
	       u->dev.disk_bus ? u->dev.disk_bus : "virtio",
	       u->dev.net_model ? u->dev.net_model : "virtio",
	       u->dev.usb_model ? u->dev.usb_model : "qemu-xhci",
	       u->dev.video_model ? u->dev.video_model : "virtio",
	       u->boot.uefi == VP_YES ? "UEFI" : "BIOS");
	printf("  %-15s%zu known\n", "devices:", p->n_devices);
	print_links("trees:", os->trees, os->n_trees);
	print_links("media:", os->media, os->n_media);
	print_links("cloud images:", os->images, os->n_images);
}

static int run_show(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_osinfo *db = NULL;
	struct vp_os_profile p;
	struct vp_domain_spec uses;
	struct vp_error err = { 0 };
	const char *id = vp_arg_pos(a, 0), *arch = vp_arg_str(a, "arch");
	struct utsname u;

	if (!arch)
		arch = uname(&u) == 0 ? u.machine : "x86_64";
	if (vp_osinfo_open_default(ctx, &db, NULL, &err) < 0 ||
	    vp_osinfo_profile(db, id, arch, &p, &err) < 0) {
		vp_osinfo_done(db);
		return vp_fail(ctx, &err);
	}
	vp_os_profile_spec(&p, &uses);
	if (ctx->json)
		show_json(&p, &uses);
	else
		show_text(&p, &uses);
	vp_spec_clear(&uses);
	vp_os_profile_clear(&p);
	vp_osinfo_done(db);
	return VP_EXIT_OK;
}

/* ---- reindex --------------------------------------------------------------- */

static const struct vp_opt reindex_opts[] = {
	VP_OPT_FLAG('q', "quiet", "print nothing"),
	VP_OPT_FLAG(0, "background", "quiet and at the lowest CPU priority (vprov runs it so\n"
				     "after answering from a stale index)"),
	VP_OPT_END,
};

static int run_reindex(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_osinfo *db = NULL;
	struct vp_os_summary *l = NULL;
	struct vp_error err = { 0 };
	bool background = vp_arg_flag(a, "background");
	bool quiet = background || vp_arg_flag(a, "quiet");
	size_t n = 0;

	/* as vprov starts it after a lookup: quiet, and out of the way */
	if (background)
		(void)setpriority(PRIO_PROCESS, 0, 19);
	if (background) {
		/* the cache's directory went away since (a test's temporary
		 * tree, say): do not bring it back */
		_cleanup_(freep) char *cache = vp_cache_dir();
		char *slash = cache ? strrchr(cache, '/') : NULL;
		struct stat st;

		/* $XDG_CACHE_HOME/vprov: its grandparent must still be there */
		if (slash)
			*slash = '\0';
		slash = cache ? strrchr(cache, '/') : NULL;
		if (!slash)
			return VP_EXIT_OK;
		*slash = '\0';
		if (*cache && stat(cache, &st) < 0)
			return VP_EXIT_OK;
	}
	/* listing compares every file and rebuilds what changed */
	if (vp_osinfo_open_default(ctx, &db, NULL, &err) < 0 ||
	    vp_osinfo_list(db, NULL, NULL, &l, &n, &err) < 0) {
		vp_osinfo_close(db);
		return vp_fail(ctx, &err);
	}
	if (!quiet)
		printf("%zu OS profiles indexed\n", n);
	vp_os_summaries_free(l, n);
	vp_osinfo_close(db);
	return VP_EXIT_OK;
}

static const struct vp_cmd osinfo_list = {
	.name = "list",
	.summary = "list the OS profiles",
	.opts = list_opts,
	.run = run_list,
};

static const struct vp_cmd osinfo_show = {
	.name = "show",
	.args = "ID",
	.arg_what = "an OS id",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_OS,
	.summary = "show one profile: names, resources, what vprov makes of it, trees, media, images",
	.opts = show_opts,
	.run = run_show,
};

static const struct vp_cmd osinfo_reindex = {
	.name = "reindex",
	.summary = "bring the cached index of the OS database up to date now",
	.opts = reindex_opts,
	.run = run_reindex,
};

static const struct vp_cmd *const osinfo_subcmds[] = { &osinfo_list, &osinfo_show, &osinfo_reindex,
							NULL };

const struct vp_cmd vp_cmd_osinfo = {
	.name = "osinfo",
	.summary = "the OS profiles (osinfo-db, plus vprov's built-in newer releases)",
	.subcmds = osinfo_subcmds,
};
