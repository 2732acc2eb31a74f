/* cmd/vprov.h — how commands are declared, and what the dispatcher hands
 * them.
 *
 * Each command is declared once, as a struct vp_cmd with a table of its
 * options; from that one declaration come the argument parsing
 * (cmd/args.c), `--help`, the command's section of the man page vprov(1)
 * and its bash completion (cmd/doc.c).  Flags in `needs` tell the
 * dispatcher (cmd/main.c) what to set up before run(): the connection
 * (and the roll-back of operations that died on that host), the VM named
 * by the first argument, libvirt's event loop on a thread of its own,
 * signal handlers from the very start.  run() calls one library function
 * and prints what it returns.
 */
#ifndef VP_CMD_VPROV_H
#define VP_CMD_VPROV_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "error.h"
#include "guestaddr.h"
#include "plan.h"
#include "report.h"
#include "virt.h"

enum {
	VP_EXIT_OK = 0,
	VP_EXIT_FAIL = 1,
	VP_EXIT_USAGE = 2,
	VP_EXIT_INTERRUPTED = 130, /* 128 + SIGINT; a SIGTERM gives 143 */
};

enum vp_opt_kind { VP_K_END = 0, VP_K_FLAG, VP_K_VALUE, VP_K_LIST, VP_K_GROUP };

/* What completion offers for an option's value (or a command's argument). */
enum vp_comp {
	VP_COMP_NONE = 0,
	VP_COMP_FILE,
	VP_COMP_VM,
	VP_COMP_POOL,
	VP_COMP_NETWORK,
	VP_COMP_OS,
	VP_COMP_WORDS,     /* the option's words */
};

struct vp_opt {
	enum vp_opt_kind kind;
	char short_name;         /* 0: none */
	const char *name;        /* long name without the dashes; GROUP: its title */
	const char *aliases;     /* other long names, space-separated ("ram") */
	const char *metavar;     /* VALUE, LIST: what the value is ("SIZE") */
	const char *help;        /* lines separated by '\n' */
	enum vp_comp comp;
	const char *words;       /* VP_COMP_WORDS: space-separated */
	bool hidden;             /* not in --help, the man page or completion */
	bool optional;           /* VALUE: may be given bare (value ""); the next argument
	                          * is its value only when it holds a '=' (OPTS) or is
	                          * one of words ("--cloud-init none") */
	const char *same_as;     /* FLAG: another spelling of an option with a value,
	                          * "graphics=none": parsed as --graphics none, in its
	                          * place on the command line (virt-install's older
	                          * spellings: --nographics, --nodisks) */
	const char *refused;     /* why the option is refused (it needs another
	                          * hypervisor): exit 2 with one line naming it */
};

/* A flag; a value (the last one given counts); a repeatable value. */
#define VP_OPT_FLAG(s, n, h, ...) { .kind = VP_K_FLAG, .short_name = (s), .name = (n), .help = (h), __VA_ARGS__ }
#define VP_OPT_VALUE(s, n, meta, h, ...) \
	{ .kind = VP_K_VALUE, .short_name = (s), .name = (n), .metavar = (meta), .help = (h), __VA_ARGS__ }
#define VP_OPT_LIST(s, n, meta, h, ...) \
	{ .kind = VP_K_LIST, .short_name = (s), .name = (n), .metavar = (meta), .help = (h), __VA_ARGS__ }
#define VP_OPT_GROUP(title) { .kind = VP_K_GROUP, .name = (title) }
#define VP_OPT_END { .kind = VP_K_END }

/* What the dispatcher sets up before run(). */
#define VP_NEED_CONN    0x1  /* the connection (and the roll-back of dead operations there) */
#define VP_NEED_DOMAIN  0x2  /* ctx->dom: the VM the first argument names (exit 2 if none) */
#define VP_NEED_EVENTS  0x4  /* libvirt's event loop, on a thread of its own */
#define VP_NEED_SIGNALS 0x8  /* SIGINT/SIGTERM/SIGHUP caught from the start: it unwinds */

struct vp_ctx;
struct vp_args;

struct vp_cmd {
	const char *name;
	const char *args;          /* the arguments, for the usage line: "NAME" */
	const char *arg_what;      /* what a missing first argument is: "a VM name" */
	unsigned min_args, max_args;
	enum vp_comp arg_comp;     /* what completion offers for the arguments */
	const char *summary;       /* one line */
	const char *description;   /* paragraphs (blank line between) for --help and man */
	const struct vp_opt *opts;
	unsigned needs;
	/* checks the arguments before anything is set up (may be NULL): bad
	 * input is reported without waiting on a host */
	int (*check)(struct vp_ctx *ctx, const struct vp_args *a);
	int (*run)(struct vp_ctx *ctx, const struct vp_args *a);
	const struct vp_cmd *const *subcmds; /* a group: vprov osinfo list */
	bool hidden;
};

struct vp_arg_value {
	const struct vp_opt *opt;
	const char *value;         /* NULL for a flag */
};

struct vp_args {
	const struct vp_cmd *cmd;
	const char **pos;          /* the arguments that are not options */
	size_t n_pos;
	struct vp_arg_value *vals; /* the options, in command-line order */
	size_t n_vals;
};

struct vp_ctx {
	char prog[64];             /* "vprov create": the prefix of every message */
	const char *uri;           /* -c/--connect; NULL: $LIBVIRT_DEFAULT_URI, then libvirt's default */
	const struct vp_cmd *cmd;
	virConnectPtr conn;        /* opened by the dispatcher (VP_NEED_CONN) or vp_connect() */
	virDomainPtr dom;          /* VP_NEED_DOMAIN */
	const char *name;          /* the first argument */
	struct vp_reporter reporter;
	bool json;                 /* --json: progress and messages as JSON lines on stderr */
	bool quiet;                /* -q/--quiet: errors only (no notes, warnings, progress) */
	bool debug;                /* -d/--debug: every step and transfer as a timed line */
	bool events;               /* the event loop thread runs */
	bool no_recover;           /* connect without rolling back dead operations (completion) */
};

/* ---- arguments (cmd/args.c) ---- */

/* Parse argv (the command's own, after its name) by the command's table
 * and the common options (-c/--connect, -h/--help).  0: go on; 1: --help
 * was printed; -1: usage error, already reported. */
int vp_args_parse(struct vp_ctx *ctx, const struct vp_cmd *cmd, int argc, char **argv,
		  struct vp_args *out);
void vp_args_clear(struct vp_args *a);

bool vp_arg_flag(const struct vp_args *a, const char *name);
const char *vp_arg_str(const struct vp_args *a, const char *name);  /* the last, or NULL */
size_t vp_arg_count(const struct vp_args *a, const char *name);
const char *vp_arg_nth(const struct vp_args *a, const char *name, size_t i);
const char *vp_arg_pos(const struct vp_args *a, size_t i);           /* NULL past the end */
/* Every occurrence of any of the options names (long names the command
 * declares, NULL-terminated), in command-line order, across options: set
 * *i = 0, then call until NULL.  For commands whose options act in the
 * order given (vprov inject --mkdir /a --write /a/f:x --chmod 0600:/a/f).
 *   size_t i = 0;
 *   for (const struct vp_arg_value *v; (v = vp_arg_next_of(a, names, &i));)
 *           use(v->opt->name, v->value);     (value NULL for a flag) */
const struct vp_arg_value *vp_arg_next_of(const struct vp_args *a, const char *const *names,
					  size_t *i);

/* ---- documentation (cmd/doc.c) ---- */

void vp_print_help(FILE *f, const struct vp_cmd *cmd, const char *prog);
void vp_print_top_help(FILE *f);
void vp_print_man(FILE *f);
void vp_print_bash_completion(FILE *f);

/* ---- the command table (cmd/main.c) ---- */

extern const struct vp_cmd *const vp_commands[];
/* -c/--connect (first) and -h/--help: every command takes them */
extern const struct vp_opt vp_common_opts[];

/* ---- shared (cmd/common.c) ---- */

/* Open the connection once (and roll back what dead operations left on
 * that host, saying so). */
int vp_connect(struct vp_ctx *ctx, struct vp_error *err);

/* "vprov create: <err>" on stderr; returns the exit code err's class
 * (and, for an interrupt, the signal) calls for. */
int vp_fail(const struct vp_ctx *ctx, const struct vp_error *err);
/* "vprov create: <message>" on stderr, and VP_EXIT_USAGE. */
int vp_usage_error(const struct vp_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "vprov create: warning: <message>" (or a JSON line) on stderr. */
#define vp_warn(ctx, ...) vp_report_warn(&(ctx)->reporter, __VA_ARGS__)
/* "vprov create: <message>" (or a JSON line) on stderr. */
#define vp_say(ctx, ...) vp_report_note(&(ctx)->reporter, __VA_ARGS__)

/* The last signal that asked to stop (0: none); the reporter's cancel flag. */
extern volatile sig_atomic_t vp_interrupted;
void vp_catch_signals(void);

/* Test knobs of the commands that apply a plan (create, clone, migrate), for
 * black-box tests on a real host: $VPROV_FAIL_AT=KIND fails instead of
 * running the first step of that kind; $VPROV_TEST_PAUSE=KIND:POINT:FILE
 * (POINT before, intent or after) stops there while FILE exists (at most
 * two minutes), saying so once on stderr.  p holds what the hook reads. */
struct vp_test_pause {
	char kind[32], point[16];
	const char *file;
};
typedef int (*vp_test_hook_fn)(void *opaque, const struct vp_step *st, enum vp_hook_point at);
void vp_test_knobs(const char **fail_at, vp_test_hook_fn *hook, void **hook_opaque,
		   struct vp_test_pause *p);

/* vprov ip's --wait and --source values (vprov ssh takes them too):
 * VP_EXIT_OK, or the exit code after saying what is wrong. */
int vp_addr_args(struct vp_ctx *ctx, const struct vp_args *a, int64_t *wait_ms,
		 enum vp_addr_source *src);

/* The reporter for this command: a progress line on a terminal, plain
 * lines when piped, JSON lines with --json (cmd/report.c). */
void vp_reporter_init(struct vp_ctx *ctx);
/* Clear a progress line left on the terminal. */
void vp_reporter_done(struct vp_ctx *ctx);

/* ---- JSON (cmd/json.c) ---- */

json_object *vp_json_str(const char *s);      /* NULL for NULL */
void vp_json_print(json_object *o);           /* pretty, on stdout, then put */
void vp_json_line(FILE *f, json_object *o);   /* one line, then put */

/* ---- console (cmd/console.c) ---- */

struct vp_console_opts;
int vp_console_session(struct vp_ctx *ctx, const char *name, const struct vp_console_opts *o);

/* ---- osinfo (cmd/common.c) ---- */

struct vp_osinfo;
int vp_osinfo_open_default(const struct vp_ctx *ctx, struct vp_osinfo **db, bool *rebuilt,
			   struct vp_error *err);
void vp_osinfo_done(struct vp_osinfo *db);

extern const struct vp_cmd vp_cmd_fetch, vp_cmd_cache, vp_cmd_image;
extern const struct vp_cmd vp_cmd_create, vp_cmd_list, vp_cmd_info, vp_cmd_start, vp_cmd_stop,
	vp_cmd_destroy, vp_cmd_delete, vp_cmd_xml, vp_cmd_console, vp_cmd_osinfo, vp_cmd_host,
	vp_cmd_recover, vp_cmd_inject, vp_cmd_snapshot, vp_cmd_clone, vp_cmd_migrate;
extern const struct vp_cmd vp_cmd_stats;
extern const struct vp_cmd vp_cmd_pool;
extern const struct vp_cmd vp_cmd_net;
extern const struct vp_cmd vp_cmd_ip, vp_cmd_ssh;

#endif
