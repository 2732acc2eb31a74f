/* cmd/cache.c — vprov cache list|prune: the download cache */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vprov.h"
#include "cleanup.h"
#include "clock.h"
#include "fetch.h"
#include "fs.h"
#include "units.h"

static const struct vp_opt list_opts[] = {
	VP_OPT_FLAG(0, "json", "print the entries as JSON"),
	VP_OPT_END,
};

static const struct vp_opt prune_opts[] = {
	VP_OPT_VALUE(0, "older-than", "TIME",
		     "remove what was not used for TIME (30d, 12h, 90m, 3600s)"),
	VP_OPT_VALUE(0, "max-size", "SIZE",
		     "then remove the least recently used until the cache\n"
		     "holds at most SIZE (10G, 500M)"),
	VP_OPT_FLAG(0, "all", "remove every entry"),
	VP_OPT_FLAG(0, "json", "print what was removed as JSON"),
	VP_OPT_END,
};

static char *cache_or_fail(struct vp_ctx *ctx)
{
	char *dir = vp_cache_dir();
	struct vp_error err = { 0 };

	if (!dir) {
		vp_error_set(&err, VP_ERR_RUNTIME, "no cache directory: set $XDG_CACHE_HOME or $HOME");
		vp_fail(ctx, &err);
	}
	return dir;
}

static json_object *entry_json(const struct vp_cache_entry *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "url", vp_json_str(e->url));
	json_object_object_add(o, "path", vp_json_str(e->path));
	json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)e->size));
	json_object_object_add(o, "sha256", vp_json_str(e->sha256));
	json_object_object_add(o, "etag", vp_json_str(e->etag));
	json_object_object_add(o, "last_modified", vp_json_str(e->last_modified));
	json_object_object_add(o, "fetched_ms", json_object_new_int64(e->fetched_ms));
	json_object_object_add(o, "used_ms", json_object_new_int64(e->used_ms));
	return o;
}

static void when(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || !localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "-");
}

static int cache_list(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *dir = cache_or_fail(ctx);
	struct vp_cache_entry *e = NULL;
	struct vp_error err = { 0 };
	uint64_t total = 0;
	size_t n = 0, i;
	char size[32], used[32];

	if (!dir)
		return VP_EXIT_FAIL;
	if (vp_cache_list(dir, &e, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (vp_arg_flag(a, "json")) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, entry_json(&e[i]));
		vp_json_print(arr);
	} else {
		printf("%-9s  %-16s  %s\n", "SIZE", "LAST USED", "URL");
		for (i = 0; i < n; i++) {
			vp_format_size(e[i].size, size, sizeof(size));
			when(e[i].used_ms, used, sizeof(used));
			printf("%-9s  %-16s  %s\n", size, used, e[i].url ? e[i].url : "?");
			total += e[i].size;
		}
		vp_format_size(total, size, sizeof(size));
		printf("%zu file%s, %s in %s/fetch\n", n, n == 1 ? "" : "s", size, dir);
	}
	vp_cache_entries_free(e, n);
	return VP_EXIT_OK;
}

static int cache_prune(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *dir = cache_or_fail(ctx);
	struct vp_cache_entry *e = NULL;
	struct vp_error err = { 0 };
	int64_t older = -2;
	uint64_t max = UINT64_MAX, freed = 0;
	size_t n = 0, i;
	const char *v;
	char size[32];

	if (!dir)
		return VP_EXIT_FAIL;
	if ((v = vp_arg_str(a, "older-than")) &&
	    vp_parse_duration(v, INT64_MAX / 2, "--older-than", &older, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	if ((v = vp_arg_str(a, "max-size")) &&
	    vp_parse_size(v, VP_MiB, 0, UINT64_MAX / 2, "--max-size", &max, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	if (vp_arg_flag(a, "all")) {
		if (older != -2 || max != UINT64_MAX)
			return vp_usage_error(ctx, "--all removes everything: drop --older-than and --max-size");
		older = -1;
	} else if (older == -2 && max == UINT64_MAX) {
		return vp_usage_error(ctx, "say what to remove: --older-than TIME, --max-size SIZE or --all");
	}
	if (older == -2)
		older = INT64_MAX;
	if (vp_cache_prune(dir, older, max, &e, &n, &freed, &err) < 0)
		return vp_fail(ctx, &err);
	if (vp_arg_flag(a, "json")) {
		json_object *o = json_object_new_object(), *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, entry_json(&e[i]));
		json_object_object_add(o, "removed", arr);
		json_object_object_add(o, "freed_bytes", json_object_new_int64((int64_t)freed));
		vp_json_print(o);
	} else {
		for (i = 0; i < n; i++)
			printf("removed %s\n", e[i].url ? e[i].url : e[i].path);
		vp_format_size(freed, size, sizeof(size));
		printf("%zu file%s removed, %s freed\n", n, n == 1 ? "" : "s", size);
	}
	vp_cache_entries_free(e, n);
	return VP_EXIT_OK;
}

static const struct vp_cmd cache_list_cmd = {
	.name = "list",
	.summary = "what the download cache holds",
	.opts = list_opts,
	.run = cache_list,
};

static const struct vp_cmd cache_prune_cmd = {
	.name = "prune",
	.summary = "remove cached downloads by age or size",
	.opts = prune_opts,
	.run = cache_prune,
};

static const struct vp_cmd *const cache_subcmds[] = { &cache_list_cmd, &cache_prune_cmd, NULL };

const struct vp_cmd vp_cmd_cache = {
	.name = "cache",
	.summary = "the download cache: installer kernels, initrds and ISOs",
	.subcmds = cache_subcmds,
};
