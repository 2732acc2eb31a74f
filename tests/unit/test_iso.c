/* tests/unit/test_iso.c — ISO 9660 images and local directories as tree
 * readers: real images, made here with xorriso */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "fs.h"
#include "iso.h"
#include "tree.h"

extern char **environ;

static char *tmpdir;

/* ---- helpers ------------------------------------------------------------------ */

static char *tpath(const char *rel)
{
	return vp_strdup_printf("%s/%s", tmpdir, rel);
}

static void put(const char *root, const char *rel, const void *data, size_t len)
{
	char *path = vp_strdup_printf("%s/%s/%s", tmpdir, root, rel);
	char *dir = vp_strdup(path);
	struct vp_error err = { 0 };

	*strrchr(dir, '/') = '\0';
	assert_int_equal(vp_mkdir_p(dir, 0755), 0);
	if (vp_write_atomic(path, data, len, 0644, false, &err) < 0)
		fail_msg("cannot write %s: %s", path, err.msg);
	free(dir);
	free(path);
}

static void put_str(const char *root, const char *rel, const char *s)
{
	put(root, rel, s, strlen(s));
}

/* Bytes that do not repeat in a short cycle: a kernel stand-in. */
static unsigned char *noise(size_t n, unsigned seed)
{
	unsigned char *b = vp_calloc(n, 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (unsigned char)x;
	}
	return b;
}

/* Run argv, its output in tmpdir/run.log (shown on failure). */
static void run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char *log = tpath("run.log");
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		fail_msg("cannot run %s: %s (the ISO tests need xorriso: apt-get install xorriso)",
			 argv[0], strerror(rc));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		size_t len = 0;
		char *out = vp_read_file(log, 1 << 16, &len);

		fail_msg("%s failed:\n%s", argv[0], out ? out : "");
	}
	free(log);
}

/* xorriso -as mkisofs -R -J -V label -o tmpdir/name tmpdir/root */
static char *mkiso(const char *name, const char *label, const char *root)
{
	char *iso = tpath(name), *src = tpath(root);
	char *argv[] = { "xorriso", "-as", "mkisofs", "-R", "-J", "-V", (char *)label, "-o", iso, src, NULL };

	run(argv);
	free(src);
	return iso;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/vprov-test-iso-XXXXXX";
	const char *base = getenv("TMPDIR");

	(void)state;
	tmpdir = base && *base ? vp_strdup_printf("%s/vprov-test-iso-XXXXXX", base) : vp_strdup(tmpl);
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmpdir);
	return 0;
}

static void file_is(const char *path, const void *data, size_t len)
{
	size_t got_len = 0;
	char *got = vp_read_file(path, len + 1, &got_len);
	struct stat st;

	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, data, len);
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

/* No "dest.XXXXXX" left beside dest. */
static void no_temp_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = strlen(prefix);

	assert_non_null(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, n) && e->d_name[n] == '.')
			fail_msg("a temporary file was left behind: %s/%s", dir, e->d_name);
	closedir(d);
}

#define DEBIAN_INFO "Debian GNU/Linux 12.5.0 \"Bookworm\" - Official amd64 NETINST with firmware 20240210-11:27"
#define KERNEL_SIZE (300 * 1024 + 17)

/* ---- a Debian netinst image ----------------------------------------------------------- */

static void make_debian_tree(const char *root, unsigned char **kernel)
{
	*kernel = noise(KERNEL_SIZE, 1);
	put_str(root, ".disk/info", DEBIAN_INFO);
	put(root, "install.amd/vmlinuz", *kernel, KERNEL_SIZE);
	put_str(root, "install.amd/initrd.gz", "initrd bytes\n");
	put_str(root, "README.txt", "This disc contains an installer for Debian GNU/Linux 12.\n");
	put_str(root, "md5sum.txt", "");
}

static void test_debian_iso(void **state)
{
	unsigned char *kernel;
	struct vp_iso *iso = NULL;
	struct vp_tree_reader r;
	struct vp_tree t;
	struct vp_error err = { 0 };
	char *path, *dest, *dest2, *xen, *root_dir;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	make_debian_tree("deb", &kernel);
	/* hard links: the image holds the data once; libarchive reports the
	 * second name as a link to the first */
	root_dir = tpath("deb/install.amd/xen");
	assert_int_equal(vp_mkdir_p(root_dir, 0755), 0);
	xen = tpath("deb/install.amd/xen/initrd.gz");
	{
		char *src = tpath("deb/install.amd/initrd.gz");

		assert_int_equal(link(src, xen), 0);
		free(src);
	}
	{
		char *lnk = tpath("deb/vmlinuz-link");

		assert_int_equal(symlink("install.amd/vmlinuz", lnk), 0);
		free(lnk);
		lnk = tpath("deb/install.amd/up");
		assert_int_equal(symlink("../README.txt", lnk), 0);
		free(lnk);
		lnk = tpath("deb/escape");
		assert_int_equal(symlink("../../../../etc/hostname", lnk), 0);
		free(lnk);
		lnk = tpath("deb/loop");
		assert_int_equal(symlink("loop", lnk), 0);
		free(lnk);
	}
	path = mkiso("debian.iso", "Debian 12.5.0 amd64 n", "deb");

	if (vp_iso_open(path, &iso, &err) < 0)
		fail_msg("vp_iso_open: %s", err.msg);
	assert_string_equal(vp_iso_volume_id(iso), "Debian 12.5.0 amd64 n");
	vp_iso_reader(iso, NULL, &r);
	assert_true(r.is_iso);
	assert_false(r.is_url);
	assert_string_equal(r.location, path);
	assert_string_equal(r.volume_id, "Debian 12.5.0 amd64 n");

	/* detection through the image */
	if (vp_tree_detect(&r, "x86_64", NULL, NULL, &t, &err) < 0)
		fail_msg("vp_tree_detect: %s", err.msg);
	assert_string_equal(t.family, "debian");
	assert_string_equal(t.version, "12");
	assert_string_equal(t.codename, "bookworm");
	assert_string_equal(t.os_id, "debian12");
	assert_string_equal(t.kernel, "install.amd/vmlinuz");
	assert_string_equal(t.initrd, "install.amd/initrd.gz");
	assert_null(t.kernel_args);
	vp_tree_clear(&t);

	/* reads: names as given, case-insensitively, with ";1" */
	assert_int_equal(r.read(r.opaque, ".disk/info", 4096, &buf, &len, &err), 0);
	assert_int_equal(len, strlen(DEBIAN_INFO));
	assert_string_equal(buf, DEBIAN_INFO);
	free(buf);
	assert_int_equal(r.read(r.opaque, "INSTALL.AMD/INITRD.GZ;1", 4096, &buf, &len, &err), 0);
	assert_string_equal(buf, "initrd bytes\n");
	free(buf);
	assert_int_equal(r.read(r.opaque, "./install.amd/initrd.gz", 4096, &buf, &len, &err), 0);
	free(buf);
	/* hard and symbolic links lead to the data */
	assert_int_equal(r.read(r.opaque, "install.amd/xen/initrd.gz", 4096, &buf, &len, &err), 0);
	assert_string_equal(buf, "initrd bytes\n");
	free(buf);
	assert_int_equal(r.exists(r.opaque, "install.amd/xen/initrd.gz", &err), 1);
	assert_int_equal(r.exists(r.opaque, "vmlinuz-link", &err), 1);
	assert_int_equal(r.read(r.opaque, "install.amd/up", 4096, &buf, &len, &err), 0);
	assert_memory_equal(buf, "This disc", 9);
	free(buf);
	/* a link out of the image ends at its root; one to itself ends */
	assert_int_equal(r.exists(r.opaque, "escape", &err), 0);
	assert_int_equal(r.exists(r.opaque, "loop", &err), 0);
	/* an empty member */
	assert_int_equal(r.read(r.opaque, "md5sum.txt", 4096, &buf, &len, &err), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	/* what is not a file */
	assert_int_equal(r.exists(r.opaque, "install.amd", &err), 0);
	assert_int_equal(r.exists(r.opaque, "install.amd/", &err), 0);
	assert_int_equal(r.exists(r.opaque, "nothing/here", &err), 0);
	assert_int_equal(r.read(r.opaque, "install.amd", 4096, &buf, &len, &err), 1);
	assert_null(buf);
	assert_int_equal(r.read(r.opaque, "nothing", 4096, &buf, &len, &err), 1);
	/* bounded */
	assert_int_equal(r.read(r.opaque, "install.amd/vmlinuz", 1024, &buf, &len, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "larger than 1024 bytes"));
	assert_null(buf);
	/* paths out of the image */
	assert_int_equal(r.read(r.opaque, "../etc/passwd", 4096, &buf, &len, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_int_equal(r.exists(r.opaque, "/install.amd/vmlinuz", &err), -1);
	assert_int_equal(r.exists(r.opaque, "install.amd/../README.txt", &err), -1);

	/* extract: the bytes, 0644, atomically over what was there */
	dest = tpath("vmlinuz.out");
	put_str(".", "vmlinuz.out", "old content");
	if (vp_iso_extract(iso, "install.amd/vmlinuz", dest, &err) < 0)
		fail_msg("vp_iso_extract: %s", err.msg);
	file_is(dest, kernel, KERNEL_SIZE);
	dest2 = tpath("initrd.out");
	assert_int_equal(vp_iso_extract(iso, "install.amd/xen/initrd.gz", dest2, &err), 0);
	file_is(dest2, "initrd bytes\n", 13);
	no_temp_files(tmpdir, "vmlinuz.out");
	no_temp_files(tmpdir, "initrd.out");

	assert_int_equal(vp_iso_extract(iso, "install.amd/nothing", dest, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	file_is(dest, kernel, KERNEL_SIZE);
	assert_int_equal(vp_iso_extract(iso, "../x", dest, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	{
		char *nodir = tpath("no/such/dir/vmlinuz");

		assert_int_equal(vp_iso_extract(iso, "install.amd/vmlinuz", nodir, &err), -1);
		assert_int_equal(err.code, VP_ERR_RUNTIME);
		assert_null(strchr(err.msg, '\n'));
		free(nodir);
	}

	vp_iso_close(iso);
	vp_iso_close(NULL);
	free(kernel);
	free(path);
	free(dest);
	free(dest2);
	free(xen);
	free(root_dir);
}

/* Readers over one image from several threads at once. */
struct par {
	struct vp_tree_reader *r;
	int ok;
};

static void *par_read(void *arg)
{
	struct par *p = arg;
	struct vp_error err;
	int i;

	for (i = 0; i < 20; i++) {
		char *buf = NULL;
		size_t len = 0;

		if (p->r->read(p->r->opaque, "install.amd/vmlinuz", 1 << 20, &buf, &len, &err) == 0 &&
		    len == KERNEL_SIZE)
			p->ok++;
		free(buf);
	}
	return NULL;
}

static void test_parallel_reads(void **state)
{
	unsigned char *kernel;
	struct vp_iso *iso = NULL;
	struct vp_tree_reader r;
	struct vp_error err;
	struct par p[4];
	pthread_t th[4];
	char *path;
	int i;

	(void)state;
	make_debian_tree("par", &kernel);
	path = mkiso("par.iso", "PAR", "par");
	assert_int_equal(vp_iso_open(path, &iso, &err), 0);
	vp_iso_reader(iso, "par.iso", &r);
	assert_string_equal(r.location, "par.iso");
	for (i = 0; i < 4; i++) {
		p[i].r = &r;
		p[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, par_read, &p[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(p[i].ok, 20);
	}
	vp_iso_close(iso);
	free(kernel);
	free(path);
}

/* ---- plain ISO 9660 and Joliet-only names ---------------------------------------------- */

static void test_plain_names(void **state)
{
	unsigned char *kernel;
	struct vp_iso *iso = NULL;
	struct vp_tree_reader r;
	struct vp_tree t;
	struct vp_error err;
	char *src, *plain, *joliet;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	make_debian_tree("plain", &kernel);
	src = tpath("plain");
	plain = tpath("plain.iso");
	joliet = tpath("joliet.iso");
	{
		/* level 1 names: INSTALL_AMD/VMLINUZ., _DISK/INFO. */
		char *argv[] = { "xorriso", "-outdev", plain, "-rockridge", "off", "-joliet", "off",
				 "-volid", "PLAIN", "-map", src, "/", NULL };
		char *argv2[] = { "xorriso", "-outdev", joliet, "-rockridge", "off", "-joliet", "on",
				  "-volid", "JOLIET", "-map", src, "/", NULL };

		run(argv);
		run(argv2);
	}

	assert_int_equal(vp_iso_open(plain, &iso, &err), 0);
	assert_string_equal(vp_iso_volume_id(iso), "PLAIN");
	vp_iso_reader(iso, NULL, &r);
	assert_int_equal(r.exists(r.opaque, "install.amd/vmlinuz", &err), 1);
	assert_int_equal(r.read(r.opaque, ".disk/info", 4096, &buf, &len, &err), 0);
	assert_string_equal(buf, DEBIAN_INFO);
	free(buf);
	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), 0);
	assert_string_equal(t.os_id, "debian12");
	vp_tree_clear(&t);
	vp_iso_close(iso);

	assert_int_equal(vp_iso_open(joliet, &iso, &err), 0);
	vp_iso_reader(iso, NULL, &r);
	assert_int_equal(r.exists(r.opaque, "install.amd/vmlinuz", &err), 1);
	assert_int_equal(r.exists(r.opaque, "Install.Amd/VMLinuz", &err), 1);
	{
		char *dest = tpath("joliet-vmlinuz");

		assert_int_equal(vp_iso_extract(iso, "install.amd/vmlinuz", dest, &err), 0);
		file_is(dest, kernel, KERNEL_SIZE);
		free(dest);
	}
	vp_iso_close(iso);
	free(kernel);
	free(src);
	free(plain);
	free(joliet);
}

/* ---- other families in images ---------------------------------------------------------- */

static void test_ubuntu_and_fedora_isos(void **state)
{
	struct vp_iso *iso = NULL;
	struct vp_tree_reader r;
	struct vp_tree t;
	struct vp_error err;
	char *path;

	(void)state;
	put_str("ubuntu", ".disk/info",
		"Ubuntu-Server 22.04.3 LTS \"Jammy Jellyfish\" - Release amd64 (20230810)\n");
	put_str("ubuntu", "casper/vmlinuz", "kernel");
	put_str("ubuntu", "casper/initrd", "initrd");
	put_str("ubuntu", "casper/ubuntu-server-minimal.squashfs", "squashfs");
	path = mkiso("ubuntu.iso", "Ubuntu-Server 22.04.3 LTS amd64", "ubuntu");
	assert_int_equal(vp_iso_open(path, &iso, &err), 0);
	vp_iso_reader(iso, NULL, &r);
	if (vp_tree_detect(&r, NULL, NULL, NULL, &t, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(t.family, "ubuntu");
	assert_string_equal(t.os_id, "ubuntu22.04");
	assert_string_equal(t.kernel, "casper/vmlinuz");
	assert_string_equal(t.initrd, "casper/initrd");
	assert_true(t.live);
	vp_tree_clear(&t);
	vp_iso_close(iso);
	free(path);

	put_str("fedora", ".treeinfo",
		"[general]\nfamily = Fedora\nversion = 40\narch = x86_64\n"
		"[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n");
	put_str("fedora", "images/pxeboot/vmlinuz", "kernel");
	put_str("fedora", "images/pxeboot/initrd.img", "initrd");
	path = mkiso("fedora.iso", "Fedora-E-dvd-x86_64-40", "fedora");
	assert_int_equal(vp_iso_open(path, &iso, &err), 0);
	vp_iso_reader(iso, NULL, &r);
	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), 0);
	assert_string_equal(t.os_id, "fedora40");
	assert_string_equal(t.kernel_args, "inst.stage2=hd:LABEL=Fedora-E-dvd-x86_64-40");
	vp_tree_clear(&t);
	vp_iso_close(iso);
	free(path);

	/* an image nothing recognises */
	put_str("other", "hello.txt", "hello");
	path = mkiso("other.iso", "OTHER", "other");
	assert_int_equal(vp_iso_open(path, &iso, &err), 0);
	vp_iso_reader(iso, NULL, &r);
	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, path));
	vp_iso_close(iso);
	free(path);
}

/* ---- what is not an image --------------------------------------------------------------- */

static void not_iso(const char *path, enum vp_errcode code)
{
	struct vp_iso *iso = (struct vp_iso *)0x1;
	struct vp_error err = { 0 };

	assert_int_equal(vp_iso_open(path, &iso, &err), -1);
	assert_null(iso);
	assert_int_equal(err.code, code);
	assert_non_null(strstr(err.msg, path));
	assert_null(strchr(err.msg, '\n'));
}

static void test_not_iso(void **state)
{
	char *text = tpath("not-an-iso.txt"), *empty = tpath("empty.iso"), *big = tpath("zeros.iso");
	char *missing = tpath("missing.iso"), *tar = tpath("tree.tar");
	unsigned char *zeros = vp_calloc(64 * 1024, 1);

	(void)state;
	put_str(".", "not-an-iso.txt", "hello, this is text and not ISO 9660 at all\n");
	put_str(".", "empty.iso", "");
	put(".", "zeros.iso", zeros, 64 * 1024);
	{
		char *src = tpath("deb");
		char *argv[] = { "tar", "-cf", tar, "-C", src, ".", NULL };

		put_str("deb", "a", "a");
		run(argv);
		free(src);
	}
	not_iso(text, VP_ERR_INVALID);
	not_iso(empty, VP_ERR_INVALID);
	not_iso(big, VP_ERR_INVALID);
	not_iso(tar, VP_ERR_INVALID);
	not_iso(tmpdir, VP_ERR_INVALID);
	not_iso(missing, VP_ERR_NOT_FOUND);
	free(text);
	free(empty);
	free(big);
	free(missing);
	free(tar);
	free(zeros);
}

/* ---- directories -------------------------------------------------------------------------- */

static void test_dir_reader(void **state)
{
	struct vp_tree_reader r;
	struct vp_tree t;
	struct vp_error err;
	char *root = tpath("dir"), *buf = NULL, *lnk;
	size_t len = 0;

	(void)state;
	put_str("dir", "debian-installer/amd64/linux", "kernel");
	put_str("dir", "debian-installer/amd64/initrd.gz", "initrd");
	put_str("dir", "version.info", "Debian version:  12 (bookworm)\nInstaller build: 20230607+deb12u15\n");
	put_str("dir", "sub/dir-not-file/x", "x");
	lnk = tpath("dir/pxelinux.0");
	assert_int_equal(symlink("debian-installer/amd64/linux", lnk), 0);
	free(lnk);
	lnk = tpath("dir/dangling");
	assert_int_equal(symlink("no-such-file", lnk), 0);
	free(lnk);

	assert_int_equal(vp_dir_reader(root, &r, &err), 0);
	assert_string_equal(r.location, root);
	assert_false(r.is_url);
	assert_false(r.is_iso);
	assert_int_equal(r.exists(r.opaque, "version.info", &err), 1);
	assert_int_equal(r.exists(r.opaque, "pxelinux.0", &err), 1); /* links are followed */
	assert_int_equal(r.exists(r.opaque, "dangling", &err), 0);
	assert_int_equal(r.exists(r.opaque, "sub/dir-not-file", &err), 0);
	assert_int_equal(r.exists(r.opaque, "version.info/x", &err), 0);
	assert_int_equal(r.read(r.opaque, "sub/dir-not-file", 100, &buf, &len, &err), 1);
	assert_int_equal(r.read(r.opaque, "nothing", 100, &buf, &len, &err), 1);
	assert_int_equal(r.read(r.opaque, "pxelinux.0", 100, &buf, &len, &err), 0);
	assert_string_equal(buf, "kernel");
	assert_int_equal(len, 6);
	free(buf);
	assert_int_equal(r.read(r.opaque, "version.info", 10, &buf, &len, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_null(buf);
	assert_int_equal(r.read(r.opaque, "../dir/version.info", 100, &buf, &len, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_int_equal(r.exists(r.opaque, "/etc/passwd", &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);

	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), 0);
	assert_string_equal(t.family, "debian");
	assert_string_equal(t.os_id, "debian12");
	assert_string_equal(t.kernel, "debian-installer/amd64/linux");
	vp_tree_clear(&t);
	vp_dir_reader_free(&r);
	vp_dir_reader_free(&r);
	vp_dir_reader_free(NULL);

	/* a directory that is not one */
	{
		char *missing = tpath("no-such-dir"), *file = tpath("dir/version.info");

		assert_int_equal(vp_dir_reader(missing, &r, &err), -1);
		assert_int_equal(err.code, VP_ERR_NOT_FOUND);
		assert_int_equal(vp_dir_reader(file, &r, &err), -1);
		assert_int_equal(err.code, VP_ERR_NOT_FOUND);
		assert_int_equal(vp_dir_reader("", &r, &err), -1);
		free(missing);
		free(file);
	}
	free(root);
}

/* The debian-installer-12-netboot-amd64 package's tree, as installed here
 * (the test hosts install it: scripts/setup-deps). */
#define DI_NETBOOT "/usr/lib/debian-installer/images/12/amd64/text"

static void test_installed_netboot(void **state)
{
	struct vp_tree_reader r;
	struct vp_tree t;
	struct vp_error err;
	struct stat st;

	(void)state;
	if (stat(DI_NETBOOT "/debian-installer/amd64/linux", &st) < 0)
		fail_msg("%s is missing: install the Debian package debian-installer-12-netboot-amd64",
			 DI_NETBOOT);
	assert_int_equal(vp_dir_reader(DI_NETBOOT, &r, &err), 0);
	if (vp_tree_detect(&r, "x86_64", NULL, NULL, &t, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(t.family, "debian");
	assert_string_equal(t.version, "12");
	assert_string_equal(t.codename, "bookworm");
	assert_string_equal(t.os_id, "debian12");
	assert_string_equal(t.arch, "x86_64");
	assert_string_equal(t.kernel, "debian-installer/amd64/linux");
	assert_string_equal(t.initrd, "debian-installer/amd64/initrd.gz");
	assert_null(t.kernel_args);
	vp_tree_clear(&t);
	vp_dir_reader_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_iso),
		cmocka_unit_test(test_parallel_reads),
		cmocka_unit_test(test_plain_names),
		cmocka_unit_test(test_ubuntu_and_fedora_isos),
		cmocka_unit_test(test_not_iso),
		cmocka_unit_test(test_dir_reader),
		cmocka_unit_test(test_installed_netboot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
