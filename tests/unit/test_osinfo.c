/* tests/unit/test_osinfo.c — OS profiles: resolution (aliases, inheritance,
 * architectures), the spec a profile gives, suggestions, the index cache
 * and its rebuilds, corrupt inputs, the system database and the built-in
 * profiles. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "osinfo.h"
#include "index.h"
#include "cleanup.h"
#include "units.h"

#define FIXTURE VP_TEST_DATA "/osinfo/sys"
#define OSINFO_SCHEMA "/usr/share/osinfo/schema/osinfo.rng"

static int warnings;

static void count_warning(void *opaque, const char *scope, enum vp_report_level level,
			  const char *msg)
{
	(void)opaque;
	(void)scope;
	(void)level;
	(void)msg;
	warnings++;
}

static const struct vp_reporter_ops counter_ops = { .message = count_warning };
static const struct vp_reporter counter = { .ops = &counter_ops };

static struct vp_osinfo *open_db(const char *sys, const char *user, const char *cache,
				 bool bundled, bool *rebuilt)
{
	struct vp_osinfo_opts o = { .system_dir = sys, .user_dir = user, .cache_dir = cache,
				    .no_bundled = !bundled, .reporter = &counter };
	struct vp_osinfo *db = NULL;
	struct vp_error err = { 0 };

	assert_int_equal(vp_osinfo_open(&o, &db, rebuilt, &err), 0);
	return db;
}

static void profile(struct vp_osinfo *db, const char *id, const char *arch, struct vp_os_profile *p)
{
	struct vp_error err = { 0 };

	if (vp_osinfo_profile(db, id, arch, p, &err) < 0)
		fail_msg("%s: %s", id, err.msg);
}

static void test_alias_and_id(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, NULL, NULL, false, NULL);
	struct vp_os_profile p;

	(void)state;
	profile(db, "exmiddle", "x86_64", &p);
	assert_string_equal(p.os->id, "http://example.org/mid/2");
	assert_string_equal(p.os->short_ids[0], "exmid2");
	assert_string_equal(p.os->name, "Example Mid 2"); /* not a translation */
	vp_os_profile_clear(&p);
	profile(db, "http://example.org/mid/2", "x86_64", &p);
	assert_string_equal(p.os->short_ids[1], "exmiddle");
	vp_os_profile_clear(&p);
	assert_true(vp_osinfo_has(db, "exmid2"));
	assert_true(vp_osinfo_has(db, "exmiddle"));
	assert_false(vp_osinfo_has(db, "exmid"));
	vp_osinfo_close(db);
}

static void test_inheritance(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, NULL, NULL, false, NULL);
	struct vp_os_profile p;
	struct vp_domain_spec l;

	(void)state;
	/* leaf says nothing: x86_64 takes mid's x86_64 figures */
	profile(db, "exleaf3", "x86_64", &p);
	assert_int_equal(p.n_chain, 3);
	assert_string_equal(p.chain_short[1], "exmid2");
	assert_string_equal(p.chain_short[2], "exbase1");
	assert_int_equal(p.use.ram, 4 * VP_GiB);
	assert_int_equal(p.use.n_cpus, 2);
	assert_int_equal(p.use.storage, 30 * VP_GiB);
	assert_true(p.efi_supported);
	assert_true(p.bios_unsupported);
	vp_os_profile_spec(&p, &l);
	assert_int_equal(l.memory, 4 * VP_GiB);
	assert_int_equal(l.vcpus, 2);
	assert_int_equal(l.disk_size, 30 * VP_GiB);
	assert_string_equal(l.machine, "q35");
	assert_null(l.dev.disk_bus);        /* virtio */
	assert_null(l.dev.net_model);       /* virtio */
	assert_null(l.dev.usb_model);       /* qemu-xhci */
	assert_null(l.dev.video_model);     /* virtio */
	assert_int_equal(l.dev.rng, VP_NO); /* mid withdrew it */
	assert_int_equal(l.dev.tablet, VP_YES);
	assert_int_equal(l.boot.uefi, VP_YES);
	assert_string_equal(l.os.short_id, "exleaf3");
	vp_spec_clear(&l);
	vp_os_profile_clear(&p);

	/* aarch64: mid's 'all' memory; CPUs and disk from base, CPUs as
	 * twice its minimum; no firmware statement for aarch64 */
	profile(db, "exleaf3", "aarch64", &p);
	assert_int_equal(p.use.ram, 3 * VP_GiB);
	assert_int_equal(p.use.n_cpus, 2);
	assert_int_equal(p.use.storage, 20 * VP_GiB);
	assert_false(p.bios_unsupported);
	vp_os_profile_spec(&p, &l);
	assert_null(l.machine);
	assert_int_equal(l.boot.uefi, VP_UNSET);
	vp_spec_clear(&l);
	vp_os_profile_clear(&p);

	/* upgrades is followed when there is no derives-from */
	profile(db, "exupg4", "x86_64", &p);
	assert_int_equal(p.n_chain, 4);
	assert_string_equal(p.chain_short[1], "exleaf3");
	assert_int_equal(p.use.ram, 4 * VP_GiB);
	vp_os_profile_clear(&p);

	/* a cycle in the database ends the walk instead of hanging */
	profile(db, "excyc1", "x86_64", &p);
	assert_int_equal(p.n_chain, 2);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

static void test_legacy_devices(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, NULL, NULL, false, NULL);
	struct vp_os_profile p;
	struct vp_domain_spec l;

	(void)state;
	profile(db, "exlegacy1", "x86_64", &p);
	vp_os_profile_spec(&p, &l);
	assert_int_equal(l.memory, 512 * VP_MiB); /* twice the minimum */
	assert_int_equal(l.vcpus, 2);
	assert_int_equal(l.disk_size, 4 * VP_GiB);
	assert_string_equal(l.machine, "pc");
	assert_string_equal(l.dev.disk_bus, "ide");
	assert_string_equal(l.dev.net_model, "e1000");
	assert_string_equal(l.dev.usb_model, "ich9-ehci1");
	assert_string_equal(l.dev.video_model, "vga");
	assert_int_equal(l.dev.rng, VP_NO);
	assert_int_equal(l.dev.balloon, VP_NO);
	assert_int_equal(l.dev.agent, VP_NO);
	assert_int_equal(l.dev.tablet, VP_NO);
	vp_spec_clear(&l);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

/* defaults <- profile <- command line: what the user says wins */
static void test_explicit_options_win(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, NULL, NULL, false, NULL);
	struct vp_os_profile p;
	struct vp_domain_spec spec, layer, cli = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	profile(db, "exlegacy1", "x86_64", &p);
	vp_os_profile_spec(&p, &layer);
	vp_spec_defaults(&spec);
	vp_spec_merge(&spec, &layer, &err);
	assert_int_equal(spec.memory, 512 * VP_MiB);
	assert_string_equal(spec.machine, "pc");
	cli.memory = 3 * VP_GiB;
	cli.machine = vp_strdup("q35");
	assert_int_equal(vp_spec_parse_disk(&cli, "size=7,bus=virtio", &err), 0);
	vp_spec_merge(&spec, &cli, &err);
	assert_int_equal(spec.memory, 3 * VP_GiB);
	assert_string_equal(spec.machine, "q35");
	assert_int_equal(spec.vcpus, 2);                  /* the profile's */
	assert_string_equal(spec.dev.net_model, "e1000"); /* not said: the profile's */
	assert_string_equal(spec.disks[0].bus, "virtio");
	assert_string_equal(spec.os.short_id, "exlegacy1");
	vp_spec_clear(&cli);
	vp_spec_clear(&layer);
	vp_spec_clear(&spec);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

static void test_unknown_and_suggestions(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, NULL, NULL, false, NULL);
	struct vp_os_profile p;
	struct vp_error err = { 0 };
	char *sug[3];
	size_t n, i;

	(void)state;
	assert_int_equal(vp_osinfo_profile(db, "exdistro20", "x86_64", &p, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_string_equal(err.msg,
			    "unknown OS 'exdistro20'; did you mean exdistro20.04 or exdistro20.10?");
	assert_int_equal(vp_osinfo_profile(db, "exdistro22.4", "x86_64", &p, &err), -1);
	assert_non_null(strstr(err.msg, "did you mean exdistro22.04"));
	assert_int_equal(vp_osinfo_profile(db, "nothing-like-it", "x86_64", &p, &err), -1);
	assert_non_null(strstr(err.msg, "unknown OS 'nothing-like-it' (see 'vprov osinfo list')"));
	/* a VM name that starts with a profile id suggests it */
	n = vp_osinfo_suggest(db, "exlegacy1-web", sug, 3);
	assert_int_equal(n, 1);
	assert_string_equal(sug[0], "exlegacy1");
	free(sug[0]);
	/* and a plain name suggests nothing */
	assert_int_equal(vp_osinfo_suggest(db, "web1", sug, 3), 0);
	n = vp_osinfo_suggest(db, "ex", sug, 3);
	for (i = 0; i < n; i++)
		free(sug[i]);
	vp_osinfo_close(db);
}

static void test_list(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, NULL, NULL, false, NULL);
	struct vp_os_summary *l;
	struct vp_error err = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(vp_osinfo_list(db, NULL, NULL, &l, &n, &err), 0);
	assert_int_equal(n, 10);
	vp_os_summaries_free(l, n);
	assert_int_equal(vp_osinfo_list(db, NULL, "exdistro", &l, &n, &err), 0);
	assert_int_equal(n, 3);
	/* newest first within a distribution */
	assert_string_equal(l[0].short_id, "exdistro22.04");
	assert_string_equal(l[2].short_id, "exdistro20.04");
	assert_string_equal(l[0].source, "system");
	vp_os_summaries_free(l, n);
	assert_int_equal(vp_osinfo_list(db, "winnt", NULL, &l, &n, &err), 0);
	assert_int_equal(n, 0);
	vp_os_summaries_free(l, n);
	vp_osinfo_close(db);
}

/* ---- the cache ------------------------------------------------------------ */

static char *mkdtemp_or_fail(void)
{
	char *t = vp_strdup("/tmp/vprov-osinfo-test.XXXXXX");

	assert_non_null(mkdtemp(t));
	return t;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *one_os(const char *id, const char *sid, const char *ram)
{
	return vp_strdup_printf(
		"<?xml version='1.0'?>\n<libosinfo version='0.0.1'><os id='%s'><short-id>%s</short-id>"
		"<name>%s</name><version>1</version><vendor>t</vendor><family>linux</family>"
		"<distro>t</distro><resources arch='all'><recommended><ram>%s</ram></recommended>"
		"</resources></os></libosinfo>\n",
		id, sid, sid, ram);
}

static void rm_rf(const char *dir)
{
	char *cmd = vp_strdup_printf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_cache_rebuilds(void **state)
{
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	_cleanup_(freep) char *sys = vp_strdup_printf("%s/sys", tmp);
	_cleanup_(freep) char *os = vp_strdup_printf("%s/sys/os", tmp);
	_cleanup_(freep) char *cache = vp_strdup_printf("%s/cache", tmp);
	_cleanup_(freep) char *a = vp_strdup_printf("%s/a.xml", os);
	_cleanup_(freep) char *b = vp_strdup_printf("%s/b.xml", os);
	_cleanup_(freep) char *index = vp_strdup_printf("%s/osinfo-index", cache);
	_cleanup_(freep) char *ta = one_os("http://t/a", "ta1", "1073741824");
	_cleanup_(freep) char *ta2 = one_os("http://t/a", "ta1", "2147483648");
	_cleanup_(freep) char *tb = one_os("http://t/b", "tb1", "1073741824");
	struct vp_osinfo *db;
	struct vp_os_profile p;
	struct timeval tv[2];
	bool rebuilt;

	(void)state;
	assert_int_equal(mkdir(sys, 0755), 0);
	assert_int_equal(mkdir(os, 0755), 0);
	write_file(a, ta);

	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_true(rebuilt);
	vp_osinfo_close(db);
	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_false(rebuilt); /* the cache was used */
	assert_false(vp_osinfo_has(db, "tb1"));
	vp_osinfo_close(db);

	/* a file added */
	write_file(b, tb);
	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_true(rebuilt);
	assert_true(vp_osinfo_has(db, "tb1"));
	vp_osinfo_close(db);

	/* a file changed in place (its directory does not change): opening
	 * trusts the index, reading the profile sees the change and rebuilds */
	write_file(a, ta2);
	gettimeofday(&tv[0], NULL);
	tv[1] = tv[0];
	tv[1].tv_usec = (tv[1].tv_usec + 1) % 1000000;
	utimes(a, tv);
	db = open_db(sys, NULL, cache, false, &rebuilt);
	profile(db, "ta1", "x86_64", &p);
	assert_int_equal(p.use.ram, 2 * VP_GiB);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
	/* ... and the rebuilt index was kept */
	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_false(rebuilt);
	vp_osinfo_close(db);

	/* an alias added in place is found: a miss checks every file */
	{
		_cleanup_(freep) char *ta3 = one_os("http://t/a", "ta9", "2147483648");

		write_file(a, ta3);
		utimes(a, NULL);
		db = open_db(sys, NULL, cache, false, &rebuilt);
		profile(db, "ta9", "x86_64", &p);
		vp_os_profile_clear(&p);
		vp_osinfo_close(db);
	}
	/* a listing compares every file too */
	write_file(a, ta2);
	utimes(a, NULL);
	db = open_db(sys, NULL, cache, false, &rebuilt);
	{
		struct vp_os_summary *l;
		struct vp_error err = { 0 };
		size_t n;

		assert_int_equal(vp_osinfo_list(db, NULL, NULL, &l, &n, &err), 0);
		assert_int_equal(n, 2);
		assert_string_equal(l[0].short_id, "ta1");
		vp_os_summaries_free(l, n);
	}
	vp_osinfo_close(db);

	/* a file removed */
	assert_int_equal(unlink(b), 0);
	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_true(rebuilt);
	assert_false(vp_osinfo_has(db, "tb1"));
	vp_osinfo_close(db);

	/* a damaged cache is rebuilt, never trusted */
	write_file(index, "garbage\n\x01\x02");
	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_true(rebuilt);
	assert_true(vp_osinfo_has(db, "ta1"));
	vp_osinfo_close(db);
	{
		/* cut in the middle */
		_cleanup_(freep) char *text = NULL;
		struct vp_error err = { 0 };
		size_t len;

		assert_int_equal(vp_osinfo_read_file(index, &text, &len, &err), 0);
		text[len / 2] = '\0';
		write_file(index, text);
	}
	db = open_db(sys, NULL, cache, false, &rebuilt);
	assert_true(rebuilt);
	assert_true(vp_osinfo_has(db, "ta1"));
	vp_osinfo_close(db);

	/* no cache directory at all still works */
	db = open_db(sys, NULL, NULL, false, &rebuilt);
	assert_true(vp_osinfo_has(db, "ta1"));
	vp_osinfo_close(db);
	rm_rf(tmp);
}

/* Lazy opening: with no usable index, a lookup reads the files the ids name
 * and leaves the rebuilding for later; anything else rebuilds at once. */
static void test_lazy_open(void **state)
{
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	struct vp_osinfo_opts o = { .system_dir = FIXTURE, .cache_dir = tmp, .no_bundled = true,
				    .lazy = true, .reporter = &counter };
	struct vp_osinfo *db = NULL;
	struct vp_os_profile p;
	struct vp_error err = { 0 };
	bool rebuilt;

	(void)state;
	assert_int_equal(vp_osinfo_open(&o, &db, &rebuilt, &err), 0);
	assert_false(rebuilt);
	assert_true(vp_osinfo_stale(db));
	/* exdistro20.04 lives in exdistro-20.04.xml; its ancestors are found by id */
	profile(db, "exdistro20.04", "x86_64", &p);
	assert_string_equal(p.os->id, "http://example.org/exdistro/20.04");
	assert_int_equal(p.n_chain, 2);
	assert_int_equal(p.use.ram, 2 * VP_GiB);
	vp_os_profile_clear(&p);
	assert_true(vp_osinfo_stale(db)); /* answered without the index */
	/* an alias the file names do not tell needs the whole database */
	profile(db, "exmiddle", "x86_64", &p);
	assert_string_equal(p.os->id, "http://example.org/mid/2");
	vp_os_profile_clear(&p);
	assert_false(vp_osinfo_stale(db));
	vp_osinfo_close(db);
	/* the index written then serves the next opening */
	assert_int_equal(vp_osinfo_open(&o, &db, &rebuilt, &err), 0);
	assert_false(vp_osinfo_stale(db));
	vp_osinfo_close(db);
	rm_rf(tmp);
}

/* A user directory redefines an id; the later source wins. */
static void test_user_overrides_system(void **state)
{
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	_cleanup_(freep) char *user = vp_strdup_printf("%s/user", tmp);
	_cleanup_(freep) char *os = vp_strdup_printf("%s/user/os", tmp);
	_cleanup_(freep) char *f = vp_strdup_printf("%s/mine.xml", os);
	_cleanup_(freep) char *text = one_os("http://example.org/base/1", "exbase1", "8589934592");
	struct vp_osinfo *db;
	struct vp_os_profile p;

	(void)state;
	assert_int_equal(mkdir(user, 0755), 0);
	assert_int_equal(mkdir(os, 0755), 0);
	write_file(f, text);
	db = open_db(FIXTURE, user, NULL, false, NULL);
	profile(db, "exbase1", "x86_64", &p);
	assert_string_equal(p.os->source, "user");
	assert_int_equal(p.use.ram, 8 * VP_GiB);
	vp_os_profile_clear(&p);
	/* descendants now inherit from the user's version */
	profile(db, "exdistro20.04", "x86_64", &p);
	assert_int_equal(p.use.ram, 8 * VP_GiB);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
	rm_rf(tmp);
}

/* ---- corrupt inputs ---------------------------------------------------------- */

static void test_corrupt_profiles(void **state)
{
	static const char *const bad[] = {
		"",
		"not xml at all",
		"<libosinfo><os id='http://t/x'><short-id>x</short-id>",   /* cut */
		"<other/>",
		"<libosinfo><os><short-id>noid</short-id></os></libosinfo>",
		"<libosinfo><os id='http://t/big'><short-id>big</short-id><resources arch='all'>"
		"<recommended><ram>99999999999999999999999999</ram><n-cpus>-4</n-cpus>"
		"</recommended></resources></os></libosinfo>",
		"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"<libosinfo><os id='http://t/e'><!DOCTYPE x></os></libosinfo>",
	};
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	_cleanup_(freep) char *sys = vp_strdup_printf("%s/sys", tmp);
	_cleanup_(freep) char *os = vp_strdup_printf("%s/sys/os", tmp);
	_cleanup_(freep) char *good = vp_strdup_printf("%s/good.xml", os);
	_cleanup_(freep) char *gtext = one_os("http://t/good", "good1", "1073741824");
	struct vp_osinfo *db;
	struct vp_os_profile p;
	size_t i;

	(void)state;
	assert_int_equal(mkdir(sys, 0755), 0);
	assert_int_equal(mkdir(os, 0755), 0);
	write_file(good, gtext);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = vp_strdup_printf("%s/bad%zu.xml", os, i);
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fwrite(bad[i], 1, i == 6 ? 16 : strlen(bad[i]), f);
		fclose(f);
		free(path);
	}
	warnings = 0;
	db = open_db(sys, NULL, NULL, false, NULL);
	/* each unreadable file is one warning; the rest of the database works */
	assert_int_equal(warnings, 7);
	profile(db, "good1", "x86_64", &p);
	vp_os_profile_clear(&p);
	/* absurd numbers are not believed */
	profile(db, "big", "x86_64", &p);
	assert_int_equal(p.use.ram, 0);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
	rm_rf(tmp);
}

/* Mutated copies of a real profile never crash the parser. */
static void test_fuzz_parser(void **state)
{
	_cleanup_(freep) char *text = NULL;
	struct vp_error err = { 0 };
	unsigned seed = 12345;
	size_t len, i;

	(void)state;
	assert_int_equal(vp_osinfo_read_file(FIXTURE "/os/example.org/leaf-3.xml", &text, &len, &err), 0);
	for (i = 0; i < 400; i++) {
		char *m = malloc(len + 16);
		size_t mlen = len, k, flips;
		struct vp_os *list = NULL;
		size_t n = 0, j;

		assert_non_null(m);
		memcpy(m, text, len);
		seed = seed * 1103515245 + 12345;
		if (i % 4 == 0) {
			mlen = seed % len; /* truncate */
		} else {
			flips = 1 + seed % 8;
			for (k = 0; k < flips; k++) {
				seed = seed * 1103515245 + 12345;
				m[seed % len] = (char)(seed >> 16);
			}
		}
		m[mlen] = '\0';
		if (vp_os_parse(m, mlen, "fuzz", "system", &list, &n, &err) == 0) {
			for (j = 0; j < n; j++)
				vp_os_free(&list[j]);
			free(list);
		} else {
			assert_null(strchr(err.msg, '\n'));
		}
		free(m);
	}
}

/* ---- the real databases -------------------------------------------------------- */

/* A release line picks its release supported longest (the system
 * database: ubuntu20.10 ended in 2021, ubuntu20.04 had no end yet). */
static void test_line_pick(void **state)
{
	struct vp_osinfo *db = open_db("/usr/share/osinfo", NULL, NULL, true, NULL);
	struct vp_error err = { 0 };
	char *pick, *eol;

	(void)state;
	assert_int_equal(vp_osinfo_line_pick(db, "ubuntu20", &pick, &eol, &err), 0);
	assert_non_null(pick);
	assert_string_equal(pick, "ubuntu20.04");
	free(pick);
	free(eol);
	/* a profile itself, or a name no line has, picks nothing */
	assert_int_equal(vp_osinfo_line_pick(db, "ubuntu20.04", &pick, NULL, &err), 0);
	assert_null(pick);
	assert_int_equal(vp_osinfo_line_pick(db, "fedora3", &pick, NULL, &err), 0);
	assert_null(pick);
	assert_int_equal(vp_osinfo_line_pick(db, "web1", &pick, NULL, &err), 0);
	assert_null(pick);
	vp_osinfo_close(db);
}

static void test_system_database(void **state)
{
	struct vp_osinfo *db;
	struct vp_os_summary *l;
	struct vp_os_profile p;
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	size_t n, i, resolved = 0;

	(void)state;
	warnings = 0;
	db = open_db("/usr/share/osinfo", NULL, NULL, false, NULL);
	assert_int_equal(warnings, 0);
	assert_int_equal(vp_osinfo_list(db, NULL, NULL, &l, &n, &err), 0);
	assert_true(n > 500);
	/* every 7th of them resolves, with its inheritance, without error */
	for (i = 0; i < n; i += 7) {
		profile(db, l[i].id, "x86_64", &p);
		vp_os_profile_spec(&p, &s);
		vp_spec_clear(&s);
		vp_os_profile_clear(&p);
		resolved++;
	}
	assert_true(resolved > 70);
	vp_os_summaries_free(l, n);

	profile(db, "ubuntufocal", "x86_64", &p);
	assert_string_equal(p.os->short_ids[0], "ubuntu20.04");
	vp_os_profile_spec(&p, &s);
	assert_int_equal(s.memory, 4 * VP_GiB);
	assert_int_equal(s.disk_size, 25 * VP_GiB);
	assert_string_equal(s.machine, "q35");
	assert_null(s.dev.disk_bus);
	vp_spec_clear(&s);
	vp_os_profile_clear(&p);
	profile(db, "win10", "x86_64", &p);
	vp_os_profile_spec(&p, &s);
	assert_int_equal(s.memory, 4 * VP_GiB); /* twice its own minimum */
	assert_string_equal(s.dev.disk_bus, "sata");
	assert_string_equal(s.dev.net_model, "e1000e");
	assert_int_equal(s.dev.localtime, VP_YES);
	vp_spec_clear(&s);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

static xmlRelaxNGPtr osinfo_schema(void)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(OSINFO_SCHEMA);
	xmlRelaxNGPtr s;

	assert_non_null(pc);
	s = xmlRelaxNGParse(pc);
	xmlRelaxNGFreeParserCtxt(pc);
	assert_non_null(s);
	return s;
}

/* Every built-in profile is valid osinfo-db XML, resolves for x86_64
 * through ancestors that exist, and gives resources. */
static void test_bundled_profiles(void **state)
{
	xmlRelaxNGPtr schema = osinfo_schema();
	struct vp_osinfo *db;
	size_t i, j;

	(void)state;
	assert_true(vp_osinfo_bundle_count >= 10);
	warnings = 0;
	db = open_db("/usr/share/osinfo", NULL, NULL, true, NULL);
	assert_int_equal(warnings, 0);
	for (i = 0; i < vp_osinfo_bundle_count; i++) {
		const char *text = vp_osinfo_bundle[i].text;
		xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), vp_osinfo_bundle[i].path, NULL,
					      XML_PARSE_NONET);
		xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
		struct vp_os *list = NULL;
		struct vp_error err = { 0 };
		size_t n = 0;

		assert_non_null(doc);
		if (xmlRelaxNGValidateDoc(vc, doc) != 0)
			fail_msg("osinfo/db/%s does not validate against %s", vp_osinfo_bundle[i].path,
				 OSINFO_SCHEMA);
		xmlRelaxNGFreeValidCtxt(vc);
		xmlFreeDoc(doc);
		assert_int_equal(vp_os_parse(text, strlen(text), vp_osinfo_bundle[i].path, "bundled",
					     &list, &n, &err), 0);
		assert_true(n >= 1);
		for (j = 0; j < n; j++) {
			struct vp_os_profile p;
			const char *parent = list[j].derives_from ? list[j].derives_from : list[j].upgrades;

			if (parent && !vp_osinfo_has(db, parent))
				fail_msg("%s derives from %s, which no database has", list[j].id, parent);
			profile(db, list[j].id, "x86_64", &p);
			if (!p.use.ram || !p.use.storage)
				fail_msg("%s gives no memory or disk size", list[j].id);
			vp_os_profile_clear(&p);
			vp_os_free(&list[j]);
		}
		free(list);
	}
	vp_osinfo_close(db);
	xmlRelaxNGFree(schema);
}

/* Which definition of a built-in id wins, with the system database dated
 * by VERSION as given (NULL: no VERSION file), a user directory (NULL:
 * none), eager or lazy; the profile resolved is in *p. */
struct prec_case {
	const char *version;   /* the system's VERSION, NULL: none */
	bool user;             /* a user-directory copy too */
	bool lazy;
	bool alias_only;       /* the system's copy has another id, the same short-id */
};

static void precedence_db(const char *tmp, const struct prec_case *c, struct vp_os_profile *p,
			  char **sid_out)
{
	_cleanup_(freep) char *sys = vp_strdup_printf("%s/sys", tmp);
	_cleanup_(freep) char *usr = vp_strdup_printf("%s/usr", tmp);
	_cleanup_(freep) char *cache = vp_strdup_printf("%s/cache", tmp);
	const char *rel = vp_osinfo_bundle[0].path; /* os/<vendor>/<name>.xml */
	_cleanup_(freep) char *sysf = vp_strdup_printf("%s/%s", sys, rel);
	_cleanup_(freep) char *usrf = vp_strdup_printf("%s/%s", usr, rel);
	_cleanup_(freep) char *cmd = NULL;
	_cleanup_(freep) char *text = NULL;
	_cleanup_(freep) char *utext = NULL;
	struct vp_osinfo_opts o = { .system_dir = sys, .user_dir = c->user ? usr : NULL,
				    .cache_dir = cache, .lazy = c->lazy, .reporter = &counter };
	struct vp_os *list = NULL;
	struct vp_error err = { 0 };
	struct vp_osinfo *db = NULL;
	size_t n = 0, j;

	assert_int_equal(vp_os_parse(vp_osinfo_bundle[0].text, strlen(vp_osinfo_bundle[0].text),
				     rel, "bundled", &list, &n, &err), 0);
	cmd = vp_strdup_printf("rm -rf '%s' '%s' '%s' && mkdir -p \"$(dirname '%s')\" \"$(dirname '%s')\"",
			       sys, usr, cache, sysf, usrf);
	assert_int_equal(system(cmd), 0);
	text = one_os(c->alias_only ? "http://example.org/other/1" : list[0].id,
		      c->alias_only ? list[0].short_ids[0] : "systemcopy", "3221225472");
	write_file(sysf, text);
	if (c->version) {
		_cleanup_(freep) char *v = vp_strdup_printf("%s/VERSION", sys);

		write_file(v, c->version);
	}
	if (c->user) {
		utext = one_os(list[0].id, "usercopy", "5368709120");
		write_file(usrf, utext);
	}
	assert_int_equal(vp_osinfo_open(&o, &db, NULL, &err), 0);
	if (vp_osinfo_profile(db, c->alias_only ? list[0].short_ids[0] : list[0].id, "x86_64", p,
			      &err) < 0)
		fail_msg("%s", err.msg);
	if (sid_out)
		*sid_out = vp_strdup(list[0].short_ids[0]);
	vp_osinfo_close(db);
	for (j = 0; j < n; j++)
		vp_os_free(&list[j]);
	free(list);
}

/* Between the system database and the built-in profiles the newer wins,
 * by the dates they carry; an undated system database wins; the user's
 * directory always wins.  The same answers with and without the index. */
static void test_precedence_by_date(void **state)
{
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	struct vp_os_profile p;
	int lazy;

	(void)state;
	assert_true(vp_osinfo_bundle_count > 0);
	assert_int_equal(strlen(vp_osinfo_bundle_version), 8);
	for (lazy = 0; lazy < 2; lazy++) {
		struct prec_case undated = { .lazy = lazy }, older = { .version = "20221203\n", .lazy = lazy };
		struct prec_case newer = { .version = "29991231", .lazy = lazy };
		struct prec_case user = { .version = "20221203", .user = true, .lazy = lazy };
		struct prec_case user_new = { .version = "29991231", .user = true, .lazy = lazy };

		/* no VERSION: the system's copy, as before dates were compared */
		precedence_db(tmp, &undated, &p, NULL);
		assert_string_equal(p.os->source, "system");
		assert_int_equal(p.use.ram, 3 * VP_GiB);
		assert_string_equal(p.shadowed_source, "bundled");
		assert_non_null(strstr(p.shadowed, vp_osinfo_bundle[0].path));
		assert_non_null(strstr(p.why, "no VERSION"));
		vp_os_profile_clear(&p);

		/* an older system database: the built-in copy wins */
		precedence_db(tmp, &older, &p, NULL);
		assert_string_equal(p.os->source, "bundled");
		assert_string_equal(p.shadowed_source, "system");
		assert_non_null(strstr(p.shadowed, "/sys/os/"));
		assert_non_null(strstr(p.why, "are newer than the system database"));
		assert_non_null(strstr(p.why, "2022-12-03"));
		vp_os_profile_clear(&p);

		/* a newer one: the system's copy */
		precedence_db(tmp, &newer, &p, NULL);
		assert_string_equal(p.os->source, "system");
		assert_int_equal(p.use.ram, 3 * VP_GiB);
		assert_string_equal(p.shadowed_source, "bundled");
		assert_non_null(strstr(p.why, "2999-12-31) is newer than vprov's built-in profiles"));
		vp_os_profile_clear(&p);

		/* the user's directory beats both, old system or new */
		precedence_db(tmp, &user, &p, NULL);
		assert_string_equal(p.os->source, "user");
		assert_int_equal(p.use.ram, 5 * VP_GiB);
		assert_string_equal(p.shadowed_source, "bundled");
		assert_non_null(strstr(p.why, "always wins"));
		vp_os_profile_clear(&p);
		precedence_db(tmp, &user_new, &p, NULL);
		assert_string_equal(p.os->source, "user");
		assert_string_equal(p.shadowed_source, "system");
		vp_os_profile_clear(&p);
	}
	rm_rf(tmp);
}

/* A short-id that two databases give to different ids (ubuntu-lts-latest
 * moving between releases) names the newer database's OS.  Needs the
 * index (a lookup by an alias reads everything). */
static void test_precedence_short_id(void **state)
{
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	_cleanup_(freep) char *sid = NULL;
	struct vp_os_profile p;
	struct prec_case older = { .version = "20221203", .alias_only = true };
	struct prec_case newer = { .version = "29991231", .alias_only = true };

	(void)state;
	precedence_db(tmp, &older, &p, &sid);
	assert_string_equal(p.os->source, "bundled");
	assert_string_equal(p.os->short_ids[0], sid);
	assert_null(p.shadowed); /* another id: nothing replaced */
	vp_os_profile_clear(&p);
	precedence_db(tmp, &newer, &p, NULL);
	assert_string_equal(p.os->source, "system");
	assert_string_equal(p.os->id, "http://example.org/other/1");
	vp_os_profile_clear(&p);
	rm_rf(tmp);
}

/* A new VERSION (the distribution's osinfo-db upgraded) rebuilds the
 * index and turns the choice, with no file of the database changed. */
static void test_precedence_version_change(void **state)
{
	_cleanup_(freep) char *tmp = mkdtemp_or_fail();
	_cleanup_(freep) char *sys = vp_strdup_printf("%s/sys", tmp);
	_cleanup_(freep) char *os = vp_strdup_printf("%s/sys/os", tmp);
	_cleanup_(freep) char *cache = vp_strdup_printf("%s/cache", tmp);
	_cleanup_(freep) char *v = vp_strdup_printf("%s/VERSION", sys);
	_cleanup_(freep) char *f = vp_strdup_printf("%s/copy.xml", os);
	_cleanup_(freep) char *text = NULL;
	struct vp_os *list = NULL;
	struct vp_os_profile p;
	struct vp_error err = { 0 };
	struct vp_osinfo *db;
	bool rebuilt;
	size_t n = 0, j;

	(void)state;
	assert_int_equal(vp_os_parse(vp_osinfo_bundle[0].text, strlen(vp_osinfo_bundle[0].text),
				     vp_osinfo_bundle[0].path, "bundled", &list, &n, &err), 0);
	assert_int_equal(mkdir(sys, 0755), 0);
	assert_int_equal(mkdir(os, 0755), 0);
	text = one_os(list[0].id, "systemcopy", "3221225472");
	write_file(f, text);
	write_file(v, "20221203");
	db = open_db(sys, NULL, cache, true, &rebuilt);
	assert_true(rebuilt);
	profile(db, list[0].id, "x86_64", &p);
	assert_string_equal(p.os->source, "bundled");
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
	db = open_db(sys, NULL, cache, true, &rebuilt);
	assert_false(rebuilt); /* nothing changed: the cached index serves */
	vp_osinfo_close(db);
	write_file(v, "29991231");
	db = open_db(sys, NULL, cache, true, &rebuilt);
	assert_true(rebuilt);
	profile(db, list[0].id, "x86_64", &p);
	assert_string_equal(p.os->source, "system");
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
	for (j = 0; j < n; j++)
		vp_os_free(&list[j]);
	free(list);
	rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_and_id),
		cmocka_unit_test(test_inheritance),
		cmocka_unit_test(test_legacy_devices),
		cmocka_unit_test(test_explicit_options_win),
		cmocka_unit_test(test_unknown_and_suggestions),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_cache_rebuilds),
		cmocka_unit_test(test_user_overrides_system),
		cmocka_unit_test(test_lazy_open),
		cmocka_unit_test(test_corrupt_profiles),
		cmocka_unit_test(test_fuzz_parser),
		cmocka_unit_test(test_system_database), cmocka_unit_test(test_line_pick),
		cmocka_unit_test(test_bundled_profiles),
		cmocka_unit_test(test_precedence_by_date),
		cmocka_unit_test(test_precedence_short_id),
		cmocka_unit_test(test_precedence_version_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
