/* provision/journal.c — the on-disk undo journal (see journal.h)
 *
 * File format, one JSON object per line:
 *   {"vprov-journal":1,"op":"create","subject":"web1","uri":"qemu:///system",
 *    "pid":4242,"started":1764495600000,"local":true}
 *   {"i":0,"t":1764495600012,"undo":{"kind":"volume",...}}
 *   {"done":0,"id":{"key":"/var/lib/libvirt/images/web1.qcow2"}}
 *   {"failed":1}
 *   {"undone":0}
 * A line torn by a crash is the last one and is ignored.  The owner holds
 * flock(LOCK_EX) on the file for as long as it lives; a new journal is
 * written and locked under a temporary name before it is renamed into
 * place, so a recovering process never sees one unlocked and alive.
 */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "fs.h"
#include "hash.h"
#include "host.h"
#include "luks.h"
#include "network.h"
#include "storage.h"
#include "xmlutil.h"

enum entry_state { E_INTENT, E_DONE, E_FAILED, E_UNDONE };

struct entry {
	json_object *undo;
	json_object *id;         /* what was made (done only), may be NULL */
	enum entry_state state;
	int64_t t;               /* wall ms of the intent */
};

struct vp_journal {
	char *path;              /* NULL: in memory only */
	int fd;
	char *op, *subject;
	long pid;
	int64_t started;
	bool local;
	struct entry *e;
	size_t n;
	bool finished;           /* committed or fully unwound: the file is gone */
};

VP_DEFINE_CLEANUP(json_object *, json_object_put)

void vp_undo_report_clear(struct vp_undo_report *r)
{
	if (!r)
		return;
	vp_strings_free(r->removed, r->n_removed);
	vp_strings_free(r->left, r->n_left);
	memset(r, 0, sizeof(*r));
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *key, int64_t dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

/* ---- where ---------------------------------------------------------------- */

static char *dir_for_uri(const char *uri, const char *state_dir)
{
	_cleanup_(freep) char *hex = vp_sha256_hex(uri ? uri : "?", 16);

	return vp_strdup_printf("%s/journal/%s", state_dir, hex ? hex : "0000000000000000");
}

char *vp_journal_dir(virConnectPtr conn, const char *state_dir)
{
	_cleanup_(freep) char *uri = virConnectGetURI(conn);

	return dir_for_uri(uri, state_dir);
}

/* A file name part made of the subject: letters, digits, '.', '_', '-'. */
static char *file_part(const char *s)
{
	char *r = vp_strndup(s ? s : "-", 64), *p;

	for (p = r; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
	return r;
}

/* ---- writing -------------------------------------------------------------- */

static int write_line(struct vp_journal *j, json_object *o, bool durable, struct vp_error *err)
{
	const char *text;
	_cleanup_(freep) char *line = NULL;

	if (!j->path)
		return 0;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	line = vp_strdup_printf("%s\n", text);
	if (vp_write_all(j->fd, line, strlen(line)) < 0 || (durable && fdatasync(j->fd) < 0))
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write the undo journal '%s': %s",
				    j->path, strerror(errno));
	return 0;
}

static void write_mark(struct vp_journal *j, const char *key, int idx)
{
	_cleanup_(json_object_putp) json_object *o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_int(idx));
	write_line(j, o, true, NULL);
}

static struct vp_journal *journal_new(void)
{
	struct vp_journal *j = vp_calloc(1, sizeof(*j));

	j->fd = -1;
	return j;
}

int vp_journal_begin(virConnectPtr conn, const char *state_dir, const char *op,
		     const char *subject, struct vp_journal **out, struct vp_error *err)
{
	struct vp_journal *j = journal_new();
	_cleanup_(freep) char *dir = NULL;
	_cleanup_(freep) char *part = NULL;
	_cleanup_(freep) char *tmp = NULL;
	_cleanup_(freep) char *uri = virConnectGetURI(conn);
	_cleanup_(json_object_putp) json_object *hdr = NULL;

	j->op = vp_strdup(op);
	j->subject = vp_strdup(subject);
	j->pid = (long)getpid();
	j->started = vp_wall_ms();
	j->local = vp_uri_is_local(uri);
	*out = j;
	if (!state_dir)
		return 0;
	dir = dir_for_uri(uri, state_dir);
	if (vp_mkdir_p(dir, 0700) < 0) {
		vp_journal_free(j);
		*out = NULL;
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make the journal directory '%s': %s",
				    dir, strerror(errno));
	}
	part = file_part(subject);
	j->path = vp_strdup_printf("%s/%s-%s-%ld-%lld.journal", dir, op, part, j->pid,
				   (long long)j->started);
	tmp = vp_strdup_printf("%s.new", j->path);
	j->fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (j->fd < 0 || flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot create the undo journal '%s': %s", tmp,
			     strerror(errno));
		goto fail;
	}
	hdr = json_object_new_object();
	json_object_object_add(hdr, "vprov-journal", json_object_new_int(1));
	json_object_object_add(hdr, "op", json_object_new_string(op));
	json_object_object_add(hdr, "subject", json_object_new_string(subject ? subject : ""));
	json_object_object_add(hdr, "uri", json_object_new_string(uri ? uri : ""));
	json_object_object_add(hdr, "pid", json_object_new_int64(j->pid));
	json_object_object_add(hdr, "started", json_object_new_int64(j->started));
	json_object_object_add(hdr, "local", json_object_new_boolean(j->local));
	if (write_line(j, hdr, true, err) < 0)
		goto fail;
	if (rename(tmp, j->path) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot create the undo journal '%s': %s", j->path,
			     strerror(errno));
		goto fail;
	}
	{
		_cleanup_(closep) int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0)
			fsync(dfd);
	}
	return 0;
fail:
	unlink(tmp);
	free(j->path);
	j->path = NULL;
	vp_journal_free(j);
	*out = NULL;
	return -1;
}

int vp_journal_intent(struct vp_journal *j, json_object *undo, struct vp_error *err)
{
	_cleanup_(json_object_putp) json_object *line = json_object_new_object();
	struct entry *e;
	int idx = (int)j->n;

	j->e = vp_grow(j->e, j->n + 1, sizeof(*j->e));
	e = &j->e[j->n++];
	memset(e, 0, sizeof(*e));
	e->undo = undo;
	e->state = E_INTENT;
	e->t = vp_wall_ms();
	json_object_object_add(line, "i", json_object_new_int(idx));
	json_object_object_add(line, "t", json_object_new_int64(e->t));
	json_object_object_add(line, "undo", json_object_get(undo));
	if (write_line(j, line, true, err) < 0) {
		e->state = E_FAILED;
		return -1;
	}
	return idx;
}

void vp_journal_done(struct vp_journal *j, int idx, json_object *identity)
{
	_cleanup_(json_object_putp) json_object *line = NULL;

	if (idx < 0 || (size_t)idx >= j->n) {
		json_object_put(identity);
		return;
	}
	j->e[idx].state = E_DONE;
	j->e[idx].id = identity;
	line = json_object_new_object();
	json_object_object_add(line, "done", json_object_new_int(idx));
	if (identity)
		json_object_object_add(line, "id", json_object_get(identity));
	/* a lost "done" only makes the undo more careful: no fsync */
	write_line(j, line, false, NULL);
}

void vp_journal_failed(struct vp_journal *j, int idx)
{
	if (idx < 0 || (size_t)idx >= j->n)
		return;
	j->e[idx].state = E_FAILED;
	write_mark(j, "failed", idx);
}

static void finish(struct vp_journal *j)
{
	if (j->path && !j->finished)
		unlink(j->path);
	j->finished = true;
}

void vp_journal_commit(struct vp_journal *j)
{
	if (!j)
		return;
	finish(j);
	vp_journal_free(j);
}

void vp_journal_free(struct vp_journal *j)
{
	size_t i;

	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd); /* drops the lock */
	for (i = 0; i < j->n; i++) {
		json_object_put(j->e[i].undo);
		json_object_put(j->e[i].id);
	}
	free(j->e);
	free(j->path);
	free(j->op);
	free(j->subject);
	free(j);
}

/* ---- undoing -------------------------------------------------------------- */

/* Each returns 0 with *removed set when it removed something (NULL when
 * there was nothing to remove), or -1 with err when it could not. */
typedef int (*undo_fn)(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		       char **removed, struct vp_error *err);

/* The domain an entry names by UUID, powered off; *dom NULL when it is
 * gone. */
static int entry_domain_off(virConnectPtr conn, const struct entry *e, virDomainPtr *dom,
			    struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");
	const char *name = jstr(e->undo, "name");

	*dom = uuid ? virDomainLookupByUUIDString(conn, uuid) : NULL;
	if (!*dom) {
		if (!uuid || vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
			return 0;
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", name);
	}
	if (virDomainIsActive(*dom) == 1 && virDomainDestroy(*dom) < 0 &&
	    !vp_libvirt_error_is(VIR_ERR_OPERATION_INVALID) && !vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop VM '%s'", name);
	virResetLastError();
	return 0;
}

static int undo_domain(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		       char **removed, struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");
	const char *name = jstr(e->undo, "name");
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;

	(void)j;
	if (entry_domain_off(conn, e, &dom, err) < 0)
		return -1;
	if (!dom)
		return 0;
	if (virDomainIsPersistent(dom) == 1 &&
	    virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM |
						VIR_DOMAIN_UNDEFINE_MANAGED_SAVE) < 0 &&
	    virDomainUndefine(dom) < 0 && !vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine VM '%s'", name);
	virResetLastError();
	*removed = vp_strdup_printf("VM '%s'", name ? name : uuid);
	return 0;
}

/* The pool an entry names by UUID; *pool NULL when it is gone. */
static int entry_pool(virConnectPtr conn, const struct entry *e, virStoragePoolPtr *pool,
		      struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");

	*pool = uuid ? virStoragePoolLookupByUUIDString(conn, uuid) : NULL;
	if (*pool || !uuid || vp_libvirt_error_is(VIR_ERR_NO_STORAGE_POOL))
		return 0;
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up storage pool '%s'",
				jstr(e->undo, "name"));
}

static int undo_domain_start(virConnectPtr conn, const struct vp_journal *j,
			     const struct entry *e, char **removed, struct vp_error *err)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;

	(void)j;
	(void)removed; /* the definition's undo says what went */
	return entry_domain_off(conn, e, &dom, err);
}

static int undo_pool(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		     char **removed, struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");
	const char *name = jstr(e->undo, "name");
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

	(void)j;
	if (entry_pool(conn, e, &pool, err) < 0)
		return -1;
	if (!pool)
		return 0;
	if (vp_pool_remove(pool, err) < 0)
		return -1;
	*removed = vp_strdup_printf("storage pool '%s'", name ? name : uuid);
	return 0;
}

static int undo_pool_start(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
			   char **removed, struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");
	const char *name = jstr(e->undo, "name");
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

	(void)j;
	if (entry_pool(conn, e, &pool, err) < 0)
		return -1;
	if (!pool || virStoragePoolIsActive(pool) != 1)
		return 0;
	if (virStoragePoolDestroy(pool) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop storage pool '%s' again", name);
	*removed = vp_strdup_printf("the start of storage pool '%s'", name ? name : uuid);
	return 0;
}

/* The creation time libvirt reports for a file volume, in wall ms; -1. */
static int64_t volume_ctime(virStorageVolPtr vol)
{
	_cleanup_(freep) char *xml = virStorageVolGetXMLDesc(vol, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *t = NULL;
	double secs;

	if (!xml || vp_xml_parse(xml, "a volume description", &doc, NULL) < 0)
		return -1;
	t = vp_xml_xpath_string(doc, "string(/volume/target/timestamps/ctime)", NULL, NULL);
	if (!t || sscanf(t, "%lf", &secs) != 1)
		return -1;
	return (int64_t)(secs * 1000);
}

static int undo_volume(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		       char **removed, struct vp_error *err)
{
	const char *pname = jstr(e->undo, "pool");
	const char *name = jstr(e->undo, "name");
	const char *key = jstr(e->id, "key");
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	_cleanup_(freep) char *user = NULL;
	const char *path;

	if (!pname || !name)
		return 0;
	pool = virStoragePoolLookupByName(conn, pname);
	if (!pool) {
		if (vp_libvirt_error_is(VIR_ERR_NO_STORAGE_POOL))
			return 0;
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up storage pool '%s'", pname);
	}
	if (virStoragePoolIsActive(pool) != 1) {
		virResetLastError();
		return 0;
	}
	vol = virStorageVolLookupByName(pool, name);
	if (!vol) {
		if (vp_libvirt_error_is(VIR_ERR_NO_STORAGE_VOL))
			return 0;
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up volume '%s/%s'", pname,
					name);
	}
	path = virStorageVolGetKey(vol);
	if (key && (!path || strcmp(path, key) != 0))
		return 0; /* another volume took the name since */
	/* A VM using it keeps it, even one we made it for: a live migration
	 * whose vprov died goes on in the source's libvirtd and may end with
	 * the guest running on this very volume. */
	if (path && (user = vp_volume_used_by(conn, path, NULL)))
		return vp_error_set(err, VP_ERR_RUNTIME, "volume '%s/%s' was left: VM '%s' uses it",
				    pname, name, user);
	if (!key) {
		/* the process died between making it and saying so: only a
		 * volume made after the intent is ours */
		int64_t ct;

		if (j->local && (ct = volume_ctime(vol)) >= 0 && ct + 2000 < e->t)
			return 0; /* older than the intent: not ours */
	}
	if (vp_volume_delete(vol, err) < 0)
		return -1;
	*removed = vp_strdup_printf("volume '%s/%s'", pname, name);
	return 0;
}

static int undo_dir(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		    char **removed, struct vp_error *err)
{
	const char *path = jstr(e->undo, "path");

	(void)conn;
	(void)j;
	(void)err;
	if (!path)
		return 0;
	/* only while empty: what is in it now is someone's */
	if (rmdir(path) == 0)
		*removed = vp_strdup_printf("directory '%s'", path);
	return 0;
}

static int undo_file(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		     char **removed, struct vp_error *err)
{
	const char *path = jstr(e->undo, "path");
	struct stat st;

	(void)conn;
	(void)j;
	if (!path || lstat(path, &st) < 0)
		return 0;
	if (e->id && ((int64_t)st.st_dev != jint(e->id, "dev", -1) ||
		      (int64_t)st.st_ino != jint(e->id, "ino", -1)))
		return 0; /* not the file that was made */
	if (!e->id && jint(e->undo, "existed", 0))
		return 0;
	if (unlink(path) < 0 && errno != ENOENT)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot remove '%s': %s", path,
				    strerror(errno));
	*removed = vp_strdup_printf("file '%s'", path);
	return 0;
}

/* The secret holding a LUKS volume's passphrase, by the UUID vprov chose
 * (the volume's own undo, newer, ran first). */
static int undo_secret(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		       char **removed, struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");
	const char *vol = jstr(e->undo, "volume");
	bool gone = false;

	(void)j;
	if (vp_luks_secret_remove(conn, uuid, NULL, &gone, err) < 0)
		return -1;
	if (gone)
		*removed = vp_strdup_printf("secret '%s' of volume '%s'", uuid, vol ? vol : "?");
	return 0;
}

/* The network an entry names by UUID; *net NULL when it is gone. */
static int entry_network(virConnectPtr conn, const struct entry *e, virNetworkPtr *net,
			 struct vp_error *err)
{
	const char *uuid = jstr(e->undo, "uuid");

	*net = uuid ? virNetworkLookupByUUIDString(conn, uuid) : NULL;
	if (*net || !uuid || vp_libvirt_error_is(VIR_ERR_NO_NETWORK))
		return 0;
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up network '%s'",
				jstr(e->undo, "name"));
}

static int undo_network(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
			char **removed, struct vp_error *err)
{
	const char *name = jstr(e->undo, "name");
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;

	(void)j;
	if (entry_network(conn, e, &net, err) < 0)
		return -1;
	if (!net)
		return 0;
	if (virNetworkIsActive(net) == 1 && virNetworkDestroy(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop network '%s'", name);
	if (virNetworkIsPersistent(net) == 1 && virNetworkUndefine(net) < 0 &&
	    !vp_libvirt_error_is(VIR_ERR_NO_NETWORK))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine network '%s'", name);
	virResetLastError();
	*removed = vp_strdup_printf("network '%s'", name ? name : jstr(e->undo, "uuid"));
	return 0;
}

static int undo_network_start(virConnectPtr conn, const struct vp_journal *j,
			      const struct entry *e, char **removed, struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;

	(void)j;
	(void)removed; /* the definition's undo says what went */
	if (entry_network(conn, e, &net, err) < 0)
		return -1;
	if (net && virNetworkIsActive(net) == 1 && virNetworkDestroy(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop network '%s' again",
					jstr(e->undo, "name"));
	return 0;
}

/* A DHCP reservation: only the entry of this MAC and address. */
static int undo_dhcp_host(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
			  char **removed, struct vp_error *err)
{
	const char *net = jstr(e->undo, "network"), *mac = jstr(e->undo, "mac");
	const char *ip = jstr(e->undo, "ip");
	bool gone = false;

	(void)j;
	if (!net || !mac || !ip)
		return 0;
	if (vp_net_unreserve(conn, net, mac, ip, &gone, err) < 0)
		return -1;
	if (gone)
		*removed = vp_strdup_printf("the reservation of %s on network '%s'", ip, net);
	return 0;
}

static const struct {
	const char *kind;
	undo_fn fn;
} undo_kinds[] = {
	{ "domain", undo_domain }, { "domain-start", undo_domain_start },
	{ "pool", undo_pool },     { "pool-start", undo_pool_start },
	{ "volume", undo_volume },
	{ "dir", undo_dir },       { "file", undo_file },
	{ "secret", undo_secret },
	{ "network", undo_network }, { "network-start", undo_network_start },
	{ "dhcp-host", undo_dhcp_host },
};

static int undo_one(virConnectPtr conn, const struct vp_journal *j, const struct entry *e,
		    char **removed, struct vp_error *err)
{
	const char *kind = jstr(e->undo, "kind");
	size_t i;

	*removed = NULL;
	for (i = 0; kind && i < sizeof(undo_kinds) / sizeof(undo_kinds[0]); i++)
		if (!strcmp(undo_kinds[i].kind, kind))
			return undo_kinds[i].fn(conn, j, e, removed, err);
	return vp_error_set(err, VP_ERR_RUNTIME, "the undo journal names an unknown kind '%s'",
			    kind ? kind : "?");
}

int vp_journal_unwind(struct vp_journal *j, virConnectPtr conn, struct vp_undo_report *rep,
		      struct vp_error *err)
{
	size_t i, left = 0;

	if (!j)
		return 0;
	for (i = j->n; i-- > 0;) {
		struct entry *e = &j->e[i];
		struct vp_error e2 = { 0 };
		char *removed = NULL;

		if (e->state == E_FAILED || e->state == E_UNDONE)
			continue;
		if (undo_one(conn, j, e, &removed, &e2) < 0) {
			left++;
			if (rep)
				vp_strings_add(&rep->left, &rep->n_left, vp_strdup(e2.msg));
			vp_error_append(err, "cleanup failed: %s", e2.msg);
			continue;
		}
		e->state = E_UNDONE;
		write_mark(j, "undone", (int)i);
		if (removed && rep)
			vp_strings_add(&rep->removed, &rep->n_removed, removed);
		else
			free(removed);
	}
	if (left) {
		if (j->path)
			vp_error_append(err, "what is left is recorded in '%s' and is removed by the next vprov command on this host ('vprov recover')",
					j->path);
		return -1;
	}
	finish(j);
	return 0;
}

/* ---- recovery ------------------------------------------------------------- */

/* Read a journal file into j (entries and their states). */
static int parse_file(struct vp_journal *j, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	bool header = false;

	while (getline(&line, &cap, f) > 0) {
		_cleanup_(json_object_putp) json_object *o = NULL;
		json_object *v;
		int64_t idx;

		if (!strchr(line, '\n'))
			break; /* torn by a crash */
		o = json_tokener_parse(line);
		if (!o)
			continue;
		if (!header) {
			if (jint(o, "vprov-journal", 0) != 1)
				break;
			header = true;
			j->op = vp_strdup(jstr(o, "op"));
			j->subject = vp_strdup(jstr(o, "subject"));
			j->pid = (long)jint(o, "pid", 0);
			j->started = jint(o, "started", 0);
			j->local = json_object_object_get_ex(o, "local", &v) && json_object_get_boolean(v);
			continue;
		}
		if ((idx = jint(o, "i", -1)) >= 0 && json_object_object_get_ex(o, "undo", &v)) {
			struct entry *e;

			if ((size_t)idx != j->n)
				continue;
			j->e = vp_grow(j->e, j->n + 1, sizeof(*j->e));
			e = &j->e[j->n++];
			memset(e, 0, sizeof(*e));
			e->undo = json_object_get(v);
			e->state = E_INTENT;
			e->t = jint(o, "t", 0);
		} else if ((idx = jint(o, "done", -1)) >= 0 && (size_t)idx < j->n) {
			j->e[idx].state = E_DONE;
			if (json_object_object_get_ex(o, "id", &v))
				j->e[idx].id = json_object_get(v);
		} else if ((idx = jint(o, "failed", -1)) >= 0 && (size_t)idx < j->n) {
			j->e[idx].state = E_FAILED;
		} else if ((idx = jint(o, "undone", -1)) >= 0 && (size_t)idx < j->n) {
			j->e[idx].state = E_UNDONE;
		}
	}
	free(line);
	return header ? 0 : -1;
}

static void say_recovered(const struct vp_reporter *r, const struct vp_journal *j,
			  const struct vp_undo_report *rep, bool complete)
{
	char when[32] = "?";
	char list[VP_ERROR_MAX] = "";
	size_t i, len = 0;
	time_t t = (time_t)(j->started / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	for (i = 0; i < rep->n_removed && len + 2 < sizeof(list); i++) {
		int n = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", rep->removed[i]);

		if (n < 0 || (size_t)n >= sizeof(list) - len)
			break;
		len += (size_t)n;
	}
	if (complete)
		vp_report_warn(r, "rolled back an interrupted '%s %s' (pid %ld, started %s): %s",
			       j->op, j->subject, j->pid, when,
			       rep->n_removed ? list : "it had made nothing that was still there");
	else
		vp_report_warn(r, "could not yet roll back an interrupted '%s %s' (pid %ld, started %s)%s%s: %s",
			       j->op, j->subject, j->pid, when, rep->n_removed ? "; removed " : "",
			       list, rep->n_left ? rep->left[0] : "?");
}

/* A journal whose owner died a moment ago may have a call in flight: the
 * owner sent it (a define, a volume create) and libvirtd finishes it after
 * the client is gone.  Undone before it lands, its result would outlive the
 * unwind (seen: a domain defined just after the recovery removed the volume
 * it names).  So a journal written less than VP_JOURNAL_SETTLE_MS ago is
 * read only once that long has passed since. */
#define VP_JOURNAL_SETTLE_MS 2000

static void settle(const struct stat *st)
{
	struct timespec now;
	int64_t age_ms;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return;
	age_ms = ((int64_t)now.tv_sec - (int64_t)st->st_mtim.tv_sec) * 1000 +
		 ((int64_t)now.tv_nsec - (int64_t)st->st_mtim.tv_nsec) / 1000000;
	if (age_ms >= 0 && age_ms < VP_JOURNAL_SETTLE_MS) {
		struct timespec d = { .tv_sec = (VP_JOURNAL_SETTLE_MS - age_ms) / 1000,
				      .tv_nsec = (long)((VP_JOURNAL_SETTLE_MS - age_ms) % 1000) * 1000000 };

		while (nanosleep(&d, &d) < 0 && errno == EINTR)
			;
	}
}

int vp_journal_recover(virConnectPtr conn, const char *state_dir, const struct vp_reporter *r,
		       struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;
	DIR *d;
	struct dirent *de;
	int count = 0;

	if (!state_dir)
		return 0;
	dir = vp_journal_dir(conn, state_dir);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the journal directory '%s': %s",
				    dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct vp_journal *j;
		struct vp_undo_report rep = { 0 };
		struct vp_error e2 = { 0 };
		struct stat st;
		FILE *f;
		int fd;

		if (len > 12 && !strcmp(de->d_name + len - 12, ".journal.new")) {
			/* its owner died before it made any change (the file
			 * becomes a journal before the first intent) */
			_cleanup_(freep) char *p = vp_strdup_printf("%s/%s", dir, de->d_name);
			_cleanup_(closep) int nfd = open(p, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

			if (nfd >= 0 && flock(nfd, LOCK_EX | LOCK_NB) == 0)
				unlink(p);
			continue;
		}
		if (len < 9 || strcmp(de->d_name + len - 8, ".journal") != 0)
			continue;
		j = journal_new();
		j->path = vp_strdup_printf("%s/%s", dir, de->d_name);
		fd = open(j->path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0 ||
		    st.st_nlink == 0) {
			/* its owner lives, or another process recovered it */
			if (fd >= 0)
				close(fd);
			free(j->path);
			j->path = NULL;
			vp_journal_free(j);
			continue;
		}
		j->fd = fd;
		settle(&st);
		f = fdopen(dup(fd), "r");
		if (!f || parse_file(j, f) < 0) {
			/* not a journal vprov can read: move it aside, say so once */
			_cleanup_(freep) char *aside = vp_strdup_printf("%s.unreadable", j->path);

			rename(j->path, aside);
			vp_report_warn(r, "moved aside an unreadable undo journal: '%s'", aside);
			if (f)
				fclose(f);
			vp_journal_free(j);
			continue;
		}
		fclose(f);
		if (vp_journal_unwind(j, conn, &rep, &e2) == 0) {
			count++;
			say_recovered(r, j, &rep, true);
		} else {
			say_recovered(r, j, &rep, false);
		}
		vp_undo_report_clear(&rep);
		vp_journal_free(j);
	}
	closedir(d);
	return count;
}

/* ---- name locks ----------------------------------------------------------- */

int vp_journal_lock(virConnectPtr conn, const char *state_dir, const char *kind,
		    const char *name, const struct vp_reporter *r, struct vp_lock *lock,
		    struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;
	_cleanup_(freep) char *part = file_part(name);
	_cleanup_(freep) char *path = NULL;
	bool said = false;

	lock->fd = -1;
	lock->path = NULL;
	if (!state_dir)
		return 0;
	dir = vp_journal_dir(conn, state_dir);
	if (vp_mkdir_p(dir, 0700) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make the journal directory '%s': %s",
				    dir, strerror(errno));
	path = vp_strdup_printf("%s/%s-%s.lock", dir, kind, part);
	for (;;) {
		_cleanup_(closep) int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		struct stat a, b;

		if (fd < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot open the lock '%s': %s", path,
					    strerror(errno));
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK && errno != EINTR)
				return vp_error_set(err, VP_ERR_RUNTIME, "cannot lock '%s': %s", path,
						    strerror(errno));
			if (vp_report_cancelled(r))
				return vp_error_set(err, VP_ERR_CANCELLED,
						    "interrupted while waiting for another vprov working on %s '%s'",
						    kind, name);
			if (!said) {
				vp_report_note(r, "waiting for another vprov working on %s '%s'", kind,
					       name);
				said = true;
			}
			usleep(20 * 1000);
		}
		/* the holder before us removes the file as it lets go: a lock on
		 * a file that is no longer at path locks nothing, so try again */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			lock->fd = TAKE_FD(fd);
			lock->path = TAKE_PTR(path);
			return 0;
		}
	}
}

void vp_journal_unlock(struct vp_lock *lock)
{
	if (!lock || lock->fd < 0)
		return;
	unlink(lock->path);
	close(lock->fd);
	free(lock->path);
	lock->fd = -1;
	lock->path = NULL;
}
