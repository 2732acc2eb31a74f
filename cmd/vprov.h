/* cmd/vprov.h — what every command file shares: the entry struct, the
 * context the dispatcher hands over, and the reporting helpers. */
#ifndef VP_CMD_VPROV_H
#define VP_CMD_VPROV_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include "virt.h"

#include "error.h"

enum {
	VP_EXIT_OK = 0,
	VP_EXIT_FAIL = 1,
	VP_EXIT_USAGE = 2,
	VP_EXIT_INTERRUPTED = 130,
};

/* Command flags. */
#define VP_CMD_EVENTS 0x1  /* needs libvirt's event loop (console streams) */

struct vp_ctx {
	const char *prog;        /* "vprov create": the prefix of every message */
	const char *uri;         /* -c/--connect; NULL: LIBVIRT_DEFAULT_URI, then libvirt's default */
	const struct vp_cmd *cmd;
	virConnectPtr conn;      /* opened by vp_connect(), closed by main */
};

struct vp_cmd {
	const char *name;
	const char *usage;       /* "NAME [options]" */
	const char *summary;     /* one line for 'vprov --help' */
	const char *help;        /* the options, for 'vprov CMD --help' */
	unsigned flags;
	int (*run)(int argc, char **argv, struct vp_ctx *ctx);
	const struct vp_cmd *subcmds;
};

/* Open the connection (once).  Commands call it after their arguments
 * parsed, so bad input is reported without waiting on libvirtd. */
int vp_connect(struct vp_ctx *ctx, struct vp_error *err);

/* "vprov create: <err>" on stderr; returns the exit code for err. */
int vp_report(const struct vp_ctx *ctx, const struct vp_error *err);
/* "vprov create: <message>" on stderr, and VP_EXIT_USAGE. */
int vp_usage_error(const struct vp_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "vprov create: warning: <message>" on stderr. */
void vp_warn(const struct vp_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the command's --help. */
int vp_help(const struct vp_ctx *ctx);

/* Shared getopt handling: -c/--connect and -h/--help.  Returns 1 when opt
 * was one of them (and handled), 0 when not, -1 on --help (exit 0). */
#define VP_COMMON_SHORT ":c:h"
#define VP_COMMON_LONG { "connect", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' }
int vp_common_opt(struct vp_ctx *ctx, int opt, const char *arg);
/* Report an unknown option or a missing argument found by getopt. */
int vp_bad_opt(const struct vp_ctx *ctx, int opt, char **argv);

/* Exactly one positional NAME after the options; -1 after reporting. */
/* For commands that take only NAME and the common options: -1 usage error
 * (reported), 0 --help shown, 1 go on with *name. */
int vp_parse_name_only(struct vp_ctx *ctx, int argc, char **argv, const char **name);
int vp_one_name(const struct vp_ctx *ctx, int argc, char **argv, const char **name);

/* Set by SIGINT/SIGTERM/SIGHUP once vp_catch_signals() ran. */
extern volatile sig_atomic_t vp_interrupted;
void vp_catch_signals(void);

/* Attach the terminal to VM name's serial console (cmd/console.c): the
 * banner, signals, terminal restore; returns the exit code. */
struct vp_console_opts;
int vp_console_session(struct vp_ctx *ctx, const char *name, const struct vp_console_opts *o);

/* Open the OS database the way libosinfo finds it ($OSINFO_*_DIR), with
 * the index cached under vp_cache_dir(); unreadable files are warnings. */
struct vp_osinfo;
int vp_osinfo_open_default(const struct vp_ctx *ctx, struct vp_osinfo **db, bool *rebuilt,
			   struct vp_error *err);
/* Close it; when a lookup was answered past a stale index, rebuild the
 * index in a detached 'vprov osinfo reindex'. */
void vp_osinfo_done(struct vp_osinfo *db);


extern const struct vp_cmd vp_cmd_create, vp_cmd_list, vp_cmd_info, vp_cmd_start, vp_cmd_stop,
	vp_cmd_destroy, vp_cmd_delete, vp_cmd_xml, vp_cmd_console, vp_cmd_osinfo;

#endif
