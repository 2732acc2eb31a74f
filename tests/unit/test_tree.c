/* tests/unit/test_tree.c — installer-tree detection and its parsers
 *
 * Detection runs against in-memory trees: a table of relpath -> content
 * (inline, or "@name" for a fixture under tests/data/trees/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "fs.h"
#include "tree.h"

/* ---- a fake tree ------------------------------------------------------------ */

struct ffile {
	const char *path;
	const char *content; /* "@name": tests/data/trees/name */
};

struct fake {
	const struct ffile *files;
	const char *fail;    /* reading or looking at this path fails */
	int reads, looks;
};

static char *fixture(const char *name, size_t *len)
{
	char *path = vp_strdup_printf("%s/trees/%s", VP_TEST_DATA, name);
	char *text = vp_read_file(path, 1 << 20, len);

	if (!text)
		fail_msg("cannot read the fixture %s", path);
	free(path);
	return text;
}

static const struct ffile *fake_find(struct fake *f, const char *relpath)
{
	const struct ffile *e;

	/* detection only ever asks for paths inside the tree */
	assert_non_null(relpath);
	assert_true(relpath[0] != '/');
	assert_false(!strcmp(relpath, "..") || !strncmp(relpath, "../", 3) || strstr(relpath, "/../") ||
		     (strlen(relpath) >= 3 && !strcmp(relpath + strlen(relpath) - 3, "/..")));
	for (e = f->files; e && e->path; e++)
		if (!strcmp(e->path, relpath))
			return e;
	return NULL;
}

static int fake_read(void *opaque, const char *relpath, size_t max, char **buf, size_t *len,
		     struct vp_error *err)
{
	struct fake *f = opaque;
	const struct ffile *e;
	size_t n;

	f->reads++;
	assert_true(max <= VP_TREE_META_MAX);
	if (f->fail && !strcmp(relpath, f->fail))
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot download '%s': connection reset", relpath);
	e = fake_find(f, relpath);
	if (!e)
		return 1;
	if (e->content[0] == '@') {
		*buf = fixture(e->content + 1, &n);
	} else {
		n = strlen(e->content);
		*buf = vp_strdup(e->content);
	}
	if (n > max) {
		free(*buf);
		*buf = NULL;
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is larger than %zu bytes", relpath, max);
	}
	*len = n;
	return 0;
}

static int fake_exists(void *opaque, const char *relpath, struct vp_error *err)
{
	struct fake *f = opaque;

	f->looks++;
	if (f->fail && !strcmp(relpath, f->fail))
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot look at '%s': timed out", relpath);
	return fake_find(f, relpath) != NULL;
}

struct how {
	const char *location;
	bool is_url, is_iso;
	const char *volume_id;
	const char *arch;
	const char *kernel, *initrd; /* hints */
};

static int detect(const struct ffile *files, const struct how *h, struct vp_tree *t,
		  struct vp_error *err)
{
	struct fake f = { .files = files };
	struct vp_tree_reader r = {
		.read = fake_read,
		.exists = fake_exists,
		.opaque = &f,
		.location = h->location,
		.is_url = h->is_url,
		.is_iso = h->is_iso,
		.volume_id = h->volume_id,
	};
	int rc;

	memset(err, 0, sizeof(*err));
	rc = vp_tree_detect(&r, h->arch, h->kernel, h->initrd, t, err);
	if (rc < 0) {
		/* nothing half-filled on failure; one line */
		assert_null(t->family);
		assert_null(t->kernel);
		assert_null(t->how);
		assert_null(strchr(err->msg, '\n'));
		assert_true(err->msg[0] != '\0');
	}
	return rc;
}

static void detect_ok(const struct ffile *files, const struct how *h, struct vp_tree *t)
{
	struct vp_error err;

	if (detect(files, h, t, &err) < 0)
		fail_msg("detection failed: %s", err.msg);
	assert_non_null(t->kernel);
	assert_non_null(t->initrd);
	assert_non_null(t->how);
}

#define assert_str(a, b)                                                \
	do {                                                            \
		const char *_a = (a), *_b = (b);                        \
		if (!_b)                                                \
			assert_null(_a);                                \
		else {                                                  \
			assert_non_null(_a);                            \
			assert_string_equal(_a, _b);                    \
		}                                                       \
	} while (0)

#define assert_contains(hay, needle)                                                        \
	do {                                                                                \
		const char *_h = (hay);                                                     \
		if (!_h || !strstr(_h, (needle)))                                           \
			fail_msg("'%s' does not contain '%s'", _h ? _h : "(null)", (needle)); \
	} while (0)

/* ---- Debian and Ubuntu ---------------------------------------------------------- */

#define BOOKWORM_LINUX "77f16f2b2c0a3614ff5ff1c6bdabf2de8d76d96754fd4d75a62adeeeb11d4da4"
#define BOOKWORM_INITRD "2a6fa235cad6c1f546a06bdb2e6078f0ec71494fe05ec35a421c84021ffdea78"

static const struct ffile bookworm_mirror[] = {
	{ "current/images/MANIFEST", "@debian-bookworm-amd64.MANIFEST" },
	{ "current/images/SHA256SUMS", "@debian-bookworm-amd64.SHA256SUMS" },
	{ "current/images/netboot/debian-installer/amd64/linux", "KERNEL" },
	{ "current/images/netboot/debian-installer/amd64/initrd.gz", "INITRD" },
	{ "current/images/netboot/gtk/debian-installer/amd64/linux", "GTK KERNEL" },
	{ "current/images/netboot/gtk/debian-installer/amd64/initrd.gz", "GTK INITRD" },
	{ NULL, NULL },
};

static void test_debian_mirror(void **state)
{
	struct vp_tree t;
	struct how h = {
		.location = "http://127.0.0.1:8080/debian/dists/bookworm/main/installer-amd64/",
		.is_url = true,
	};

	(void)state;
	detect_ok(bookworm_mirror, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.name, "Debian");
	assert_str(t.version, "12");
	assert_str(t.codename, "bookworm");
	assert_str(t.arch, "x86_64");
	assert_str(t.os_id, "debian12");
	assert_str(t.kernel, "current/images/netboot/debian-installer/amd64/linux");
	assert_str(t.initrd, "current/images/netboot/debian-installer/amd64/initrd.gz");
	assert_str(t.kernel_sha256, BOOKWORM_LINUX);
	assert_str(t.initrd_sha256, BOOKWORM_INITRD);
	assert_str(t.kernel_args, "mirror/country=manual mirror/protocol=http "
				  "mirror/http/hostname=127.0.0.1:8080 mirror/http/directory=/debian");
	assert_contains(t.how, "current/images/MANIFEST");
	assert_false(t.live);
	vp_tree_clear(&t);

	/* the tree's architecture is the URL's, whatever the guest's */
	h.arch = "aarch64";
	detect_ok(bookworm_mirror, &h, &t);
	assert_str(t.arch, "x86_64");
	assert_str(t.kernel, "current/images/netboot/debian-installer/amd64/linux");
	vp_tree_clear(&t);

	/* https, a mirror at the server's root, a suite with a suffix */
	h.location = "https://mirror.example.org/dists/bookworm-updates/main/installer-amd64/current/images/";
	h.arch = NULL;
	{
		static const struct ffile images[] = {
			{ "MANIFEST", "@debian-bookworm-amd64.MANIFEST" },
			{ "SHA256SUMS", "@debian-bookworm-amd64.SHA256SUMS" },
			{ NULL, NULL },
		};

		/* SHA256SUMS lists them: no need to look */
		detect_ok(images, &h, &t);
		assert_str(t.kernel, "netboot/debian-installer/amd64/linux");
		assert_str(t.kernel_sha256, BOOKWORM_LINUX);
		assert_str(t.version, "12");
		assert_str(t.codename, "bookworm");
		assert_str(t.kernel_args, "mirror/country=manual mirror/protocol=https "
					  "mirror/https/hostname=mirror.example.org "
					  "mirror/https/directory=/");
		assert_contains(t.how, "installer images directory");
		vp_tree_clear(&t);
	}

	/* credentials never go on the kernel command line */
	h.location = "http://user:secret@127.0.0.1/debian/dists/bookworm/main/installer-amd64/";
	detect_ok(bookworm_mirror, &h, &t);
	assert_null(t.kernel_args);
	vp_tree_clear(&t);

	/* a local copy of a mirror: no URL, no mirror questions */
	h.location = "/srv/mirror/debian/dists/trixie/main/installer-amd64";
	h.is_url = false;
	detect_ok(bookworm_mirror, &h, &t);
	assert_str(t.version, "13");
	assert_str(t.codename, "trixie");
	assert_str(t.os_id, "debian13");
	assert_null(t.kernel_args);
	vp_tree_clear(&t);
}

static void test_debian_mirror_no_sums(void **state)
{
	static const struct ffile manifest_only[] = {
		{ "current/images/MANIFEST", "@debian-bookworm-amd64.MANIFEST" },
		{ NULL, NULL },
	};
	static const struct ffile arm_files[] = {
		{ "current/images/MANIFEST", "@debian-bookworm-amd64.MANIFEST" },
		{ "current/images/netboot/debian-installer/amd64/linux", "K" },
		{ "current/images/netboot/debian-installer/amd64/initrd.gz", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct vp_error err;
	struct how h = { .location = "http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/",
			 .is_url = true };

	(void)state;
	/* the MANIFEST lists the netboot directory of its own architecture */
	detect_ok(manifest_only, &h, &t);
	assert_str(t.kernel, "current/images/netboot/debian-installer/amd64/linux");
	assert_null(t.kernel_sha256);
	vp_tree_clear(&t);

	/* no architecture in the location: the guest's, and it is not there */
	h.location = "/srv/d-i";
	h.is_url = false;
	h.arch = "aarch64";
	assert_int_equal(detect(arm_files, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_contains(err.msg, "netboot/debian-installer/arm64/linux");
	assert_contains(err.msg, "aarch64");
	assert_contains(err.msg, "kernel=PATH,initrd=PATH");

	/* the same with hints: no error */
	h.kernel = "current/images/netboot/debian-installer/amd64/linux";
	h.initrd = "current/images/netboot/debian-installer/amd64/initrd.gz";
	detect_ok(arm_files, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.kernel, h.kernel);
	assert_contains(t.how, "as given");
	vp_tree_clear(&t);
}

static void test_debian_daily(void **state)
{
	static const struct ffile daily[] = {
		{ "daily/MANIFEST", "netboot/debian-installer      PXE boot directory for tftp server\n" },
		{ "daily/netboot/debian-installer/arm64/linux", "K" },
		{ "daily/netboot/debian-installer/arm64/initrd.gz", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct how h = { .location = "https://d-i.debian.org/daily-images/arm64/", .is_url = true };

	(void)state;
	detect_ok(daily, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.arch, "aarch64");
	assert_str(t.version, "testing");
	assert_str(t.os_id, "debiantesting");
	assert_str(t.kernel, "daily/netboot/debian-installer/arm64/linux");
	assert_null(t.kernel_args); /* no dists/ in it */
	vp_tree_clear(&t);
}

#define FOCAL_LINUX "91afe35f05916e316f4bfdccd4a01598f88bbf0a712e84d2ca5293d1582aab21"

static void test_ubuntu_focal_legacy(void **state)
{
	static const struct ffile focal[] = {
		{ "current/legacy-images/MANIFEST", "@ubuntu-focal-amd64.MANIFEST" },
		{ "current/legacy-images/SHA256SUMS", "@ubuntu-focal-amd64.SHA256SUMS" },
		{ "current/legacy-images/netboot/ubuntu-installer/amd64/linux", "K" },
		{ "current/legacy-images/netboot/ubuntu-installer/amd64/initrd.gz", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct how h = {
		.location = "http://archive.ubuntu.com/ubuntu/dists/focal-updates/main/installer-amd64/",
		.is_url = true,
	};

	(void)state;
	detect_ok(focal, &h, &t);
	assert_str(t.family, "ubuntu");
	assert_str(t.name, "Ubuntu");
	assert_str(t.version, "20.04");
	assert_str(t.codename, "focal");
	assert_str(t.os_id, "ubuntu20.04");
	assert_str(t.arch, "x86_64");
	assert_str(t.kernel, "current/legacy-images/netboot/ubuntu-installer/amd64/linux");
	assert_str(t.initrd, "current/legacy-images/netboot/ubuntu-installer/amd64/initrd.gz");
	assert_str(t.kernel_sha256, FOCAL_LINUX);
	assert_non_null(t.initrd_sha256);
	assert_contains(t.how, "Ubuntu mirror (current/legacy-images/MANIFEST)");
	assert_str(t.kernel_args, "mirror/country=manual mirror/protocol=http "
				  "mirror/http/hostname=archive.ubuntu.com mirror/http/directory=/ubuntu");
	vp_tree_clear(&t);
}

static void test_di_netboot_dir(void **state)
{
	static const struct ffile netboot[] = {
		{ "version.info", "@debian-12-netboot.version-info" },
		{ "debian-installer/amd64/linux", "K" },
		{ "debian-installer/amd64/initrd.gz", "I" },
		{ "pxelinux.0", "P" },
		{ NULL, NULL },
	};
	static const struct ffile ubuntu_netboot[] = {
		{ "ubuntu-installer/amd64/linux", "K" },
		{ "ubuntu-installer/amd64/initrd.gz", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct how h = { .location = "/usr/lib/debian-installer/images/12/amd64/text" };

	(void)state;
	detect_ok(netboot, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.version, "12");
	assert_str(t.codename, "bookworm");
	assert_str(t.os_id, "debian12");
	assert_str(t.arch, "x86_64");
	assert_str(t.kernel, "debian-installer/amd64/linux");
	assert_str(t.initrd, "debian-installer/amd64/initrd.gz");
	assert_contains(t.how, "netboot directory");
	vp_tree_clear(&t);

	/* a mirror's netboot directory: the version from the URL */
	h.location = "http://archive.ubuntu.com/ubuntu/dists/focal/main/installer-amd64/current/"
		     "legacy-images/netboot/";
	h.is_url = true;
	detect_ok(ubuntu_netboot, &h, &t);
	assert_str(t.family, "ubuntu");
	assert_str(t.version, "20.04");
	assert_str(t.os_id, "ubuntu20.04");
	assert_str(t.kernel, "ubuntu-installer/amd64/linux");
	assert_contains(t.kernel_args, "mirror/http/hostname=archive.ubuntu.com");
	vp_tree_clear(&t);
}

/* ---- .treeinfo ------------------------------------------------------------------- */

#define F40_VMLINUZ "49c3e84048e63e179a7deffaa4af396de9f6c63c75a7cb2b863fe9b4dae2f117"
#define F40_INITRD "855744b8dc117201364cdd82d4e1e19a12654e8f6b31202c157c5fdbbd2aa8c4"

static const struct ffile fedora40[] = {
	{ ".treeinfo", "@fedora-40-x86_64.treeinfo" },
	{ "images/pxeboot/vmlinuz", "K" },
	{ "images/pxeboot/initrd.img", "I" },
	{ NULL, NULL },
};

static void test_fedora_treeinfo(void **state)
{
	struct vp_tree t;
	struct how h = {
		.location = "https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/",
		.is_url = true,
	};

	(void)state;
	detect_ok(fedora40, &h, &t);
	assert_str(t.family, "fedora");
	assert_str(t.name, "Fedora");
	assert_str(t.version, "40");
	assert_null(t.codename);
	assert_str(t.arch, "x86_64");
	assert_str(t.os_id, "fedora40");
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	assert_str(t.initrd, "images/pxeboot/initrd.img");
	assert_str(t.kernel_sha256, F40_VMLINUZ);
	assert_str(t.initrd_sha256, F40_INITRD);
	assert_str(t.kernel_args,
		   "inst.repo=https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/");
	assert_str(t.how, ".treeinfo (Fedora)");
	vp_tree_clear(&t);

	/* the DVD attached as a cdrom: stage 2 by its label */
	h.location = "/var/lib/libvirt/images/Fedora-Everything-netinst-x86_64-40-1.14.iso";
	h.is_url = false;
	h.is_iso = true;
	h.volume_id = "Fedora-E-dvd-x86_64-40";
	detect_ok(fedora40, &h, &t);
	assert_str(t.kernel_args, "inst.stage2=hd:LABEL=Fedora-E-dvd-x86_64-40");
	vp_tree_clear(&t);

	h.volume_id = "My Label/x";
	detect_ok(fedora40, &h, &t);
	assert_str(t.kernel_args, "inst.stage2=hd:LABEL=My\\x20Label\\x2fx");
	vp_tree_clear(&t);

	/* no label known: nothing to say, the caller decides */
	h.volume_id = NULL;
	detect_ok(fedora40, &h, &t);
	assert_null(t.kernel_args);
	vp_tree_clear(&t);

	/* a local directory */
	h.is_iso = false;
	h.location = "/mnt/fedora";
	detect_ok(fedora40, &h, &t);
	assert_null(t.kernel_args);
	vp_tree_clear(&t);

	/* a URL with a blank in it stays one word */
	h.location = "http://host/my tree/";
	h.is_url = true;
	detect_ok(fedora40, &h, &t);
	assert_str(t.kernel_args, "inst.repo=http://host/my%20tree/");
	vp_tree_clear(&t);
}

static void test_el_treeinfo(void **state)
{
	static const struct ffile cs9[] = {
		{ "treeinfo", "@centos-stream-9-x86_64.treeinfo" }, /* no dot, as on CDNs */
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile rocky[] = {
		{ ".treeinfo", "@rocky-9.4-aarch64.treeinfo" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile alma[] = {
		{ ".treeinfo", "@almalinux-9.4-x86_64.treeinfo" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile rhel[] = {
		{ ".treeinfo", "@rhel-9.4-x86_64.treeinfo" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile ol[] = {
		{ ".treeinfo", "[general]\nfamily = Oracle Linux\nversion = 8.9\narch = x86_64\n"
			       "[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n"
			       "initrd = images/pxeboot/initrd.img\n" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct how h = { .location = "http://mirror.stream.centos.org/9-stream/BaseOS/x86_64/os/",
			 .is_url = true };

	(void)state;
	detect_ok(cs9, &h, &t);
	assert_str(t.family, "centos-stream");
	assert_str(t.name, "CentOS Stream");
	assert_str(t.version, "9");
	assert_str(t.os_id, "centos-stream9");
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	assert_str(t.kernel_sha256, "3e3fbaa1c876b959ba20f952b56acbc618565d300868a79d75e2a63079b2e5cb");
	assert_str(t.how, "treeinfo (CentOS Stream)");
	assert_str(t.kernel_args, "inst.repo=http://mirror.stream.centos.org/9-stream/BaseOS/x86_64/os/");
	vp_tree_clear(&t);

	/* an aarch64 tree for an x86_64 guest: the tree says what it is */
	h.location = "https://download.rockylinux.org/pub/rocky/9.4/BaseOS/aarch64/os/";
	detect_ok(rocky, &h, &t);
	assert_str(t.family, "rocky");
	assert_str(t.name, "Rocky Linux");
	assert_str(t.version, "9.4");
	assert_str(t.arch, "aarch64");
	assert_str(t.os_id, "rocky9");
	assert_str(t.kernel_sha256, "793420ecb45e820dccfb5aed8b012c702ef28e3700717154e657b3a9086d9004");
	vp_tree_clear(&t);

	detect_ok(alma, &h, &t);
	assert_str(t.family, "almalinux");
	assert_str(t.os_id, "almalinux9");
	assert_null(t.kernel_sha256);
	vp_tree_clear(&t);

	detect_ok(rhel, &h, &t);
	assert_str(t.family, "rhel");
	assert_str(t.name, "Red Hat Enterprise Linux");
	assert_str(t.os_id, "rhel9.4");
	vp_tree_clear(&t);

	detect_ok(ol, &h, &t);
	assert_str(t.family, "ol");
	assert_str(t.os_id, "ol8.9");
	vp_tree_clear(&t);

	/* before anaconda's inst. options */
	{
		static const struct ffile centos6[] = {
			{ ".treeinfo", "[general]\nfamily = CentOS\nversion = 6.10\narch = x86_64\n"
				       "[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n"
				       "initrd = images/pxeboot/initrd.img\n" },
			{ NULL, NULL },
		};

		h.location = "http://vault.centos.org/6.10/os/x86_64/";
		detect_ok(centos6, &h, &t);
		assert_str(t.family, "centos");
		assert_str(t.os_id, "centos6.10");
		assert_str(t.kernel_args, "method=http://vault.centos.org/6.10/os/x86_64/");
		vp_tree_clear(&t);
	}
}

static void test_treeinfo_odd(void **state)
{
	static const struct ffile rawhide[] = {
		{ ".treeinfo", "[general]\nfamily = Fedora\nversion = Rawhide\narch = x86_64\n" },
		/* no [images-x86_64]: the usual place */
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile hostile[] = {
		{ ".treeinfo", "[general]\nfamily = Evil\x01Linux\nversion = 1\x1b[2J\narch = x86_64\n"
			       "[images-x86_64]\nkernel = ../../../etc/shadow\ninitrd = /etc/passwd\n"
			       "[checksums]\nimages/pxeboot/vmlinuz = sha256:nothex\n" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile generic[] = {
		{ ".treeinfo", "[general]\nfamily = EuroLinux\nversion = 9.2\narch = x86_64\n"
			       "[images-x86_64]\nkernel = ./images/pxeboot/vmlinuz\n"
			       "initrd = images/pxeboot/initrd.img\n" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile no_kernel[] = {
		{ ".treeinfo", "@fedora-40-x86_64.treeinfo" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct vp_error err;
	struct how h = { .location = "http://h/os/", .is_url = true };

	(void)state;
	detect_ok(rawhide, &h, &t);
	assert_str(t.version, "rawhide");
	assert_str(t.os_id, "fedora-rawhide");
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	vp_tree_clear(&t);

	/* paths out of the tree are not taken; control characters not kept */
	detect_ok(hostile, &h, &t);
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	assert_str(t.initrd, "images/pxeboot/initrd.img");
	assert_null(t.kernel_sha256);
	assert_null(t.family);
	assert_null(strchr(t.name, '\x01'));
	assert_null(strchr(t.version, '\x1b'));
	assert_null(strchr(t.how, '\x01'));
	assert_null(t.os_id);
	vp_tree_clear(&t);

	/* an anaconda family nobody listed: still a tree, inst.repo */
	detect_ok(generic, &h, &t);
	assert_null(t.family);
	assert_str(t.name, "EuroLinux");
	assert_str(t.version, "9.2");
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	assert_str(t.kernel_args, "inst.repo=http://h/os/");
	assert_contains(t.how, "EuroLinux");
	vp_tree_clear(&t);

	/* the .treeinfo names a kernel that is fine; it is not checked, but
	 * with no [images-] and no files there is nothing */
	detect_ok(no_kernel, &h, &t);
	vp_tree_clear(&t);
	{
		static const struct ffile empty_ti[] = {
			{ ".treeinfo", "[general]\nfamily = Fedora\nversion = 41\n" },
			{ NULL, NULL },
		};

		assert_int_equal(detect(empty_ti, &h, &t, &err), -1);
		assert_int_equal(err.code, VP_ERR_NOT_FOUND);
		assert_contains(err.msg, "images/pxeboot/vmlinuz");
		assert_contains(err.msg, ".treeinfo (Fedora)");
	}
}

/* ---- SUSE -------------------------------------------------------------------------- */

static void test_suse(void **state)
{
	static const struct ffile leap[] = {
		{ "content", "@opensuse-leap-15.5-x86_64.content" },
		{ "boot/x86_64/loader/linux", "K" },
		{ "boot/x86_64/loader/initrd", "I" },
		{ NULL, NULL },
	};
	static const struct ffile sles12[] = {
		{ "content", "@sles-12sp5-x86_64.content" },
		{ "boot/x86_64/loader/linux", "K" },
		{ "boot/x86_64/loader/initrd", "I" },
		{ NULL, NULL },
	};
	static const struct ffile tw[] = {
		{ ".treeinfo", "@opensuse-tumbleweed-x86_64.treeinfo" },
		{ "boot/x86_64/loader/linux", "K" },
		{ "boot/x86_64/loader/initrd", "I" },
		{ NULL, NULL },
	};
	static const struct ffile sle15[] = {
		{ ".treeinfo", "@sles-15sp5-x86_64.treeinfo" },
		{ "boot/x86_64/loader/linux", "K" },
		{ "boot/x86_64/loader/initrd", "I" },
		{ NULL, NULL },
	};
	static const struct ffile products[] = {
		{ "media.1/products", "/ openSUSE 20240521-0\n" },
		{ "boot/aarch64/linux", "K" },
		{ "boot/aarch64/initrd", "I" },
		{ NULL, NULL },
	};
	static const struct ffile not_suse[] = {
		{ "content", "LABEL Something Else 1.0\n" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct vp_error err;
	struct how h = { .location = "http://download.opensuse.org/distribution/leap/15.5/repo/oss/",
			 .is_url = true };

	(void)state;
	detect_ok(leap, &h, &t);
	assert_str(t.family, "opensuse");
	assert_str(t.name, "openSUSE Leap 15.5");
	assert_str(t.version, "15.5");
	assert_str(t.os_id, "opensuse15.5");
	assert_str(t.arch, "x86_64");
	assert_str(t.kernel, "boot/x86_64/loader/linux");
	assert_str(t.initrd, "boot/x86_64/loader/initrd");
	assert_str(t.kernel_sha256, "bc996e2e96ac68b1d84f4626040f89c49e52e564d4a4badcae24c83db4387f10");
	assert_str(t.initrd_sha256, "55dcaea6cd6ae1207a09c42e736194c16fbb550b019ee890f1d9d8bd04153d8f");
	assert_str(t.kernel_args, "install=http://download.opensuse.org/distribution/leap/15.5/repo/oss/");
	assert_contains(t.how, "SUSE content");
	vp_tree_clear(&t);

	h.location = "/mnt/sles";
	h.is_url = false;
	detect_ok(sles12, &h, &t);
	assert_str(t.family, "sles");
	assert_str(t.version, "12.5");
	assert_str(t.os_id, "sles12sp5");
	assert_str(t.arch, "x86_64");
	assert_null(t.kernel_args);
	vp_tree_clear(&t);

	h.location = "http://download.opensuse.org/tumbleweed/repo/oss/";
	h.is_url = true;
	detect_ok(tw, &h, &t);
	assert_str(t.family, "opensuse");
	assert_str(t.version, "tumbleweed");
	assert_str(t.os_id, "opensusetumbleweed");
	assert_str(t.kernel, "boot/x86_64/loader/linux");
	assert_str(t.kernel_args, "install=http://download.opensuse.org/tumbleweed/repo/oss/");
	vp_tree_clear(&t);

	detect_ok(sle15, &h, &t);
	assert_str(t.family, "sles");
	assert_str(t.version, "15.5");
	assert_str(t.os_id, "sle15sp5");
	vp_tree_clear(&t);

	h.arch = "aarch64";
	detect_ok(products, &h, &t);
	assert_str(t.version, "tumbleweed");
	assert_str(t.kernel, "boot/aarch64/linux");
	assert_contains(t.how, "media.1/products");
	vp_tree_clear(&t);
	h.arch = NULL;

	assert_int_equal(detect(not_suse, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_contains(err.msg, "cannot tell what installer tree");
}

/* ---- images ------------------------------------------------------------------------- */

static void test_debian_iso(void **state)
{
	static const struct ffile netinst[] = {
		{ ".disk/info", "@debian-12.5.0-amd64-netinst.disk-info" },
		{ "install.amd/vmlinuz", "K" },
		{ "install.amd/initrd.gz", "I" },
		{ "install.amd/gtk/vmlinuz", "K" },
		{ "sha256sum.txt", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  "
				   "./install.amd/vmlinuz\n" },
		{ NULL, NULL },
	};
	static const struct ffile no_kernel[] = {
		{ ".disk/info", "@debian-12.5.0-amd64-netinst.disk-info" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct vp_error err;
	struct how h = { .location = "/isos/debian-12.5.0-amd64-netinst.iso", .is_iso = true,
			 .volume_id = "Debian 12.5.0 amd64 n" };

	(void)state;
	detect_ok(netinst, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.name, "Debian");
	assert_str(t.version, "12");
	assert_str(t.codename, "bookworm");
	assert_str(t.os_id, "debian12");
	assert_str(t.arch, "x86_64");
	assert_str(t.kernel, "install.amd/vmlinuz");
	assert_str(t.initrd, "install.amd/initrd.gz");
	assert_str(t.kernel_sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_null(t.initrd_sha256);
	assert_null(t.kernel_args); /* the installer finds the disc */
	assert_false(t.live);
	assert_contains(t.how, ".disk/info");
	assert_contains(t.how, "install.amd/");
	vp_tree_clear(&t);

	assert_int_equal(detect(no_kernel, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_contains(err.msg, "install.amd/vmlinuz");
}

static void test_ubuntu_live_iso(void **state)
{
	static const struct ffile live[] = {
		{ ".disk/info", "@ubuntu-22.04.3-live-server-amd64.disk-info" },
		{ "casper/vmlinuz", "K" },
		{ "casper/initrd", "I" },
		{ "casper/filesystem.squashfs", "S" },
		{ NULL, NULL },
	};
	static const struct ffile old_server[] = {
		{ ".disk/info", "Ubuntu-Server 18.04.5 LTS \"Bionic Beaver\" - Release amd64 (20200806.1)" },
		{ "install/vmlinuz", "K" },
		{ "install/initrd.gz", "I" },
		{ "install/netboot/ubuntu-installer/amd64/linux", "NK" },
		{ "install/netboot/ubuntu-installer/amd64/initrd.gz", "NI" },
		{ NULL, NULL },
	};
	static const struct ffile foreign_info[] = {
		{ ".disk/info", "Something Else 3.0 \"Foo\" - Release amd64" },
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile mint[] = {
		{ ".disk/info", "Linux Mint 21.3 \"Virginia\" - Release amd64 20240114" },
		{ "casper/vmlinuz", "K" },
		{ "casper/initrd.lz", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct how h = { .location = "/isos/ubuntu-22.04.3-live-server-amd64.iso", .is_iso = true };

	(void)state;
	detect_ok(live, &h, &t);
	assert_str(t.family, "ubuntu");
	assert_str(t.name, "Ubuntu");
	assert_str(t.version, "22.04");
	assert_str(t.codename, "jammy");
	assert_str(t.os_id, "ubuntu22.04");
	assert_str(t.kernel, "casper/vmlinuz");
	assert_str(t.initrd, "casper/initrd");
	assert_true(t.live);
	assert_str(t.kernel_args, "boot=casper");
	assert_contains(t.how, "casper/");
	vp_tree_clear(&t);

	detect_ok(old_server, &h, &t);
	assert_str(t.os_id, "ubuntu18.04");
	assert_str(t.kernel, "install/vmlinuz");
	assert_false(t.live);
	vp_tree_clear(&t);

	/* the image's contents over HTTP: the netboot installer */
	h.location = "http://host/ubuntu-18.04/";
	h.is_url = true;
	h.is_iso = false;
	detect_ok(old_server, &h, &t);
	assert_str(t.kernel, "install/netboot/ubuntu-installer/amd64/linux");
	vp_tree_clear(&t);

	h.is_url = false;
	/* a .disk/info of no known family does not stop the other rules */
	detect_ok(foreign_info, &h, &t);
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	vp_tree_clear(&t);

	detect_ok(mint, &h, &t);
	assert_null(t.family);
	assert_str(t.name, "Linux Mint");
	assert_str(t.version, "21.3");
	assert_null(t.os_id);
	assert_str(t.initrd, "casper/initrd.lz");
	assert_true(t.live);
	vp_tree_clear(&t);
}

static void test_other_images(void **state)
{
	static const struct ffile alpine[] = {
		{ ".alpine-release", "3.21.0\n" },
		{ "boot/vmlinuz-virt", "K" },
		{ "boot/initramfs-virt", "I" },
		{ "boot/modloop-virt", "M" },
		{ NULL, NULL },
	};
	static const struct ffile alpine_std[] = {
		{ ".alpine-release", "3.20.3" },
		{ "boot/vmlinuz-lts", "K" },
		{ "boot/initramfs-lts", "I" },
		{ NULL, NULL },
	};
	static const struct ffile fedora_live[] = {
		{ "images/pxeboot/vmlinuz", "K" },
		{ "images/pxeboot/initrd.img", "I" },
		{ "LiveOS/squashfs.img", "S" },
		{ NULL, NULL },
	};
	static const struct ffile isolinux[] = {
		{ "isolinux/vmlinuz", "K" },
		{ "isolinux/initrd.img", "I" },
		{ NULL, NULL },
	};
	static const struct ffile bare_debian[] = {
		{ "install.a64/vmlinuz", "K" },
		{ "install.a64/initrd.gz", "I" },
		{ NULL, NULL },
	};
	static const struct ffile mageia[] = {
		{ "VERSION", "Mageia 9 x86_64 Official-2023-08-16" },
		{ "isolinux/x86_64/vmlinuz", "K" },
		{ "isolinux/x86_64/all.rdz", "I" },
		{ NULL, NULL },
	};
	struct vp_tree t;
	struct how h = { .location = "/isos/alpine-virt-3.21.0-x86_64.iso", .is_iso = true,
			 .volume_id = "alpine-virt 3.21.0 x86_64" };

	(void)state;
	detect_ok(alpine, &h, &t);
	assert_str(t.family, "alpine");
	assert_str(t.version, "3.21");
	assert_str(t.os_id, "alpinelinux3.21");
	assert_str(t.kernel, "boot/vmlinuz-virt");
	assert_str(t.initrd, "boot/initramfs-virt");
	assert_str(t.kernel_args, "modules=loop,squashfs,sd-mod,usb-storage");
	vp_tree_clear(&t);

	detect_ok(alpine_std, &h, &t);
	assert_str(t.kernel, "boot/vmlinuz-lts");
	assert_str(t.os_id, "alpinelinux3.20");
	vp_tree_clear(&t);

	h.volume_id = "Fedora-WS-Live-40-1-14";
	detect_ok(fedora_live, &h, &t);
	assert_true(t.live);
	assert_str(t.kernel, "images/pxeboot/vmlinuz");
	assert_str(t.kernel_args, "root=live:CDLABEL=Fedora-WS-Live-40-1-14 rd.live.image");
	vp_tree_clear(&t);

	h.volume_id = "CentOS 7 x86_64";
	detect_ok(isolinux, &h, &t);
	assert_false(t.live);
	assert_str(t.kernel, "isolinux/vmlinuz");
	assert_str(t.kernel_args, "inst.stage2=hd:LABEL=CentOS\\x207\\x20x86_64");
	vp_tree_clear(&t);

	h.arch = "aarch64";
	detect_ok(bare_debian, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.kernel, "install.a64/vmlinuz");
	assert_str(t.arch, "aarch64");
	vp_tree_clear(&t);
	h.arch = NULL;

	detect_ok(mageia, &h, &t);
	assert_str(t.family, "mageia");
	assert_str(t.os_id, "mageia9");
	assert_str(t.initrd, "isolinux/x86_64/all.rdz");
	vp_tree_clear(&t);
}

/* ---- unknown trees, hints, errors --------------------------------------------------- */

static const struct ffile unknown[] = {
	{ "README", "nothing here" },
	{ "boot/my-kernel", "K" },
	{ "boot/my-initrd", "I" },
	{ NULL, NULL },
};

static void test_unknown(void **state)
{
	struct vp_tree t;
	struct vp_error err;
	struct how h = { .location = "http://example.org/tree/", .is_url = true };

	(void)state;
	assert_int_equal(detect(unknown, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_string_equal(err.msg,
			    "cannot tell what installer tree 'http://example.org/tree/' is: no MANIFEST "
			    "under current/images, no .treeinfo or treeinfo, no SUSE content file, no "
			    "install.amd/, casper/ or images/pxeboot/; give the kernel and initrd with "
			    "--location http://example.org/tree/,kernel=PATH,initrd=PATH");

	/* an empty tree too */
	assert_int_equal(detect(NULL, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);

	/* a MANIFEST of something else is not a Debian tree */
	{
		static const struct ffile other_manifest[] = {
			{ "MANIFEST", "bin/tool  a tool\n" },
			{ NULL, NULL },
		};

		assert_int_equal(detect(other_manifest, &h, &t, &err), -1);
		assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	}
}

static void test_hints(void **state)
{
	struct vp_tree t;
	struct vp_error err;
	struct how h = { .location = "http://example.org/tree/", .is_url = true,
			 .kernel = "boot/my-kernel", .initrd = "boot/my-initrd" };

	(void)state;
	/* nothing recognised: the hints are enough */
	detect_ok(unknown, &h, &t);
	assert_null(t.family);
	assert_null(t.version);
	assert_null(t.os_id);
	assert_str(t.kernel, "boot/my-kernel");
	assert_str(t.initrd, "boot/my-initrd");
	assert_str(t.how, "kernel= and initrd= as given");
	vp_tree_clear(&t);

	/* recognised: detection fills the rest, checksums for the hinted files */
	h.location = "http://127.0.0.1:8080/debian/dists/bookworm/main/installer-amd64/";
	h.kernel = "current/images/netboot/gtk/debian-installer/amd64/linux";
	h.initrd = "current/images/netboot/gtk/debian-installer/amd64/initrd.gz";
	detect_ok(bookworm_mirror, &h, &t);
	assert_str(t.family, "debian");
	assert_str(t.os_id, "debian12");
	assert_str(t.kernel, h.kernel);
	assert_str(t.initrd, h.initrd);
	assert_non_null(t.kernel_sha256);
	assert_string_not_equal(t.kernel_sha256, BOOKWORM_LINUX);
	assert_contains(t.how, "Debian mirror");
	assert_contains(t.how, "kernel and initrd as given");
	vp_tree_clear(&t);

	/* one hint: the other from detection */
	h.initrd = NULL;
	detect_ok(bookworm_mirror, &h, &t);
	assert_str(t.kernel, h.kernel);
	assert_str(t.initrd, "current/images/netboot/debian-installer/amd64/initrd.gz");
	assert_str(t.initrd_sha256, BOOKWORM_INITRD);
	vp_tree_clear(&t);

	/* one hint and nothing recognised: not enough */
	h.location = "http://example.org/tree/";
	h.kernel = "boot/my-kernel";
	assert_int_equal(detect(unknown, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);

	/* hints that leave the tree */
	{
		static const char *const bad[] = { "/boot/vmlinuz", "../vmlinuz", "a/../../b", "a/..",
						   "", "..", "x/\x01" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			h.kernel = bad[i];
			h.initrd = "boot/my-initrd";
			assert_int_equal(detect(unknown, &h, &t, &err), -1);
			assert_int_equal(err.code, VP_ERR_INVALID);
			assert_contains(err.msg, "kernel path");
			h.kernel = "boot/my-kernel";
			h.initrd = bad[i];
			assert_int_equal(detect(unknown, &h, &t, &err), -1);
			assert_int_equal(err.code, VP_ERR_INVALID);
			assert_contains(err.msg, "initrd path");
		}
	}
	/* ".." inside a name is a name */
	{
		static const struct ffile dots[] = {
			{ "a..b/k", "K" },
			{ "i..", "I" },
			{ NULL, NULL },
		};

		h.kernel = "a..b/k";
		h.initrd = "i..";
		detect_ok(dots, &h, &t);
		vp_tree_clear(&t);
	}

	/* a hint that names nothing */
	h.kernel = "boot/no-such-kernel";
	h.initrd = "boot/my-initrd";
	assert_int_equal(detect(unknown, &h, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_contains(err.msg, "boot/no-such-kernel");
}

static void test_reader_errors(void **state)
{
	struct vp_tree t;
	struct vp_error err;
	struct fake f = { .files = fedora40, .fail = ".treeinfo" };
	struct vp_tree_reader r = { .read = fake_read, .exists = fake_exists, .opaque = &f,
				    .location = "http://h/", .is_url = true };

	(void)state;
	/* a read that fails is not "not there" */
	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_contains(err.msg, "connection reset");
	assert_null(t.kernel);

	/* nor is a look that fails */
	f.fail = "images/pxeboot/vmlinuz";
	f.files = unknown;
	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), -1);
	assert_contains(err.msg, "timed out");

	/* metadata is read with a bound */
	{
		char *big = vp_calloc(VP_TREE_META_MAX + 2, 1);
		struct ffile files[] = { { ".treeinfo", big }, { NULL, NULL } };

		memset(big, 'x', VP_TREE_META_MAX + 1);
		f.files = files;
		f.fail = NULL;
		assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), -1);
		assert_int_equal(err.code, VP_ERR_INVALID);
		assert_contains(err.msg, "larger than");
		free(big);
	}

	/* an architecture that is none */
	f.files = fedora40;
	assert_int_equal(vp_tree_detect(&r, "x86 64\x80", NULL, NULL, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_int_equal(vp_tree_detect(&r, "", NULL, NULL, &t, &err), -1);
	/* one nobody listed is taken as it is */
	assert_int_equal(vp_tree_detect(&r, "sparc64", NULL, NULL, &t, &err), 0);
	assert_str(t.arch, "x86_64"); /* the tree's */
	vp_tree_clear(&t);

	/* no reader */
	r.read = NULL;
	assert_int_equal(vp_tree_detect(&r, NULL, NULL, NULL, &t, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	vp_tree_clear(NULL);
}

/* ---- the parsers --------------------------------------------------------------------- */

/* a string literal and its length, NULs included */
#define TL(s) s, sizeof(s) - 1

#define H64A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define H64B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define H64C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void sums_is(const char *text, size_t len, const char *path, const char *want)
{
	char *got = vp_sums_find(text, len, path);

	if ((got == NULL) != (want == NULL) || (got && strcmp(got, want)))
		fail_msg("vp_sums_find(..., '%s') gave '%s', not '%s'", path ? path : "(null)",
			 got ? got : "(null)", want ? want : "(null)");
	free(got);
}

static void test_sums(void **state)
{
	static const char gnu[] = H64A "  ./netboot/debian-installer/amd64/linux\n" H64B
				       " *./netboot/debian-installer/amd64/initrd.gz\r\n"
				       "# a comment\n\n" H64C "  path with spaces\n"
				       "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF  upper";
	static const char bsd[] = "SHA256 (Fedora-Server-40.iso) = " H64A "\n"
				  "SHA256 (odd (name).iso) = " H64B "\n"
				  "SHA256 (bad.iso) = nothex\n";
	static const char nul[] = H64A "  a\0b\n" H64B "  a\n";
	static const char bad[] = "zz" H64A "  x\n" H64A "x  y\n" "abc  short\n" H64A "  \n" H64A "\n"
				  H64A "0  odd\n";

	(void)state;
	sums_is(gnu, strlen(gnu), "netboot/debian-installer/amd64/linux", H64A);
	sums_is(gnu, strlen(gnu), "./netboot/debian-installer/amd64/linux", H64A);
	sums_is(gnu, strlen(gnu), "netboot/debian-installer/amd64/initrd.gz", H64B);
	sums_is(gnu, strlen(gnu), "path with spaces", H64C);
	sums_is(gnu, strlen(gnu), "upper", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	sums_is(gnu, strlen(gnu), "netboot/debian-installer/amd64", NULL);
	sums_is(gnu, strlen(gnu), "linux", NULL);
	sums_is(gnu, strlen(gnu), "", NULL);
	sums_is(gnu, strlen(gnu), NULL, NULL);
	/* len bounds the text: the last entry cut off is not found */
	sums_is(gnu, strlen(gnu) - 3, "upper", NULL);
	sums_is(bsd, strlen(bsd), "Fedora-Server-40.iso", H64A);
	sums_is(bsd, strlen(bsd), "odd (name).iso", H64B);
	sums_is(bsd, strlen(bsd), "bad.iso", NULL);
	sums_is(nul, sizeof(nul) - 1, "a", H64B);
	sums_is(bad, strlen(bad), "x", NULL);
	sums_is(bad, strlen(bad), "y", NULL);
	sums_is(bad, strlen(bad), "short", NULL);
	sums_is(bad, strlen(bad), "odd", NULL);
	sums_is(NULL, 0, "x", NULL);
	sums_is("", 0, "x", NULL);
	/* the first of two entries wins */
	sums_is(H64A "  x\n" H64B "  x\n", 2 * (64 + 4), "x", H64A);
	/* md5 lists work the same */
	sums_is("d41d8cd98f00b204e9800998ecf8427e  ./md5.txt", 43, "md5.txt",
		"d41d8cd98f00b204e9800998ecf8427e");
}

static void test_manifest(void **state)
{
	static const char m[] = "cdrom/vmlinuz                kernel for CD\r\n"
				"netboot/debian-installer     PXE boot directory for tftp server\r\n"
				"  ./hd-media/boot.img.gz/    indented, dotted, slashed\n"
				"# netboot/commented\n"
				"netboot/mini.iso\ttiny CD image";

	(void)state;
	assert_true(vp_manifest_has(m, strlen(m), "cdrom/vmlinuz"));
	assert_true(vp_manifest_has(m, strlen(m), "./cdrom/vmlinuz"));
	assert_true(vp_manifest_has(m, strlen(m), "netboot/debian-installer"));
	assert_true(vp_manifest_has(m, strlen(m), "netboot/debian-installer/"));
	assert_true(vp_manifest_has(m, strlen(m), "netboot/debian-installer/amd64/linux"));
	assert_true(vp_manifest_has(m, strlen(m), "hd-media/boot.img.gz"));
	assert_true(vp_manifest_has(m, strlen(m), "netboot/mini.iso"));
	assert_false(vp_manifest_has(m, strlen(m), "netboot/debian-installerx/linux"));
	assert_false(vp_manifest_has(m, strlen(m), "netboot/debian"));
	assert_false(vp_manifest_has(m, strlen(m), "netboot"));
	assert_false(vp_manifest_has(m, strlen(m), "netboot/commented"));
	assert_false(vp_manifest_has(m, strlen(m), "cdrom/vmlinuz.bak"));
	assert_false(vp_manifest_has(m, strlen(m), ""));
	assert_false(vp_manifest_has(m, strlen(m), "/"));
	assert_false(vp_manifest_has(m, strlen(m), NULL));
	assert_false(vp_manifest_has(m, 10, "cdrom/vmlinuz"));
	assert_false(vp_manifest_has(NULL, 0, "cdrom/vmlinuz"));
	assert_true(vp_manifest_has("a\0b\nc d\n", 8, "c"));
	assert_false(vp_manifest_has("a\0b\nc d\n", 8, "a"));
	/* "." and "/" entries list nothing */
	assert_false(vp_manifest_has("./\n/\n.\n", 7, "x"));
}

static void ini_is(const char *text, const char *section, const char *key, const char *want)
{
	char *got = vp_ini_get(text, text ? strlen(text) : 0, section, key);

	assert_str(got, want);
	free(got);
}

static void test_ini(void **state)
{
	static const char ti[] = "\xef\xbb\xbf[general]\r\n"
				 "family = Fedora\r\n"
				 "Version: 40\r\n"
				 "; version = 39\r\n"
				 "# arch = ppc\r\n"
				 "arch=x86_64\r\n"
				 "empty =\r\n"
				 "spaced   =   a value with  spaces   \r\n"
				 "family = second\r\n"
				 "no delimiter here\r\n"
				 "[ images-x86_64 ]\r\n"
				 "kernel = images/pxeboot/vmlinuz\r\n"
				 "[broken\r\n"
				 "initrd = still images-x86_64\r\n"
				 "[checksums]\r\n"
				 "images/pxeboot/vmlinuz = sha256:abc\r\n"
				 "[General]\r\n"
				 "family = other case\r\n"
				 "[general]\r\n"
				 "name = Fedora 40";

	(void)state;
	ini_is(ti, "general", "family", "Fedora");
	ini_is(ti, "general", "FAMILY", "Fedora");
	ini_is(ti, "general", "version", "40");
	ini_is(ti, "general", "arch", "x86_64");
	ini_is(ti, "general", "empty", "");
	ini_is(ti, "general", "spaced", "a value with  spaces");
	ini_is(ti, "general", "name", "Fedora 40");
	ini_is(ti, "general", "kernel", NULL);
	ini_is(ti, "general", "no delimiter here", NULL);
	ini_is(ti, "images-x86_64", "kernel", "images/pxeboot/vmlinuz");
	ini_is(ti, "images-x86_64", "initrd", "still images-x86_64");
	ini_is(ti, "checksums", "images/pxeboot/vmlinuz", "sha256:abc");
	ini_is(ti, "General", "family", "other case");
	ini_is(ti, "release", "name", NULL);
	ini_is(ti, "general", "", NULL);
	ini_is(ti, NULL, "family", NULL);
	ini_is(NULL, "general", "family", NULL);
	ini_is("family = none\n[general]", "general", "family", NULL);
	ini_is("[a]]\nk=v\n", "a]", "k", "v");
	{
		static const char nul[] = "[s]\nk = a\0b\nj = c\n";
		char *v = vp_ini_get(nul, sizeof(nul) - 1, "s", "k");

		assert_str(v, "a");
		free(v);
		v = vp_ini_get(nul, sizeof(nul) - 1, "s", "j");
		assert_str(v, "c");
		free(v);
		/* len cuts the text */
		v = vp_ini_get(nul, 9, "s", "k");
		assert_str(v, "a");
		free(v);
		v = vp_ini_get(nul, 5, "s", "k");
		assert_null(v);
	}
}

static void content_is(const char *text, const char *key, const char *want)
{
	char *got = vp_suse_content_get(text, text ? strlen(text) : 0, key);

	assert_str(got, want);
	free(got);
}

static void test_suse_content(void **state)
{
	static const char c[] = "CONTENTSTYLE  11\n"
				"LABEL\tSUSE Linux Enterprise Server 11 SP4\r\n"
				"LABELX nope\n"
				"  VERSION   11.4-0  \n"
				"DISTRO\n"
				"HASH SHA256 " H64A "  boot/x86_64/loader/linux\n"
				"HASH SHA256 " H64B "  ./boot/x86_64/loader/initrd\n"
				"META SHA256 " H64C "  packages.gz\n"
				"HASH SHA1 da39a3ee5e6b4b0d3255bfef95601890afd80709  sha1file\n"
				"HASH SHA256 short  boot/short";
	char *h;

	(void)state;
	content_is(c, "LABEL", "SUSE Linux Enterprise Server 11 SP4");
	content_is(c, "VERSION", "11.4-0");
	content_is(c, "CONTENTSTYLE", "11");
	content_is(c, "DISTRO", "");
	content_is(c, "LABELX", "nope");
	content_is(c, "LAB", NULL);
	content_is(c, "label", NULL);
	content_is(c, "", NULL);
	content_is(c, NULL, NULL);
	content_is(NULL, "LABEL", NULL);

	h = vp_suse_content_hash(c, strlen(c), "boot/x86_64/loader/linux");
	assert_str(h, H64A);
	free(h);
	h = vp_suse_content_hash(c, strlen(c), "boot/x86_64/loader/initrd");
	assert_str(h, H64B);
	free(h);
	h = vp_suse_content_hash(c, strlen(c), "packages.gz");
	assert_null(h);
	h = vp_suse_content_hash(c, strlen(c), "sha1file");
	assert_null(h);
	h = vp_suse_content_hash(c, strlen(c), "boot/short");
	assert_null(h);
	h = vp_suse_content_hash(c, strlen(c), NULL);
	assert_null(h);
}

static void test_codenames(void **state)
{
	static const struct {
		const char *codename, *version, *family;
	} cases[] = {
		{ "stretch", "9", "debian" },     { "buster", "10", "debian" },
		{ "bullseye", "11", "debian" },   { "bookworm", "12", "debian" },
		{ "trixie", "13", "debian" },     { "forky", "14", "debian" },
		{ "sid", "unstable", "debian" },  { "BookWorm", "12", "debian" },
		{ "jessie", "8", "debian" },      { "etch", "4.0", "debian" },
		{ "xenial", "16.04", "ubuntu" },  { "bionic", "18.04", "ubuntu" },
		{ "focal", "20.04", "ubuntu" },   { "hirsute", "21.04", "ubuntu" },
		{ "impish", "21.10", "ubuntu" },  { "jammy", "22.04", "ubuntu" },
		{ "kinetic", "22.10", "ubuntu" }, { "lunar", "23.04", "ubuntu" },
		{ "mantic", "23.10", "ubuntu" },  { "noble", "24.04", "ubuntu" },
		{ "oracular", "24.10", "ubuntu" }, { "plucky", "25.04", "ubuntu" },
		{ "questing", "25.10", "ubuntu" }, { "resolute", "26.04", "ubuntu" },
		{ "warty", "4.10", "ubuntu" },
	};
	const char *fam = "x";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_str(vp_codename_version(cases[i].codename, &fam), cases[i].version);
		assert_str(fam, cases[i].family);
	}
	assert_null(vp_codename_version("stable", &fam));
	assert_null(fam);
	assert_null(vp_codename_version("", &fam));
	assert_null(vp_codename_version(NULL, &fam));
	assert_null(vp_codename_version("bookworm-updates", NULL));
	assert_str(vp_codename_version("noble", NULL), "24.04");
}

static void test_disk_info(void **state)
{
	struct vp_disk_info di;
	char *v, *c;

	(void)state;
	assert_true(vp_disk_info_parse(TL("Debian GNU/Linux 12.5.0 \"Bookworm\" - Official amd64 NETINST "
					  "with firmware 20240210-11:27"), &di));
	assert_str(di.product, "Debian GNU/Linux");
	assert_str(di.version, "12.5.0");
	assert_str(di.codename, "bookworm");
	assert_str(di.debarch, "amd64");
	vp_disk_info_clear(&di);

	assert_true(vp_disk_info_parse(TL("Ubuntu-Server 22.04.3 LTS \"Jammy Jellyfish\" - Release arm64 "
					  "(20230810)\r\nsecond line amd64"), &di));
	assert_str(di.product, "Ubuntu-Server");
	assert_str(di.version, "22.04.3");
	assert_str(di.codename, "jammy");
	assert_str(di.debarch, "arm64");
	vp_disk_info_clear(&di);

	assert_true(vp_disk_info_parse(TL("Debian GNU/Linux testing \"Trixie\" - Official Snapshot i386 "
					  "NETINST 20240101"), &di));
	assert_str(di.version, "testing");
	assert_str(di.codename, "trixie");
	assert_str(di.debarch, "i386");
	vp_disk_info_clear(&di);

	/* an architecture before the name, no quotes, odd bytes */
	assert_true(vp_disk_info_parse(TL("Kubuntu amd64 24.04"), &di));
	assert_str(di.product, "Kubuntu amd64");
	assert_str(di.version, "24.04");
	assert_null(di.codename);
	assert_str(di.debarch, "amd64");
	vp_disk_info_clear(&di);

	assert_true(vp_disk_info_parse(TL("Debian \"Un\x01closed"), &di));
	assert_str(di.product, "Debian");
	assert_null(di.codename);
	vp_disk_info_clear(&di);

	assert_true(vp_disk_info_parse(TL("Debian 1.2.\0 \"X\""), &di));
	assert_str(di.product, "Debian 1.2.");
	assert_null(di.version);
	assert_null(di.codename);
	vp_disk_info_clear(&di);

	assert_false(vp_disk_info_parse("", 0, &di));
	assert_false(vp_disk_info_parse(NULL, 0, &di));
	assert_false(vp_disk_info_parse("\n\n", 2, &di));
	assert_false(vp_disk_info_parse("- \"\"", 4, &di));
	vp_disk_info_clear(&di);
	vp_disk_info_clear(NULL);

	assert_true(vp_version_info_parse(TL("Debian version:  12 (bookworm)\nInstaller build: x\n"), &v, &c));
	assert_str(v, "12");
	assert_str(c, "bookworm");
	free(v);
	free(c);
	assert_true(vp_version_info_parse(TL("junk\r\nUbuntu version: 20.04\r\n"), &v, &c));
	assert_str(v, "20.04");
	assert_null(c);
	free(v);
	assert_false(vp_version_info_parse(TL("Installer build: 20230607\n"), &v, &c));
	assert_null(v);
	assert_null(c);
	assert_false(vp_version_info_parse(TL("version: 12\n"), &v, &c));
	assert_false(vp_version_info_parse(NULL, 0, &v, &c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_mirror),     cmocka_unit_test(test_debian_mirror_no_sums),
		cmocka_unit_test(test_debian_daily),      cmocka_unit_test(test_ubuntu_focal_legacy),
		cmocka_unit_test(test_di_netboot_dir),    cmocka_unit_test(test_fedora_treeinfo),
		cmocka_unit_test(test_el_treeinfo),       cmocka_unit_test(test_treeinfo_odd),
		cmocka_unit_test(test_suse),              cmocka_unit_test(test_debian_iso),
		cmocka_unit_test(test_ubuntu_live_iso),   cmocka_unit_test(test_other_images),
		cmocka_unit_test(test_unknown),           cmocka_unit_test(test_hints),
		cmocka_unit_test(test_reader_errors),     cmocka_unit_test(test_sums),
		cmocka_unit_test(test_manifest),          cmocka_unit_test(test_ini),
		cmocka_unit_test(test_suse_content),      cmocka_unit_test(test_codenames),
		cmocka_unit_test(test_disk_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
