/* provision/kvm.c — the KVM probe and its cached verdict (see kvm.h) */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <json-c/json.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "fs.h"
#include "hash.h"
#include "journal.h"
#include "storage.h"
#include "uuid.h"
#include "console.h"
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
	_cleanup_(freep) char *hex = NULL;
	struct utsname u;

	if (!cache_dir)
		return NULL;
	uri = virConnectGetURI(conn);
	virConnectGetVersion(conn, &hv);
	virConnectGetLibVersion(conn, &lib);
	virResetLastError();
	key = vp_strdup_printf("%s|%s|%lu|%lu|%s", caps->host_uuid ? caps->host_uuid : "",
			       uri ? uri : "", hv, lib,
			       vp_conn_is_local(conn) && uname(&u) == 0 ? u.release : "");
	if (!(hex = vp_sha256_hex(key, 16)))
		return NULL;
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

/* ---- the probe ------------------------------------------------------------ */

extern const unsigned char vp_probe_payload[];
extern const size_t vp_probe_payload_len;

/* One run of the payload in a domain of one type. */
struct run {
	const char *type;        /* kvm, qemu */
	bool started;            /* QEMU started the guest */
	char start_error[512];   /* why it did not */
	bool powered_off;        /* it turned itself off */
	char *markers;           /* what it printed, "VPROBE ..." lines */
	uint64_t emulated, emulation_fails; /* KVM's vCPU counters */
	int state, reason;       /* at the end */
	int64_t ms;
};

static void run_clear(struct run *r)
{
	free(r->markers);
	memset(r, 0, sizeof(*r));
}

struct watch {
	virDomainPtr dom;
	int mem;                 /* what the console printed so far */
	int64_t fails_since;     /* when emulation failures were first seen; -1 */
	uint64_t emulated, fails;
	int ticks;
};

/* KVM's counts of guest instructions it emulated itself and of those it
 * could not, from the vCPU statistics (libvirt asks QEMU for the kernel's
 * kvm statistics; hosts without them give 0). */
static void emulation_counts(virDomainPtr dom, uint64_t *emulated, uint64_t *fails)
{
	virDomainPtr doms[2] = { dom, NULL };
	virDomainStatsRecordPtr *recs = NULL;
	int i, k;

	*emulated = *fails = 0;
	if (virDomainListGetStats(doms, VIR_DOMAIN_STATS_VCPU, &recs, 0) < 0) {
		virResetLastError();
		return;
	}
	for (i = 0; recs && recs[i]; i++)
		for (k = 0; k < recs[i]->nparams; k++) {
			virTypedParameterPtr p = &recs[i]->params[k];
			uint64_t v = p->type == VIR_TYPED_PARAM_ULLONG ? p->value.ul :
				     p->type == VIR_TYPED_PARAM_LLONG && p->value.l > 0 ? (uint64_t)p->value.l : 0;

			if (strstr(p->field, "insn_emulation_fail"))
				*fails += v;
			else if (strstr(p->field, "insn_emulation"))
				*emulated += v;
		}
	virDomainStatsRecordListFree(recs);
}

/* Has the payload said it failed?  It halts after "VPROBE FAIL ...".
 * (After "VPROBE ok" comes the power-off: the state tells.) */
static bool said_fail(int mem)
{
	char buf[4096];
	off_t len = mem >= 0 ? lseek(mem, 0, SEEK_END) : 0;
	ssize_t n;

	if (len <= 0)
		return false;
	n = pread(mem, buf, sizeof(buf) - 1, len > (off_t)sizeof(buf) - 1 ? len - (off_t)sizeof(buf) + 1 : 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "VPROBE FAIL") != NULL;
}

static int tick(void *opaque)
{
	struct watch *w = opaque;
	int state = 0, reason = 0;

	if (virDomainGetState(w->dom, &state, &reason, 0) < 0 || state == VIR_DOMAIN_SHUTOFF ||
	    state == VIR_DOMAIN_CRASHED) {
		virResetLastError();
		return 1; /* it is over (the stream's end may come a little later) */
	}
	if (said_fail(w->mem))
		return 1;
	++w->ticks;
	/* a vCPU that keeps failing to emulate will not recover: after a
	 * second of it, the verdict is in */
	if (w->ticks % 5 == 0) {
		emulation_counts(w->dom, &w->emulated, &w->fails);
		if (w->fails && w->fails_since < 0)
			w->fails_since = vp_now_ms();
		if (w->fails && vp_now_ms() - w->fails_since >= 1000)
			return 1;
	}
	return 0;
}

static void resume_on_open(void *opaque, bool tty)
{
	struct watch *w = opaque;

	(void)tty;
	virDomainResume(w->dom);
}

static char *payload_xml(const char *type, const char *name, const char *uuid,
			 const char *machine, const char *cpu_model, const char *kernel)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, os;

	if (vp_xml_parse(vp_template_kvm_probe, "templates/kvm-probe.xml", &doc, NULL) < 0)
		return NULL;
	root = xmlDocGetRootElement(doc);
	vp_xml_set(root, "type", type);
	vp_xml_set_text(vp_xml_child(root, "name"), name);
	vp_xml_set_text(vp_xml_child(root, "uuid"), uuid);
	os = vp_xml_child(root, "os");
	vp_xml_set(vp_xml_child(os, "type"), "machine", machine);
	vp_xml_set_text(vp_xml_child(os, "kernel"), kernel);
	/* TCG, the control run: the emulator's most capable CPU */
	if (!strcmp(type, "qemu")) {
		vp_xml_set(vp_xml_child(root, "cpu"), "mode", "maximum");
	} else if (cpu_model) {
		xmlNodePtr cpu = vp_xml_child(root, "cpu");

		vp_xml_set(cpu, "mode", "custom");
		vp_xml_set(cpu, "match", "exact");
		vp_xml_set(cpu, "check", "none");
		vp_xml_add(cpu, "model", cpu_model);
	}
	return vp_xml_format(doc);
}

/* Boot the payload once as a domain of type type and watch it. */
static int run_payload(virConnectPtr conn, struct vp_journal *j, const char *type,
		       const char *machine, const char *cpu_model, const char *kernel, int64_t timeout_ms,
		       const struct vp_reporter *r, struct run *out, struct vp_error *err)
{
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(freep) char *name = NULL;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_(closep) int mem = -1;
	struct vp_console_opts co = { .timeout_ms = timeout_ms };
	struct watch w = { .fails_since = -1 };
	enum vp_console_end end;
	struct vp_error e2 = { 0 };
	char uuid[37];
	json_object *u;
	int64_t t0 = vp_now_ms();
	int idx;

	memset(out, 0, sizeof(*out));
	out->type = type;
	if (vp_uuid_generate(uuid, err) < 0)
		return -1;
	name = vp_strdup_printf("vprov-kvm-probe-%.8s", uuid);
	xml = payload_xml(type, name, uuid, machine, cpu_model, kernel);
	if (!xml)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot build the KVM probe's domain");
	u = json_object_new_object();
	json_object_object_add(u, "kind", json_object_new_string("domain"));
	json_object_object_add(u, "uuid", json_object_new_string(uuid));
	json_object_object_add(u, "name", json_object_new_string(name));
	if ((idx = vp_journal_intent(j, u, err)) < 0)
		return -1;
	/* paused until its console is open, so nothing it prints is lost;
	 * auto-destroyed when this connection closes, whatever happens to
	 * vprov meanwhile */
	dom = virDomainCreateXML(conn, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
	if (!dom) {
		const char *why = virGetLastErrorMessage();
		size_t n = strcspn(why ? why : "", "\n");
		const char *e, *reason = why;

		/* QEMU's own words come after its last "error: " */
		for (e = why ? strstr(why, "error: ") : NULL; e && (size_t)(e - why) < n;
		     e = strstr(e + 1, "error: "))
			reason = e + 7;
		snprintf(out->start_error, sizeof(out->start_error), "%.*s",
			 (int)(n - (size_t)(reason - why)), reason ? reason : "?");
		vp_journal_failed(j, idx);
		out->ms = vp_now_ms() - t0;
		return 0;
	}
	vp_journal_done(j, idx, NULL);
	out->started = true;
	w.dom = dom;
	co.tick = tick;
	co.opaque = &w;
	co.on_open = resume_on_open;
	mem = memfd_create("vprov-kvm-probe", MFD_CLOEXEC);
	w.mem = mem;
	if (mem < 0 || vp_console_attach(dom, -1, mem, &co, r ? r->cancel : NULL, &end, &e2) < 0) {
		if (e2.code == VP_ERR_CANCELLED) {
			*err = e2;
			return -1;
		}
		/* no console (no event loop here): the end state still tells */
		vp_report_note(r, "the KVM probe's console could not be read (%s)", e2.msg);
		virDomainResume(dom);
		while (vp_now_ms() - t0 < timeout_ms && !tick(&w))
			usleep(50 * 1000);
	}
	/* a guest that powered off is being shut down for a moment yet */
	for (;;) {
		if (virDomainGetState(dom, &out->state, &out->reason, 0) < 0) {
			/* an auto-destroyed transient domain is gone once off */
			out->state = VIR_DOMAIN_SHUTOFF;
			out->reason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
			virResetLastError();
		}
		if (out->state != VIR_DOMAIN_SHUTDOWN || vp_now_ms() - t0 > timeout_ms + 3000)
			break;
		usleep(20 * 1000);
	}
	if (out->state == VIR_DOMAIN_RUNNING || out->state == VIR_DOMAIN_PAUSED)
		emulation_counts(dom, &w.emulated, &w.fails);
	out->emulated = w.emulated;
	out->emulation_fails = w.fails;
	if (mem >= 0) {
		off_t len = lseek(mem, 0, SEEK_END);
		char *text = vp_calloc((size_t)(len > 0 ? len : 0) + 1, 1);
		char *line, *save = NULL;
		size_t have = 0;

		if (len > 0 && pread(mem, text, (size_t)len, 0) != len)
			text[0] = '\0';
		/* only the payload's own lines (the firmware prints too) */
		for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
			const char *m = strstr(line, "VPROBE ");

			if (!m)
				continue;
			out->markers = vp_grow(out->markers, have + strlen(m) + 2, 1);
			have += (size_t)sprintf(out->markers + have, "%s%s", have ? "\n" : "", m);
		}
		free(text);
	}
	out->powered_off = out->state == VIR_DOMAIN_SHUTOFF &&
			   out->reason == VIR_DOMAIN_SHUTOFF_SHUTDOWN && out->markers &&
			   strstr(out->markers, "VPROBE ok");
	if (virDomainIsActive(dom) == 1)
		virDomainDestroy(dom);
	virResetLastError();
	out->ms = vp_now_ms() - t0;
	return 0;
}

/* "real, protected, long" of the stages a run passed, and in *fail what
 * it said when it failed ("slow 0x00000011"), if it did. */
static void stages(const struct run *r, char *passed, size_t len, char *fail, size_t flen)
{
	const char *m = r->markers;
	size_t n = 0;

	passed[0] = fail[0] = '\0';
	while (m && *m) {
		size_t k = strcspn(m, "\n");
		const char *w = m + strlen("VPROBE ");

		if (k > strlen("VPROBE ")) {
			if (!strncmp(w, "FAIL ", 5))
				snprintf(fail, flen, "%.*s", (int)(k - strlen("VPROBE FAIL ")), w + 5);
			else if (n < len)
				n += (size_t)snprintf(passed + n, len - n, "%s%.*s", n ? ", " : "",
						      (int)(k - strlen("VPROBE ")), w);
		}
		m += k;
		if (*m)
			m++;
	}
}

static char *describe(const struct run *k, const struct run *control)
{
	char passed[160], fail[96], emu[96] = "";
	const char *state = k->state == VIR_DOMAIN_RUNNING ? "it kept running" :
			    k->state == VIR_DOMAIN_PAUSED  ? "QEMU paused it (an emulation error)" :
			    k->state == VIR_DOMAIN_CRASHED ? "it crashed" : "it stopped";
	const char *tcg = control && control->powered_off ? "; under TCG the same probe completed" : "";

	if (!k->started)
		return vp_strdup_printf("QEMU could not start a KVM guest: %s%s", k->start_error, tcg);
	if (k->powered_off)
		return vp_strdup_printf("the probe ran through real, protected and long mode at full speed and powered off in %.1f s",
					(double)k->ms / 1000);
	stages(k, passed, sizeof(passed), fail, sizeof(fail));
	if (k->emulation_fails)
		snprintf(emu, sizeof(emu), "; KVM failed to emulate %llu guest instructions",
			 (unsigned long long)k->emulation_fails);
	else if (k->emulated > 100000)
		snprintf(emu, sizeof(emu), "; KVM emulated %llu guest instructions in software",
			 (unsigned long long)k->emulated);
	if (fail[0])
		return vp_strdup_printf("the probe's KVM guest passed %s, then failed: %s%s%s",
					passed[0] ? passed : "nothing", fail, emu, tcg);
	if (passed[0])
		return vp_strdup_printf("the probe's KVM guest passed %s, then did not finish within %.1f s (%s)%s%s",
					passed, (double)k->ms / 1000, state, emu, tcg);
	return vp_strdup_printf("the probe's KVM guest printed nothing within %.1f s (%s)%s%s",
				(double)k->ms / 1000, state, emu, tcg);
}

/* Put the payload where conn's host can boot it; journalled. */
static int place_payload(virConnectPtr conn, struct vp_journal *j, char **path, struct vp_error *err)
{
	char uuid[37];
	json_object *u, *id;
	int idx;

	if (vp_uuid_generate(uuid, err) < 0)
		return -1;
	if (vp_conn_is_local(conn)) {
		/* a directory the emulator's user can reach: libvirt's own for
		 * boot files, or the user's cache for a session daemon */
		const char *home = vp_session_home(conn);
		_cleanup_(freep) char *dir = home ? vp_strdup_printf("%s/.cache/vprov", home)
						  : vp_strdup("/var/lib/libvirt/boot");
		struct stat st;

		if (vp_mkdir_p(dir, home ? 0700 : 0711) < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot make '%s' for the KVM probe: %s",
					    dir, strerror(errno));
		*path = vp_strdup_printf("%s/vprov-kvm-probe-%.8s.bin", dir, uuid);
		u = json_object_new_object();
		json_object_object_add(u, "kind", json_object_new_string("file"));
		json_object_object_add(u, "path", json_object_new_string(*path));
		if ((idx = vp_journal_intent(j, u, err)) < 0)
			return -1;
		if (vp_write_atomic(*path, vp_probe_payload, vp_probe_payload_len, 0644, false, err) < 0)
			return -1;
		id = json_object_new_object();
		if (stat(*path, &st) == 0) {
			json_object_object_add(id, "dev", json_object_new_int64((int64_t)st.st_dev));
			json_object_object_add(id, "ino", json_object_new_int64((int64_t)st.st_ino));
		}
		vp_journal_done(j, idx, id);
		return 0;
	}
	/* a remote host: the client's files are not the host's, so the
	 * payload goes up through a volume stream into a directory pool */
	{
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
		_cleanup_(virStreamFreep) virStreamPtr st = NULL;
		_cleanup_(freep) char *vname = vp_strdup_printf("vprov-kvm-probe-%.8s.bin", uuid);
		struct vp_volume_request req = { .name = vname, .capacity = vp_probe_payload_len,
						 .format = "raw", .sparse = true };
		struct vp_vol_info vi = { 0 };
		virStoragePoolPtr *pools = NULL;
		int n, i;

		pool = virStoragePoolLookupByName(conn, VP_DEFAULT_POOL);
		if (pool && virStoragePoolIsActive(pool) != 1) {
			virStoragePoolFree(pool);
			pool = NULL;
		}
		n = pool ? 0 : virConnectListAllStoragePools(conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE |
									VIR_CONNECT_LIST_STORAGE_POOLS_DIR);
		for (i = 0; i < n; i++) {
			if (!pool)
				pool = pools[i];
			else
				virStoragePoolFree(pools[i]);
		}
		free(pools);
		virResetLastError();
		if (!pool)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "the remote host has no active directory storage pool to hold the KVM probe");
		u = json_object_new_object();
		json_object_object_add(u, "kind", json_object_new_string("volume"));
		json_object_object_add(u, "pool", json_object_new_string(virStoragePoolGetName(pool)));
		json_object_object_add(u, "name", json_object_new_string(vname));
		if ((idx = vp_journal_intent(j, u, err)) < 0)
			return -1;
		if (vp_volume_create(pool, &req, &vol, err) < 0)
			return -1;
		id = json_object_new_object();
		json_object_object_add(id, "key", json_object_new_string(virStorageVolGetKey(vol)));
		vp_journal_done(j, idx, id);
		st = virStreamNew(conn, 0);
		if (!st || virStorageVolUpload(vol, st, 0, vp_probe_payload_len, 0) < 0 ||
		    virStreamSend(st, (const char *)vp_probe_payload, vp_probe_payload_len) !=
			    (int)vp_probe_payload_len ||
		    virStreamFinish(st) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot upload the KVM probe into pool '%s'",
						virStoragePoolGetName(pool));
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		*path = TAKE_PTR(vi.path);
		vp_vol_info_clear(&vi);
		if (!*path)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "the KVM probe's volume has no path on the remote host");
	}
	return 0;
}

int vp_kvm_probe(virConnectPtr conn, const struct vp_host_caps *caps,
		 const struct vp_kvm_probe_opts *opts, struct vp_kvm_check *out, struct vp_error *err)
{
	const struct vp_guest_caps *g = vp_host_caps_guest(caps, caps->host_arch);
	const char *machine = opts->machine;
	int64_t timeout = opts->timeout_ms > 0 ? opts->timeout_ms : VP_KVM_PROBE_TIMEOUT_MS;
	struct vp_journal *j = NULL;
	struct vp_lock lock = { .fd = -1 };
	_cleanup_(freep) char *kernel = NULL;
	struct run k = { 0 }, control = { 0 };
	struct vp_undo_report undo = { 0 };
	struct vp_error e2 = { 0 };
	int64_t t0 = vp_now_ms();
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->cache_file = verdict_path(conn, caps, opts->cache_dir);
	if (!g || !vp_guest_has_type(g, "kvm") || (strcmp(caps->host_arch, "x86_64") != 0))
		return vp_error_set(err, VP_ERR_RUNTIME, "the KVM probe runs on x86_64 hosts that offer KVM");
	if (!machine || (strcmp(machine, "q35") && strcmp(machine, "pc") && strncmp(machine, "pc-", 3)))
		machine = !g->n_machines || vp_guest_has_machine(g, "q35") ? "q35" : "pc";
	if (vp_journal_lock(conn, opts->state_dir, "probe", "kvm", opts->reporter, &lock, err) < 0)
		return -1;
	if (opts->unless_known) {
		vp_kvm_cached(conn, caps, opts->cache_dir, out);
		if (out->verdict != VP_KVM_UNKNOWN) {
			vp_journal_unlock(&lock);
			return 0;
		}
		vp_kvm_check_clear(out);
		out->cache_file = verdict_path(conn, caps, opts->cache_dir);
	}
	if (vp_journal_begin(conn, opts->state_dir, "probe", "kvm", &j, err) < 0) {
		vp_journal_unlock(&lock);
		return -1;
	}
	if (place_payload(conn, j, &kernel, err) < 0)
		goto out;
	if (run_payload(conn, j, "kvm", machine, opts->cpu_model, kernel, timeout, opts->reporter, &k,
			err) < 0)
		goto out;
	/* the control: did the payload itself fail?  The same boot under TCG
	 * must complete, or the probe says nothing about KVM */
	if (!k.powered_off &&
	    run_payload(conn, j, "qemu", machine, NULL, kernel, timeout, opts->reporter, &control, err) < 0)
		goto out;
	out->checked_ms = vp_wall_ms();
	out->markers = vp_strdup(k.markers);
	out->evidence = describe(&k, control.type ? &control : NULL);
	if (k.powered_off) {
		out->verdict = VP_KVM_WORKS;
	} else if (control.powered_off) {
		out->verdict = VP_KVM_BROKEN;
	} else {
		vp_error_set(err, VP_ERR_RUNTIME,
			     "the KVM probe did not complete under TCG either (%s), so it tells nothing about KVM",
			     control.started ? (control.markers ? "it stopped early" : "it printed nothing")
					     : control.start_error);
		goto out;
	}
	r = 0;
out:
	/* the probe leaves nothing: its domains and the payload go again */
	if (j && vp_journal_unwind(j, conn, &undo, r < 0 ? err : &e2) < 0 && r == 0)
		vp_report_warn(opts->reporter, "%s", e2.msg);
	vp_undo_report_clear(&undo);
	vp_journal_free(j);
	out->duration_ms = vp_now_ms() - t0;
	if (r == 0)
		save(out, opts->cache_dir);
	vp_journal_unlock(&lock);
	run_clear(&k);
	run_clear(&control);
	return r;
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
	if (opts->refresh || out->kvm.verdict == VP_KVM_UNKNOWN) {
		struct vp_kvm_probe_opts po = {
			.cache_dir = opts->cache_dir,
			.state_dir = opts->state_dir,
			.reporter = opts->reporter,
			.cpu_model = opts->cpu_model,
		};

		struct vp_error e2 = { 0 };

		vp_kvm_check_clear(&out->kvm);
		if (vp_kvm_probe(conn, &caps, &po, &out->kvm, &e2) < 0) {
			if (e2.code == VP_ERR_CANCELLED) {
				*err = e2;
				goto out;
			}
			/* a probe that cannot run says so; creates then use TCG */
			out->kvm.verdict = VP_KVM_UNKNOWN;
			out->kvm.evidence = vp_strdup_printf("the probe could not run: %s", e2.msg);
		}
	}
	/* what a create picks: KVM only where the probe finished */
	out->choice = out->kvm.verdict == VP_KVM_WORKS ? "kvm" : "qemu";
	r = 0;
out:
	vp_host_caps_clear(&caps);
	return r;
}
