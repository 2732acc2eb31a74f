/* provision/luks.h — LUKS-encrypted volumes: the passphrase and the
 * libvirt secret that holds it.
 *
 * A volume made with encryption=luks is a qcow2 (or raw) image whose data
 * QEMU encrypts with LUKS; libvirt's storage driver writes the LUKS header
 * when it creates the volume, and QEMU unlocks it when the VM starts, both
 * with the passphrase of a libvirt secret the volume's and the disk's
 * <encryption> name by UUID.  The secret is private (libvirt never hands
 * its value back through its API) and not ephemeral (kept on the host for
 * as long as the volume lives; 'vprov delete' removes both).
 *
 * The passphrase is read from a file (all of it, byte for byte, as
 * cryptsetup --key-file and QEMU's secret file= read one, so the same file
 * opens the image outside libvirt) or generated (32 random bytes, base64).
 * It lives only in memory, is wiped when freed, and travels only as the
 * value of virSecretSetValue: never on a command line, in XML or a log.
 */
#ifndef VP_LUKS_H
#define VP_LUKS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "virt.h"

/* The largest passphrase file read: a passphrase, not a key store. */
#define VP_LUKS_KEY_MAX 65536

struct vp_luks_key {
	unsigned char *data;
	size_t len;
};

/* All of the file at path (a pipe is fine: <(pass show disk)).
 * VP_ERR_INVALID, naming what ("--disk secret-file"), when it cannot be
 * read, is empty or larger than VP_LUKS_KEY_MAX. */
int vp_luks_key_read(const char *path, const char *what, struct vp_luks_key *out,
		     struct vp_error *err);
/* 32 bytes from getrandom(), base64 without padding (43 characters). */
int vp_luks_key_generate(struct vp_luks_key *out, struct vp_error *err);
/* Wipe and free; a cleared key is fine. */
void vp_luks_key_clear(struct vp_luks_key *k);

/* The secret's document (validated against secret.rng): private, not
 * ephemeral, its usage the volume at path. */
int vp_luks_secret_xml(const char *uuid, const char *description, const char *path, char **out,
		       struct vp_error *err);

/* Define the secret and set its value, as a step of an apply (plan.h):
 * the undo ({"kind":"secret","uuid":U,"volume":PATH}) is journalled
 * before it is defined.  ap NULL: no journal. */
struct vp_apply;
int vp_luks_secret_define_step(struct vp_apply *ap, virConnectPtr conn, const char *uuid,
			       const char *description, const char *path,
			       const struct vp_luks_key *key, struct vp_error *err);

/* Undefine the secret uuid, unless it now serves another volume than path
 * (NULL: whatever it serves).  *removed says whether it was removed. */
int vp_luks_secret_remove(virConnectPtr conn, const char *uuid, const char *path, bool *removed,
			  struct vp_error *err);

#endif
