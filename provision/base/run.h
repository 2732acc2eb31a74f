/* provision/base/run.h — running a helper program of the local host
 * (qemu-img, ssh-keygen) quietly, its first line of complaint kept. */
#ifndef VP_RUN_H
#define VP_RUN_H

#include "error.h"

/* Run argv (argv[0] looked up in PATH) with stdin and stdout on
 * /dev/null, and wait for it.  0 when it exits 0; else -1 with err
 * "cannot WHAT: <its first stderr line>" (or "ARGV0 failed" when it said
 * nothing), or, when it cannot be started, "cannot WHAT: cannot run ARGV0:
 * why" followed by hint (may be NULL, e.g. " (install openssh-client)"). */
int vp_run_quiet(const char *what, char *const argv[], const char *hint, struct vp_error *err);

#endif
