/* cmd/info.c — vprov info NAME [--json] */
#include <json-c/json.h>
#include <stdio.h>

#include "vprov.h"
#include "domain.h"
#include "units.h"

static const struct vp_opt options[] = {
	VP_OPT_FLAG(0, "json", "print a JSON object"),
	VP_OPT_END,
};

static void print_json(const struct vp_domain_info *in)
{
	json_object *o = json_object_new_object();
	json_object *disks = json_object_new_array(), *nics = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", vp_json_str(in->sum.name));
	json_object_object_add(o, "uuid", vp_json_str(in->uuid));
	json_object_object_add(o, "id", in->sum.id >= 0 ? json_object_new_int(in->sum.id) : NULL);
	json_object_object_add(o, "state", vp_json_str(in->sum.state));
	json_object_object_add(o, "persistent", json_object_new_boolean(in->sum.persistent));
	json_object_object_add(o, "autostart", json_object_new_boolean(in->sum.autostart));
	json_object_object_add(o, "managed", json_object_new_boolean(in->sum.managed));
	json_object_object_add(o, "snapshots", json_object_new_int64(in->sum.snapshots));
	json_object_object_add(o, "virt_type", vp_json_str(in->virt_type));
	json_object_object_add(o, "arch", vp_json_str(in->arch));
	json_object_object_add(o, "machine", vp_json_str(in->machine));
	json_object_object_add(o, "vcpus", json_object_new_int((int)in->sum.vcpus));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)(in->sum.memory >> 20)));
	for (i = 0; i < in->n_disks; i++) {
		const struct vp_disk_info *d = &in->disks[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "target", vp_json_str(d->target));
		json_object_object_add(j, "bus", vp_json_str(d->bus));
		json_object_object_add(j, "device", vp_json_str(d->device));
		json_object_object_add(j, "source", vp_json_str(d->source));
		json_object_object_add(j, "format", vp_json_str(d->format));
		json_object_object_add(j, "encryption", vp_json_str(d->encryption));
		json_object_object_add(j, "capacity_bytes",
				       d->capacity ? json_object_new_int64((int64_t)d->capacity) : NULL);
		json_object_object_add(j, "allocation_bytes",
				       d->capacity ? json_object_new_int64((int64_t)d->allocation) : NULL);
		json_object_object_add(j, "backing_store", vp_json_str(d->backing));
		json_object_object_add(j, "owned", json_object_new_boolean(d->owned));
		json_object_array_add(disks, j);
	}
	json_object_object_add(o, "disks", disks);
	for (i = 0; i < in->n_nics; i++) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "type", vp_json_str(in->nics[i].type));
		json_object_object_add(j, "source", vp_json_str(in->nics[i].source));
		json_object_object_add(j, "mac", vp_json_str(in->nics[i].mac));
		json_object_object_add(j, "model", vp_json_str(in->nics[i].model));
		json_object_object_add(j, "reserved_ip", vp_json_str(in->nics[i].reserved_ip));
		json_object_array_add(nics, j);
	}
	json_object_object_add(o, "interfaces", nics);
	json_object_object_add(o, "graphics", vp_json_str(in->graphics));
	json_object_object_add(o, "display", vp_json_str(in->display));
	json_object_object_add(o, "console_log", vp_json_str(in->console_log));
	json_object_object_add(o, "spec_hash", vp_json_str(in->spec_hash));
	json_object_object_add(o, "os", vp_json_str(in->os));
	vp_json_print(o);
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
	printf("snapshots:   %u\n", in->sum.snapshots);
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
			printf(" (%s, %s, %s used%s%s%s%s)", d->format ? d->format : "?", a, b,
			       d->owned ? ", owned" : "", d->encryption ? ", encrypted (" : "",
			       d->encryption ? d->encryption : "", d->encryption ? ")" : "");
		} else if (d->owned || d->encryption) {
			printf(" (%s%s%s%s%s)", d->owned ? "owned" : "",
			       d->owned && d->encryption ? ", " : "",
			       d->encryption ? "encrypted (" : "", d->encryption ? d->encryption : "",
			       d->encryption ? ")" : "");
		}
		putchar('\n');
		if (d->backing)
			printf("             backed by %s\n", d->backing);
	}
	for (i = 0; i < in->n_nics; i++) {
		printf("interface:   %s%s%s, %s, %s", in->nics[i].type,
		       in->nics[i].source ? " " : "", in->nics[i].source ? in->nics[i].source : "",
		       in->nics[i].model ? in->nics[i].model : "-",
		       in->nics[i].mac ? in->nics[i].mac : "-");
		if (in->nics[i].reserved_ip)
			printf(", reserved %s", in->nics[i].reserved_ip);
		putchar('\n');
	}
	printf("graphics:    %s%s%s\n", in->graphics ? in->graphics : "none", in->display ? " at " : "",
	       in->display ? in->display : "");
	printf("console log: %s\n", in->console_log ? in->console_log : "-");
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_domain_info in;
	struct vp_error err = { 0 };

	(void)a;
	if (vp_domain_info(ctx->dom, &in, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json)
		print_json(&in);
	else
		print_text(&in);
	vp_domain_info_clear(&in);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_info = {
	.name = "info",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "show a VM: state, memory, vCPUs, disks and sizes, console log",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN,
	.run = run,
};
