/* provision/fetch/tree.c — what an installer tree is (tree.h)
 *
 * Each rule looks for the files one family publishes, in the spirit of
 * virt-install's urldetect: .treeinfo (Fedora and the EL family, newer
 * SUSE), a debian-installer MANIFEST on a Debian or Ubuntu mirror, SUSE's
 * "content" file, a debian-installer netboot directory, an image's
 * .disk/info (Debian, Ubuntu), Alpine's .alpine-release, Mageia's VERSION,
 * and last the bare layouts (casper/, install.amd/, images/pxeboot/,
 * isolinux/, boot/<arch>/loader/).  The first rule that matches says what
 * the tree is; checksums are looked up afterwards in whatever list the
 * tree published (.treeinfo [checksums], SHA256SUMS, SUSE HASH lines).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "fs.h"
#include "cleanup.h"
#include "text.h"
#include "tree.h"

/* ---- architectures -------------------------------------------------------- */

struct archinfo {
	const char *arch;    /* osinfo / libvirt */
	const char *debarch; /* Debian */
	const char *isodir;  /* a Debian image's installer directory */
	const char *suse;    /* SUSE's boot/<dir>/ */
	const char *mageia;  /* Mageia's isolinux/<dir>/ */
};

static const struct archinfo archs[] = {
	{ "x86_64", "amd64", "install.amd", "x86_64", "x86_64" },
	{ "i686", "i386", "install.386", "i386", "i586" },
	{ "aarch64", "arm64", "install.a64", "aarch64", "aarch64" },
	{ "armv7l", "armhf", "install.armhf", "armv7hl", NULL },
	{ "ppc64le", "ppc64el", NULL, "ppc64le", NULL },
	{ "s390x", "s390x", NULL, "s390x", NULL },
	{ "riscv64", "riscv64", NULL, "riscv64", NULL },
	{ "mips64el", "mips64el", NULL, NULL, NULL },
	{ "loongarch64", "loong64", NULL, NULL, NULL },
};

static const struct archinfo *arch_find(const char *arch)
{
	size_t i;

	if (!arch)
		return &archs[0];
	if (!strcmp(arch, "i386") || !strcmp(arch, "i486") || !strcmp(arch, "i586"))
		return &archs[1];
	if (!strcmp(arch, "amd64"))
		return &archs[0];
	if (!strcmp(arch, "arm64"))
		return &archs[2];
	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++)
		if (!strcmp(arch, archs[i].arch))
			return &archs[i];
	return NULL;
}

static const struct archinfo *debarch_find(const char *debarch)
{
	size_t i;

	for (i = 0; debarch && i < sizeof(archs) / sizeof(archs[0]); i++)
		if (!strcmp(debarch, archs[i].debarch))
			return &archs[i];
	return NULL;
}

/* ---- the detection state -------------------------------------------------- */

struct det {
	const struct vp_tree_reader *r;
	const char *loc;                 /* for messages and kernel arguments */
	const char *arch;                /* the guest's (osinfo spelling) */
	const char *debarch;             /* the guest's, Debian's spelling */
	const struct archinfo *ai;       /* the guest's; NULL when unknown */
	struct vp_tree *t;
	/* the checksum lists found on the way */
	char *treeinfo;
	size_t treeinfo_len;
	char *sums;                      /* a GNU checksum list ... */
	size_t sums_len;
	char *sums_dir;                  /* ... in this directory ("current/images/") */
	char *content;                   /* SUSE's content file */
	size_t content_len;
	char *looked_for;                /* a family matched without its kernel: where it looked */
};

static void det_free(struct det *d)
{
	free(d->treeinfo);
	free(d->sums);
	free(d->sums_dir);
	free(d->content);
	free(d->looked_for);
}

/* Read a metadata file: 0 with *buf, 1 when it is not there, -1 with err. */
static int rd(struct det *d, const char *path, char **buf, size_t *len, struct vp_error *err)
{
	size_t n = 0;
	int rc;

	*buf = NULL;
	if (len)
		*len = 0;
	rc = d->r->read(d->r->opaque, path, VP_TREE_META_MAX, buf, &n, err);
	if (rc < 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	if (rc > 0 || !*buf) {
		free(*buf);
		*buf = NULL;
		return 1;
	}
	if (len)
		*len = n;
	return 0;
}

/* 1 when path is a file in the tree, 0 when not, -1 with err. */
static int ex(struct det *d, const char *path, struct vp_error *err)
{
	int rc = d->r->exists(d->r->opaque, path, err);

	return rc < 0 ? -1 : rc > 0;
}

/* A copy of a value from the tree's metadata that is safe to show and to
 * store: at most 200 bytes, control characters and bytes that are not
 * UTF-8 turned into '?'. */
static char *meta_dup(const char *s)
{
	char *r;
	const char *bad;

	if (!s)
		return NULL;
	r = vp_strndup(s, 200);
	while ((bad = vp_text_bad(r)))
		r[bad - r] = '?';
	return r;
}

static bool is_version(const char *s)
{
	size_t i;

	if (!s || !isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] == '.' && isdigit((unsigned char)s[i + 1])))
			return false;
	return i <= 16;
}

/* The first n dot-separated parts of a version ("22.04.3", 2 -> "22.04"). */
static char *version_parts(const char *v, int n)
{
	size_t i;

	if (!is_version(v))
		return NULL;
	for (i = 0; v[i]; i++)
		if (v[i] == '.' && --n == 0)
			break;
	return vp_strndup(v, i);
}

/* The number s starts with, 0 to 9999; -1 when it starts with none. */
static int small_num(const char *s)
{
	int n = 0, i;

	for (i = 0; i < 4 && s && isdigit((unsigned char)s[i]); i++)
		n = n * 10 + (s[i] - '0');
	return i == 0 || (s && isdigit((unsigned char)s[i])) ? -1 : n;
}

static int version_major(const char *v)
{
	long m;

	if (!is_version(v))
		return -1;
	m = strtol(v, NULL, 10);
	return m > 100000 ? -1 : (int)m;
}

/* A path inside the tree, as given by a user or a tree's metadata:
 * relative, no "..", no empty or control characters. */
static bool relpath_ok(const char *p)
{
	return vp_relpath_inside(p) && !vp_text_bad(p);
}

/* A tree's own kernel path ("./images/pxeboot/vmlinuz"): cleaned, or NULL. */
static char *tree_path(const char *p)
{
	while (p && p[0] == '.' && p[1] == '/')
		p += 2;
	return relpath_ok(p) ? vp_strdup(p) : NULL;
}

/* Case-insensitive substring of a C string. */
static bool has_word(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle);
}

/* Case-insensitive substring of (text, len), which may hold NULs. */
static bool text_has(const char *text, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; text && n && i + n <= len; i++)
		if (!strncasecmp(text + i, needle, n) && !memchr(text + i, '\0', n))
			return true;
	return false;
}

/* ---- the location: hints in URLs, and kernel arguments -------------------- */

/* The word (letters, digits, '_') after marker in the location, when a '/'
 * or the end follows it: "installer-amd64/", "dists/bookworm/". */
static char *loc_word_after(const char *loc, const char *marker, bool dashes)
{
	const char *p = loc ? strstr(loc, marker) : NULL;
	size_t n = 0;

	if (!p)
		return NULL;
	p += strlen(marker);
	while (isalnum((unsigned char)p[n]) || p[n] == '_' || (dashes && p[n] == '-'))
		n++;
	if (!n || n > 40 || (p[n] && p[n] != '/'))
		return NULL;
	return vp_strndup(p, n);
}

/* A URL as one kernel-command-line word: blanks, quotes, control and
 * non-ASCII bytes percent-encoded. */
static char *url_word(const char *url)
{
	size_t i, n = 0;
	char *r;

	for (i = 0; url[i]; i++)
		n += ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f || url[i] == '"') ? 3 : 1;
	r = vp_calloc(n + 1, 1);
	for (i = 0, n = 0; url[i]; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= 0x20 || c >= 0x7f || c == '"')
			n += (size_t)sprintf(r + n, "%%%02X", c);
		else
			r[n++] = (char)c;
	}
	return r;
}

/* A volume label as dracut's hd:LABEL= and CDLABEL= take it (blanks and
 * slashes as \x20 and \x2f, as udev names /dev/disk/by-label); NULL when
 * it holds bytes that cannot be written so. */
static char *label_word(const char *label)
{
	size_t i, n = 0;
	char *r;

	if (!label || !*label)
		return NULL;
	for (i = 0; label[i]; i++) {
		unsigned char c = (unsigned char)label[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return NULL;
		n += (c == ' ' || c == '/') ? 4 : 1;
	}
	r = vp_calloc(n + 1, 1);
	for (i = 0, n = 0; label[i]; i++) {
		if (label[i] == ' ')
			n += (size_t)sprintf(r + n, "\\x20");
		else if (label[i] == '/')
			n += (size_t)sprintf(r + n, "\\x2f");
		else
			r[n++] = label[i];
	}
	return r;
}

/* A value that can stand in a kernel command line word as it is. */
static bool cmdline_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* debian-installer's mirror questions for a location like
 * http://HOST[:PORT]/DIR/dists/SUITE/main/installer-ARCH/..., so the
 * installer fetches from the mirror the user named instead of asking. */
static char *di_mirror_args(const struct det *d)
{
	static const char *const protos[] = { "http", "https", "ftp" };
	const char *loc = d->loc, *proto = NULL, *host, *slash, *dists;
	_cleanup_(freep) char *h = NULL, *dir = NULL;
	size_t i;

	if (!d->r->is_url)
		return NULL;
	for (i = 0; i < 3 && !proto; i++)
		if (!strncasecmp(loc, protos[i], strlen(protos[i])) &&
		    !strncmp(loc + strlen(protos[i]), "://", 3))
			proto = protos[i];
	if (!proto)
		return NULL;
	host = loc + strlen(proto) + 3;
	slash = strchr(host, '/');
	dists = slash ? strstr(slash, "/dists/") : NULL;
	if (!dists || slash == host)
		return NULL;
	h = vp_strndup(host, (size_t)(slash - host));
	dir = dists == slash ? vp_strdup("/") : vp_strndup(slash, (size_t)(dists - slash));
	/* credentials never go on a kernel command line; odd bytes do not fit */
	if (strchr(h, '@') || !cmdline_safe(h) || !cmdline_safe(dir))
		return NULL;
	return vp_strdup_printf("mirror/country=manual mirror/protocol=%s mirror/%s/hostname=%s "
				"mirror/%s/directory=%s",
				proto, proto, h, proto, dir);
}

/* ---- os ids --------------------------------------------------------------- */

static char *os_id_for(const char *family, const char *version)
{
	int major = version_major(version);

	if (!family || !version)
		return NULL;
	if (!strcmp(family, "debian")) {
		if (!strcmp(version, "testing") || !strcmp(version, "unstable"))
			return vp_strdup("debiantesting");
		return is_version(version) ? vp_strdup_printf("debian%s", version) : NULL;
	}
	if (!strcmp(family, "ubuntu"))
		return is_version(version) && strchr(version, '.') ? vp_strdup_printf("ubuntu%s", version)
								   : NULL;
	if (!strcmp(family, "fedora")) {
		if (!strcasecmp(version, "rawhide"))
			return vp_strdup("fedora-rawhide");
		return major > 0 ? vp_strdup_printf("fedora%d", major) : NULL;
	}
	if (!strcmp(family, "rhel") || !strcmp(family, "ol")) {
		if (major <= 0)
			return NULL;
		if (strchr(version, '.')) {
			_cleanup_(freep) char *mm = version_parts(version, 2);

			return vp_strdup_printf("%s%s", family, mm);
		}
		return vp_strdup_printf("%s%d.0", family, major);
	}
	if (!strcmp(family, "centos-stream"))
		return major > 0 ? vp_strdup_printf("centos-stream%d", major) : NULL;
	if (!strcmp(family, "centos")) {
		if (major >= 7)
			return vp_strdup_printf("centos%d", major);
		return major > 0 ? vp_strdup_printf("centos%s", version) : NULL;
	}
	if (!strcmp(family, "rocky") || !strcmp(family, "almalinux") || !strcmp(family, "mageia"))
		return major > 0 ? vp_strdup_printf("%s%d", family, major) : NULL;
	if (!strcmp(family, "opensuse")) {
		if (!strcmp(version, "tumbleweed"))
			return vp_strdup("opensusetumbleweed");
		return is_version(version) ? vp_strdup_printf("opensuse%s", version) : NULL;
	}
	if (!strcmp(family, "sles") || !strcmp(family, "sled")) {
		const char *dot = strchr(version, '.');
		int sp = dot ? small_num(dot + 1) : 0;

		if (major <= 0 || sp < 0 || sp > 99)
			return NULL;
		/* SLE 15 is one product line in osinfo-db: sle15, sle15sp5 */
		if (major >= 15)
			return sp ? vp_strdup_printf("sle%dsp%d", major, sp) : vp_strdup_printf("sle%d", major);
		return sp ? vp_strdup_printf("%s%dsp%d", family, major, sp)
			  : vp_strdup_printf("%s%d", family, major);
	}
	if (!strcmp(family, "alpine")) {
		_cleanup_(freep) char *mm = version_parts(version, 2);

		return mm && strchr(mm, '.') ? vp_strdup_printf("alpinelinux%s", mm) : NULL;
	}
	return NULL;
}

/* ---- kernel and initrd pairs ---------------------------------------------- */

/* 1 and t->kernel, t->initrd set when both files are there; 0 when not
 * (d->looked_for names the first pair tried); -1 with err. */
static int try_pair(struct det *d, const char *kernel, const char *initrd, struct vp_error *err)
{
	int rc;

	if (!d->looked_for)
		d->looked_for = vp_strdup_printf("%s and %s", kernel, initrd);
	rc = ex(d, kernel, err);
	if (rc <= 0)
		return rc;
	rc = ex(d, initrd, err);
	if (rc <= 0)
		return rc;
	vp_set_str(&d->t->kernel, kernel);
	vp_set_str(&d->t->initrd, initrd);
	return 1;
}

static void set_found(struct det *d, const char *family, const char *name, const char *how)
{
	vp_set_str(&d->t->family, family);
	if (name)
		vp_set_str(&d->t->name, name);
	vp_set_str(&d->t->how, how);
}

/* A checksum list's entry: 1 when it names path ("dir/" prefix dropped). */
static bool sums_list(struct det *d, const char *path)
{
	_cleanup_(freep) char *hex = NULL;
	size_t n = d->sums_dir ? strlen(d->sums_dir) : 0;

	if (!d->sums || strncmp(path, d->sums_dir ? d->sums_dir : "", n))
		return false;
	hex = vp_sums_find(d->sums, d->sums_len, path + n);
	return hex != NULL;
}

/* Read a GNU checksum list at dir + name into d (missing: fine). */
static int load_sums(struct det *d, const char *dir, const char *name, struct vp_error *err)
{
	_cleanup_(freep) char *path = vp_strdup_printf("%s%s", dir, name);
	int rc;

	if (d->sums)
		return 0;
	rc = rd(d, path, &d->sums, &d->sums_len, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		vp_set_str(&d->sums_dir, dir);
	return 0;
}

/* ---- Debian and Ubuntu: mirrors and netboot directories ------------------- */

/* The netboot kernel and initrd under an images directory for debarch,
 * relative to it (as virt-install's urldetect and d-i's build lay them out). */
static void di_netboot_paths(const char *distro, const char *debarch, const char *base,
			     char **kernel, char **initrd)
{
	if (!strcmp(debarch, "s390x")) {
		*kernel = vp_strdup_printf("%sgeneric/kernel.%s", base, distro);
		*initrd = vp_strdup_printf("%sgeneric/initrd.%s", base, distro);
	} else if (!strcmp(debarch, "armhf") || !strcmp(debarch, "armel")) {
		*kernel = vp_strdup_printf("%snetboot/vmlinuz", base);
		*initrd = vp_strdup_printf("%snetboot/initrd.gz", base);
	} else {
		*kernel = vp_strdup_printf("%snetboot/%s-installer/%s/%s", base, distro, debarch,
					   !strcmp(debarch, "ppc64el") ? "vmlinux" : "linux");
		*initrd = vp_strdup_printf("%snetboot/%s-installer/%s/initrd.gz", base, distro, debarch);
	}
}

/* Version and codename from a suite name in the location ("dists/bookworm/",
 * "dists/focal-updates/"); family when the codename says it. */
static void di_version_from_loc(struct det *d, const char **family)
{
	_cleanup_(freep) char *suite = loc_word_after(d->loc, "/dists/", true);
	const char *v, *fam = NULL;
	char *dash;

	if (!suite)
		return;
	dash = strchr(suite, '-');
	if (dash)
		*dash = '\0';
	v = vp_codename_version(suite, &fam);
	if (!v)
		return;
	vp_set_str(&d->t->version, v);
	if (strcmp(suite, "testing") && strcmp(suite, "unstable"))
		vp_set_str(&d->t->codename, suite);
	for (dash = d->t->codename; dash && *dash; dash++)
		*dash = (char)tolower((unsigned char)*dash);
	if (family && !*family)
		*family = fam;
}

static const char *family_name(const char *family)
{
	static const struct {
		const char *family, *name;
	} names[] = {
		{ "debian", "Debian" },
		{ "ubuntu", "Ubuntu" },
		{ "fedora", "Fedora" },
		{ "rhel", "Red Hat Enterprise Linux" },
		{ "centos-stream", "CentOS Stream" },
		{ "centos", "CentOS" },
		{ "rocky", "Rocky Linux" },
		{ "almalinux", "AlmaLinux" },
		{ "ol", "Oracle Linux" },
		{ "opensuse", "openSUSE" },
		{ "sles", "SUSE Linux Enterprise Server" },
		{ "sled", "SUSE Linux Enterprise Desktop" },
		{ "alpine", "Alpine Linux" },
		{ "mageia", "Mageia" },
	};
	size_t i;

	for (i = 0; family && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(family, names[i].family))
			return names[i].name;
	return NULL;
}

/* family_name() for messages: never NULL. */
static const char *family_text(const char *family)
{
	const char *n = family_name(family);

	return n ? n : family ? family : "unknown";
}

static int detect_di_mirror(struct det *d, struct vp_error *err)
{
	static const struct {
		const char *dir, *what;
	} dirs[] = {
		{ "current/images/", "mirror (current/images/MANIFEST)" },
		{ "current/legacy-images/", "mirror (current/legacy-images/MANIFEST)" },
		{ "daily/", "daily installer images (daily/MANIFEST)" },
		{ "", "installer images directory (MANIFEST)" },
	};
	_cleanup_(freep) char *manifest = NULL, *loc_arch = NULL, *how = NULL;
	const char *what = NULL;
	const char *family = NULL, *dir = NULL, *debarch;
	const struct archinfo *tai;
	size_t i, mlen = 0;
	int rc;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		_cleanup_(freep) char *path = vp_strdup_printf("%sMANIFEST", dirs[i].dir);

		rc = rd(d, path, &manifest, &mlen, err);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (text_has(manifest, mlen, "ubuntu-installer"))
			family = "ubuntu";
		else if (text_has(manifest, mlen, "debian-installer"))
			family = "debian";
		else if (text_has(manifest, mlen, "ubuntu"))
			family = "ubuntu";
		else if (!text_has(manifest, mlen, "debian") && !text_has(manifest, mlen, "netboot")) {
			/* a MANIFEST of something else */
			free(manifest);
			manifest = NULL;
			continue;
		}
		dir = dirs[i].dir;
		what = dirs[i].what;
		break;
	}
	if (!dir)
		return 0;

	/* the codename in the URL; the family from it when the MANIFEST did
	 * not say */
	di_version_from_loc(d, &family);
	if (!family)
		family = has_word(d->loc, "ubuntu") ? "ubuntu" : "debian";
	if (!d->t->version && !strcmp(dir, "daily/") && !strcmp(family, "debian"))
		vp_set_str(&d->t->version, "testing");

	/* the tree's architecture: installer-ARCH or daily-images/ARCH in the
	 * location, else the guest's */
	loc_arch = loc_word_after(d->loc, "installer-", false);
	if (!loc_arch)
		loc_arch = loc_word_after(d->loc, "daily-images/", false);
	debarch = loc_arch ? loc_arch : d->debarch;
	tai = debarch_find(debarch);
	vp_set_str(&d->t->arch, tai ? tai->arch : debarch);

	how = vp_strdup_printf("%s %s", family_text(family), what);
	set_found(d, family, family_name(family), how);
	if (load_sums(d, dir, "SHA256SUMS", err) < 0)
		return -1;
	{
		_cleanup_(freep) char *k = NULL, *in = NULL, *krel = NULL, *irel = NULL;

		di_netboot_paths(family, debarch, dir, &k, &in);
		di_netboot_paths(family, debarch, "", &krel, &irel);
		free(d->looked_for);
		d->looked_for = vp_strdup_printf("%s and %s", k, in);
		/* listed in SHA256SUMS, or (for the MANIFEST's own architecture)
		 * in the MANIFEST, or there */
		if ((sums_list(d, k) && sums_list(d, in)) ||
		    (loc_arch && vp_manifest_has(manifest, mlen, krel) &&
		     vp_manifest_has(manifest, mlen, irel))) {
			vp_set_str(&d->t->kernel, k);
			vp_set_str(&d->t->initrd, in);
		} else if (try_pair(d, k, in, err) < 0) {
			return -1;
		}
	}
	d->t->kernel_args = di_mirror_args(d);
	return 1;
}

/* A debian-installer netboot directory (netboot.tar.gz unpacked, the
 * debian-installer-NN-netboot-ARCH package's images/NN/ARCH/text, or a
 * mirror's .../images/netboot/): DISTRO-installer/DEBARCH/linux. */
static int detect_di_netboot(struct det *d, struct vp_error *err)
{
	static const char *const distros[] = { "debian", "ubuntu" };
	static const char *const names[] = { "Debian", "Ubuntu" };
	_cleanup_(freep) char *loc_arch = loc_word_after(d->loc, "installer-", false);
	const char *debarchs[2] = { d->debarch, loc_arch };
	size_t i, j;
	int rc;

	for (j = 0; j < 2; j++) {
		const char *da = debarchs[j];

		if (!da || (j == 1 && debarchs[0] && !strcmp(da, debarchs[0])))
			continue;
		for (i = 0; i < 2; i++) {
			_cleanup_(freep) char *k = NULL, *in = NULL, *vi = NULL, *how = NULL;
			_cleanup_(freep) char *version = NULL, *codename = NULL;
			const struct archinfo *tai = debarch_find(da);
			const char *fam = NULL;
			size_t vlen = 0;

			k = vp_strdup_printf("%s-installer/%s/%s", distros[i], da,
					     !strcmp(da, "ppc64el") ? "vmlinux" : "linux");
			in = vp_strdup_printf("%s-installer/%s/initrd.gz", distros[i], da);
			rc = ex(d, k, err);
			if (rc < 0)
				return -1;
			if (!rc)
				continue;
			how = vp_strdup_printf("%s netboot directory (%s-installer/%s/)",
					       names[i], distros[i], da);
			set_found(d, distros[i], names[i], how);
			vp_set_str(&d->t->arch, tai ? tai->arch : da);
			free(d->looked_for);
			d->looked_for = NULL;
			if (try_pair(d, k, in, err) < 0)
				return -1;
			rc = rd(d, "version.info", &vi, &vlen, err);
			if (rc < 0)
				return -1;
			if (rc == 0 && vp_version_info_parse(vi, vlen, &version, &codename)) {
				const char *v = vp_codename_version(codename, &fam);

				/* "12" as written; the codename's when it was not */
				vp_set_str(&d->t->version, version ? version : v);
				if (codename && (!fam || !strcmp(fam, distros[i])))
					vp_set_str(&d->t->codename, codename);
			}
			if (!d->t->version)
				di_version_from_loc(d, NULL);
			d->t->kernel_args = di_mirror_args(d);
			return 1;
		}
	}
	return 0;
}

/* ---- .treeinfo ------------------------------------------------------------ */

struct treeinfo_family {
	const char *match;   /* in [general] family (case-insensitive) */
	const char *family;
	const char *url_arg; /* the installer's argument naming its tree */
};

/* Order matters: the first match wins ("CentOS Stream" before "CentOS"). */
static const struct treeinfo_family ti_families[] = {
	{ "Fedora", "fedora", "inst.repo" },
	{ "Red Hat Enterprise Linux", "rhel", "inst.repo" },
	{ "RHEL", "rhel", "inst.repo" },
	{ "CentOS Stream", "centos-stream", "inst.repo" },
	{ "CentOS", "centos", "inst.repo" },
	{ "Rocky", "rocky", "inst.repo" },
	{ "AlmaLinux", "almalinux", "inst.repo" },
	{ "Oracle", "ol", "inst.repo" },
	{ "openSUSE", "opensuse", "install" },
	{ "SUSE Linux Enterprise Desktop", "sled", "install" },
	{ "SUSE Linux Enterprise", "sles", "install" },
	{ "SLES", "sles", "install" },
};

/* The installer arguments that lead an anaconda (dracut) installer to its
 * tree: inst.repo=URL for a URL; for an image attached as a cdrom, its
 * stage 2 on the disc with that label. */
static char *anaconda_args(const struct det *d, const char *url_arg, bool live)
{
	_cleanup_(freep) char *label = label_word(d->r->volume_id);

	if (live)
		return label ? vp_strdup_printf("root=live:CDLABEL=%s rd.live.image", label) : NULL;
	if (d->r->is_url) {
		_cleanup_(freep) char *u = url_word(d->loc);

		return vp_strdup_printf("%s=%s", url_arg, u);
	}
	if (d->r->is_iso && label && !strcmp(url_arg, "inst.repo"))
		return vp_strdup_printf("inst.stage2=hd:LABEL=%s", label);
	return NULL;
}

/* SLE's version from a treeinfo or content version "15.5", "15-SP5", "12". */
static char *sle_version(const char *v)
{
	int major, sp = 0;
	const char *p;

	if (!v || !isdigit((unsigned char)*v))
		return NULL;
	major = small_num(v);
	p = v + strspn(v, "0123456789");
	if (*p == '.' && isdigit((unsigned char)p[1]))
		sp = small_num(p + 1);
	else if (!strncasecmp(p, "-SP", 3) || !strncasecmp(p, " SP", 3))
		sp = small_num(p + 3);
	if (major <= 0 || major > 1000 || sp < 0 || sp > 99)
		return NULL;
	return sp ? vp_strdup_printf("%d.%d", major, sp) : vp_strdup_printf("%d", major);
}

static int detect_treeinfo(struct det *d, struct vp_error *err)
{
	static const char *const names[] = { ".treeinfo", "treeinfo" };
	_cleanup_(freep) char *fam = NULL, *ver = NULL, *tarch = NULL, *rname = NULL;
	_cleanup_(freep) char *k = NULL, *in = NULL;
	const struct treeinfo_family *tf = NULL;
	const char *which = NULL, *url_arg = "inst.repo";
	size_t i;
	int rc;

	for (i = 0; i < 2 && !which; i++) {
		rc = rd(d, names[i], &d->treeinfo, &d->treeinfo_len, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			which = names[i];
	}
	if (!which)
		return 0;

	fam = vp_ini_get(d->treeinfo, d->treeinfo_len, "general", "family");
	if (!fam || !*fam) {
		free(fam);
		fam = vp_ini_get(d->treeinfo, d->treeinfo_len, "release", "name");
	}
	ver = vp_ini_get(d->treeinfo, d->treeinfo_len, "general", "version");
	if (!ver || !*ver) {
		free(ver);
		ver = vp_ini_get(d->treeinfo, d->treeinfo_len, "release", "version");
	}
	tarch = vp_ini_get(d->treeinfo, d->treeinfo_len, "general", "arch");
	if (!tarch || !*tarch) {
		free(tarch);
		tarch = vp_ini_get(d->treeinfo, d->treeinfo_len, "tree", "arch");
	}
	rname = vp_ini_get(d->treeinfo, d->treeinfo_len, "release", "name");

	for (i = 0; fam && i < sizeof(ti_families) / sizeof(ti_families[0]); i++)
		if (has_word(fam, ti_families[i].match)) {
			tf = &ti_families[i];
			break;
		}
	if (tf) {
		_cleanup_(freep) char *how = vp_strdup_printf("%s (%s)", which, family_text(tf->family));

		set_found(d, tf->family, NULL, how);
		url_arg = tf->url_arg;
	} else {
		_cleanup_(freep) char *f = meta_dup(fam);
		_cleanup_(freep) char *how = f && *f ? vp_strdup_printf("%s (family '%s')", which, f)
						     : vp_strdup(which);

		set_found(d, NULL, NULL, how);
	}
	d->t->name = meta_dup(rname && *rname ? rname : (fam && *fam ? fam : NULL));
	if (!d->t->name && tf)
		vp_set_str(&d->t->name, family_name(tf->family));

	/* the version: Fedora's Rawhide, Tumbleweed (no version), SLE's SPs */
	if (tf && !strcmp(tf->family, "fedora") && ver && (!strcasecmp(ver, "rawhide") ||
							   !strcasecmp(ver, "development")))
		vp_set_str(&d->t->version, "rawhide");
	else if (tf && !strcmp(tf->family, "opensuse") &&
		 (has_word(fam, "Tumbleweed") || has_word(rname, "Tumbleweed")))
		vp_set_str(&d->t->version, "tumbleweed");
	else if (tf && (!strcmp(tf->family, "sles") || !strcmp(tf->family, "sled")))
		d->t->version = sle_version(ver);
	else if (ver && *ver)
		d->t->version = meta_dup(ver);

	d->t->arch = meta_dup(tarch && *tarch ? tarch : d->arch);

	/* the kernel: [images-ARCH], the tree's arch first, then the guest's */
	for (i = 0; i < 2 && !k; i++) {
		const char *a = i == 0 ? d->t->arch : d->arch;
		_cleanup_(freep) char *sect = NULL, *kv = NULL, *iv = NULL;

		if (!a || (i == 1 && d->t->arch && !strcmp(a, d->t->arch)))
			continue;
		sect = vp_strdup_printf("images-%s", a);
		kv = vp_ini_get(d->treeinfo, d->treeinfo_len, sect, "kernel");
		iv = vp_ini_get(d->treeinfo, d->treeinfo_len, sect, "initrd");
		k = tree_path(kv);
		in = tree_path(iv);
		if (!k || !in) {
			free(k);
			free(in);
			k = in = NULL;
		}
	}
	if (k) {
		d->t->kernel = TAKE_PTR(k);
		d->t->initrd = TAKE_PTR(in);
	} else {
		const struct archinfo *tai = arch_find(d->t->arch);

		rc = try_pair(d, "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img", err);
		if (rc == 0 && tai && tai->suse) {
			_cleanup_(freep) char *sk = vp_strdup_printf("boot/%s/loader/linux", tai->suse);
			_cleanup_(freep) char *si = vp_strdup_printf("boot/%s/loader/initrd", tai->suse);

			rc = try_pair(d, sk, si, err);
		}
		if (rc < 0)
			return -1;
	}
	/* anaconda took method= before its inst. options (RHEL 7, Fedora 19) */
	if (tf && !strcmp(url_arg, "inst.repo")) {
		int major = version_major(d->t->version);

		if (major > 0 && major < (strcmp(tf->family, "fedora") ? 7 : 19))
			url_arg = "method";
	}
	d->t->kernel_args = anaconda_args(d, url_arg, false);
	return 1;
}

/* ---- SUSE: content, media.1/products -------------------------------------- */

static int detect_suse(struct det *d, struct vp_error *err)
{
	_cleanup_(freep) char *product = NULL, *version = NULL, *tarch = NULL, *products = NULL;
	_cleanup_(freep) char *label = NULL, *distro = NULL, *cver = NULL, *how = NULL;
	const char *family, *source = "content";
	const struct archinfo *tai;
	size_t plen = 0;
	int rc;

	rc = rd(d, "content", &d->content, &d->content_len, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		label = vp_suse_content_get(d->content, d->content_len, "LABEL");
		distro = vp_suse_content_get(d->content, d->content_len, "DISTRO");
		cver = vp_suse_content_get(d->content, d->content_len, "VERSION");
		if (label && *label)
			product = vp_strdup(label);
		else if (distro && strrchr(distro, ','))
			product = vp_strdup(strrchr(distro, ',') + 1);
		/* VERSION 15.5 or 10.4-0; else the CPE's: cpe:/o:opensuse:leap:15.5 */
		if (cver && *cver) {
			version = vp_strndup(cver, strcspn(cver, "-"));
		} else if (distro && !strncmp(distro, "cpe:/o:", 7)) {
			const char *p = distro;
			int colons = 0;

			while (*p && *p != ',' && colons < 4)
				colons += *p++ == ':';
			if (colons == 4) {
				version = vp_strndup(p, strcspn(p, ",:"));
				/* cpe:/o:suse:sles:15:sp5 */
				if (p[strcspn(p, ",:")] == ':' && !strncasecmp(p + strcspn(p, ",:"), ":sp", 3)) {
					char *v = vp_strdup_printf("%s-SP%d", version,
								   small_num(p + strcspn(p, ",:") + 3));

					free(version);
					version = v;
				}
			}
		}
		tarch = vp_suse_content_get(d->content, d->content_len, "BASEARCHS");
		if (!tarch || !*tarch) {
			free(tarch);
			tarch = vp_suse_content_get(d->content, d->content_len, "DEFAULTBASE");
		}
		if (!tarch || !*tarch) {
			_cleanup_(freep) char *repoid = vp_suse_content_get(d->content, d->content_len, "REPOID");

			free(tarch);
			tarch = repoid && strrchr(repoid, '/') ? vp_strdup(strrchr(repoid, '/') + 1) : NULL;
		}
	} else {
		/* openSUSE's repositories: media.1/products, "/ openSUSE 15.5-0" */
		char *p, *w, *save = NULL;

		rc = rd(d, "media.1/products", &products, &plen, err);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return 0;
		p = products;
		p[strcspn(p, "\r\n")] = '\0';
		if (*p != '/')
			return 0;
		p++;
		w = strtok_r(p, " \t", &save);
		if (!w)
			return 0;
		product = vp_strdup(w);
		w = strtok_r(NULL, " \t", &save);
		if (w)
			version = vp_strndup(w, strcspn(w, "-"));
		source = "media.1/products";
	}
	if (!product)
		return 0;

	if (has_word(product, "openSUSE") || has_word(product, "Leap") || has_word(product, "Tumbleweed"))
		family = "opensuse";
	else if (has_word(product, "Enterprise Desktop") || has_word(product, "SLED"))
		family = "sled";
	else if (has_word(product, "SUSE Linux Enterprise") || has_word(product, "SLES") ||
		 has_word(product, "SLE-"))
		family = "sles";
	else
		return 0;

	how = vp_strdup_printf("SUSE %s (%s)", source, family_text(family));
	set_found(d, family, NULL, how);
	d->t->name = meta_dup(product);

	if (!strcmp(family, "opensuse")) {
		/* Tumbleweed says so, or versions its snapshots by date */
		if (has_word(product, "Tumbleweed") || has_word(d->loc, "/tumbleweed") ||
		    (version && strlen(version) == 8 && is_version(version) && !strchr(version, '.')))
			vp_set_str(&d->t->version, "tumbleweed");
		else if (is_version(version))
			vp_set_str(&d->t->version, version);
		else {
			/* .../distribution/leap/15.5/repo/oss/ */
			const char *p = strstr(d->loc, "/leap/");
			_cleanup_(freep) char *lv = p ? vp_strndup(p + 6, strcspn(p + 6, "/")) : NULL;

			if (is_version(lv))
				vp_set_str(&d->t->version, lv);
		}
	} else {
		/* "SUSE Linux Enterprise Server 15 SP5": the product's words win */
		const char *p = product + strcspn(product, "0123456789");
		_cleanup_(freep) char *from_name = *p ? sle_version(p) : NULL;

		d->t->version = from_name ? TAKE_PTR(from_name) : sle_version(version);
	}

	/* the architecture: BASEARCHS "i586 x86_64", "i586-x86_64" (13.2) */
	if (tarch && has_word(tarch, "x86_64"))
		vp_set_str(&d->t->arch, "x86_64");
	else if (tarch && *tarch) {
		tarch[strcspn(tarch, " \t")] = '\0';
		d->t->arch = meta_dup(tarch);
		if (!strcmp(d->t->arch, "i586") || !strcmp(d->t->arch, "i386"))
			vp_set_str(&d->t->arch, "i686");
	} else {
		vp_set_str(&d->t->arch, d->arch);
	}

	tai = arch_find(d->t->arch);
	if (tai && tai->suse) {
		_cleanup_(freep) char *k1 = vp_strdup_printf("boot/%s/loader/linux", tai->suse);
		_cleanup_(freep) char *i1 = vp_strdup_printf("boot/%s/loader/initrd", tai->suse);
		_cleanup_(freep) char *k2 = vp_strdup_printf("boot/%s/linux", tai->suse);
		_cleanup_(freep) char *i2 = vp_strdup_printf("boot/%s/initrd", tai->suse);

		rc = try_pair(d, k1, i1, err);
		if (rc == 0)
			rc = try_pair(d, k2, i2, err);
		if (rc < 0)
			return -1;
	}
	if (d->r->is_url) {
		_cleanup_(freep) char *u = url_word(d->loc);

		d->t->kernel_args = vp_strdup_printf("install=%s", u);
	}
	return 1;
}

/* ---- images: .disk/info, casper/, install.amd/ ----------------------------- */

/* casper/ of a live image: 1 with the pair set and live; 0; -1. */
static int try_casper(struct det *d, struct vp_error *err)
{
	static const char *const kernels[] = { "casper/vmlinuz", "casper/vmlinuz.efi" };
	static const char *const initrds[] = { "casper/initrd", "casper/initrd.lz", "casper/initrd.gz" };
	size_t i, j;
	int rc;

	for (i = 0; i < 2; i++) {
		rc = ex(d, kernels[i], err);
		if (rc <= 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		for (j = 0; j < 3; j++) {
			rc = try_pair(d, kernels[i], initrds[j], err);
			if (rc != 0)
				break;
		}
		if (rc < 0)
			return -1;
		if (rc > 0) {
			d->t->live = true;
			/* the initramfs' casper scripts find the image attached
			 * as a cdrom themselves; boot=casper as the image's
			 * own boot menus pass it */
			vp_set_str(&d->t->kernel_args, "boot=casper");
			return 1;
		}
		/* a kernel without an initrd beside it */
		free(d->looked_for);
		d->looked_for = vp_strdup_printf("%s and casper/initrd", kernels[i]);
		return 0;
	}
	return 0;
}

/* A debian-installer image's kernel for debarch: 1, 0, -1. */
static int try_di_image(struct det *d, const char *distro, const char *debarch, struct vp_error *err)
{
	const struct archinfo *tai = debarch_find(debarch);
	int rc = 0;

	/* an image's contents served over HTTP: its netboot installer finds
	 * its packages on the network, the cdrom one would look for a disc */
	if (d->r->is_url) {
		_cleanup_(freep) char *k = NULL, *in = NULL;

		di_netboot_paths(distro, debarch, "install/", &k, &in);
		rc = try_pair(d, k, in, err);
		if (rc != 0)
			return rc;
	}
	if (tai && tai->isodir) {
		_cleanup_(freep) char *k = vp_strdup_printf("%s/vmlinuz", tai->isodir);
		_cleanup_(freep) char *in = vp_strdup_printf("%s/initrd.gz", tai->isodir);

		rc = try_pair(d, k, in, err);
		if (rc != 0)
			return rc;
	}
	if (!strcmp(debarch, "ppc64el"))
		return try_pair(d, "install/vmlinux", "install/initrd.gz", err);
	if (!strcmp(debarch, "s390x"))
		return !strcmp(distro, "ubuntu") ? try_pair(d, "boot/kernel.ubuntu", "boot/initrd.ubuntu", err)
						  : try_pair(d, "boot/linux_vm", "boot/root.bin", err);
	return try_pair(d, "install/vmlinuz", "install/initrd.gz", err);
}

static int detect_disk_info(struct det *d, struct vp_error *err)
{
	_cleanup_(freep) char *info = NULL, *how = NULL;
	struct vp_disk_info di = { 0 };
	const char *family = NULL, *debarch, *fam = NULL;
	const struct archinfo *tai;
	size_t len = 0;
	int rc;

	rc = rd(d, ".disk/info", &info, &len, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!vp_disk_info_parse(info, len, &di) || !di.product) {
		vp_disk_info_clear(&di);
		return 0;
	}
	if (has_word(di.product, "debian"))
		family = "debian";
	else if (has_word(di.product, "ubuntu"))
		family = "ubuntu";

	debarch = di.debarch ? di.debarch : d->debarch;
	tai = debarch_find(debarch);
	vp_set_str(&d->t->arch, tai ? tai->arch : debarch);
	d->t->name = meta_dup(family ? family_name(family) : di.product);
	vp_set_str(&d->t->family, family);

	/* the version: Debian's major ("12.5.0" -> "12"; "6.0.10" -> "6.0"),
	 * Ubuntu's year.month ("22.04.3" -> "22.04") */
	if (family && !strcmp(family, "debian") && is_version(di.version))
		d->t->version = version_parts(di.version, version_major(di.version) >= 7 ? 1 : 2);
	else if (family && !strcmp(family, "ubuntu") && is_version(di.version))
		d->t->version = version_parts(di.version, 2);
	else if (di.version)
		d->t->version = meta_dup(di.version);
	if (di.codename && vp_codename_version(di.codename, &fam) && family && !strcmp(fam, family)) {
		vp_set_str(&d->t->codename, di.codename);
		if (!d->t->version || !is_version(d->t->version)) {
			free(d->t->version);
			d->t->version = vp_strdup(vp_codename_version(di.codename, NULL));
		}
	}

	if (load_sums(d, "", "sha256sum.txt", err) < 0)
		goto fail;
	rc = try_casper(d, err);
	if (rc == 0)
		rc = try_di_image(d, family ? family : "debian", debarch, err);
	if (rc < 0)
		goto fail;
	if (rc == 0 && !family) {
		/* someone else's .disk/info: let the other rules look */
		vp_disk_info_clear(&di);
		return 0;
	}
	if (d->t->live)
		how = vp_strdup_printf("%s live image (.disk/info, casper/)", d->t->name);
	else if (d->t->kernel)
		how = vp_strdup_printf("%s installer image (.disk/info, %.*s/)", d->t->name,
				       (int)strcspn(d->t->kernel, "/"), d->t->kernel);
	else
		how = vp_strdup_printf("%s image (.disk/info)", d->t->name);
	vp_set_str(&d->t->how, how);
	vp_disk_info_clear(&di);
	return 1;
fail:
	vp_disk_info_clear(&di);
	return -1;
}

/* ---- Alpine, Mageia -------------------------------------------------------- */

static int detect_alpine(struct det *d, struct vp_error *err)
{
	static const char *const flavors[] = { "virt", "lts" };
	_cleanup_(freep) char *rel = NULL;
	size_t i, len = 0;
	int rc;

	rc = rd(d, ".alpine-release", &rel, &len, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rel[strcspn(rel, " \t\r\n")] = '\0';
	set_found(d, "alpine", "Alpine Linux", "Alpine image (.alpine-release)");
	if (is_version(rel))
		d->t->version = version_parts(rel, 2);
	vp_set_str(&d->t->arch, d->arch);
	for (i = 0; i < 2; i++) {
		_cleanup_(freep) char *k = vp_strdup_printf("boot/vmlinuz-%s", flavors[i]);
		_cleanup_(freep) char *in = vp_strdup_printf("boot/initramfs-%s", flavors[i]);

		rc = try_pair(d, k, in, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		/* as the image's boot menu; from a URL, the packages and the
		 * kernel modules come from the tree itself */
		if (d->r->is_url) {
			_cleanup_(freep) char *u = url_word(d->loc);
			const char *sep = u[0] && u[strlen(u) - 1] == '/' ? "" : "/";

			d->t->kernel_args = vp_strdup_printf(
				"modules=loop,squashfs,sd-mod,usb-storage ip=dhcp alpine_repo=%s%sapks "
				"modloop=%s%sboot/modloop-%s",
				u, sep, u, sep, flavors[i]);
		} else {
			vp_set_str(&d->t->kernel_args, "modules=loop,squashfs,sd-mod,usb-storage");
		}
		break;
	}
	return 1;
}

/* Alpine's netboot files on a mirror (alpine/vX.Y/releases/ARCH/netboot/):
 * no metadata file says what the directory is, so the kernel pair names
 * it, and the version comes from the mirror's "vX.Y" directory.  The
 * arguments the kernel needs (alpine_repo=, modloop=) are the OS
 * profile's (its tree's <?vprov-kernel-args?>), not guessed here. */
static int detect_alpine_netboot(struct det *d, struct vp_error *err)
{
	static const char *const flavors[] = { "virt", "lts" };
	const char *v;
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		_cleanup_(freep) char *k = vp_strdup_printf("netboot/vmlinuz-%s", flavors[i]);
		_cleanup_(freep) char *in = vp_strdup_printf("netboot/initramfs-%s", flavors[i]);

		rc = try_pair(d, k, in, err);
		if (rc < 0)
			return -1;
		if (rc > 0)
			break;
	}
	if (i == 2)
		return 0;
	set_found(d, "alpine", "Alpine Linux", "Alpine netboot files (netboot/)");
	vp_set_str(&d->t->arch, d->arch);
	for (v = d->loc; (v = strstr(v, "/v")); v += 2) {
		size_t n = strspn(v + 2, "0123456789.");
		_cleanup_(freep) char *ver = vp_strndup(v + 2, n);

		if (n && (v[2 + n] == '/' || !v[2 + n]) && is_version(ver) && strchr(ver, '.')) {
			d->t->version = version_parts(ver, 2);
			break;
		}
	}
	return 1;
}

static int detect_mageia(struct det *d, struct vp_error *err)
{
	_cleanup_(freep) char *v = NULL;
	const struct archinfo *tai = d->ai;
	size_t len = 0;
	int rc;

	rc = rd(d, "VERSION", &v, &len, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	/* "Mageia 9 x86_64 ..." */
	if (len < 8 || strncmp(v, "Mageia ", 7) || !isdigit((unsigned char)v[7]))
		return 0;
	set_found(d, "mageia", "Mageia", "Mageia tree (VERSION)");
	d->t->version = vp_strndup(v + 7, strspn(v + 7, "0123456789"));
	vp_set_str(&d->t->arch, d->arch);
	if (tai && tai->mageia) {
		_cleanup_(freep) char *k = vp_strdup_printf("isolinux/%s/vmlinuz", tai->mageia);
		_cleanup_(freep) char *in = vp_strdup_printf("isolinux/%s/all.rdz", tai->mageia);

		if (try_pair(d, k, in, err) < 0)
			return -1;
	}
	return 1;
}

/* ---- bare layouts ---------------------------------------------------------- */

static int detect_layout(struct det *d, struct vp_error *err)
{
	int rc;

	/* a live image without .disk/info (Linux Mint, derivatives) */
	rc = try_casper(d, err);
	if (rc != 0) {
		if (rc > 0) {
			vp_set_str(&d->t->arch, d->arch);
			vp_set_str(&d->t->how, "live image (casper/)");
		}
		return rc;
	}
	/* a Debian image's installer directory */
	if (d->ai && d->ai->isodir) {
		_cleanup_(freep) char *k = vp_strdup_printf("%s/vmlinuz", d->ai->isodir);
		_cleanup_(freep) char *in = vp_strdup_printf("%s/initrd.gz", d->ai->isodir);
		_cleanup_(freep) char *how = vp_strdup_printf("Debian installer image (%s/)", d->ai->isodir);

		rc = try_pair(d, k, in, err);
		if (rc != 0) {
			if (rc > 0) {
				set_found(d, "debian", "Debian", how);
				vp_set_str(&d->t->arch, d->arch);
			}
			return rc;
		}
	}
	/* anaconda's layout without .treeinfo; a live image has LiveOS/ */
	rc = try_pair(d, "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img", err);
	if (rc == 0)
		rc = try_pair(d, "isolinux/vmlinuz", "isolinux/initrd.img", err);
	if (rc != 0) {
		int live;

		if (rc < 0)
			return -1;
		live = ex(d, "LiveOS/squashfs.img", err);
		if (live < 0)
			return -1;
		d->t->live = live > 0;
		vp_set_str(&d->t->arch, d->arch);
		vp_set_str(&d->t->how, live ? "live image (LiveOS/, images/pxeboot/ or isolinux/)"
					    : "installer layout (images/pxeboot/ or isolinux/, no .treeinfo)");
		d->t->kernel_args = anaconda_args(d, "inst.repo", live > 0);
		return 1;
	}
	/* SUSE's layout without content or .treeinfo */
	if (d->ai && d->ai->suse) {
		_cleanup_(freep) char *k = vp_strdup_printf("boot/%s/loader/linux", d->ai->suse);
		_cleanup_(freep) char *in = vp_strdup_printf("boot/%s/loader/initrd", d->ai->suse);

		rc = try_pair(d, k, in, err);
		if (rc > 0) {
			vp_set_str(&d->t->arch, d->arch);
			vp_set_str(&d->t->how, "SUSE layout (boot/ARCH/loader/, no content file)");
			if (d->r->is_url) {
				_cleanup_(freep) char *u = url_word(d->loc);

				d->t->kernel_args = vp_strdup_printf("install=%s", u);
			}
		}
		return rc;
	}
	return 0;
}

/* ---- checksums ------------------------------------------------------------- */

static bool is_sha256(const char *s)
{
	size_t i;

	for (i = 0; s && s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return s && i == 64;
}

static char *checksum_for(struct det *d, const char *path)
{
	char *hex = NULL;

	if (d->treeinfo) {
		_cleanup_(freep) char *v = vp_ini_get(d->treeinfo, d->treeinfo_len, "checksums", path);

		if (v && !strncasecmp(v, "sha256:", 7)) {
			char *p;

			hex = vp_strdup(v + 7);
			for (p = hex; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		}
	}
	if (!hex && d->sums) {
		size_t n = d->sums_dir ? strlen(d->sums_dir) : 0;

		if (!strncmp(path, d->sums_dir ? d->sums_dir : "", n))
			hex = vp_sums_find(d->sums, d->sums_len, path + n);
	}
	if (!hex && d->content)
		hex = vp_suse_content_hash(d->content, d->content_len, path);
	if (hex && !is_sha256(hex)) {
		free(hex);
		hex = NULL;
	}
	return hex;
}

/* ---- the entry point ------------------------------------------------------- */

typedef int (*detector)(struct det *d, struct vp_error *err);

void vp_tree_clear(struct vp_tree *t)
{
	if (!t)
		return;
	free(t->family);
	free(t->name);
	free(t->version);
	free(t->codename);
	free(t->arch);
	free(t->os_id);
	free(t->kernel);
	free(t->initrd);
	free(t->kernel_sha256);
	free(t->initrd_sha256);
	free(t->kernel_args);
	free(t->how);
	memset(t, 0, sizeof(*t));
}

static int check_hint(const char *what, const char *hint, const char *loc, struct vp_error *err)
{
	if (!hint || relpath_ok(hint))
		return 0;
	return vp_error_set(err, VP_ERR_INVALID,
			    "the %s path '%s' must be relative to the location '%s', without '..'", what,
			    hint, loc);
}

static int hint_exists(struct det *d, const char *what, const char *hint, struct vp_error *err)
{
	int rc = ex(d, hint, err);

	if (rc < 0)
		return -1;
	if (!rc)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "there is no %s '%s' in '%s'", what, hint,
				    d->loc);
	return 0;
}

int vp_tree_detect(const struct vp_tree_reader *r, const char *arch, const char *kernel_hint,
		   const char *initrd_hint, struct vp_tree *out, struct vp_error *err)
{
	detector order[] = { detect_treeinfo, detect_di_mirror, detect_suse, detect_di_netboot,
			     detect_disk_info, detect_alpine, detect_mageia, detect_layout,
			     detect_alpine_netboot };
	struct det d = { 0 };
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!r || !r->read || !r->exists)
		return vp_error_set(err, VP_ERR_INVALID, "cannot read the installer tree: no reader");
	d.r = r;
	d.t = out;
	d.loc = r->location ? r->location : "";
	if (arch && (!*arch || strlen(arch) > 32 ||
		     strspn(arch, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(arch)))
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is not an architecture", arch);
	d.ai = arch_find(arch);
	d.arch = d.ai ? d.ai->arch : arch;
	d.debarch = d.ai ? d.ai->debarch : arch;
	if (check_hint("kernel", kernel_hint, d.loc, err) < 0 ||
	    check_hint("initrd", initrd_hint, d.loc, err) < 0)
		return -1;

	/* a Debian or Ubuntu mirror says so in its URL: look there first */
	if (strstr(d.loc, "/dists/") || strstr(d.loc, "/installer-") || strstr(d.loc, "daily-images/")) {
		order[0] = detect_di_mirror;
		order[1] = detect_treeinfo;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		rc = order[i](&d, err);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			break;
		/* a rule that did not match leaves nothing behind */
		vp_tree_clear(out);
		det_free(&d);
		memset(&d.treeinfo, 0, sizeof(d) - offsetof(struct det, treeinfo));
	}

	if (kernel_hint) {
		if (hint_exists(&d, "kernel", kernel_hint, err) < 0)
			goto fail;
		vp_set_str(&out->kernel, kernel_hint);
	}
	if (initrd_hint) {
		if (hint_exists(&d, "initrd", initrd_hint, err) < 0)
			goto fail;
		vp_set_str(&out->initrd, initrd_hint);
	}
	if (rc == 0 && !(kernel_hint && initrd_hint)) {
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "cannot tell what installer tree '%s' is: no MANIFEST under current/images, "
			     "no .treeinfo or treeinfo, no SUSE content file, no install.amd/, casper/ or "
			     "images/pxeboot/; give the kernel and initrd with --location "
			     "%s,kernel=PATH,initrd=PATH",
			     d.loc, d.loc);
		goto fail;
	}
	if (!out->kernel || !out->initrd) {
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "the installer tree '%s' (%s) has no %s for %s (looked for %s); give the "
			     "kernel and initrd with --location %s,kernel=PATH,initrd=PATH",
			     d.loc, out->how ? out->how : "unknown",
			     !out->kernel && !out->initrd ? "kernel and initrd"
			     : !out->kernel             ? "kernel"
							: "initrd",
			     out->arch ? out->arch : d.arch ? d.arch : "x86_64",
			     d.looked_for ? d.looked_for : "nothing", d.loc);
		goto fail;
	}
	if (kernel_hint || initrd_hint) {
		char *how = rc > 0 ? vp_strdup_printf("%s; %s as given", out->how,
						      kernel_hint && initrd_hint ? "kernel and initrd"
						      : kernel_hint		 ? "kernel"
										 : "initrd")
				   : vp_strdup("kernel= and initrd= as given");

		free(out->how);
		out->how = how;
	}
	if (!out->arch && rc > 0)
		vp_set_str(&out->arch, d.arch);
	if (!out->name)
		vp_set_str(&out->name, family_name(out->family));
	out->kernel_sha256 = checksum_for(&d, out->kernel);
	out->initrd_sha256 = checksum_for(&d, out->initrd);
	out->os_id = os_id_for(out->family, out->version);
	det_free(&d);
	return 0;
fail:
	det_free(&d);
	vp_tree_clear(out);
	return -1;
}
