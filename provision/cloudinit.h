/* provision/cloudinit.h — a create's cloud-init NoCloud seed: built while
 * resolving (provision/cloud/seed.h reads the key and data files then),
 * uploaded by a "seed" step as the VM's own volume NAME-cidata.iso in the
 * boot pool, attached as a read-only virtio disk (Debian's cloud kernel
 * has no AHCI driver) with SMBIOS ds=nocloud.  The seed stays with the VM
 * across reboots and restarts; `vprov delete` removes it. */
#ifndef VP_CLOUDINIT_H
#define VP_CLOUDINIT_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"
#include "spec.h"
#include "virt.h"

struct vp_cloudinit;

/* Build the seed from s->cloud (bare, or defaults true: virt-install's
 * bare --cloud-init) and add its disk to s.  *out is NULL when the
 * request has no seed (--cloud-init none, or neither asked nor
 * defaults).  Nothing on the host changes; an existing volume of the
 * seed's name is an error.  The SSH key the seed gives and its user go
 * into s->cloud.ssh_user/ssh_key (provision/sshlogin.h); vprov's own key
 * is made here when it is needed and missing, unless dry (then the plan
 * says it would be). */
int vp_cloudinit_resolve(virConnectPtr conn, struct vp_domain_spec *s, const char *pool,
			 bool defaults, bool dry, const char *cache_dir, struct vp_plan *plan,
			 struct vp_cloudinit **out, struct vp_error *err);
void vp_cloudinit_free(struct vp_cloudinit *ci);

/* The "seed" step (after the pools exist). */
void vp_cloudinit_add_steps(struct vp_cloudinit *ci, struct vp_plan *plan);

/* A root password generated for the seed, to show once (NULL: none). */
const char *vp_cloudinit_password(const struct vp_cloudinit *ci);

#endif
