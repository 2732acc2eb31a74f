/* provision/metadata.h — what vprov records in a domain's <metadata>.
 *
 *   <metadata>
 *     <vprov:vm xmlns:vprov="https://vprov.dev/xmlns/domain/1" version="0.1.0">
 *       <vprov:profile id="http://debian.org/debian/12" short-id="debian12"/>
 *       <vprov:spec-hash>sha256 hex</vprov:spec-hash>
 *       <vprov:volume role="disk" owned="yes" pool="default" name="web1.qcow2" path="..."/>
 *       <vprov:volume role="backing" owned="no" pool="images" name="base.qcow2" path="..."/>
 *       <vprov:volume role="disk" owned="yes" ... encryption="luks" secret="UUID"/>
 *       <vprov:reservation network="lab" mac="52:54:00:12:34:56" ip="192.168.150.10"/>
 *       <vprov:ssh user="root" key="/root/.ssh/id_ed25519"/>
 *     </vprov:vm>
 *   </metadata>
 *
 * "owned" volumes were created by vprov for this VM and go with it on
 * delete; the others (existing disks, backing images) are only used.  An
 * encrypted volume names the libvirt secret holding its passphrase, which
 * goes with it.
 * Reservations are DHCP host entries vprov added to a network for the VM's
 * NICs (--network network=lab,ip=...); they go with it on delete too.
 * "ssh" names the private key whose .pub vprov put into the cloud-init
 * seed, and the user it logs in as (`vprov ssh`, provision/sshlogin.h);
 * either attribute may be missing.
 */
#ifndef VP_METADATA_H
#define VP_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

#include "error.h"

#define VP_META_NS "https://vprov.dev/xmlns/domain/1"
#define VP_META_PREFIX "vprov"
#define VP_META_ROOT "vm"

struct vp_meta_volume {
	char *role;   /* disk | backing */
	bool owned;
	char *pool, *name, *path;
	char *encryption;      /* luks, or NULL */
	char *secret;          /* UUID of the secret holding its passphrase */
};

struct vp_meta_reservation {
	char *network, *mac, *ip;
};

struct vp_meta {
	bool present;          /* the domain carries vprov metadata */
	char *version;
	char *spec_hash;
	char *os_id, *os_short_id;     /* the OS profile it was made from */
	struct vp_meta_volume *vols;
	size_t n_vols;
	struct vp_meta_reservation *resv;
	size_t n_resv;
	char *ssh_user, *ssh_key;      /* <vprov:ssh>: NULL when not recorded */
};

/* Read vprov's metadata from a domain document (absent: present=false). */
int vp_meta_read(xmlDocPtr domain, struct vp_meta *out, struct vp_error *err);
void vp_meta_clear(struct vp_meta *m);

/* Mark the volume v (pool/name, or path) owned by the domain in doc,
 * adding it when vprov's record does not list it (with its secret, when it
 * is encrypted: the secret goes with the volume), and give the record's
 * new text (the <vprov:vm> element, for virDomainSetMetadata) in *out.
 * -1 when doc carries no vprov record. */
int vp_meta_take_volume(xmlDocPtr domain, const struct vp_meta_volume *v, char **out,
			struct vp_error *err);

#endif
