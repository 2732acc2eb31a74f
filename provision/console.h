/* provision/console.h — a VM's serial console: attach to it live, or find
 * and read the log file everything the guest printed is kept in. */
#ifndef VP_CONSOLE_H
#define VP_CONSOLE_H

#include <signal.h>
#include <libvirt/libvirt.h>

#include "error.h"

/* The escape that detaches, as in virsh: Ctrl+] */
#define VP_CONSOLE_ESCAPE 0x1d

/* Relay in_fd to the VM's serial console and the console to out_fd until
 * the VM stops, the user types the escape (only when in_fd is a TTY, which
 * is then put in raw mode and restored), or *cancel is set.  The caller
 * must have called virEventRegisterDefaultImpl() before opening conn. */
int vp_console_attach(virConnectPtr conn, const char *name, int in_fd, int out_fd,
		      volatile sig_atomic_t *cancel, struct vp_error *err);

#endif
