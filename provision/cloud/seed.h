/* provision/cloud/seed.h — cloud-init NoCloud seeds: user-data, meta-data
 * and network-config built from virt-install's --cloud-init sub-options,
 * written as an ISO 9660 image (volume id "cidata", Rock Ridge, Joliet)
 * in-process with libarchive.
 *
 * Debian's cloud kernel has no AHCI driver: attach the seed as a read-only
 * virtio disk (or a cdrom on virtio-scsi), not as a SATA cdrom.
 *
 * user-data: one #cloud-config document made here: hostname (and fqdn when
 * the name has a dot) with preserve_hostname false; root's password as a
 * SHA-512 crypt hash in chpasswd's `list` form ("root:$6$...", which
 * cloud-init detects as a hash; accepted from 0.7.9 to today, deprecated
 * but working in 22.4 of Debian 12), expire true when generated (as
 * virt-install) unless root gets SSH keys (an expired password makes sshd
 * refuse key logins that run a command); root's keys through users (default, then root with
 * lock_passwd false) and disable_root false; the default cloud user's keys
 * as top-level ssh_authorized_keys; `disable` as a runcmd that touches
 * /etc/cloud/cloud-init.disabled.  ssh_pwauth is left alone, as
 * virt-install leaves it.  Every string is double-quoted with escapes.
 *
 * A user-data file of the user's own that is #cloud-config (first line
 * "#cloud-config"): it and the generated document become one #cloud-config
 * document, read and written with libyaml (loaded on first use,
 * yamllib.h).  Its top-level keys win, scalars and mappings alike (their
 * own chpasswd, even without a root password in it, replaces ours whole);
 * a list both have is theirs followed by ours (ssh_authorized_keys,
 * runcmd, users; our "default" in users is left out when theirs has one);
 * keys only ours has are added after theirs.  The host name keys go
 * together: a hostname, fqdn or prefer_fqdn_over_hostname of theirs keeps
 * all three of ours out.  Their nodes come through in their order with
 * their tags, quoting and block styles, and their anchors and aliases as
 * written (not expanded; a top-level value of theirs that is an alias is
 * theirs alone, like a scalar); comments are dropped.  A document that is not
 * valid YAML, whose top level is not a mapping (empty is fine), that holds
 * a second document, or that has one of our keys twice at the top level is
 * refused, naming the file and the line.
 *
 * Any other user-data file: the result is a MIME multipart of the user's
 * part first and the generated cloud-config after it, the latter with
 * Merge-Type list(append)+dict(recurse_array,no_replace)+str().  The user's part is text/x-shellscript (#!),
 * text/cloud-boothook (#cloud-boothook), text/x-include-url (#include), or
 * a MIME document of its own (first line Content-Type: or MIME-Version:)
 * nested as it is; anything else is refused.
 *
 * meta-data: instance-id (a fresh "iid-<uuid>" per build unless given) and
 * local-hostname.  A meta-data file of the user's own must be a YAML block
 * mapping; it is kept byte for byte and our two keys are added before it
 * only where it has no top-level key of that name, so the user's keys win
 * (an instance-id given there is the user's to keep unique).
 *
 * network-config: the user's file, byte for byte.
 *
 * Bare options (no sub-option at all, as a bare --cloud-init): a generated
 * root password and disable, as virt-install does, plus the caller's
 * $HOME/.ssh/id_*.pub as root's keys when there are any; `defaulted` says
 * so, for the caller to tell the user. */
#ifndef VP_SEED_H
#define VP_SEED_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct vp_seed_opts {
	const char *vm_name;               /* required */
	const char *hostname;              /* NULL: from vm_name (other characters as '-') */
	const char *instance_id;           /* NULL: a fresh "iid-<uuid>" */
	const char *root_password_file;    /* first line of the file */
	bool root_password_generate;       /* ignored when a file is given */
	bool disable;                      /* cloud-init disables itself after the first boot */
	const char *const *root_ssh_keys;  /* public key files */
	size_t n_root_ssh_keys;
	const char *const *clouduser_ssh_keys;
	size_t n_clouduser_ssh_keys;
	const char *user_data;             /* files */
	const char *meta_data;
	const char *network_config;
	const char *default_root_key;      /* bare options and no ~/.ssh/id_*.pub: this
	                                    * public key file for root instead (vprov's own
	                                    * key, provision/sshlogin.h) */
};

struct vp_seed {
	char *user_data;
	char *meta_data;
	char *network_config;              /* NULL: none */
	size_t network_config_len;         /* passed through byte for byte */
	char *instance_id;
	char *generated_password;          /* when generated: show it once to the user */
	bool password_expires;             /* ... who must change it at the first login */
	bool defaulted;                    /* bare options: the defaults above were used */
};

/* Build the seed's files; nothing but reading the named files (and $HOME's
 * ~/.ssh/id_*.pub for bare options).  VP_ERR_INVALID naming the file for a
 * file that cannot be read, a key file that is not a public key, a
 * user-data file of an unknown kind or a #cloud-config one that cannot be
 * merged (above), or a bad host name; VP_ERR_RUNTIME when libyaml cannot be
 * loaded. */
/* True when o asks for nothing but a host name (or a VM name): virt-install's
 * bare --cloud-init, which gets the defaults above. */
bool vp_seed_opts_bare(const struct vp_seed_opts *o);

int vp_seed_build(const struct vp_seed_opts *o, struct vp_seed *out, struct vp_error *err);

/* The ISO 9660 image (Rock Ridge, Joliet, volume id cidata) holding
 * user-data, meta-data and network-config when there is one, written
 * atomically to dest with mode 0600. */
int vp_seed_write_iso(const struct vp_seed *s, const char *dest, struct vp_error *err);

/* The image in memory (malloc'd), for an upload through a storage stream. */
int vp_seed_make_iso(const struct vp_seed *s, void **data, size_t *len, struct vp_error *err);

void vp_seed_clear(struct vp_seed *s);

#endif
