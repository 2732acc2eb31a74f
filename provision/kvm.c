/* provision/kvm.c — the KVM probe and its cached verdict (see kvm.h) */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <gnutls/crypto.h>
#include <json-c/json.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "fs.h"
#include "journal.h"
#include "storage.h"
#include "xmlutil.h"

VP_DEFINE_CLEANUP(json_object *, json_object_put)

void vp_kvm_check_clear(struct vp_kvm_check *c)
{
	if (!c)
		return;
	free(c->evidence);
	free(c->markers);
	free(c->cache_file);
	memset(c, 0, sizeof(*c));
}

const char *vp_kvm_verdict_name(enum vp_kvm_verdict v)
{
	switch (v) {
	case VP_KVM_WORKS:
		return "works";
	case VP_KVM_BROKEN:
		return "broken";
	default:
		return "unknown";
	}
}

/* ---- the cache ------------------------------------------------------------ */

/* One file per host, hypervisor and libvirt version and (local hosts)
 * kernel: an upgrade of any of them asks again. */
static char *verdict_path(virConnectPtr conn, const struct vp_host_caps *caps,
			  const char *cache_dir)
{
	unsigned long hv = 0, lib = 0;
	_cleanup_(freep) char *uri = NULL;
	_cleanup_(freep) char *key = NULL;
	struct utsname u;
	unsigned char d[32];
	char hex[17];
	size_t i;

	if (!cache_dir)
		return NULL;
	uri = virConnectGetURI(conn);
	virConnectGetVersion(conn, &hv);
	virConnectGetLibVersion(conn, &lib);
	virResetLastError();
	key = vp_strdup_printf("%s|%s|%lu|%lu|%s", caps->host_uuid ? caps->host_uuid : "",
			       uri ? uri : "", hv, lib,
			       vp_conn_is_local(conn) && uname(&u) == 0 ? u.release : "");
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), d) < 0)
		return NULL;
	for (i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return vp_strdup_printf("%s/kvm-%s", cache_dir, hex);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_int64(v);
}

int vp_kvm_cached(virConnectPtr conn, const struct vp_host_caps *caps, const char *cache_dir,
		  struct vp_kvm_check *out)
{
	_cleanup_(freep) char *text = NULL;
	_cleanup_(json_object_putp) json_object *o = NULL;
	const char *v;

	memset(out, 0, sizeof(*out));
	out->cache_file = verdict_path(conn, caps, cache_dir);
	if (!out->cache_file || !(text = vp_read_file(out->cache_file, 64 * 1024, NULL)))
		return 0;
	o = json_tokener_parse(text);
	v = jstr(o, "verdict");
	if (!v)
		return 0; /* a damaged file: as if there were none */
	if (!strcmp(v, "works"))
		out->verdict = VP_KVM_WORKS;
	else if (!strcmp(v, "broken"))
		out->verdict = VP_KVM_BROKEN;
	else
		return 0;
	out->evidence = vp_strdup(jstr(o, "evidence"));
	out->markers = vp_strdup(jstr(o, "markers"));
	out->duration_ms = jint(o, "duration_ms");
	out->checked_ms = jint(o, "checked");
	out->cached = true;
	return 0;
}

static void save(const struct vp_kvm_check *c, const char *cache_dir)
{
	_cleanup_(json_object_putp) json_object *o = json_object_new_object();
	const char *text;

	if (!c->cache_file || c->verdict == VP_KVM_UNKNOWN || vp_mkdir_p(cache_dir, 0700) < 0)
		return;
	json_object_object_add(o, "verdict", json_object_new_string(vp_kvm_verdict_name(c->verdict)));
	json_object_object_add(o, "evidence", json_object_new_string(c->evidence ? c->evidence : ""));
	json_object_object_add(o, "markers", json_object_new_string(c->markers ? c->markers : ""));
	json_object_object_add(o, "duration_ms", json_object_new_int64(c->duration_ms));
	json_object_object_add(o, "checked", json_object_new_int64(c->checked_ms));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	vp_write_atomic(c->cache_file, text, strlen(text), 0600, false, NULL);
}

void vp_kvm_forget(virConnectPtr conn, const struct vp_host_caps *caps, const char *cache_dir)
{
	_cleanup_(freep) char *path = verdict_path(conn, caps, cache_dir);

	if (path)
		unlink(path);
}

/* ---- the probe ------------------------------------------------------------ */

int vp_kvm_probe(virConnectPtr conn, const struct vp_host_caps *caps,
		 const struct vp_kvm_probe_opts *opts, struct vp_kvm_check *out, struct vp_error *err)
{
	memset(out, 0, sizeof(*out));
	out->cache_file = verdict_path(conn, caps, opts->cache_dir);
	(void)save;
	return vp_error_set(err, VP_ERR_RUNTIME, "the KVM probe is not built into this vprov");
}

/* ---- vprov host check ----------------------------------------------------- */

void vp_host_report_clear(struct vp_host_report *r)
{
	if (!r)
		return;
	free(r->uri);
	free(r->hostname);
	free(r->arch);
	free(r->hv_type);
	free(r->domain_types);
	free(r->kvm_modules);
	free(r->cpu_model);
	vp_kvm_check_clear(&r->kvm);
	memset(r, 0, sizeof(*r));
}

static void local_facts(struct vp_host_report *r)
{
	static const char *const mods[] = { "kvm", "kvm_intel", "kvm_amd", "kvm_pvm", NULL };
	_cleanup_(freep) char *cpuinfo = vp_read_file("/proc/cpuinfo", 16 << 20, NULL);
	char path[64];
	size_t i;

	r->dev_kvm = access("/dev/kvm", F_OK) == 0;
	r->dev_kvm_rw = access("/dev/kvm", R_OK | W_OK) == 0;
	r->vhost_net = access("/dev/vhost-net", F_OK) == 0;
	r->tun = access("/dev/net/tun", F_OK) == 0;
	for (i = 0; mods[i]; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
		if (access(path, F_OK) == 0) {
			char *m = r->kvm_modules ? vp_strdup_printf("%s %s", r->kvm_modules, mods[i])
						 : vp_strdup(mods[i]);

			free(r->kvm_modules);
			r->kvm_modules = m;
		}
	}
	if (cpuinfo) {
		char *m = strstr(cpuinfo, "model name");
		char *flags = strstr(cpuinfo, "\nflags");

		if (m && (m = strchr(m, ':')))
			r->cpu_model = vp_strndup(m + 2, strcspn(m + 2, "\n"));
		if (flags) {
			_cleanup_(freep) char *line = vp_strndup(flags + 1, strcspn(flags + 1, "\n"));

			r->cpu_vmx = strstr(line, " vmx") != NULL;
			r->cpu_svm = strstr(line, " svm") != NULL;
		}
	}
}

int vp_host_check(virConnectPtr conn, const struct vp_host_check_opts *opts,
		  struct vp_host_report *out, struct vp_error *err)
{
	struct vp_host_caps caps = { 0 };
	const struct vp_guest_caps *g;
	const char *type;
	size_t i;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (vp_host_caps_get(conn, &caps, err) < 0)
		return -1;
	out->uri = virConnectGetURI(conn);
	out->hostname = virConnectGetHostname(conn);
	out->arch = vp_strdup(caps.host_arch);
	type = virConnectGetType(conn);
	out->hv_type = vp_strdup(type);
	virConnectGetVersion(conn, &out->hv_version);
	virConnectGetLibVersion(conn, &out->lib_version);
	virResetLastError();
	out->local = vp_conn_is_local(conn);
	g = vp_host_caps_guest(&caps, caps.host_arch);
	for (i = 0; g && i < g->n_types; i++) {
		char *t = out->domain_types ? vp_strdup_printf("%s %s", out->domain_types, g->types[i])
					    : vp_strdup(g->types[i]);

		free(out->domain_types);
		out->domain_types = t;
	}
	out->kvm_offered = g && vp_guest_has_type(g, "kvm");
	if (out->local)
		local_facts(out);
	if (!out->kvm_offered) {
		out->choice = g && vp_guest_has_type(g, "qemu") ? "qemu" : "none";
		r = 0;
		goto out;
	}
	vp_kvm_cached(conn, &caps, opts->cache_dir, &out->kvm);
	if (!opts->no_probe && (opts->refresh || out->kvm.verdict == VP_KVM_UNKNOWN)) {
		struct vp_kvm_probe_opts po = {
			.cache_dir = opts->cache_dir,
			.state_dir = opts->state_dir,
			.reporter = opts->reporter,
		};

		vp_kvm_check_clear(&out->kvm);
		if (vp_kvm_probe(conn, &caps, &po, &out->kvm, err) < 0)
			goto out;
	}
	out->choice = out->kvm.verdict == VP_KVM_BROKEN ? "qemu" : "kvm";
	r = 0;
out:
	vp_host_caps_clear(&caps);
	return r;
}
