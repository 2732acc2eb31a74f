/* tests/unit/test_luks.c — LUKS-encrypted disks: --disk encryption=luks
 * parsing, the passphrase (file and generated), the secret, volume and
 * disk documents, the create's secret step with its undo, and delete.
 *
 * libvirt's test:///default driver keeps no secrets (virSecretDefineXML is
 * "not supported"): the create against it must fail cleanly.  For the
 * rest, the virSecret* entries of vprov's libvirt table (provision/virt.h)
 * are pointed at a small in-memory secret store here, so the steps, the
 * undo and delete run for real against the test driver's pools and VMs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "cleanup.h"
#include "clone.h"
#include "create.h"
#include "domain.h"
#include "golden.h"
#include "journal.h"
#include "luks.h"
#include "metadata.h"
#include "schema.h"
#include "snapshot.h"
#include "storage.h"
#include "units.h"
#include "xmlutil.h"

/* the table's entries themselves, not calls through them */
#undef virSecretDefineXML
#undef virSecretFree
#undef virSecretGetUsageID
#undef virSecretLookupByUUIDString
#undef virSecretSetValue
#undef virSecretUndefine

#define URI "test:///default"

/* ---- an in-memory secret store -------------------------------------------- */

#define SLOTS 8

struct fake_secret {
	bool used;
	char uuid[64];
	char usage[512];
	char desc[256];
	bool private_, ephemeral;
	unsigned char value[VP_LUKS_KEY_MAX];
	size_t len;
	bool has_value;
};

static struct fake_secret store[SLOTS];
static int n_defines, n_undefines;
static __typeof__(virSecretLookupByUUIDString) *real_lookup;

static char *xpath(xmlDocPtr doc, const char *expr)
{
	return vp_xml_xpath_string(doc, expr, NULL, NULL);
}

static virSecretPtr fake_define(virConnectPtr conn, const char *xml, unsigned int flags)
{
	xmlDocPtr doc = NULL;
	char *v;
	size_t i;

	(void)conn;
	(void)flags;
	assert_int_equal(vp_xml_parse(xml, "secret", &doc, NULL), 0);
	for (i = 0; i < SLOTS && store[i].used; i++)
		;
	assert_true(i < SLOTS);
	memset(&store[i], 0, sizeof(store[i]));
	store[i].used = true;
	v = xpath(doc, "string(/secret/uuid)");
	snprintf(store[i].uuid, sizeof(store[i].uuid), "%s", v);
	free(v);
	v = xpath(doc, "string(/secret/usage[@type='volume']/volume)");
	snprintf(store[i].usage, sizeof(store[i].usage), "%s", v);
	free(v);
	v = xpath(doc, "string(/secret/description)");
	snprintf(store[i].desc, sizeof(store[i].desc), "%s", v);
	free(v);
	v = xpath(doc, "string(/secret/@private)");
	store[i].private_ = !strcmp(v, "yes");
	free(v);
	v = xpath(doc, "string(/secret/@ephemeral)");
	store[i].ephemeral = strcmp(v, "no") != 0;
	free(v);
	xmlFreeDoc(doc);
	n_defines++;
	return (virSecretPtr)&store[i];
}

static int fake_set_value(virSecretPtr sec, const unsigned char *value, size_t size,
			  unsigned int flags)
{
	struct fake_secret *s = (struct fake_secret *)sec;

	(void)flags;
	assert_true(size <= sizeof(s->value));
	memcpy(s->value, value, size);
	s->len = size;
	s->has_value = true;
	return 0;
}

static virSecretPtr fake_lookup(virConnectPtr conn, const char *uuid)
{
	size_t i;

	for (i = 0; i < SLOTS; i++)
		if (store[i].used && !strcmp(store[i].uuid, uuid))
			return (virSecretPtr)&store[i];
	/* none: what the test driver says (no such secret can be there) */
	return real_lookup(conn, uuid);
}

static const char *fake_usage(virSecretPtr sec)
{
	return ((struct fake_secret *)sec)->usage;
}

static int fake_undefine(virSecretPtr sec)
{
	struct fake_secret *s = (struct fake_secret *)sec;

	memset(s, 0, sizeof(*s));
	n_undefines++;
	return 0;
}

static int fake_free(virSecretPtr sec)
{
	(void)sec;
	return 0;
}

static int secrets(void)
{
	int n = 0;
	size_t i;

	for (i = 0; i < SLOTS; i++)
		n += store[i].used;
	return n;
}

static void fakes_on(void)
{
	memset(store, 0, sizeof(store));
	n_defines = n_undefines = 0;
	real_lookup = vp_lv.virSecretLookupByUUIDString;
	vp_lv.virSecretDefineXML = fake_define;
	vp_lv.virSecretSetValue = fake_set_value;
	vp_lv.virSecretLookupByUUIDString = fake_lookup;
	vp_lv.virSecretGetUsageID = fake_usage;
	vp_lv.virSecretUndefine = fake_undefine;
	vp_lv.virSecretFree = fake_free;
}

static struct vp_libvirt saved_lv;

/* ---- fixture -------------------------------------------------------------- */

struct fixture {
	virConnectPtr conn;
	char dir[64];            /* state directory and passphrase files */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	saved_lv = vp_lv;
	f->conn = virConnectOpen(URI);
	snprintf(f->dir, sizeof(f->dir), "/tmp/vprov-luks.XXXXXX");
	if (!f->conn || !mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	vp_lv = saved_lv;
	virConnectClose(f->conn);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static char *write_file(struct fixture *f, const char *name, const void *data, size_t len)
{
	char *p = vp_strdup_printf("%s/%s", f->dir, name);
	FILE *fp = fopen(p, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	return p;
}

static void request(struct vp_domain_spec *s, const char *name, const char *disk)
{
	struct vp_error err = { 0 };

	vp_spec_defaults(s);
	s->name = vp_strdup(name);
	s->memory = 512 * VP_MiB;
	if (vp_spec_parse_disk(s, disk, &err) < 0)
		fail_msg("--disk %s: %s", disk, err.msg);
	assert_int_equal(vp_spec_parse_network(s, "none", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(s, "none", &err), 0);
	s->install.no_install = VP_YES;
}

static int create(struct fixture *f, struct vp_domain_spec *s, const char *fail_at,
		  struct vp_create_result *res, struct vp_error *err)
{
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .state_dir = f->dir,
				       .fail_at = fail_at };

	return vp_domain_create(f->conn, s, &opts, res, NULL, NULL, err);
}

static bool has_volume(virConnectPtr c, const char *pool, const char *vol)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
	virStorageVolPtr v = p ? virStorageVolLookupByName(p, vol) : NULL;
	bool r = v != NULL;

	if (v)
		virStorageVolFree(v);
	if (p)
		virStoragePoolFree(p);
	return r;
}

static bool has_domain(virConnectPtr c, const char *name)
{
	virDomainPtr d = virDomainLookupByName(c, name);

	if (d)
		virDomainFree(d);
	return d != NULL;
}

static int journals_left(struct fixture *f)
{
	_cleanup_(freep) char *dir = vp_journal_dir(f->conn, f->dir);
	char cmd[256];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls '%s' 2>/dev/null | grep -c '\\.journal$'", dir);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

/* ---- parsing ---------------------------------------------------------------- */

static void test_parse(void **state)
{
	static const struct {
		const char *arg, *err;
	} bad[] = {
		{ "size=1,encryption=aes", "invalid --disk encryption 'aes': use luks" },
		{ "size=1,secret-file=/k", "--disk secret-file= needs encryption=luks" },
		{ "vol=default/x.qcow2,encryption=luks", "vol= names an existing one" },
		{ "path=/tmp/x.iso,device=cdrom,size=1,encryption=luks", "a cdrom cannot be one" },
		{ "size=1,backing_store=/b.qcow2,encryption=luks", "would stay unencrypted" },
		{ "path=/var/lib/libvirt/images/x.qcow2,encryption=luks", "add size=" },
		{ "size=1,encryption=luks,encryption=luks", "'encryption' is given twice" },
		{ "size=1,encryption=luks,secret-file=/a,secret_file=/b", "are one setting" },
		{ "size=1,encryption=", "--disk encryption= needs a value" },
	};
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,encryption=luks", &err), 0);
	assert_string_equal(s.disks[0].encryption, "luks");
	assert_null(s.disks[0].secret_file);
	assert_int_equal(vp_spec_parse_disk(&s, "size=2,format=raw,encryption=luks,secret-file=k.txt",
					    &err), 0);
	assert_string_equal(s.disks[1].secret_file, "k.txt");
	assert_string_equal(s.disks[1].format, "raw");
	assert_int_equal(vp_spec_parse_disk(&s, "path=/var/lib/libvirt/images/n.qcow2,size=1,encryption=luks,secret_file=/k",
					    &err), 0);
	assert_string_equal(s.disks[2].secret_file, "/k");
	/* the request's canonical text says it, so the spec hash changes */
	{
		_cleanup_(freep) char *canon = vp_spec_canonical(&s);

		assert_non_null(strstr(canon, "disk0.encryption=luks"));
		assert_non_null(strstr(canon, "disk1.secret-file=k.txt"));
	}
	vp_spec_clear(&s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		memset(&err, 0, sizeof(err));
		if (vp_spec_parse_disk(&s, bad[i].arg, &err) == 0)
			fail_msg("--disk %s was taken", bad[i].arg);
		if (!strstr(err.msg, bad[i].err))
			fail_msg("--disk %s: %s", bad[i].arg, err.msg);
		assert_int_equal(err.code, VP_ERR_INVALID);
		assert_null(strchr(err.msg, '\n'));
		assert_int_equal(s.n_disks, 0);
		vp_spec_clear(&s);
	}
}

/* ---- the passphrase ---------------------------------------------------------- */

static void test_key(void **state)
{
	struct fixture *f = *state;
	_cleanup_(freep) char *p1 = write_file(f, "k1", "s3cret pass\n", 12);
	_cleanup_(freep) char *p2 = write_file(f, "empty", "", 0);
	_cleanup_(freep) char *p3 = write_file(f, "bin", "a\0b\xff", 4);
	_cleanup_(freep) char *big = NULL;
	_cleanup_(freep) char *missing = vp_strdup_printf("%s/nosuch", f->dir);
	struct vp_luks_key k = { 0 }, k2 = { 0 };
	struct vp_error err = { 0 };
	char *buf = calloc(1, VP_LUKS_KEY_MAX + 1);
	size_t i;

	/* the whole file, its newline too, as cryptsetup --key-file reads one */
	assert_int_equal(vp_luks_key_read(p1, "--disk secret-file", &k, &err), 0);
	assert_int_equal(k.len, 12);
	assert_memory_equal(k.data, "s3cret pass\n", 12);
	vp_luks_key_clear(&k);
	assert_null(k.data);
	assert_int_equal(k.len, 0);
	assert_int_equal(vp_luks_key_read(p3, "--disk secret-file", &k, &err), 0);
	assert_int_equal(k.len, 4);
	assert_memory_equal(k.data, "a\0b\xff", 4);
	vp_luks_key_clear(&k);

	assert_int_equal(vp_luks_key_read(p2, "--disk secret-file", &k, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "it is empty"));
	assert_null(k.data);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_luks_key_read(missing, "--disk secret-file", &k, &err), -1);
	assert_non_null(strstr(err.msg, "cannot read --disk secret-file"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_luks_key_read(f->dir, "--disk secret-file", &k, &err), -1);
	assert_non_null(strstr(err.msg, "directory"));
	memset(&err, 0, sizeof(err));
	assert_non_null(buf);
	memset(buf, 'x', VP_LUKS_KEY_MAX + 1);
	big = write_file(f, "big", buf, VP_LUKS_KEY_MAX + 1);
	assert_int_equal(vp_luks_key_read(big, "--disk secret-file", &k, &err), -1);
	assert_non_null(strstr(err.msg, "larger than"));
	free(big);
	big = write_file(f, "max", buf, VP_LUKS_KEY_MAX);
	assert_int_equal(vp_luks_key_read(big, "--disk secret-file", &k, &err), 0);
	assert_int_equal(k.len, VP_LUKS_KEY_MAX);
	vp_luks_key_clear(&k);
	free(buf);

	/* generated: 43 base64 characters (256 bits), different each time */
	assert_int_equal(vp_luks_key_generate(&k, &err), 0);
	assert_int_equal(vp_luks_key_generate(&k2, &err), 0);
	assert_int_equal(k.len, 43);
	for (i = 0; i < k.len; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
				       k.data[i]));
	assert_true(memcmp(k.data, k2.data, 43) != 0);
	vp_luks_key_clear(&k);
	vp_luks_key_clear(&k2);
}

/* ---- documents ---------------------------------------------------------------- */

static void test_documents(void **state)
{
	struct vp_volume_request req = {
		.name = "web1.qcow2",
		.capacity = VP_GiB,
		.format = "qcow2",
		.sparse = true,
		.encryption = "luks",
		.secret_uuid = "6f1c9d0e-4c8b-4f4a-9a57-2f0c3b1d8e11",
	};
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(freep) char *hostile = NULL;
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_luks_secret_xml("6f1c9d0e-4c8b-4f4a-9a57-2f0c3b1d8e11",
					    "vprov: disk vda of VM web1",
					    "/var/lib/libvirt/images/web1.qcow2", &xml, &err), 0);
	golden("luks-secret.xml", xml);
	/* a path is data: it cannot add elements */
	assert_int_equal(vp_luks_secret_xml("6f1c9d0e-4c8b-4f4a-9a57-2f0c3b1d8e11", "d",
					    "/x/a'/></volume><x>.qcow2", &hostile, &err), 0);
	assert_non_null(strstr(hostile, "&lt;/volume&gt;&lt;x&gt;"));

	assert_int_equal(vp_volume_build_xml(&req, &doc, &err), 0);
	free(xml);
	xml = vp_xml_format(doc);
	golden("luks-volume.xml", xml);
}

/* ---- the create --------------------------------------------------------------- */

/* The test driver keeps no secrets: the create fails at the secret step,
 * in one sentence, and leaves nothing. */
static void test_create_unsupported(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s;
	struct vp_create_result res;
	struct vp_error err = { 0 };

	request(&s, "nos", "size=1,encryption=luks");
	assert_int_equal(create(f, &s, NULL, &res, &err), -1);
	assert_non_null(strstr(err.msg, "cannot define the secret of volume"));
	assert_null(strstr(err.msg, "cleanup failed"));
	assert_false(has_domain(f->conn, "nos"));
	assert_false(has_volume(f->conn, "default", "nos.qcow2"));
	assert_int_equal(journals_left(f), 0);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* The plan: the secret step right before its volume, a description that
 * names the file and never its content, and the same UUID in the volume
 * step, the disk's <encryption> and vprov's record. */
static void test_plan(void **state)
{
	struct fixture *f = *state;
	_cleanup_(freep) char *key = write_file(f, "pass", "Pl4nPassphrase", 14);
	_cleanup_(freep) char *arg = vp_strdup_printf("size=1,encryption=luks,secret-file=%s", key);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *uuid = NULL;
	_cleanup_(freep) char *muuid = NULL;
	_cleanup_(freep) char *text = NULL;
	struct vp_create_opts opts = { .mode = VP_CREATE_DRY_RUN, .state_dir = f->dir };
	struct vp_domain_spec s;
	struct vp_create_result res;
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	struct vp_meta meta;
	json_object *j;
	size_t i, sec = 99, vol = 99;

	request(&s, "pl", arg);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), 0);
	if (vp_create_plan(f->conn, &s, &opts, &res, &plan, &err) < 0)
		fail_msg("%s", err.msg);
	for (i = 0; i < plan->n_steps; i++) {
		if (!strcmp(plan->steps[i].kind, "secret"))
			sec = i;
		if (!strcmp(plan->steps[i].kind, "volume") && vol == 99)
			vol = i;
	}
	assert_int_equal(sec + 1, vol);
	assert_non_null(strstr(plan->steps[sec].desc, key));
	assert_non_null(strstr(plan->steps[vol].desc, "LUKS-encrypted"));
	/* one secret: the second disk is not encrypted */
	for (i = sec + 1; i < plan->n_steps; i++)
		assert_string_not_equal(plan->steps[i].kind, "secret");
	j = vp_plan_to_json(plan);
	text = vp_strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	assert_null(strstr(text, "Pl4nPassphrase"));
	assert_null(strstr(res.xml, "Pl4nPassphrase"));
	assert_non_null(strstr(text, "\"passphrase\":\"file\""));

	assert_int_equal(vp_xml_parse(res.xml, "domain", &doc, &err), 0);
	assert_int_equal(vp_schema_validate(VP_SCHEMA_DOMAIN, doc, &err), 0);
	uuid = vp_xml_xpath_string(doc,
		"string(/domain/devices/disk[target/@dev='vda']/source/encryption[@format='luks']/secret[@type='passphrase']/@uuid)",
		NULL, NULL);
	assert_int_equal(strlen(uuid), 36);
	assert_string_equal(uuid, res.spec.disks[0].src.secret_uuid);
	assert_non_null(strstr(plan->steps[sec].desc, uuid));
	/* the second disk carries no encryption */
	muuid = vp_xml_xpath_string(doc, "string(/domain/devices/disk[target/@dev='vdb']//encryption/@format)",
				    NULL, NULL);
	assert_true(!muuid || !*muuid);
	free(muuid);
	muuid = vp_xml_xpath_string(doc, "string(/domain/devices/disk[target/@dev='vdb']/target/@dev)",
				    NULL, NULL);
	assert_string_equal(muuid, "vdb");
	assert_int_equal(vp_meta_read(doc, &meta, &err), 0);
	assert_int_equal(meta.n_vols, 2);
	assert_string_equal(meta.vols[0].encryption, "luks");
	assert_string_equal(meta.vols[0].secret, uuid);
	assert_null(meta.vols[1].secret);
	vp_meta_clear(&meta);
	vp_plan_free(plan);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* With secrets: the secret holds the file's bytes, the volume is made
 * encrypted with it, info says so, delete removes both. */
static void test_create_delete(void **state)
{
	struct fixture *f = *state;
	_cleanup_(freep) char *key = write_file(f, "pass", "file passphrase\n", 16);
	_cleanup_(freep) char *arg = vp_strdup_printf("size=1,encryption=luks,secret-file=%s", key);
	struct vp_domain_spec s;
	struct vp_create_result res;
	struct vp_error err = { 0 };
	struct vp_domain_info info;
	struct vp_delete_report rep;
	virDomainPtr dom;
	virStoragePoolPtr pool;
	virStorageVolPtr vol;
	char *vxml;
	size_t i;
	bool said = false;

	fakes_on();
	request(&s, "enc1", arg);
	if (create(f, &s, NULL, &res, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(secrets(), 1);
	assert_string_equal(store[0].uuid, res.spec.disks[0].src.secret_uuid);
	assert_string_equal(store[0].usage, res.spec.disks[0].src.path);
	assert_string_equal(store[0].desc, "vprov: disk vda of VM enc1");
	assert_true(store[0].private_);
	assert_false(store[0].ephemeral);
	assert_true(store[0].has_value);
	assert_int_equal(store[0].len, 16);
	assert_memory_equal(store[0].value, "file passphrase\n", 16);
	assert_int_equal(journals_left(f), 0);
	/* the volume was asked for encrypted with that secret */
	pool = virStoragePoolLookupByName(f->conn, "default");
	assert_non_null(pool);
	vol = virStorageVolLookupByName(pool, "enc1.qcow2");
	assert_non_null(vol);
	vxml = virStorageVolGetXMLDesc(vol, 0);
	assert_non_null(strstr(vxml, "<encryption format='luks'>"));
	assert_non_null(strstr(vxml, store[0].uuid));
	free(vxml);
	virStorageVolFree(vol);
	virStoragePoolFree(pool);

	assert_int_equal(vp_domain_lookup(f->conn, "enc1", &dom, &err), 0);
	assert_int_equal(vp_domain_info(dom, &info, &err), 0);
	assert_string_equal(info.disks[0].encryption, "luks");
	assert_true(info.disks[0].owned);
	vp_domain_info_clear(&info);
	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	assert_int_equal(secrets(), 0);
	assert_false(has_volume(f->conn, "default", "enc1.qcow2"));
	for (i = 0; i < rep.n_removed; i++)
		if (strstr(rep.removed[i], res.spec.disks[0].src.secret_uuid))
			said = true;
	assert_true(said);
	vp_delete_report_clear(&rep);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* --keep-storage keeps the volume, so the secret that opens it stays. */
static void test_keep_storage_keeps_secret(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s;
	struct vp_create_result res;
	struct vp_error err = { 0 };
	struct vp_delete_report rep;
	virDomainPtr dom;

	fakes_on();
	request(&s, "enc2", "size=1,format=raw,encryption=luks");
	if (create(f, &s, NULL, &res, &err) < 0)
		fail_msg("%s", err.msg);
	/* a generated passphrase: 43 base64 characters */
	assert_int_equal(secrets(), 1);
	assert_int_equal(store[0].len, 43);
	assert_true(has_volume(f->conn, "default", "enc2.img"));
	assert_int_equal(vp_domain_lookup(f->conn, "enc2", &dom, &err), 0);
	assert_int_equal(vp_domain_delete(dom, true, &rep, &err), 0);
	virDomainFree(dom);
	assert_int_equal(secrets(), 1);
	assert_true(has_volume(f->conn, "default", "enc2.img"));
	vp_delete_report_clear(&rep);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* Deleted while another VM uses the volume: the volume and its secret
 * stay, and that VM's record takes both over, so its delete removes them. */
static void test_hand_over(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s, s2;
	struct vp_create_result res, res2;
	struct vp_error err = { 0 };
	struct vp_delete_report rep;
	virDomainPtr dom;

	fakes_on();
	request(&s, "own1", "size=1,encryption=luks");
	if (create(f, &s, NULL, &res, &err) < 0)
		fail_msg("%s", err.msg);
	request(&s2, "own2", "vol=default/own1.qcow2");
	{
		/* a disk another VM has: --check path_in_use=off */
		struct vp_create_opts shared = { .mode = VP_CREATE_REAL, .state_dir = f->dir,
						 .checks_off = VP_CHECK_PATH_IN_USE };

		if (vp_domain_create(f->conn, &s2, &shared, &res2, NULL, NULL, &err) < 0)
			fail_msg("%s", err.msg);
	}
	assert_int_equal(vp_domain_lookup(f->conn, "own1", &dom, &err), 0);
	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	assert_int_equal(rep.n_kept, 1);
	assert_non_null(strstr(rep.kept[0], "now owns it"));
	vp_delete_report_clear(&rep);
	assert_int_equal(secrets(), 1);
	assert_true(has_volume(f->conn, "default", "own1.qcow2"));
	assert_int_equal(vp_domain_lookup(f->conn, "own2", &dom, &err), 0);
	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	vp_delete_report_clear(&rep);
	assert_false(has_volume(f->conn, "default", "own1.qcow2"));
	assert_int_equal(secrets(), 0);
	vp_create_result_clear(&res);
	vp_create_result_clear(&res2);
	vp_spec_clear(&s);
	vp_spec_clear(&s2);
}

/* A failure at or after the secret step leaves neither secret nor volume
 * nor VM, and no journal. */
static int fail_hook(void *opaque, const struct vp_step *st, enum vp_hook_point at)
{
	const char *const *want = opaque;

	return !strcmp(want[0], st->kind) &&
	       !strcmp(want[1], at == VP_HOOK_BEFORE ? "before" : at == VP_HOOK_INTENT ? "intent" : "after");
}

static void test_rollback(void **state)
{
	static const char *const kinds[] = { "secret", "volume", "define", "start" };
	static const char *const points[] = { "before", "intent", "after" };
	struct fixture *f = *state;
	size_t k, p;

	fakes_on();
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (p = 0; p < 4; p++) {
			const char *want[2] = { kinds[k], p < 3 ? points[p] : "" };
			struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .state_dir = f->dir,
						       .fail_at = p == 3 ? kinds[k] : NULL,
						       .hook = p < 3 ? fail_hook : NULL,
						       .hook_opaque = want };
			struct vp_domain_spec s;
			struct vp_create_result res;
			struct vp_error err = { 0 };
			int defines = n_defines;

			request(&s, "rb", "size=1,encryption=luks");
			if (vp_domain_create(f->conn, &s, &opts, &res, NULL, NULL, &err) != -1)
				fail_msg("%s %s: the create went through", kinds[k], want[1]);
			if (!strstr(err.msg, "failing on purpose"))
				fail_msg("%s %s: %s", kinds[k], want[1], err.msg);
			if (secrets() != 0)
				fail_msg("%s %s: a secret was left", kinds[k], want[1]);
			/* it was made, then removed, whenever the secret step ran */
			assert_int_equal(n_defines, defines + (k > 0 || p == 2 ? 1 : 0));
			assert_false(has_volume(f->conn, "default", "rb.qcow2"));
			assert_false(has_domain(f->conn, "rb"));
			assert_int_equal(journals_left(f), 0);
			vp_create_result_clear(&res);
			vp_spec_clear(&s);
		}
	}
	assert_int_equal(n_defines, n_undefines);
}

/* A dead create's journal names the secret: the recovery removes it. */
static void test_recover(void **state)
{
	struct fixture *f = *state;
	struct vp_journal *j = NULL;
	struct vp_luks_key k = { 0 };
	struct vp_error err = { 0 };

	fakes_on();
	assert_int_equal(vp_journal_begin(f->conn, f->dir, "create", "dead", &j, &err), 0);
	assert_int_equal(vp_luks_key_generate(&k, &err), 0);
	{
		json_object *u = vp_undo_new("secret");
		int idx;

		vp_undo_set(u, "uuid", "0d8f7a52-2b77-4d0e-8d1e-0b6b5c2f3a10");
		vp_undo_set(u, "volume", "/var/lib/libvirt/images/dead.qcow2");
		idx = vp_journal_intent(j, u, &err);
		assert_true(idx >= 0);
		assert_int_equal(vp_luks_secret_define_step(NULL, f->conn,
							    "0d8f7a52-2b77-4d0e-8d1e-0b6b5c2f3a10", "d",
							    "/var/lib/libvirt/images/dead.qcow2", &k, &err), 0);
		vp_journal_done(j, idx, NULL);
	}
	vp_luks_key_clear(&k);
	assert_int_equal(secrets(), 1);
	/* the process "dies": its journal stays, unlocked */
	vp_journal_free(j);
	assert_int_equal(journals_left(f), 1);
	assert_int_equal(vp_journal_recover(f->conn, f->dir, NULL, &err), 1);
	assert_int_equal(secrets(), 0);
	assert_int_equal(journals_left(f), 0);
}

/* Refusals found at resolve: an existing image, a pool without paths. */
static void test_refusals(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s;
	struct vp_create_result res;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *img = NULL;
	_cleanup_(freep) char *arg = NULL;
	_cleanup_(freep) char *empty = write_file(f, "empty", "", 0);
	_cleanup_(freep) char *arg2 = vp_strdup_printf("size=1,encryption=luks,secret-file=%s", empty);
	char zeros[4096] = { 0 };

	fakes_on();
	img = write_file(f, "there.img", zeros, sizeof(zeros));
	arg = vp_strdup_printf("path=%s,size=1,encryption=luks", img);
	request(&s, "ex", arg);
	assert_int_equal(create(f, &s, NULL, &res, &err), -1);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_int_equal(err.code, VP_ERR_INVALID);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);

	memset(&err, 0, sizeof(err));
	request(&s, "ex", arg2);
	assert_int_equal(create(f, &s, NULL, &res, &err), -1);
	assert_non_null(strstr(err.msg, "it is empty"));
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_int_equal(n_defines, 0);
	assert_false(has_domain(f->conn, "ex"));
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* What vprov cannot carry over to an encrypted disk yet is refused, not
 * made unencrypted: a clone, a disk-only snapshot's overlay. */
static void test_clone_snapshot_refused(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s;
	struct vp_create_result res;
	struct vp_clone_opts copts = { .state_dir = NULL };
	struct vp_clone_result cres;
	struct vp_snapshot_req req = { .name = "s1", .disk_only = true };
	struct vp_snapshot_info si;
	struct vp_error err = { 0 };
	virDomainPtr dom;
	size_t k;

	fakes_on();
	request(&s, "encs", "size=1,encryption=luks");
	if (create(f, &s, NULL, &res, &err) < 0)
		fail_msg("%s", err.msg);
	/* a clone is made of a VM that is off */
	assert_int_equal(vp_domain_lookup(f->conn, "encs", &dom, &err), 0);
	assert_int_equal(virDomainDestroy(dom), 0);
	virDomainFree(dom);
	for (k = 0; k < 2; k++) {
		copts.linked = k == 1;
		memset(&err, 0, sizeof(err));
		memset(&cres, 0, sizeof(cres));
		assert_int_equal(vp_domain_clone(f->conn, "encs", "encs2", &copts, &cres, NULL, NULL, &err), -1);
		if (!strstr(err.msg, "disk vda is LUKS-encrypted"))
			fail_msg("clone%s: %s", k ? " --linked" : "", err.msg);
		vp_clone_result_clear(&cres);
		assert_false(has_domain(f->conn, "encs2"));
	}
	assert_int_equal(vp_domain_lookup(f->conn, "encs", &dom, &err), 0);
	memset(&err, 0, sizeof(err));
	memset(&si, 0, sizeof(si));
	assert_int_equal(vp_snapshot_create(dom, &req, &si, &err), -1);
	if (!strstr(err.msg, "disk vda is LUKS-encrypted"))
		fail_msg("snapshot --disk-only: %s", err.msg);
	virDomainFree(dom);
	assert_int_equal(secrets(), 1);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_key, setup, teardown),
		cmocka_unit_test(test_documents),
		cmocka_unit_test_setup_teardown(test_create_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_storage_keeps_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hand_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_snapshot_refused, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
