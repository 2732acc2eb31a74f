/* provision/plan.h — every change to a host is a plan of named steps,
 * resolved first (changing nothing) and applied second (each step's undo
 * journalled before it runs; a failure or an interrupt unwinds them all).
 *
 * Resolution (vp_create_plan and, later, every capability's own) builds a
 * struct vp_plan: its steps in order, each with a kind (the name tests
 * fail on purpose by: "pool", "volume", "define", "start", ...), a one-line
 * description for --dry-run, and details for --dry-run --json.  Warnings
 * found while resolving wait in the plan and are reported only when it
 * goes on, so a request that then fails prints only its error.
 *
 * A step's run function records its undo with vp_apply_intent() before it
 * changes anything and says vp_apply_done() (with what identifies what it
 * made) or vp_apply_failed() after.
 */
#ifndef VP_PLAN_H
#define VP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "error.h"
#include "journal.h"
#include "report.h"
#include "virt.h"

struct vp_apply;
struct vp_step;

typedef int (*vp_step_fn)(struct vp_apply *ap, struct vp_step *st, struct vp_error *err);

struct vp_step {
	const char *kind;        /* static: "pool", "volume", "define", "start", ... */
	char *desc;              /* "create volume 'web1.qcow2' in pool 'default' (20 GiB, qcow2)" */
	json_object *detail;     /* kind-specific fields for --dry-run --json (owned) */
	vp_step_fn run;
	void *data;              /* the step's own (freed with free_data) */
	void (*free_data)(void *data);
};

struct vp_plan {
	char *op;                /* "create" */
	char *subject;           /* "web1" */
	struct vp_step *steps;
	size_t n_steps;
	char **warnings;         /* reported when the plan is applied or printed */
	size_t n_warnings;
	char **notes;            /* what resolving found, said with the warnings */
	size_t n_notes;
	bool warned;             /* they were */
	void *ctx;               /* what the steps share (freed with free_ctx) */
	void (*free_ctx)(void *ctx);
};

/* Test hooks of an apply: VP_HOOK_BEFORE a step runs, VP_HOOK_INTENT
 * once its undo is recorded (it is about to change the host), and
 * VP_HOOK_AFTER it ran. */
enum vp_hook_point { VP_HOOK_BEFORE, VP_HOOK_INTENT, VP_HOOK_AFTER };

struct vp_apply_opts {
	const char *state_dir;           /* journals; NULL: kept in memory only */
	const struct vp_reporter *reporter;
	const char *fail_at;             /* tests: fail instead of running the first step of this kind */
	/* tests: called at each hook point; a non-zero return fails the step */
	int (*hook)(void *opaque, const struct vp_step *st, enum vp_hook_point at);
	void *hook_opaque;
};

struct vp_apply {
	virConnectPtr conn;
	struct vp_plan *plan;
	const struct vp_apply_opts *opts;
	struct vp_journal *journal;
	struct vp_step *step;            /* the step running */
	int open[8];                     /* its journal entries not yet closed */
	size_t n_open;
};

struct vp_plan *vp_plan_new(const char *op, const char *subject);
void vp_plan_free(struct vp_plan *plan);

/* Add a step; desc is printf-formatted.  Returns it, to fill data/detail. */
struct vp_step *vp_plan_add(struct vp_plan *plan, const char *kind, vp_step_fn run,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void vp_plan_warn(struct vp_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A step's details for --dry-run --json: key = value (NULL: JSON null). */
void vp_step_detail_str(struct vp_step *st, const char *key, const char *value);
void vp_step_detail_u64(struct vp_step *st, const char *key, uint64_t value);

/* An undo record of kind ("volume", "domain", ...), for vp_apply_intent(),
 * and its fields (a NULL value is left out). */
json_object *vp_undo_new(const char *kind);
void vp_undo_set(json_object *undo, const char *key, const char *value);

void vp_plan_note(struct vp_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report the plan's notes and warnings (once). */
void vp_plan_report_warnings(struct vp_plan *plan, const struct vp_reporter *r);

/* The plan as JSON: {"op":..,"subject":..,"steps":[{"kind":..,"description":..,...}],
 * "warnings":[..]}; caller puts. */
json_object *vp_plan_to_json(const struct vp_plan *plan);

/* Run the steps in order.  The reporter's cancel flag is checked before
 * and after every step.  On failure or cancel everything done is undone,
 * newest first, and err says why (with what could not be undone).
 * undo (may be NULL) gets what the unwind removed. */
int vp_plan_apply(virConnectPtr conn, struct vp_plan *plan, const struct vp_apply_opts *opts,
		  struct vp_undo_report *undo, struct vp_error *err);

/* For step functions: record the undo of the change about to be made
 * (takes undo).  Returns the entry's index, or -1 (err) when it cannot be
 * recorded: then do not make the change.  A step may record several. */
int vp_apply_intent(struct vp_apply *ap, json_object *undo, struct vp_error *err);
/* The change of entry idx was made; identity (taken, may be NULL) says
 * what it is.  An entry a step leaves open counts as made when the step
 * succeeds; when it fails the entry stays an intent, undone by identity
 * (a call that failed may have made its change all the same). */
void vp_apply_done(struct vp_apply *ap, int idx, json_object *identity);
/* The change of entry idx was certainly not made (e.g. the name was taken). */
void vp_apply_failed(struct vp_apply *ap, int idx);
/* For steps that make the directory dir: record a "dir" undo for it and
 * each missing directory above it, outermost first (the order they will be
 * made in, so the unwind removes the innermost first, and only while
 * empty).  0, or -1 (err) when one cannot be recorded. */
int vp_apply_missing_dirs(struct vp_apply *ap, const char *dir, struct vp_error *err);

#endif
