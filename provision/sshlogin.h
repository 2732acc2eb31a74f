/* provision/sshlogin.h — logging in to a guest with the key vprov gave it.
 *
 * At create, the key that cloud-init puts into the guest is chosen here
 * and recorded in the VM's metadata (<vprov:ssh user="root"
 * key="/root/.ssh/id_ed25519"/>, provision/spec/metadata.h): the private
 * key whose .pub went into the seed.  `vprov ssh` reads that record back,
 * waits for the guest's address (provision/guestaddr.h) and for its sshd,
 * and runs the system's ssh with that key and user, and with a known_hosts
 * file of the VM's own (keyed by its UUID, under vprov's state directory,
 * never the user's ~/.ssh/known_hosts): a VM made again under the same
 * name and address starts with an empty file, so there is no host-key
 * alarm, while a changed key of the same VM still stops ssh.
 *
 * When vprov would put the user's ~/.ssh/id_*.pub into the seed and there
 * is none, it makes a key of its own, once, without a passphrase:
 * $XDG_DATA_HOME/vprov/ssh/id_ed25519 (~/.local/share/vprov/ssh). */
#ifndef VP_SSHLOGIN_H
#define VP_SSHLOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "report.h"
#include "seed.h"
#include "virt.h"

/* What a create's seed gets and what is recorded. */
struct vp_ssh_choice {
	char *user;        /* who logs in with key (NULL: not known; ssh's default) */
	char *key;         /* the private key to log in with (NULL: none recorded) */
	char *inject_pub;  /* vprov's own key's .pub, for the seed's default_root_key */
	bool own;          /* key is vprov's own */
	bool generate;     /* ... and does not exist yet: vp_ssh_key_generate(key) first */
};

/* Choose from the seed's options o:
 *   - bare options (vp_seed_opts_bare): root, with the first of
 *     home/.ssh/id_*.pub whose private key lies beside it (id_ed25519
 *     first, then id_ecdsa, id_rsa, the others by name); with no
 *     id_*.pub at all, vprov's own key under data_dir/ssh;
 *   - root-ssh-key=F: root, with the first F named *.pub whose private
 *     key lies beside it;
 *   - otherwise clouduser-ssh-key=F: the image's default cloud user (by
 *     the OS profile's short id: debian, ubuntu, fedora, ...; unknown:
 *     NULL), with that key;
 *   - anything else (a user-data file with keys of its own, no keys):
 *     nothing (all NULL).
 * Reads only the file system's names; data_dir may be NULL (then no own
 * key, and nothing recorded for bare options without keys). */
int vp_ssh_choose(const struct vp_seed_opts *o, const char *home, const char *data_dir,
		  const char *os_short_id, struct vp_ssh_choice *out, struct vp_error *err);
void vp_ssh_choice_clear(struct vp_ssh_choice *c);

/* Make the key (ed25519, no passphrase, mode 0600, its directory 0700)
 * with ssh-keygen, unless it exists; safe against another vprov making
 * it at the same time. */
int vp_ssh_key_generate(const char *key, struct vp_error *err);

/* What a VM's record says (both NULL: nothing recorded), and its UUID. */
struct vp_ssh_login {
	char *user, *key;
	char uuid[VIR_UUID_STRING_BUFLEN];
};
int vp_ssh_login_read(virDomainPtr dom, struct vp_ssh_login *out, struct vp_error *err);
void vp_ssh_login_clear(struct vp_ssh_login *l);

/* state_dir/known_hosts/UUID (malloc'd). */
char *vp_ssh_known_hosts(const char *state_dir, const char *uuid);
/* Remove the VM's known_hosts file (none is fine); the VM may be deleted
 * already (its handle still knows its UUID).  -1 only when it exists and
 * cannot be removed. */
int vp_ssh_known_hosts_forget(virDomainPtr dom, struct vp_error *err);

/* The ssh command line: NULL-terminated, for execvp.
 *   SSH -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=FILE
 *       -o GlobalKnownHostsFile=/dev/null -o HostKeyAlias=UUID -o CheckHostIP=no
 *       -o LogLevel=ERROR -o HashKnownHosts=no [-i KEY -o IdentitiesOnly=yes] [-l USER] -- ADDR [CMD...]
 * "--" before the address: everything after it is the remote command,
 * even words that look like ssh's options. */
struct vp_ssh_req {
	const char *ssh;           /* NULL: "ssh" */
	const char *user, *key;    /* may be NULL */
	const char *known_hosts;
	const char *alias;         /* the VM's UUID */
	const char *addr;
	const char *const *cmd;
	size_t n_cmd;
};
char **vp_ssh_argv(const struct vp_ssh_req *r);
void vp_ssh_argv_free(char **argv);

/* Wait until addr:port answers with an SSH banner ("SSH-"), trying every
 * second until timeout_ms has passed (0: once; negative: no end).  VP_ERR_RUNTIME with the
 * last reason when it does not; VP_ERR_CANCELLED on the reporter's cancel
 * flag. */
int vp_ssh_wait_port(const char *addr, unsigned port, int64_t timeout_ms,
		     const struct vp_reporter *r, struct vp_error *err);

#endif
