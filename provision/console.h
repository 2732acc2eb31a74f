/* provision/console.h — a VM's serial console: attach to it live, or find
 * and read the log file everything the guest printed is kept in. */
#ifndef VP_CONSOLE_H
#define VP_CONSOLE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "virt.h"

#include "error.h"

/* The escape that detaches, as in virsh: Ctrl+] */
#define VP_CONSOLE_ESCAPE 0x1d

struct vp_console_opts {
	int64_t timeout_ms;      /* detach after this long; < 0: no limit */
	bool force;              /* take the console over from another session */
	/* Called every ~50 ms while attached, from the waiting thread; a
	 * non-zero return ends the attach (VP_CONSOLE_ENDED).  May be NULL. */
	int (*tick)(void *opaque);
	/* Called once the console is open, before the terminal goes raw and
	 * before anything is relayed (the caller's moment to say so); tty
	 * tells whether in_fd is a terminal.  May be NULL. */
	void (*on_open)(void *opaque, bool tty);
	void *opaque;
};

/* Why an attach ended without an error. */
enum vp_console_end {
	VP_CONSOLE_STOPPED,      /* the VM stopped (end of the stream) */
	VP_CONSOLE_DETACHED,     /* the user typed the escape */
	VP_CONSOLE_TIMED_OUT,    /* opts->timeout_ms passed */
	VP_CONSOLE_ENDED,        /* opts->tick said so */
};

/* Relay in_fd (-1: none) to the VM's serial console and the console to
 * out_fd until the VM stops, the user types the escape (only when in_fd is a TTY, which
 * is then put in raw mode and restored before this returns, whatever the
 * outcome), the timeout passes, or *cancel is set (VP_ERR_CANCELLED).
 * When in_fd is not a TTY, its end stops the input only: the output is
 * still relayed.  opts may be NULL (no timeout, no force); end may be
 * NULL.  A VM that does not run is a VP_ERR_RUNTIME failure, an unknown
 * one VP_ERR_NOT_FOUND.  A paused VM can be attached to (nothing is
 * lost of what it prints once resumed).  libvirt's default event loop
 * must run on a thread of the program's (registered before conn was
 * opened); the caller waits here, callbacks run there.  The caller
 * should ignore SIGPIPE so that a closed out_fd is an error rather than
 * death in raw mode. */
int vp_console_attach(virDomainPtr dom, int in_fd, int out_fd, const struct vp_console_opts *opts,
		      volatile sig_atomic_t *cancel, enum vp_console_end *end,
		      struct vp_error *err);

/* Copy the console log of VM name (running or not) to out_fd, in chunks.
 * The file is read on this machine, so a remote conn is a failure that
 * names the path on the remote host; so is a VM without a console log.
 * A log that does not exist yet (the VM never started) copies nothing and
 * succeeds. */
int vp_console_log_copy(virDomainPtr dom, int out_fd, struct vp_error *err);

#endif
