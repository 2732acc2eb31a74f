/* provision/host.h — what a libvirt host offers: guest architectures,
 * domain types and machines from its capabilities, whether the connection
 * is local, and where console logs go.  (Whether its KVM works: kvm.h.) */
#ifndef VP_HOST_H
#define VP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include "virt.h"

#include "error.h"

struct vp_guest_caps {
	char *arch;
	char *types[8];        /* domain types: qemu, kvm, test, ... */
	size_t n_types;
	char **machines;       /* names and canonical names */
	size_t n_machines;
};

struct vp_host_caps {
	char *host_arch;
	char *host_uuid;
	struct vp_guest_caps *guests;  /* os_type hvm only */
	size_t n_guests;
};

int vp_host_caps_parse(const char *xml, struct vp_host_caps *out, struct vp_error *err);
int vp_host_caps_get(virConnectPtr conn, struct vp_host_caps *out, struct vp_error *err);
void vp_host_caps_clear(struct vp_host_caps *caps);
const struct vp_guest_caps *vp_host_caps_guest(const struct vp_host_caps *caps, const char *arch);
bool vp_guest_has_type(const struct vp_guest_caps *g, const char *type);
bool vp_guest_has_machine(const struct vp_guest_caps *g, const char *machine);

/* True when the connection's URI names no remote host (files named in
 * the request can be checked here). */
bool vp_conn_is_local(virConnectPtr conn);
bool vp_uri_is_local(const char *uri);

/* $HOME when the connection is this user's local qemu:///session (whose
 * files live under it), else NULL. */
const char *vp_session_home(virConnectPtr conn);

/* The directory for console logs on this connection's host. */
char *vp_console_log_dir(virConnectPtr conn);

#endif
