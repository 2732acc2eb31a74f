/* provision/fetch/tree.h — installer trees: what a location holds
 *
 * An installer tree is read through a reader (an HTTP/FTP URL, a local
 * directory or an ISO image; see source.h); detection looks for the files
 * each family publishes, as virt-install's urldetect does, and says which
 * distribution, version and architecture the tree is, where its kernel and
 * initrd are, and their published checksums.
 */
#ifndef VP_TREE_H
#define VP_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct vp_tree_reader {
	/* Read relpath (relative to the tree's root, no leading '/'), at most
	 * max bytes, NUL-terminated: 0 with *buf (malloc'd), 1 when it does
	 * not exist, -1 with err. */
	int (*read)(void *opaque, const char *relpath, size_t max, char **buf, size_t *len,
		    struct vp_error *err);
	/* 1 when relpath is a file there, 0 when not, -1 with err. */
	int (*exists)(void *opaque, const char *relpath, struct vp_error *err);
	void *opaque;
	/* the location as the user gave it: URL hints (a codename, an arch in
	 * "installer-amd64") are read from it, and inst.repo= points at it */
	const char *location;
	bool is_url;                      /* location is a URL an installer can fetch from */
	bool is_iso;                      /* an ISO image (attached as a cdrom while installing) */
	/* an ISO's volume id (label) when known, else NULL: an installer that
	 * must find its own medium is pointed at it (inst.stage2=hd:LABEL=) */
	const char *volume_id;
};

/* The most detection reads of one metadata file (MANIFEST, .treeinfo, ...). */
#define VP_TREE_META_MAX ((size_t)1 << 20)

struct vp_tree {
	char *family;          /* debian, ubuntu, fedora, rhel, centos-stream, rocky, almalinux,
	                        * opensuse, sles, alpine; also centos, ol (Oracle), sled,
	                        * mageia; NULL: unknown */
	char *name;            /* "Debian", "Ubuntu", "Fedora", "Rocky Linux", ... */
	char *version;         /* "12", "20.04", "40", "9", "15.5", "tumbleweed"; NULL unknown */
	char *codename;        /* bookworm, focal */
	char *arch;            /* x86_64, aarch64, ... (osinfo/libvirt spelling) */
	char *os_id;           /* the OS profile short id this suggests (debian12, ubuntu20.04,
	                        * fedora40, centos-stream9, rocky9, opensuse15.5); NULL unknown */
	char *kernel, *initrd; /* relative to the tree's root */
	char *kernel_sha256, *initrd_sha256; /* published checksums (hex), NULL when none */
	char *kernel_args;     /* what the installer needs to find its tree (inst.repo=URL,
	                        * install=URL, boot=casper ...); NULL: none */
	char *how;             /* which rule found it: "Debian mirror (MANIFEST)", ".treeinfo", ... */
	bool live;             /* a live ISO (casper): the ISO must stay attached */
};

/* Detect the tree behind r for guest architecture arch (x86_64, i686,
 * aarch64; NULL: x86_64).  kernel/initrd hints (the user's
 * --location URL,kernel=REL,initrd=REL) win over detection when given:
 * then detection only fills the rest.  A tree nothing recognises, and no
 * hints: VP_ERR_NOT_FOUND naming what was looked for.  Hints that are
 * absolute or hold a ".." component, and an arch that is not a word:
 * VP_ERR_INVALID; a hint naming no file: VP_ERR_NOT_FOUND.  Metadata is
 * read at most VP_TREE_META_MAX bytes a file; a reader's error (not "not
 * there") ends detection with that error.  On failure out is cleared. */
int vp_tree_detect(const struct vp_tree_reader *r, const char *arch, const char *kernel_hint,
		   const char *initrd_hint, struct vp_tree *out, struct vp_error *err);
void vp_tree_clear(struct vp_tree *t);

/* ---- the parsers (pure; each has unit tests and a fuzz harness) ---------- */

/* A GNU-style checksum list ("HEX  ./path" or "HEX *path", one per line;
 * Debian's and Ubuntu's SHA256SUMS; BSD-style "SHA256 (path) = HEX" lines
 * too): the hex for relpath (a leading "./" ignored on both sides),
 * malloc'd and lowercased, or NULL.  HEX is 32 to 128 hex digits. */
char *vp_sums_find(const char *text, size_t len, const char *relpath);

/* A Debian/Ubuntu MANIFEST: true when it lists relpath (first column), or a
 * directory holding it (Debian lists "netboot/debian-installer" as one
 * entry); a leading "./" and a trailing "/" are ignored on both sides. */
bool vp_manifest_has(const char *text, size_t len, const char *relpath);

/* .treeinfo (INI): the value of key in [section], malloc'd, or NULL.  As
 * Python's configparser reads it (anaconda's and virt-install's reader):
 * "key = value" or "key: value", keys case-insensitive, section names not,
 * '#' and ';' comment lines; the first of repeated keys wins. */
char *vp_ini_get(const char *text, size_t len, const char *section, const char *key);

/* SUSE's "content" file: the value of a KEY (LABEL, DISTRO, VERSION, BASEARCHS,
 * SUMMARY, ...), malloc'd, or NULL. */
char *vp_suse_content_get(const char *text, size_t len, const char *key);

/* SUSE's "content" file: the hex of "HASH SHA256 <hex> <relpath>", malloc'd
 * (lowercase), or NULL. */
char *vp_suse_content_hash(const char *text, size_t len, const char *relpath);

/* Debian and Ubuntu codenames (case-insensitive): "bookworm" -> "12",
 * "focal" -> "20.04", "sid" -> "unstable", "testing" -> "testing"; NULL
 * when unknown.  family (may be NULL) gets "debian" or "ubuntu". */
const char *vp_codename_version(const char *codename, const char **family);

/* The first line of a Debian or Ubuntu image's .disk/info:
 *   Debian GNU/Linux 12.5.0 "Bookworm" - Official amd64 NETINST with firmware ...
 *   Ubuntu-Server 22.04.3 LTS "Jammy Jellyfish" - Release amd64 (20230810)
 * Fields not found stay NULL; false when the line holds none of them. */
struct vp_disk_info {
	char *product;   /* the words before the version: "Debian GNU/Linux", "Ubuntu-Server" */
	char *version;   /* as written: "12.5.0", "22.04.3" */
	char *codename;  /* the quoted name's first word, lowercased: "bookworm", "jammy" */
	char *debarch;   /* amd64, i386, arm64, armhf, ppc64el, s390x, riscv64, ... */
};
bool vp_disk_info_parse(const char *text, size_t len, struct vp_disk_info *out);
void vp_disk_info_clear(struct vp_disk_info *di);

/* A debian-installer netboot directory's version.info
 * ("Debian version:  12 (bookworm)"): version and codename, malloc'd
 * (either may be NULL); false when there is no such line. */
bool vp_version_info_parse(const char *text, size_t len, char **version, char **codename);

#endif
