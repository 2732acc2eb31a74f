/* cmd/image.c — vprov image list|pull|import|rm: the base volumes cloud
 * images are uploaded as (one per pool, named by their checksum), under
 * the thin overlays of VMs made with 'vprov create --image' */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "vprov.h"
#include "cleanup.h"
#include "fs.h"
#include "image.h"
#include "osinfo.h"
#include "units.h"

static const struct vp_opt list_opts[] = {
	VP_OPT_VALUE(0, "pool", "POOL", "only this storage pool (default: every active one)",
		     .comp = VP_COMP_POOL),
	VP_OPT_FLAG(0, "json", "print a JSON array"),
	VP_OPT_END,
};

static const struct vp_opt pull_opts[] = {
	VP_OPT_VALUE(0, "pool", "POOL", "the storage pool to hold the base (default: 'default')",
		     .comp = VP_COMP_POOL),
	VP_OPT_VALUE(0, "arch", "ARCH",
		     "an OS id's image for this architecture (default: this\n"
		     "machine's)"),
	VP_OPT_FLAG(0, "json", "print the base as a JSON object"),
	VP_OPT_END,
};

static const struct vp_opt import_opts[] = {
	VP_OPT_VALUE(0, "pool", "POOL", "the storage pool to hold the base (default: 'default')",
		     .comp = VP_COMP_POOL),
	VP_OPT_FLAG(0, "json", "print the base as a JSON object"),
	VP_OPT_END,
};

static const struct vp_opt rm_opts[] = {
	VP_OPT_FLAG(0, "json", "print the removed base as a JSON object"),
	VP_OPT_END,
};

static const char description[] =
	"A cloud image is uploaded once per storage pool as a base volume named by its\n"
	"content, <stem>.base-<first 16 hex digits of its sha256>.<qcow2|raw>, which\n"
	"'vprov create --image' finds again by checksum and puts each VM's thin qcow2\n"
	"overlay on.  A base is never written, and deleting a VM keeps it; 'vprov image\n"
	"rm' removes it once no VM's disk depends on it.\n"
	"\n"
	"  vprov image pull debian12\n"
	"  vprov image import ./debian-12-genericcloud-amd64.qcow2 --pool fast\n"
	"  vprov image list --json\n"
	"  vprov image rm fast/debian-12-genericcloud-amd64.base-0123456789abcdef.qcow2";

static json_object *base_json(const struct vp_base_info *b)
{
	json_object *o = json_object_new_object(), *users = json_object_new_array();
	size_t i;

	for (i = 0; i < b->n_used_by; i++)
		json_object_array_add(users, json_object_new_string(b->used_by[i]));
	json_object_object_add(o, "pool", vp_json_str(b->pool));
	json_object_object_add(o, "volume", vp_json_str(b->name));
	json_object_object_add(o, "path", vp_json_str(b->path));
	json_object_object_add(o, "format", vp_json_str(b->format));
	json_object_object_add(o, "sha256_prefix", vp_json_str(b->sha16));
	json_object_object_add(o, "capacity_bytes", json_object_new_int64((int64_t)b->capacity));
	json_object_object_add(o, "allocation_bytes", json_object_new_int64((int64_t)b->allocation));
	json_object_object_add(o, "used_by", users);
	return o;
}

static int image_list(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_base_info *b = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i, j, wp = 4, wv = 6;
	char cap[32], alloc[32];

	if (vp_image_list(ctx->conn, vp_arg_str(a, "pool"), &b, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, base_json(&b[i]));
		vp_json_print(arr);
		vp_base_infos_free(b, n);
		return VP_EXIT_OK;
	}
	for (i = 0; i < n; i++) {
		if (strlen(b[i].pool) > wp)
			wp = strlen(b[i].pool);
		if (strlen(b[i].name) > wv)
			wv = strlen(b[i].name);
	}
	printf("%-*s  %-*s  %-6s  %9s  %9s  %-16s  %s\n", (int)wp, "POOL", (int)wv, "VOLUME",
	       "FORMAT", "SIZE", "ALLOCATED", "SHA256", "USED BY");
	for (i = 0; i < n; i++) {
		vp_format_size(b[i].capacity, cap, sizeof(cap));
		vp_format_size(b[i].allocation, alloc, sizeof(alloc));
		printf("%-*s  %-*s  %-6s  %9s  %9s  %-16s  ", (int)wp, b[i].pool, (int)wv, b[i].name,
		       b[i].format ? b[i].format : "?", cap, alloc, b[i].sha16 ? b[i].sha16 : "?");
		if (!b[i].n_used_by)
			fputs("-", stdout);
		for (j = 0; j < b[i].n_used_by; j++)
			printf("%s%s", j ? "," : "", b[i].used_by[j]);
		putchar('\n');
	}
	vp_base_infos_free(b, n);
	return VP_EXIT_OK;
}

static void print_base(const struct vp_ctx *ctx, const struct vp_base_info *b, const char *did)
{
	char cap[32], alloc[32];

	if (ctx->json) {
		json_object *o = base_json(b);

		json_object_object_add(o, "action", json_object_new_string(did));
		vp_json_print(o);
		return;
	}
	vp_format_size(b->capacity, cap, sizeof(cap));
	vp_format_size(b->allocation, alloc, sizeof(alloc));
	if (!strcmp(did, "uploaded"))
		printf("uploaded base image '%s/%s' (%s %s, %s allocated)\n", b->pool, b->name,
		       cap, b->format ? b->format : "?", alloc);
	else if (!strcmp(did, "found"))
		printf("base image '%s/%s' is there already (found by its checksum; %s %s)\n", b->pool,
		       b->name, cap, b->format ? b->format : "?");
	else
		printf("removed base image '%s/%s' (%s allocated freed)\n", b->pool, b->name, alloc);
}

/* pull and import: open the image, upload it unless the pool has it */
static int pull(struct vp_ctx *ctx, const struct vp_args *a, const char *what)
{
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *state = vp_state_dir();
	_cleanup_(freep) char *path = NULL;
	struct vp_osinfo *db = NULL;
	struct vp_base_info b = { 0 };
	struct vp_error err = { 0 };
	const char *arch = strcmp(what, "pull") ? NULL : vp_arg_str(a, "arch");
	bool uploaded = false;
	int rc = VP_EXIT_OK;

	if (!cache) {
		vp_error_set(&err, VP_ERR_RUNTIME, "no cache directory: set $XDG_CACHE_HOME or $HOME");
		return vp_fail(ctx, &err);
	}
	if (!arch) {
		struct utsname u;

		arch = uname(&u) == 0 && !strcmp(u.machine, "aarch64") ? "aarch64" : "x86_64";
	}
	if (!strcmp(what, "import")) {
		/* a file, even "dir/f.qcow2" (which --image reads as POOL/VOL) */
		if (!(path = realpath(ctx->name, NULL))) {
			vp_error_set(&err, VP_ERR_NOT_FOUND, "cannot read image '%s': %s", ctx->name,
				     strerror(errno));
			return vp_fail(ctx, &err);
		}
	} else if (!strchr(ctx->name, '/') && vp_osinfo_open_default(ctx, &db, NULL, &err) < 0) {
		/* the OS database only for an ID (not a URL, nor a file) */
		return vp_fail(ctx, &err);
	}
	{
		struct vp_image_env env = {
			.cache_dir = cache,
			.state_dir = state,
			.reporter = &ctx->reporter,
			.osinfo = db,
		};

		if (vp_image_pull(ctx->conn, path ? path : ctx->name, vp_arg_str(a, "pool"), arch, &env, &b,
				  &uploaded, &err) < 0)
			rc = vp_fail(ctx, &err);
	}
	vp_osinfo_done(db);
	if (rc != VP_EXIT_OK)
		return rc;
	vp_reporter_done(ctx);
	print_base(ctx, &b, uploaded ? "uploaded" : "found");
	vp_base_info_clear(&b);
	return VP_EXIT_OK;
}

static int image_pull(struct vp_ctx *ctx, const struct vp_args *a)
{
	return pull(ctx, a, "pull");
}

static int image_import(struct vp_ctx *ctx, const struct vp_args *a)
{
	return pull(ctx, a, "import");
}

/* import takes a file on this machine: said before the host is reached */
static int import_check(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct stat sb;

	(void)a;
	if (stat(ctx->name, &sb) < 0)
		return vp_usage_error(ctx, "cannot read image '%s': %m", ctx->name);
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
		return vp_usage_error(ctx, "'%s' is no image file", ctx->name);
	return VP_EXIT_OK;
}

static int image_rm(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_base_info b = { 0 };
	struct vp_error err = { 0 };

	(void)a;
	if (vp_image_rm(ctx->conn, ctx->name, &b, &err) < 0)
		return vp_fail(ctx, &err);
	print_base(ctx, &b, "removed");
	vp_base_info_clear(&b);
	return VP_EXIT_OK;
}

static const struct vp_cmd image_list_cmd = {
	.name = "list",
	.summary = "the base images in the host's pools, and the VMs on each",
	.opts = list_opts,
	.needs = VP_NEED_CONN,
	.run = image_list,
};

static const struct vp_cmd image_pull_cmd = {
	.name = "pull",
	.args = "ID|URL",
	.arg_what = "an OS id or a URL",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_OS,
	.summary = "download a cloud image (cached) and upload it as a base unless the pool has it",
	.description = "ID is an OS profile's id (its cloud image for --arch); a URL is downloaded\n"
		       "into the cache, revalidated with the server when cached.  The pool is\n"
		       "asked for a base with the image's checksum first: it is uploaded once.",
	.opts = pull_opts,
	.needs = VP_NEED_CONN | VP_NEED_SIGNALS,
	.run = image_pull,
};

static const struct vp_cmd image_import_cmd = {
	.name = "import",
	.args = "PATH",
	.arg_what = "an image file",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_FILE,
	.summary = "upload a qcow2 or raw image file as a base unless the pool has it",
	.description = "The file's sha256 is kept in the cache by its inode and modification time,\n"
		       "so the same file is hashed once.  The upload is sparse, through the\n"
		       "libvirt storage API: a remote host (-c) gets it the same way.",
	.opts = import_opts,
	.needs = VP_NEED_CONN | VP_NEED_SIGNALS,
	.check = import_check,
	.run = image_import,
};

static const struct vp_cmd image_rm_cmd = {
	.name = "rm",
	.args = "NAME|POOL/VOL",
	.arg_what = "a base image",
	.min_args = 1,
	.max_args = 1,
	.summary = "remove a base image no VM's disk depends on",
	.opts = rm_opts,
	.needs = VP_NEED_CONN,
	.run = image_rm,
};

static const struct vp_cmd *const image_subcmds[] = {
	&image_list_cmd, &image_pull_cmd, &image_import_cmd, &image_rm_cmd, NULL,
};

const struct vp_cmd vp_cmd_image = {
	.name = "image",
	.summary = "cloud images kept as bases of thin overlays: list, pull, import, rm",
	.description = description,
	.subcmds = image_subcmds,
};
