/* tests/unit/test_osinfo_res.c — OS profile resources per architecture and
 * per install kind (minimum, recommended, maximum, network-install), and a
 * tree's kernel arguments (<?vprov-kernel-args?>: parsing, {tree}
 * expansion, dot segments removed from the URLs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "osinfo.h"
#include "cleanup.h"
#include "units.h"

#define FIXTURE VP_TEST_DATA "/osinfo/res"

static struct vp_osinfo *open_db(const char *sys, bool bundled)
{
	struct vp_osinfo_opts o = { .system_dir = sys, .no_bundled = !bundled };
	struct vp_osinfo *db = NULL;
	struct vp_error err = { 0 };

	if (vp_osinfo_open(&o, &db, NULL, &err) < 0)
		fail_msg("open: %s", err.msg);
	return db;
}

static void profile(struct vp_osinfo *db, const char *id, const char *arch, struct vp_os_profile *p)
{
	struct vp_error err = { 0 };

	if (vp_osinfo_profile(db, id, arch, p, &err) < 0)
		fail_msg("%s: %s", id, err.msg);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

/* What the parser keeps of one document: every class of every entry, and
 * the tree's processing instruction, trimmed. */
static void test_parse(void **state)
{
	size_t len, n = 0, i;
	_cleanup_(freep) char *text = read_all(FIXTURE "/os/example.org/res-1.xml", &len);
	struct vp_os *list = NULL;
	struct vp_error err = { 0 };
	const struct vp_os_res_entry *x86 = NULL, *arm = NULL, *all = NULL;

	(void)state;
	assert_int_equal(vp_os_parse(text, len, "res-1.xml", "system", &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].n_resources, 3);
	for (i = 0; i < list[0].n_resources; i++) {
		const struct vp_os_res_entry *e = &list[0].resources[i];

		if (!strcmp(e->arch, "x86_64"))
			x86 = e;
		else if (!strcmp(e->arch, "aarch64"))
			arm = e;
		else if (!strcmp(e->arch, "all"))
			all = e;
	}
	assert_non_null(x86);
	assert_non_null(arm);
	assert_non_null(all);
	assert_true(x86->net.set);
	assert_int_equal(x86->net.ram, 4 * VP_GiB);
	assert_true(x86->max.set);
	assert_int_equal(x86->max.n_cpus, 768);
	assert_int_equal(x86->max.ram, 24 * 1024 * VP_GiB);
	assert_int_equal(x86->rec.ram, 2 * VP_GiB);
	assert_false(arm->net.set);
	assert_false(arm->max.set);
	assert_int_equal(arm->min.ram, 3 * VP_GiB);
	assert_int_equal(arm->rec.ram, 0);
	assert_false(all->net.set);
	assert_int_equal(list[0].n_trees, 2);
	assert_string_equal(list[0].trees[0].kernel_args,
			    "repo={tree}/../../main modloop={tree}/netboot/modloop-virt quiet");
	assert_string_equal(list[0].trees[0].kernel, "netboot/vmlinuz");
	assert_null(list[0].trees[1].kernel_args);
	for (i = 0; i < n; i++)
		vp_os_free(&list[i]);
	free(list);
}

/* The entry for the VM's architecture before "all", figure by figure; the
 * minimum is a floor; network-install only for an installer. */
static void test_per_arch(void **state)
{
	struct vp_osinfo *db = open_db(FIXTURE, false);
	struct vp_os_profile p;
	struct vp_domain_spec l;
	const char *from = NULL;

	(void)state;
	profile(db, "exres1", "x86_64", &p);
	assert_int_equal(p.use.ram, 2 * VP_GiB);
	assert_string_equal(p.ram_from, "exres1's recommended resources on x86_64");
	assert_int_equal(p.use.n_cpus, 2); /* x86_64 says no CPUs: "all" does */
	assert_int_equal(p.use.storage, 20 * VP_GiB);
	assert_int_equal(p.install_ram, 4 * VP_GiB);
	assert_string_equal(p.install_ram_from, "exres1's network-install resources on x86_64");
	assert_int_equal(vp_os_profile_memory(&p, false, &from), 2 * VP_GiB);
	assert_string_equal(from, "exres1's recommended resources on x86_64");
	assert_int_equal(vp_os_profile_memory(&p, true, &from), 4 * VP_GiB);
	assert_string_equal(from, "exres1's network-install resources on x86_64");
	vp_os_profile_spec(&p, &l);
	assert_int_equal(l.memory, 2 * VP_GiB); /* the spec is the installed system's */
	vp_spec_clear(&l);
	vp_os_profile_clear(&p);

	/* aarch64 says a minimum above "all"'s recommended memory: the minimum */
	profile(db, "exres1", "aarch64", &p);
	assert_int_equal(p.use.ram, 3 * VP_GiB);
	assert_string_equal(p.ram_from, "exres1's minimum resources on aarch64");
	assert_int_equal(p.use.storage, 40 * VP_GiB);
	assert_int_equal(p.install_ram, 0);
	assert_null(p.install_ram_from);
	assert_int_equal(vp_os_profile_memory(&p, true, &from), 3 * VP_GiB);
	assert_string_equal(from, "exres1's minimum resources on aarch64");
	vp_os_profile_clear(&p);

	/* an architecture without an entry: "all" */
	profile(db, "exres1", "ppc64le", &p);
	assert_int_equal(p.use.ram, 1536 * VP_MiB);
	assert_string_equal(p.ram_from, "exres1's recommended resources for all architectures");
	assert_int_equal(p.install_ram, 0);
	vp_os_profile_clear(&p);

	/* a child's own recommended memory beats its parent's network-install
	 * figure when larger; the figure itself is inherited */
	profile(db, "exres2", "x86_64", &p);
	assert_int_equal(p.use.ram, 5 * VP_GiB);
	assert_int_equal(p.install_ram, 4 * VP_GiB);
	assert_string_equal(p.install_ram_from, "exres1's network-install resources on x86_64");
	assert_int_equal(vp_os_profile_memory(&p, true, &from), 5 * VP_GiB);
	assert_string_equal(from, "exres2's recommended resources for all architectures");
	assert_int_equal(p.use.storage, 20 * VP_GiB); /* disk from the parent */
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

/* The bundled rocky9 (no system database: it holds whichever database
 * wins): upstream's per-arch figures. */
static void test_rocky9_bundled(void **state)
{
	struct vp_osinfo *db = open_db(NULL, true);
	struct vp_os_profile p;
	const char *from = NULL;

	(void)state;
	profile(db, "rocky9", "x86_64", &p);
	assert_string_equal(p.os->source, "bundled");
	assert_int_equal(p.use.ram, 1536 * VP_MiB);
	assert_int_equal(p.use.storage, 20 * VP_GiB);
	assert_int_equal(vp_os_profile_memory(&p, false, &from), 1536 * VP_MiB);
	assert_string_equal(from, "rocky9's recommended resources on x86_64");
	assert_int_equal(vp_os_profile_memory(&p, true, &from), 3 * VP_GiB);
	assert_string_equal(from, "rocky9's network-install resources on x86_64");
	vp_os_profile_clear(&p);

	profile(db, "rocky9", "aarch64", &p);
	assert_int_equal(p.min.ram, 2 * VP_GiB);
	assert_int_equal(p.use.ram, 2 * VP_GiB);
	assert_string_equal(p.ram_from, "rocky9's minimum resources on aarch64");
	assert_int_equal(p.use.storage, 20 * VP_GiB);
	assert_int_equal(vp_os_profile_memory(&p, true, &from), 2 * VP_GiB);
	vp_os_profile_clear(&p);

	profile(db, "almalinux9", "aarch64", &p);
	assert_int_equal(p.use.ram, 2 * VP_GiB);
	vp_os_profile_clear(&p);
	profile(db, "almalinux9", "x86_64", &p);
	assert_int_equal(p.install_ram, 3 * VP_GiB);
	vp_os_profile_clear(&p);
	profile(db, "almalinux9", "s390x", &p);
	assert_int_equal(p.use.ram, 1536 * VP_MiB); /* "all": s390x's minimum is 1 GiB */
	assert_int_equal(p.install_ram, 2 * VP_GiB);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

static void norm(const char *in, const char *want)
{
	_cleanup_(freep) char *got = vp_url_normalize(in);

	if (strcmp(got, want) != 0)
		fail_msg("'%s' normalized to '%s', wanted '%s'", in, got, want);
}

/* RFC 3986 5.2.4, and its section 5.4 examples against their base. */
static void test_url_normalize(void **state)
{
	(void)state;
	norm("https://dl-cdn.alpinelinux.org/alpine/v3.21/releases/x86_64/../../main",
	     "https://dl-cdn.alpinelinux.org/alpine/v3.21/main");
	norm("http://127.0.0.1:8080/a/b/c/./../../g", "http://127.0.0.1:8080/a/g");
	norm("http://a/b/c/d;p?q", "http://a/b/c/d;p?q");
	norm("http://a/b/c/./g", "http://a/b/c/g");
	norm("http://a/b/c/g/.", "http://a/b/c/g/");
	norm("http://a/b/c/g/..", "http://a/b/c/");
	norm("http://a/b/c/../../../g", "http://a/g");
	norm("http://a/../../g", "http://a/g");
	norm("http://a/b/c/g;x=1/./y", "http://a/b/c/g;x=1/y");
	norm("http://a/b/c/g;x=1/../y", "http://a/b/c/y");
	norm("http://a/b/c/g/../x?y=/../z#/../f", "http://a/b/c/x?y=/../z#/../f");
	norm("http://a/b/c/g..", "http://a/b/c/g..");
	norm("http://a/b/c/..g", "http://a/b/c/..g");
	norm("http://a", "http://a");
	norm("http://a/", "http://a/");
	norm("/a/b/../c", "/a/c");
	norm("mid/content=5/../6", "mid/6");
}

static void kargs(const struct vp_os_link *l, const char *tree, const char *want)
{
	_cleanup_(freep) char *got = vp_os_kernel_args(l, tree);

	if (!want) {
		assert_null(got);
		return;
	}
	if (!got || strcmp(got, want) != 0)
		fail_msg("kernel args for '%s': '%s', wanted '%s'", tree ? tree : "(the profile's)",
			 got ? got : "(none)", want);
}

static void test_kernel_args(void **state)
{
	struct vp_os_link l = {
		.url = (char *)"https://mirror.example.org/alpine/v3.21/releases/x86_64",
		.kernel_args = (char *)"alpine_repo={tree}/../../main modloop={tree}/netboot/modloop-virt",
	};
	struct vp_os_link none = { .url = (char *)"https://x/" };
	struct vp_osinfo *db;
	struct vp_os_profile p;
	const struct vp_os_link *t;

	(void)state;
	kargs(&l, NULL,
	      "alpine_repo=https://mirror.example.org/alpine/v3.21/main "
	      "modloop=https://mirror.example.org/alpine/v3.21/releases/x86_64/netboot/modloop-virt");
	/* the user's tree, a trailing '/' or not */
	kargs(&l, "http://127.0.0.1:8000/alpine/v3.21/releases/x86_64/",
	      "alpine_repo=http://127.0.0.1:8000/alpine/v3.21/main "
	      "modloop=http://127.0.0.1:8000/alpine/v3.21/releases/x86_64/netboot/modloop-virt");
	kargs(&none, "http://127.0.0.1/", NULL);
	kargs(NULL, "http://127.0.0.1/", NULL);
	/* words without a URL stay as they are; spaces collapse */
	l.kernel_args = (char *)"  quiet   ip=dhcp x={tree}/./y  ";
	kargs(&l, "http://h/t", "quiet ip=dhcp x=http://h/t/y");

	/* the bundled Alpine profiles carry them for every tree */
	db = open_db(NULL, true);
	profile(db, "alpinelinux3.21", "x86_64", &p);
	assert_non_null(t = vp_os_profile_tree(&p, "x86_64"));
	kargs(t, NULL,
	      "alpine_repo=https://dl-cdn.alpinelinux.org/alpine/v3.21/main "
	      "modloop=https://dl-cdn.alpinelinux.org/alpine/v3.21/releases/x86_64/netboot/modloop-virt");
	vp_os_profile_clear(&p);
	profile(db, "alpinelinux3.19", "aarch64", &p);
	assert_non_null(t = vp_os_profile_tree(&p, "aarch64"));
	kargs(t, NULL,
	      "alpine_repo=https://dl-cdn.alpinelinux.org/alpine/v3.19/main "
	      "modloop=https://dl-cdn.alpinelinux.org/alpine/v3.19/releases/aarch64/netboot/modloop-virt");
	vp_os_profile_clear(&p);
	profile(db, "alpinelinux3.20", "x86_64", &p);
	assert_non_null(t = vp_os_profile_tree(&p, "x86_64"));
	assert_non_null(t->kernel_args);
	vp_os_profile_clear(&p);
	vp_osinfo_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_per_arch),
		cmocka_unit_test(test_rocky9_bundled),
		cmocka_unit_test(test_url_normalize),
		cmocka_unit_test(test_kernel_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
