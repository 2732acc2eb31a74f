/* cmd/list.c — vprov list [--all] [--json] */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "vprov.h"
#include "domain.h"

static const char help[] =
	"  -a, --all              include VMs that are not running\n"
	"      --json             print a JSON array\n";

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
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
		json_object_array_add(arr, o);
	}
	puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_domain_summary *l = NULL;
	struct vp_error err = { 0 };
	bool all = false, json = false;
	size_t n = 0, i, w = 4;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT "a", options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx);
			continue;
		}
		if (opt == 'a')
			all = true;
		else if (opt == 'j')
			json = true;
		else
			return vp_bad_opt(ctx, opt, argv);
	}
	if (optind < argc)
		return vp_usage_error(ctx, "unexpected argument '%s'; see '%s --help'", argv[optind],
				      ctx->prog);
	if (vp_connect(ctx, &err) < 0 || vp_domain_list(ctx->conn, all, &l, &n, &err) < 0)
		return vp_report(ctx, &err);
	if (json) {
		print_json(l, n);
	} else {
		for (i = 0; i < n; i++)
			if (strlen(l[i].name) > w)
				w = strlen(l[i].name);
		printf("%-*s  %-13s %5s %10s  %s\n", (int)w, "NAME", "STATE", "VCPUS", "MEMORY", "VPROV");
		for (i = 0; i < n; i++)
			printf("%-*s  %-13s %5u %6llu MiB  %s\n", (int)w, l[i].name, l[i].state,
			       l[i].vcpus, (unsigned long long)(l[i].memory >> 20),
			       l[i].managed ? "yes" : "-");
	}
	vp_domain_summaries_free(l, n);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_list = {
	.name = "list",
	.usage = "[--all] [--json]",
	.summary = "list VMs (running ones; --all for every one)",
	.help = help,
	.run = run,
};
