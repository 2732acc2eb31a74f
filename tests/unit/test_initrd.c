/* tests/unit/test_initrd.c — files appended to an initrd: the original bytes
 * unchanged, then a standard gzip'd newc archive (checked with gzip and GNU
 * cpio, as the kernel would see it), reproducible output, refused names and
 * files, and the listing of initrds made of several archives with every
 * compression the kernel unpacks, including Debian 12's real installer
 * initrd. */
#include <dirent.h>
#include <errno.h>
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

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "initrd.h"

#define DEBIAN_INITRD "/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/initrd.gz"

static char dir[] = "/tmp/vp-test-initrd.XXXXXX";

static char *path_in(const char *name)
{
	return vp_strdup_printf("%s/%s", dir, name);
}

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	_cleanup_(freep) char *cmd = NULL;
	va_list ap;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	assert_non_null(cmd);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* stdout of a shell command (stderr dropped) */
__attribute__((format(printf, 1, 2))) static char *sh_out(const char *fmt, ...)
{
	_cleanup_(freep) char *cmd = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	assert_non_null(cmd);
	f = popen(cmd, "r");
	assert_non_null(f);
	for (;;) {
		char buf[4096];
		size_t r = fread(buf, 1, sizeof(buf), f);

		if (!r)
			break;
		out = vp_grow(out, len + r + 1, 1);
		memcpy(out + len, buf, r);
		len += r;
	}
	pclose(f);
	if (!out)
		out = vp_strdup("");
	out[len] = 0;
	return out;
}

static bool have(const char *tool)
{
	return sh("command -v %s >/dev/null 2>&1", tool) == 0;
}

static void write_text(const char *path, const char *text)
{
	struct vp_error err = { 0 };

	assert_int_equal(vp_write_atomic(path, text, strlen(text), 0644, false, &err), 0);
}

static off_t size_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* An original initrd: a newc archive of "init", "etc/motd" and 300 kB of
 * noise (several blocks for every compressor, some stored) through the
 * filter command (e.g. "gzip -9n"; "cat" for none). */
static char *make_original(const char *name, const char *filter)
{
	char *out = path_in(name);

	assert_int_equal(sh("set -e; cd %s && rm -rf src && mkdir -p src/etc && "
			    "printf '#!/bin/sh\\necho hi\\n' > src/init && echo motd > src/etc/motd && "
			    "head -c 300000 /dev/urandom > src/noise && cd src && "
			    "printf 'init\\netc\\netc/motd\\nnoise\\n' | cpio -o -H newc --quiet | %s > %s",
			    dir, filter, out),
			 0);
	return out;
}

static size_t count_names(char **names, size_t n, const char *name)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += !strcmp(names[i], name);
	return c;
}

static int entries_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int c = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		c += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return c;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return sh("rm -rf %s", dir);
}

/* ---- the output, as gzip, cpio and the kernel see it -------------------- */

static void test_inject_standard_newc(void **state)
{
	_cleanup_(freep) char *orig = make_original("orig-odd.gz", "gzip -9n");
	_cleanup_(freep) char *seed = path_in("preseed.cfg");
	_cleanup_(freep) char *dest = path_in("out.img");
	_cleanup_(freep) char *listing = NULL, *verbose = NULL, *content = NULL, *secret = NULL;
	struct vp_initrd_file files[] = {
		{ .path = seed },
		{ .name = "secret.txt", .data = "s3cr3t\n", .len = 7, .secret = 1 },
		{ .name = "run.sh", .data = "#!/bin/sh\n", .len = 10, .mode = 0755 },
	};
	struct vp_error err = { 0 };
	char **names = NULL;
	size_t n = 0;
	off_t osize, start;
	struct stat st;

	(void)state;
	/* an original whose length is not a multiple of 4: trailing zeros are
	 * padding to the kernel, and make the appended archive need alignment */
	while (size_of(orig) % 4 != 1)
		assert_int_equal(sh("printf '\\0' >> %s", orig), 0);
	write_text(seed, "d-i debian-installer/locale string en_US\n");

	if (vp_initrd_inject(orig, files, 3, dest, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* the original bytes, unchanged, then zeros to a multiple of 4 */
	osize = size_of(orig);
	start = (osize + 3) / 4 * 4;
	assert_int_equal(sh("cmp -s -n %lld %s %s", (long long)osize, orig, dest), 0);
	assert_int_equal(sh("test \"$(tail -c +%lld %s | head -c %lld | od -An -tx1 | tr -d ' \\n')\" = 000000",
			    (long long)osize + 1, dest, (long long)(start - osize)),
			 0);
	/* then one gzip member (gzip -t: nothing after it) holding standard newc */
	assert_int_equal(sh("tail -c +%lld %s | gzip -t", (long long)start + 1, dest), 0);
	listing = sh_out("tail -c +%lld %s | gzip -dc | cpio -it --quiet", (long long)start + 1, dest);
	assert_string_equal(listing, "preseed.cfg\nsecret.txt\nrun.sh\n");
	assert_int_equal(sh("tail -c +%lld %s | gzip -dc | head -c 6 | grep -qx 070701",
			    (long long)start + 1, dest),
			 0);
	verbose = sh_out("tail -c +%lld %s | gzip -dc | cpio -itv --quiet --numeric-uid-gid",
			 (long long)start + 1, dest);
	assert_non_null(strstr(verbose, "-rw-r--r--   1 0        0              41 Jan  1  1970 preseed.cfg"));
	assert_non_null(strstr(verbose, "-rw-------   1 0        0               7 Jan  1  1970 secret.txt"));
	assert_non_null(strstr(verbose, "-rwxr-xr-x   1 0        0              10 Jan  1  1970 run.sh"));
	content = sh_out("tail -c +%lld %s | gzip -dc | cpio -i --quiet --to-stdout preseed.cfg",
			 (long long)start + 1, dest);
	assert_string_equal(content, "d-i debian-installer/locale string en_US\n");
	secret = sh_out("tail -c +%lld %s | gzip -dc | cpio -i --quiet --to-stdout secret.txt",
			(long long)start + 1, dest);
	assert_string_equal(secret, "s3cr3t\n");

	/* both archives, in the kernel's order */
	if (vp_initrd_list(dest, &names, &n, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n, 7);
	assert_string_equal(names[0], "init");
	assert_string_equal(names[1], "etc");
	assert_string_equal(names[2], "etc/motd");
	assert_string_equal(names[3], "noise");
	assert_string_equal(names[4], "preseed.cfg");
	assert_string_equal(names[5], "secret.txt");
	assert_string_equal(names[6], "run.sh");
	vp_strings_free(names, n);
	/* no temporary file left beside it */
	assert_int_equal(sh("ls %s | grep -q tmp", dir), 1);
}

static void test_inject_reproducible(void **state)
{
	_cleanup_(freep) char *orig = make_original("orig-repro.gz", "gzip -9n");
	_cleanup_(freep) char *a = path_in("a.img"), *b = path_in("b.img");
	struct vp_initrd_file f = { .name = "ks.cfg", .data = "text\n", .len = 5 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_initrd_inject(orig, &f, 1, a, &err), 0);
	sleep(1); /* a time stamp would differ now */
	assert_int_equal(vp_initrd_inject(orig, &f, 1, b, &err), 0);
	assert_int_equal(sh("cmp -s %s %s", a, b), 0);
	/* dest replaced atomically when it exists */
	assert_int_equal(vp_initrd_inject(orig, &f, 1, a, &err), 0);
	assert_int_equal(sh("cmp -s %s %s", a, b), 0);
}

static void test_inject_nothing(void **state)
{
	_cleanup_(freep) char *orig = make_original("orig-none.gz", "gzip -9n");
	_cleanup_(freep) char *dest = path_in("none.img");
	struct vp_error err = { 0 };
	char **names = NULL;
	size_t n = 0;

	(void)state;
	/* an empty archive after the original is still valid for the kernel */
	assert_int_equal(vp_initrd_inject(orig, NULL, 0, dest, &err), 0);
	assert_int_equal(vp_initrd_list(dest, &names, &n, &err), 0);
	assert_int_equal(n, 4);
	vp_strings_free(names, n);
}

/* ---- refused requests ----------------------------------------------------- */

static void expect_invalid(const char *orig, const struct vp_initrd_file *f, size_t n,
			   const char *dest, const char *msg)
{
	struct vp_error err = { 0 };
	int before = entries_in_dir();

	assert_int_equal(vp_initrd_inject(orig, f, n, dest, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	if (!strstr(err.msg, msg))
		fail_msg("expected '%s' in: %s", msg, err.msg);
	assert_int_equal(access(dest, F_OK), -1);
	assert_int_equal(entries_in_dir(), before);
}

static void test_inject_refused(void **state)
{
	_cleanup_(freep) char *orig = make_original("orig-refused.gz", "gzip -9n");
	_cleanup_(freep) char *dest = path_in("refused.img");
	_cleanup_(freep) char *missing = path_in("nosuch/preseed.cfg");
	_cleanup_(freep) char *unreadable = path_in("unreadable.cfg");
	struct vp_initrd_file dup[] = {
		{ .name = "preseed.cfg", .data = "a", .len = 1 },
		{ .name = "preseed.cfg", .data = "b", .len = 1 },
	};
	struct vp_initrd_file slash = { .name = "etc/preseed.cfg", .data = "a", .len = 1 };
	struct vp_initrd_file empty = { .name = "", .data = "a", .len = 1 };
	struct vp_initrd_file dot = { .name = ".", .data = "a", .len = 1 };
	struct vp_initrd_file dotdot = { .name = "..", .data = "a", .len = 1 };
	struct vp_initrd_file control = { .name = "a\nb", .data = "a", .len = 1 };
	struct vp_initrd_file gone = { .path = missing };
	struct vp_initrd_file dirent_ = { .name = "x", .path = dir };
	struct vp_initrd_file nameless = { .data = "a", .len = 1 };
	struct vp_initrd_file noperm = { .path = unreadable };
	struct vp_error err = { 0 };

	(void)state;
	expect_invalid(orig, dup, 2, dest, "cannot inject 'preseed.cfg' into the initrd: the name is given twice");
	expect_invalid(orig, &slash, 1, dest, "cannot inject 'etc/preseed.cfg' into the initrd: the name must not contain '/'");
	expect_invalid(orig, &empty, 1, dest, "cannot inject '' into the initrd");
	expect_invalid(orig, &dot, 1, dest, "cannot inject '.' into the initrd");
	expect_invalid(orig, &dotdot, 1, dest, "cannot inject '..' into the initrd");
	expect_invalid(orig, &control, 1, dest, "cannot inject 'a\\nb' into the initrd: the name must be printable");
	expect_invalid(orig, &gone, 1, dest,
		       "cannot inject 'preseed.cfg' into the initrd: '");
	expect_invalid(orig, &gone, 1, dest, "preseed.cfg': No such file or directory");
	expect_invalid(orig, &dirent_, 1, dest, "is not a regular file");
	expect_invalid(orig, &nameless, 1, dest, "neither a name nor a path");
	if (geteuid() != 0) {
		write_text(unreadable, "x");
		assert_int_equal(chmod(unreadable, 0), 0);
		expect_invalid(orig, &noperm, 1, dest, "Permission denied");
		unlink(unreadable);
	}

	/* a relative path that is the name itself: the brief form */
	{
		_cleanup_(freep) char *cwd = getcwd(NULL, 0);
		struct vp_initrd_file rel = { .path = "absent.cfg" };

		assert_int_equal(chdir(dir), 0);
		assert_int_equal(vp_initrd_inject(orig, &rel, 1, dest, &err), -1);
		assert_int_equal(chdir(cwd), 0);
		assert_int_equal(err.code, VP_ERR_INVALID);
		assert_string_equal(err.msg, "cannot inject 'absent.cfg' into the initrd: No such file or directory");
	}

	/* no initrd: nothing made */
	{
		_cleanup_(freep) char *none = path_in("no-initrd.gz");
		struct vp_initrd_file ok = { .name = "a", .data = "a", .len = 1 };
		int before = entries_in_dir();

		assert_int_equal(vp_initrd_inject(none, &ok, 1, dest, &err), -1);
		assert_int_equal(err.code, VP_ERR_NOT_FOUND);
		assert_non_null(strstr(err.msg, "no-initrd.gz"));
		assert_int_equal(entries_in_dir(), before);
	}
	/* an unwritable destination directory */
	{
		struct vp_initrd_file ok = { .name = "a", .data = "a", .len = 1 };

		assert_int_equal(vp_initrd_inject(orig, &ok, 1, "/nonexistent-dir/x.img", &err), -1);
		assert_int_equal(err.code, VP_ERR_RUNTIME);
		assert_non_null(strstr(err.msg, "/nonexistent-dir/x.img"));
	}
}

/* ---- listing -------------------------------------------------------------- */

struct fmt {
	const char *tool, *filter;
};

static void test_list_compressions(void **state)
{
	static const struct fmt fmts[] = {
		{ "cat", "cat" },          { "gzip", "gzip -9n" },  { "xz", "xz --check=crc32 -c" },
		{ "xz", "xz --check=crc64 -T2 --block-size=4096 -c" },
		{ "zstd", "zstd -q -c" }, { "zstd", "zstd -q -c --no-check" },
		{ "lzma", "lzma -c" },      { "bzip2", "bzip2 -c" },  { "lz4", "lz4 -q -l -c" },
		{ "lz4", "lz4 -q -c" },     { "lz4", "lz4 -q -c -BX --content-size -B4" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		_cleanup_(freep) char *orig = NULL, *dest = path_in("fmt.img");
		struct vp_initrd_file f = { .name = "preseed.cfg", .data = "x\n", .len = 2 };
		struct vp_error err = { 0 };
		char **names = NULL;
		size_t n = 0;

		if (!have(fmts[i].tool)) {
			print_message("skipped %s: no %s here\n", fmts[i].filter, fmts[i].tool);
			continue;
		}
		orig = make_original("fmt.orig", fmts[i].filter);
		if (vp_initrd_list(orig, &names, &n, &err) < 0)
			fail_msg("%s: %s", fmts[i].filter, err.msg);
		assert_int_equal(n, 4);
		vp_strings_free(names, n);
		if (vp_initrd_inject(orig, &f, 1, dest, &err) < 0)
			fail_msg("%s: %s", fmts[i].filter, err.msg);
		if (vp_initrd_list(dest, &names, &n, &err) < 0)
			fail_msg("%s: %s", fmts[i].filter, err.msg);
		if (n != 5 || strcmp(names[0], "init") || strcmp(names[4], "preseed.cfg"))
			fail_msg("%s: %zu names", fmts[i].filter, n);
		vp_strings_free(names, n);
	}
}

/* Fedora's layout: an uncompressed early cpio (microcode), then the main
 * archive compressed, then ours; and a gzip'd original followed directly
 * (no padding) by another gzip member. */
static void test_list_chains(void **state)
{
	_cleanup_(freep) char *early = NULL, *main_ = NULL, *chain = path_in("chain.orig");
	_cleanup_(freep) char *dest = path_in("chain.img");
	struct vp_initrd_file f = { .name = "ks.cfg", .data = "text\n", .len = 5 };
	struct vp_error err = { 0 };
	char **names = NULL;
	size_t n = 0;

	(void)state;
	early = make_original("early.cpio", "cat");
	main_ = make_original("main.xz", have("xz") ? "xz --check=crc32 -c" : "gzip -9n");
	assert_int_equal(sh("cat %s %s > %s", early, main_, chain), 0);
	assert_int_equal(vp_initrd_inject(chain, &f, 1, dest, &err), 0);
	assert_int_equal(vp_initrd_list(dest, &names, &n, &err), 0);
	assert_int_equal(n, 9);
	assert_int_equal(count_names(names, n, "init"), 2);
	assert_string_equal(names[8], "ks.cfg");
	vp_strings_free(names, n);

	/* two gzip members back to back read as one stream */
	assert_int_equal(sh("cat %s %s > %s", main_, main_, chain), 0);
	assert_int_equal(sh("cd %s && gzip -9n < early.cpio > g1 && cat g1 g1 > %s", dir, chain), 0);
	assert_int_equal(vp_initrd_list(chain, &names, &n, &err), 0);
	assert_int_equal(n, 8);
	vp_strings_free(names, n);
}

static void test_list_refused(void **state)
{
	_cleanup_(freep) char *junk = path_in("junk.img"), *cut = path_in("cut.img");
	_cleanup_(freep) char *orig = make_original("orig-cut.gz", "gzip -9n");
	_cleanup_(freep) char *empty = path_in("empty.img");
	struct vp_error err = { 0 };
	char **names = NULL;
	size_t n = 0;

	(void)state;
	write_text(junk, "this is not an initrd\n");
	assert_int_equal(vp_initrd_list(junk, &names, &n, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "unknown data at offset 0"));
	assert_null(names);

	assert_int_equal(sh("head -c %lld %s > %s", (long long)size_of(orig) - 20, orig, cut), 0);
	assert_int_equal(vp_initrd_list(cut, &names, &n, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "cut.img"));

	assert_int_equal(sh("cd %s/src && printf 'init\\n' | cpio -o -H newc --quiet | head -c 200 > %s",
			    dir, cut),
			 0);
	assert_int_equal(vp_initrd_list(cut, &names, &n, &err), -1);
	assert_non_null(strstr(err.msg, "ends inside a cpio entry"));

	write_text(empty, "");
	assert_int_equal(vp_initrd_list(empty, &names, &n, &err), 0);
	assert_int_equal(n, 0);

	assert_int_equal(vp_initrd_list("/nonexistent/initrd.gz", &names, &n, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
}

/* ---- Debian 12's installer ------------------------------------------------- */

static void test_debian_installer_initrd(void **state)
{
	_cleanup_(freep) char *seed = path_in("preseed.cfg");
	_cleanup_(freep) char *dest = path_in("debian.img");
	_cleanup_(freep) char *listing = NULL, *orig_list = NULL;
	struct vp_initrd_file f = { .path = seed };
	struct vp_error err = { 0 };
	char **names = NULL;
	size_t n = 0, i, before;
	off_t osize, start;

	(void)state;
	if (access(DEBIAN_INITRD, R_OK) < 0) {
		print_message("skipped: %s is not installed (debian-installer-12-netboot-amd64)\n",
			      DEBIAN_INITRD);
		skip();
	}
	write_text(seed, "d-i debian-installer/locale string en_US\n");
	if (vp_initrd_inject(DEBIAN_INITRD, &f, 1, dest, &err) < 0)
		fail_msg("%s", err.msg);
	osize = size_of(DEBIAN_INITRD);
	start = (osize + 3) / 4 * 4;
	assert_int_equal(sh("cmp -s -n %lld %s %s", (long long)osize, DEBIAN_INITRD, dest), 0);
	listing = sh_out("tail -c +%lld %s | gzip -dc | cpio -it --quiet", (long long)start + 1, dest);
	assert_string_equal(listing, "preseed.cfg\n");

	if (vp_initrd_list(dest, &names, &n, &err) < 0)
		fail_msg("%s", err.msg);
	/* the original's own files, as GNU cpio lists them, then ours */
	orig_list = sh_out("gzip -dc %s | cpio -it --quiet | wc -l", DEBIAN_INITRD);
	before = strtoul(orig_list, NULL, 10);
	assert_true(before > 1000);
	assert_int_equal(n, before + 1);
	assert_int_equal(count_names(names, n, "init"), 1);
	assert_int_equal(count_names(names, n, "sbin/init"), 1);
	assert_int_equal(count_names(names, n, "lib/debian-installer-startup.d/S30initrd-preseed"), 1);
	assert_int_equal(count_names(names, n, "preseed.cfg"), 1);
	assert_string_equal(names[n - 1], "preseed.cfg");
	for (i = 0; i < n; i++)
		assert_true(strncmp(names[i], "./", 2) != 0);
	vp_strings_free(names, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inject_standard_newc),
		cmocka_unit_test(test_inject_reproducible),
		cmocka_unit_test(test_inject_nothing),
		cmocka_unit_test(test_inject_refused),
		cmocka_unit_test(test_list_compressions),
		cmocka_unit_test(test_list_chains),
		cmocka_unit_test(test_list_refused),
		cmocka_unit_test(test_debian_installer_initrd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
