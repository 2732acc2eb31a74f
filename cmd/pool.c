/* cmd/pool.c — vprov pool create|list|info|delete: the storage pools that
 * '--disk pool=NAME' puts new volumes in */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vprov.h"
#include "cleanup.h"
#include "fs.h"
#include "plan.h"
#include "pool.h"
#include "units.h"

static const struct vp_opt create_opts[] = {
	VP_OPT_VALUE(0, "type", "TYPE",
		     "dir (a directory), fs (a file system on a device,\n"
		     "mounted), logical (an LVM volume group), netfs (an NFS,\n"
		     "CIFS or GlusterFS export, mounted)",
		     .comp = VP_COMP_WORDS, .words = "dir fs logical netfs"),
	VP_OPT_VALUE(0, "target", "PATH",
		     "dir: the directory (made if missing); fs, netfs: the\n"
		     "mount point; logical: /dev/VG (the default)",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "source-dev", "DEV",
		     "fs: the block device to mount (losetup gives one for an\n"
		     "image file); logical: the physical volume (needed with\n"
		     "--build)",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "source-host", "HOST", "netfs: the file server"),
	VP_OPT_VALUE(0, "source-path", "PATH", "netfs: the export on it"),
	VP_OPT_VALUE(0, "source-format", "FORMAT",
		     "fs: auto (the default), ext4, xfs, ...; netfs: auto,\n"
		     "nfs, cifs, glusterfs; logical: lvm2"),
	VP_OPT_VALUE(0, "source-name", "VG", "logical: the volume group (default: the pool's name)"),
	VP_OPT_FLAG(0, "build", "fs: make a file system on the device, logical: make\n"
				"the volume group; only on a device that carries none:\n"
				"vprov never formats over one"),
	VP_OPT_FLAG(0, "autostart", "start the pool when the host boots"),
	VP_OPT_FLAG(0, "dry-run", "check everything, say what would be done, change nothing"),
	VP_OPT_FLAG(0, "print-xml", "print the pool's XML and change nothing"),
	VP_OPT_FLAG(0, "json", "print the result (with --dry-run the plan) as JSON"),
	VP_OPT_END,
};

static const struct vp_opt list_opts[] = {
	VP_OPT_FLAG(0, "json", "print a JSON array (sizes in bytes)"),
	VP_OPT_END,
};

static const struct vp_opt info_opts[] = {
	VP_OPT_FLAG(0, "json", "print a JSON object (sizes in bytes)"),
	VP_OPT_END,
};

static const struct vp_opt delete_opts[] = {
	VP_OPT_FLAG(0, "volumes", "delete the volumes no VM uses with it (without it a\n"
				  "pool that holds any is kept)"),
	VP_OPT_FLAG(0, "json", "print what was deleted as a JSON object"),
	VP_OPT_END,
};

static const char description[] =
	"Storage pools hold the volumes of VMs: 'vprov create --disk pool=NAME,size=N'\n"
	"makes a VM's disk in one, and without pool= the pool 'default' is used (made\n"
	"at /var/lib/libvirt/images when missing).\n"
	"\n"
	"create defines, builds, starts and (--autostart) marks the pool to start at\n"
	"boot; when a step fails, what was made is removed again.  Building makes a dir\n"
	"pool's directory and an fs or netfs pool's mount point; it formats nothing\n"
	"unless --build is given, and even then only a device with no file system or\n"
	"LVM label on it.  delete refuses while any VM uses a volume of the pool (it\n"
	"names them) and while the pool holds other volumes, unless --volumes; it\n"
	"removes the pool's directory only when empty and never a volume group.\n"
	"\n"
	"  vprov pool create fast --type dir --target /srv/vm-fast --autostart\n"
	"  vprov pool create data --type fs --source-dev /dev/vdb1 --target /srv/data\n"
	"  vprov pool create nfs1 --type netfs --source-host nas --source-path /export/vms \\\n"
	"      --target /mnt/nfs1\n"
	"  vprov pool list\n"
	"  vprov pool info fast --json\n"
	"  vprov pool delete fast";

static void req_from_args(struct vp_ctx *ctx, const struct vp_args *a, struct vp_pool_request *r)
{
	memset(r, 0, sizeof(*r));
	r->name = ctx->name;
	r->type = vp_arg_str(a, "type");
	r->target = vp_arg_str(a, "target");
	r->source_dev = vp_arg_str(a, "source-dev");
	r->source_host = vp_arg_str(a, "source-host");
	r->source_path = vp_arg_str(a, "source-path");
	r->source_format = vp_arg_str(a, "source-format");
	r->source_name = vp_arg_str(a, "source-name");
	r->build = vp_arg_flag(a, "build");
	r->autostart = vp_arg_flag(a, "autostart");
}

/* the request is checked before any host is reached */
static int create_check(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_pool_request r;
	struct vp_error err = { 0 };
	xmlDocPtr doc = NULL;

	req_from_args(ctx, a, &r);
	if (!r.type)
		return vp_usage_error(ctx, "--type is required: dir, fs, logical or netfs");
	if (vp_arg_flag(a, "dry-run") && vp_arg_flag(a, "print-xml"))
		return vp_usage_error(ctx, "--dry-run and --print-xml exclude each other");
	if (vp_pool_build_xml(&r, &doc, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	xmlFreeDoc(doc);
	return VP_EXIT_OK;
}

static int pool_create(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_pool_request r;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *state = vp_state_dir();
	_cleanup_(freep) char *xml = NULL;
	struct vp_test_pause pause = { 0 };
	struct vp_apply_opts ao = {
		.state_dir = state,
		.reporter = &ctx->reporter,
	};
	struct vp_plan *plan = NULL;
	bool dry = vp_arg_flag(a, "dry-run"), print = vp_arg_flag(a, "print-xml");
	size_t i;

	req_from_args(ctx, a, &r);
	vp_test_knobs(&ao.fail_at, &ao.hook, &ao.hook_opaque, &pause);
	if (vp_pool_plan(ctx->conn, &r, &plan, &xml, &err) < 0)
		return vp_fail(ctx, &err);
	if (print) {
		fputs(xml, stdout);
		vp_plan_free(plan);
		return VP_EXIT_OK;
	}
	if (!dry && vp_plan_apply(ctx->conn, plan, &ao, NULL, &err) < 0) {
		vp_plan_free(plan);
		return vp_fail(ctx, &err);
	}
	vp_plan_report_warnings(plan, &ctx->reporter);
	vp_reporter_done(ctx);
	if (ctx->json) {
		json_object *o = json_object_new_object(), *acts = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(r.name));
		json_object_object_add(o, "type", json_object_new_string(r.type));
		json_object_object_add(o, "target", vp_json_str(r.target));
		json_object_object_add(o, "created", json_object_new_boolean(!dry));
		json_object_object_add(o, "autostart", json_object_new_boolean(r.autostart));
		for (i = 0; i < plan->n_steps; i++)
			json_object_array_add(acts, json_object_new_string(plan->steps[i].desc));
		json_object_object_add(o, dry ? "would" : "done", acts);
		if (dry)
			json_object_object_add(o, "plan", vp_plan_to_json(plan));
		vp_json_print(o);
	} else if (dry) {
		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
	} else {
		printf("created storage pool '%s' (%s%s%s), started%s\n", r.name, r.type,
		       r.target ? " at " : "", r.target ? r.target : "",
		       r.autostart ? ", starts at boot" : "");
	}
	vp_plan_free(plan);
	return VP_EXIT_OK;
}

static json_object *u64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static json_object *info_json(const struct vp_pool_info *p, bool vols)
{
	json_object *o = json_object_new_object();
	size_t i, j;

	json_object_object_add(o, "name", vp_json_str(p->name));
	json_object_object_add(o, "uuid", vp_json_str(p->uuid));
	json_object_object_add(o, "type", vp_json_str(p->type));
	json_object_object_add(o, "state", vp_json_str(p->state));
	json_object_object_add(o, "active", json_object_new_boolean(p->active));
	json_object_object_add(o, "persistent", json_object_new_boolean(p->persistent));
	json_object_object_add(o, "autostart", json_object_new_boolean(p->autostart));
	json_object_object_add(o, "target", vp_json_str(p->target));
	if (p->source_dev || p->source_host || p->source_path || p->source_format || p->source_name) {
		json_object *s = json_object_new_object();

		json_object_object_add(s, "device", vp_json_str(p->source_dev));
		json_object_object_add(s, "host", vp_json_str(p->source_host));
		json_object_object_add(s, "path", vp_json_str(p->source_path));
		json_object_object_add(s, "format", vp_json_str(p->source_format));
		json_object_object_add(s, "name", vp_json_str(p->source_name));
		json_object_object_add(o, "source", s);
	}
	json_object_object_add(o, "capacity_bytes", p->active ? u64(p->capacity) : NULL);
	json_object_object_add(o, "allocation_bytes", p->active ? u64(p->allocation) : NULL);
	json_object_object_add(o, "available_bytes", p->active ? u64(p->available) : NULL);
	json_object_object_add(o, "volume_count",
			       p->n_volumes >= 0 ? json_object_new_int64(p->n_volumes) : NULL);
	if (!vols)
		return o;
	{
		json_object *arr = json_object_new_array();

		for (i = 0; i < p->n_vols; i++) {
			const struct vp_pool_vol *v = &p->vols[i];
			json_object *jv = json_object_new_object(), *users = json_object_new_array();

			json_object_object_add(jv, "name", vp_json_str(v->name));
			json_object_object_add(jv, "path", vp_json_str(v->path));
			json_object_object_add(jv, "format", vp_json_str(v->format));
			json_object_object_add(jv, "capacity_bytes", u64(v->capacity));
			json_object_object_add(jv, "allocation_bytes", u64(v->allocation));
			for (j = 0; j < v->n_users; j++) {
				json_object *u = json_object_new_object();

				json_object_object_add(u, "vm", vp_json_str(v->users[j].vm));
				json_object_object_add(u, "role", vp_json_str(v->users[j].role));
				json_object_object_add(u, "owned", json_object_new_boolean(v->users[j].owned));
				json_object_array_add(users, u);
			}
			json_object_object_add(jv, "used_by", users);
			json_object_array_add(arr, jv);
		}
		json_object_object_add(o, "volumes", arr);
	}
	return o;
}

static void size_or_dash(const struct vp_pool_info *p, uint64_t v, char *buf, size_t len)
{
	if (p->active)
		vp_format_size(v, buf, len);
	else
		snprintf(buf, len, "-");
}

static int pool_list(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_pool_info *p = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i, w = 4;
	char cap[32], alloc[32], avail[32], nv[24];

	(void)a;
	if (vp_pool_list(ctx->conn, &p, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, info_json(&p[i], false));
		vp_json_print(arr);
		vp_pool_infos_free(p, n);
		return VP_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (strlen(p[i].name) > w)
			w = strlen(p[i].name);
	printf("%-*s  %-8s  %-7s  %-9s  %10s  %10s  %10s  %7s  %s\n", (int)w, "NAME", "STATE", "TYPE",
	       "AUTOSTART", "CAPACITY", "ALLOCATED", "AVAILABLE", "VOLUMES", "TARGET");
	for (i = 0; i < n; i++) {
		size_or_dash(&p[i], p[i].capacity, cap, sizeof(cap));
		size_or_dash(&p[i], p[i].allocation, alloc, sizeof(alloc));
		size_or_dash(&p[i], p[i].available, avail, sizeof(avail));
		if (p[i].n_volumes >= 0)
			snprintf(nv, sizeof(nv), "%ld", p[i].n_volumes);
		else
			snprintf(nv, sizeof(nv), "-");
		printf("%-*s  %-8s  %-7s  %-9s  %10s  %10s  %10s  %7s  %s\n", (int)w, p[i].name,
		       p[i].state, p[i].type ? p[i].type : "?", p[i].autostart ? "yes" : "no", cap,
		       alloc, avail, nv, p[i].target ? p[i].target : "-");
	}
	vp_pool_infos_free(p, n);
	return VP_EXIT_OK;
}

static int pool_info(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_pool_info p = { 0 };
	struct vp_error err = { 0 };
	char cap[32], alloc[32], avail[32];
	size_t i, j, w = 6;

	(void)a;
	if (vp_pool_get(ctx->conn, ctx->name, true, &p, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		vp_json_print(info_json(&p, true));
		vp_pool_info_clear(&p);
		return VP_EXIT_OK;
	}
	size_or_dash(&p, p.capacity, cap, sizeof(cap));
	size_or_dash(&p, p.allocation, alloc, sizeof(alloc));
	size_or_dash(&p, p.available, avail, sizeof(avail));
	printf("%-12s %s\n", "name:", p.name);
	printf("%-12s %s\n", "uuid:", p.uuid ? p.uuid : "?");
	printf("%-12s %s\n", "type:", p.type ? p.type : "?");
	printf("%-12s %s%s\n", "state:", p.state, p.persistent ? "" : " (transient)");
	printf("%-12s %s\n", "autostart:", p.autostart ? "yes" : "no");
	printf("%-12s %s\n", "target:", p.target ? p.target : "-");
	if (p.source_dev)
		printf("%-12s %s\n", "source:", p.source_dev);
	if (p.source_host)
		printf("%-12s %s:%s\n", "source:", p.source_host, p.source_path ? p.source_path : "");
	if (p.source_name)
		printf("%-12s %s\n", "vg:", p.source_name);
	if (p.source_format)
		printf("%-12s %s\n", "format:", p.source_format);
	printf("%-12s %s\n", "capacity:", cap);
	printf("%-12s %s\n", "allocated:", alloc);
	printf("%-12s %s\n", "available:", avail);
	if (p.n_volumes < 0) {
		printf("%-12s - (inactive)\n", "volumes:");
		vp_pool_info_clear(&p);
		return VP_EXIT_OK;
	}
	printf("%-12s %ld\n", "volumes:", p.n_volumes);
	for (i = 0; i < p.n_vols; i++)
		if (strlen(p.vols[i].name) > w)
			w = strlen(p.vols[i].name);
	if (p.n_vols)
		printf("  %-*s  %-6s  %10s  %10s  %s\n", (int)w, "VOLUME", "FORMAT", "SIZE", "ALLOCATED",
		       "USED BY");
	for (i = 0; i < p.n_vols; i++) {
		const struct vp_pool_vol *v = &p.vols[i];

		vp_format_size(v->capacity, cap, sizeof(cap));
		vp_format_size(v->allocation, alloc, sizeof(alloc));
		printf("  %-*s  %-6s  %10s  %10s  ", (int)w, v->name, v->format ? v->format : "?", cap,
		       alloc);
		if (!v->n_users)
			fputs("-", stdout);
		for (j = 0; j < v->n_users; j++)
			printf("%s%s (%s%s)", j ? ", " : "", v->users[j].vm, v->users[j].role,
			       v->users[j].owned ? ", owned" : "");
		putchar('\n');
	}
	vp_pool_info_clear(&p);
	return VP_EXIT_OK;
}

static int pool_delete(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_pool_deleted d = { 0 };
	struct vp_error err = { 0 };
	size_t i;

	if (vp_pool_delete(ctx->conn, ctx->name, vp_arg_flag(a, "volumes"), &d, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		json_object *o = json_object_new_object(), *vols = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(ctx->name));
		for (i = 0; i < d.n_volumes; i++)
			json_object_array_add(vols, json_object_new_string(d.volumes[i]));
		json_object_object_add(o, "volumes_deleted", vols);
		json_object_object_add(o, "directory_removed", json_object_new_boolean(d.dir_removed));
		json_object_object_add(o, "undefined", json_object_new_boolean(d.undefined));
		vp_json_print(o);
	} else {
		printf("deleted storage pool '%s'", ctx->name);
		if (d.n_volumes)
			printf(" with %zu volume%s", d.n_volumes, d.n_volumes == 1 ? "" : "s");
		printf("%s\n", d.dir_removed ? " and its directory" : "");
	}
	vp_pool_deleted_clear(&d);
	return VP_EXIT_OK;
}

static const struct vp_cmd pool_create_cmd = {
	.name = "create",
	.args = "NAME",
	.arg_what = "a pool name",
	.min_args = 1,
	.max_args = 1,
	.summary = "define, build, start (and --autostart) a storage pool",
	.description = "When a step fails, what was made is removed again (the definition, and the\n"
		       "directory when vprov's build made it).  Building makes a dir pool's directory\n"
		       "and an fs or netfs pool's mount point; it formats nothing unless --build is\n"
		       "given, and even then only a device with no file system or LVM label on it.",
	.opts = create_opts,
	.needs = VP_NEED_CONN | VP_NEED_SIGNALS,
	.check = create_check,
	.run = pool_create,
};

static const struct vp_cmd pool_list_cmd = {
	.name = "list",
	.summary = "the host's storage pools: state, type, space, volume count",
	.opts = list_opts,
	.needs = VP_NEED_CONN,
	.run = pool_list,
};

static const struct vp_cmd pool_info_cmd = {
	.name = "info",
	.args = "NAME",
	.arg_what = "a pool name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_POOL,
	.summary = "one storage pool, with its volumes and the VM that uses each",
	.opts = info_opts,
	.needs = VP_NEED_CONN,
	.run = pool_info,
};

static const struct vp_cmd pool_delete_cmd = {
	.name = "delete",
	.args = "NAME",
	.arg_what = "a pool name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_POOL,
	.summary = "stop, empty-directory remove and undefine a pool no VM uses",
	.opts = delete_opts,
	.needs = VP_NEED_CONN,
	.run = pool_delete,
};

static const struct vp_cmd *const pool_subcmds[] = {
	&pool_create_cmd, &pool_list_cmd, &pool_info_cmd, &pool_delete_cmd, NULL,
};

const struct vp_cmd vp_cmd_pool = {
	.name = "pool",
	.summary = "storage pools: create, list, info, delete",
	.description = description,
	.subcmds = pool_subcmds,
};
