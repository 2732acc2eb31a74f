/* cmd/info.c — vprov info NAME [--json] */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>

#include "vprov.h"
#include "domain.h"
#include "units.h"

static const char help[] = "      --json             print a JSON object\n";

static const struct option options[] = {
	VP_COMMON_LONG,
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const struct vp_domain_info *in)
{
	json_object *o = json_object_new_object();
	json_object *disks = json_object_new_array(), *nics = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", jstr(in->sum.name));
	json_object_object_add(o, "uuid", jstr(in->uuid));
	json_object_object_add(o, "id", in->sum.id >= 0 ? json_object_new_int(in->sum.id) : NULL);
	json_object_object_add(o, "state", jstr(in->sum.state));
	json_object_object_add(o, "persistent", json_object_new_boolean(in->sum.persistent));
	json_object_object_add(o, "autostart", json_object_new_boolean(in->sum.autostart));
	json_object_object_add(o, "managed", json_object_new_boolean(in->sum.managed));
	json_object_object_add(o, "virt_type", jstr(in->virt_type));
	json_object_object_add(o, "arch", jstr(in->arch));
	json_object_object_add(o, "machine", jstr(in->machine));
	json_object_object_add(o, "vcpus", json_object_new_int((int)in->sum.vcpus));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)(in->sum.memory >> 20)));
	for (i = 0; i < in->n_disks; i++) {
		const struct vp_disk_info *d = &in->disks[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "target", jstr(d->target));
		json_object_object_add(j, "bus", jstr(d->bus));
		json_object_object_add(j, "device", jstr(d->device));
		json_object_object_add(j, "source", jstr(d->source));
		json_object_object_add(j, "format", jstr(d->format));
		json_object_object_add(j, "capacity_bytes",
				       d->capacity ? json_object_new_int64((int64_t)d->capacity) : NULL);
		json_object_object_add(j, "allocation_bytes",
				       d->capacity ? json_object_new_int64((int64_t)d->allocation) : NULL);
		json_object_object_add(j, "backing_store", jstr(d->backing));
		json_object_object_add(j, "owned", json_object_new_boolean(d->owned));
		json_object_array_add(disks, j);
	}
	json_object_object_add(o, "disks", disks);
	for (i = 0; i < in->n_nics; i++) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "type", jstr(in->nics[i].type));
		json_object_object_add(j, "source", jstr(in->nics[i].source));
		json_object_object_add(j, "mac", jstr(in->nics[i].mac));
		json_object_object_add(j, "model", jstr(in->nics[i].model));
		json_object_array_add(nics, j);
	}
	json_object_object_add(o, "interfaces", nics);
	json_object_object_add(o, "graphics", jstr(in->graphics));
	json_object_object_add(o, "display", jstr(in->display));
	json_object_object_add(o, "console_log", jstr(in->console_log));
	json_object_object_add(o, "spec_hash", jstr(in->spec_hash));
	json_object_object_add(o, "os", jstr(in->os));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_text(const struct vp_domain_info *in)
{
	char a[32], b[32];
	size_t i;

	vp_format_size(in->sum.memory, a, sizeof(a));
	printf("name:        %s\n", in->sum.name);
	printf("uuid:        %s\n", in->uuid ? in->uuid : "-");
	printf("state:       %s%s\n", in->sum.state, in->sum.persistent ? "" : " (transient)");
	printf("autostart:   %s\n", in->sum.autostart ? "yes" : "no");
	printf("managed:     %s\n", in->sum.managed ? "yes (made by vprov)" : "no");
	if (in->os)
		printf("os profile:  %s\n", in->os);
	printf("type:        %s, %s, %s\n", in->virt_type ? in->virt_type : "-",
	       in->arch ? in->arch : "-", in->machine ? in->machine : "-");
	printf("vcpus:       %u\n", in->sum.vcpus);
	printf("memory:      %s\n", a);
	for (i = 0; i < in->n_disks; i++) {
		const struct vp_disk_info *d = &in->disks[i];

		printf("disk %-6s  %s", d->target ? d->target : "?", d->source ? d->source : "(empty)");
		if (d->capacity) {
			vp_format_size(d->capacity, a, sizeof(a));
			vp_format_size(d->allocation, b, sizeof(b));
			printf(" (%s, %s, %s used%s)", d->format ? d->format : "?", a, b,
			       d->owned ? ", owned" : "");
		} else if (d->owned) {
			printf(" (owned)");
		}
		putchar('\n');
		if (d->backing)
			printf("             backed by %s\n", d->backing);
	}
	for (i = 0; i < in->n_nics; i++)
		printf("interface:   %s%s%s, %s, %s\n", in->nics[i].type,
		       in->nics[i].source ? " " : "", in->nics[i].source ? in->nics[i].source : "",
		       in->nics[i].model ? in->nics[i].model : "-",
		       in->nics[i].mac ? in->nics[i].mac : "-");
	printf("graphics:    %s%s%s\n", in->graphics ? in->graphics : "none", in->display ? " at " : "",
	       in->display ? in->display : "");
	printf("console log: %s\n", in->console_log ? in->console_log : "-");
}

static int run(int argc, char **argv, struct vp_ctx *ctx)
{
	struct vp_domain_info in;
	struct vp_error err = { 0 };
	const char *name = NULL;
	bool json = false;
	int opt, c;

	while ((opt = getopt_long(argc, argv, VP_COMMON_SHORT, options, NULL)) != -1) {
		if ((c = vp_common_opt(ctx, opt, optarg)) != 0) {
			if (c < 0)
				return vp_help(ctx);
			continue;
		}
		if (opt == 'j')
			json = true;
		else
			return vp_bad_opt(ctx, opt, argv);
	}
	if (vp_one_name(ctx, argc, argv, &name) != 0)
		return VP_EXIT_USAGE;
	if (vp_connect(ctx, &err) < 0 || vp_domain_info(ctx->conn, name, &in, &err) < 0)
		return vp_report(ctx, &err);
	if (json)
		print_json(&in);
	else
		print_text(&in);
	vp_domain_info_clear(&in);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_info = {
	.name = "info",
	.usage = "NAME [--json]",
	.summary = "show a VM: state, memory, vCPUs, disks and sizes, console log",
	.help = help,
	.run = run,
};
