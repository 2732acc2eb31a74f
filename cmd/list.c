/* cmd/list.c — vprov list [--all] [--json] */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "vprov.h"
#include "domain.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG('a', "all", "include VMs that are not running"),
	VP_OPT_FLAG(0, "json", "print a JSON array"),
	VP_OPT_END,
};

static void print_json(const struct vp_domain_summary *l, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(l[i].name));
		json_object_object_add(o, "id", l[i].id >= 0 ? json_object_new_int(l[i].id) : NULL);
		json_object_object_add(o, "state", json_object_new_string(l[i].state));
		json_object_object_add(o, "vcpus", json_object_new_int((int)l[i].vcpus));
		json_object_object_add(o, "memory_mib",
				       json_object_new_int64((int64_t)(l[i].memory >> 20)));
		json_object_object_add(o, "persistent", json_object_new_boolean(l[i].persistent));
		json_object_object_add(o, "autostart", json_object_new_boolean(l[i].autostart));
		json_object_object_add(o, "managed", json_object_new_boolean(l[i].managed));
		json_object_object_add(o, "snapshots", json_object_new_int64(l[i].snapshots));
		json_object_array_add(arr, o);
	}
	vp_json_print(arr);
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_domain_summary *l = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i, w = 4;

	if (vp_domain_list(ctx->conn, vp_arg_flag(a, "all"), &l, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		print_json(l, n);
	} else {
		for (i = 0; i < n; i++)
			if (strlen(l[i].name) > w)
				w = strlen(l[i].name);
		printf("%-*s  %-13s %5s %10s  %-5s  %s\n", (int)w, "NAME", "STATE", "VCPUS", "MEMORY",
		       "VPROV", "SNAPSHOTS");
		for (i = 0; i < n; i++)
			printf("%-*s  %-13s %5u %6llu MiB  %-5s  %u\n", (int)w, l[i].name, l[i].state,
			       l[i].vcpus, (unsigned long long)(l[i].memory >> 20),
			       l[i].managed ? "yes" : "-", l[i].snapshots);
	}
	vp_domain_summaries_free(l, n);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_list = {
	.name = "list",
	.summary = "list VMs (running ones; --all for every one)",
	.opts = options,
	.needs = VP_NEED_CONN,
	.run = run,
};
