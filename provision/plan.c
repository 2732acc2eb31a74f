/* provision/plan.c — plans of named steps and their journalled apply */
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "cleanup.h"

struct vp_plan *vp_plan_new(const char *op, const char *subject)
{
	struct vp_plan *p = vp_calloc(1, sizeof(*p));

	p->op = vp_strdup(op);
	p->subject = vp_strdup(subject);
	return p;
}

void vp_plan_free(struct vp_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n_steps; i++) {
		struct vp_step *st = &plan->steps[i];

		free(st->desc);
		json_object_put(st->detail);
		if (st->free_data)
			st->free_data(st->data);
	}
	free(plan->steps);
	for (i = 0; i < plan->n_warnings; i++)
		free(plan->warnings[i]);
	free(plan->warnings);
	for (i = 0; i < plan->n_notes; i++)
		free(plan->notes[i]);
	free(plan->notes);
	if (plan->free_ctx)
		plan->free_ctx(plan->ctx);
	free(plan->op);
	free(plan->subject);
	free(plan);
}

struct vp_step *vp_plan_add(struct vp_plan *plan, const char *kind, vp_step_fn run,
			    const char *fmt, ...)
{
	struct vp_step *st;
	va_list ap;

	plan->steps = vp_grow(plan->steps, plan->n_steps + 1, sizeof(*plan->steps));
	st = &plan->steps[plan->n_steps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->run = run;
	va_start(ap, fmt);
	if (vasprintf(&st->desc, fmt, ap) < 0)
		vp_oom();
	va_end(ap);
	return st;
}

static __attribute__((format(printf, 3, 0))) void add_msg(char ***list, size_t *n, const char *fmt,
							      va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		vp_oom();
	*list = vp_grow(*list, *n + 1, sizeof(char *));
	(*list)[(*n)++] = msg;
}

void vp_plan_warn(struct vp_plan *plan, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(&plan->warnings, &plan->n_warnings, fmt, ap);
	va_end(ap);
}

void vp_plan_note(struct vp_plan *plan, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(&plan->notes, &plan->n_notes, fmt, ap);
	va_end(ap);
}

void vp_plan_report_warnings(struct vp_plan *plan, const struct vp_reporter *r)
{
	size_t i;

	if (plan->warned)
		return;
	for (i = 0; i < plan->n_notes; i++)
		vp_report_note(r, "%s", plan->notes[i]);
	for (i = 0; i < plan->n_warnings; i++)
		vp_report_warn(r, "%s", plan->warnings[i]);
	plan->warned = true;
}

json_object *vp_plan_to_json(const struct vp_plan *plan)
{
	json_object *o = json_object_new_object();
	json_object *steps = json_object_new_array();
	json_object *warnings = json_object_new_array();
	size_t i;

	json_object_object_add(o, "op", json_object_new_string(plan->op));
	json_object_object_add(o, "subject", json_object_new_string(plan->subject ? plan->subject : ""));
	for (i = 0; i < plan->n_steps; i++) {
		const struct vp_step *st = &plan->steps[i];
		json_object *s = json_object_new_object();

		json_object_object_add(s, "kind", json_object_new_string(st->kind));
		json_object_object_add(s, "description", json_object_new_string(st->desc));
		if (st->detail) {
			json_object_object_foreach(st->detail, k, v)
				json_object_object_add(s, k, json_object_get(v));
		}
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	for (i = 0; i < plan->n_warnings; i++)
		json_object_array_add(warnings, json_object_new_string(plan->warnings[i]));
	json_object_object_add(o, "warnings", warnings);
	warnings = json_object_new_array();
	for (i = 0; i < plan->n_notes; i++)
		json_object_array_add(warnings, json_object_new_string(plan->notes[i]));
	json_object_object_add(o, "notes", warnings);
	return o;
}

static void close_entry(struct vp_apply *ap, int idx)
{
	size_t i;

	for (i = 0; i < ap->n_open; i++)
		if (ap->open[i] == idx) {
			ap->open[i] = ap->open[--ap->n_open];
			return;
		}
}

int vp_apply_intent(struct vp_apply *ap, json_object *undo, struct vp_error *err)
{
	const struct vp_apply_opts *o = ap->opts;
	int idx;

	if (ap->n_open == sizeof(ap->open) / sizeof(ap->open[0])) {
		json_object_put(undo);
		return vp_error_set(err, VP_ERR_RUNTIME, "step '%s' keeps too many changes open",
				    ap->step->kind);
	}
	idx = vp_journal_intent(ap->journal, undo, err);
	if (idx < 0)
		return -1;
	if (o->hook && o->hook(o->hook_opaque, ap->step, VP_HOOK_INTENT) != 0) {
		vp_journal_failed(ap->journal, idx);
		return vp_error_set(err, VP_ERR_RUNTIME, "failing on purpose in step '%s' (test)",
				    ap->step->kind);
	}
	ap->open[ap->n_open++] = idx;
	return idx;
}

void vp_apply_done(struct vp_apply *ap, int idx, json_object *identity)
{
	vp_journal_done(ap->journal, idx, identity);
	close_entry(ap, idx);
}

void vp_apply_failed(struct vp_apply *ap, int idx)
{
	vp_journal_failed(ap->journal, idx);
	close_entry(ap, idx);
}

static int cancelled(const struct vp_apply *ap, struct vp_error *err)
{
	if (!vp_report_cancelled(ap->opts->reporter))
		return 0;
	return vp_error_set(err, VP_ERR_CANCELLED, "interrupted");
}

int vp_plan_apply(virConnectPtr conn, struct vp_plan *plan, const struct vp_apply_opts *opts,
		  struct vp_undo_report *undo, struct vp_error *err)
{
	struct vp_apply ap = { .conn = conn, .plan = plan, .opts = opts };
	const struct vp_reporter *r = opts->reporter;
	size_t i;

	if (undo)
		memset(undo, 0, sizeof(*undo));
	if (cancelled(&ap, err) < 0) {
		vp_error_append(err, "nothing was made");
		return -1;
	}
	vp_plan_report_warnings(plan, r);
	if (vp_journal_begin(conn, opts->state_dir, plan->op, plan->subject, &ap.journal, err) < 0)
		return -1;
	for (i = 0; i < plan->n_steps; i++) {
		struct vp_step *st = &plan->steps[i];
		int rc;

		ap.step = st;
		if (cancelled(&ap, err) < 0)
			goto unwind;
		if (opts->fail_at && !strcmp(opts->fail_at, st->kind)) {
			vp_error_set(err, VP_ERR_RUNTIME, "failing on purpose at step '%s' (test)",
				     st->kind);
			goto unwind;
		}
		if (opts->hook && opts->hook(opts->hook_opaque, st, VP_HOOK_BEFORE) != 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "failing on purpose before step '%s' (test)",
				     st->kind);
			goto unwind;
		}
		vp_report_progress(r, st->desc, i, plan->n_steps);
		rc = st->run(&ap, st, err);
		/* entries the step left open: made when it succeeded; when it
		 * failed they stay intents, undone by identity (a call that
		 * failed may still have made its change, e.g. when the
		 * connection broke before the answer came back) */
		while (ap.n_open) {
			if (rc == 0)
				vp_apply_done(&ap, ap.open[0], NULL);
			else
				close_entry(&ap, ap.open[0]);
		}
		if (rc < 0)
			goto unwind;
		if (opts->hook && opts->hook(opts->hook_opaque, st, VP_HOOK_AFTER) != 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "failing on purpose after step '%s' (test)",
				     st->kind);
			goto unwind;
		}
	}
	/* an interrupt during the last step is honoured too */
	if (cancelled(&ap, err) < 0)
		goto unwind;
	vp_report_progress(r, "done", plan->n_steps, plan->n_steps);
	vp_journal_commit(ap.journal);
	return 0;
unwind:
	{
		struct vp_undo_report local = { 0 };
		bool was_cancel = err && err->code == VP_ERR_CANCELLED;
		int u = vp_journal_unwind(ap.journal, conn, undo ? undo : &local, err);

		if (was_cancel && u == 0)
			vp_error_append(err, i == 0 ? "nothing was made" : "everything made was removed");
		vp_undo_report_clear(&local);
	}
	vp_journal_free(ap.journal);
	return -1;
}

void vp_step_detail_str(struct vp_step *st, const char *key, const char *value)
{
	if (!st->detail)
		st->detail = json_object_new_object();
	json_object_object_add(st->detail, key, value ? json_object_new_string(value) : NULL);
}

void vp_step_detail_u64(struct vp_step *st, const char *key, uint64_t value)
{
	if (!st->detail)
		st->detail = json_object_new_object();
	json_object_object_add(st->detail, key, json_object_new_int64((int64_t)value));
}

json_object *vp_undo_new(const char *kind)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	return o;
}

void vp_undo_set(json_object *undo, const char *key, const char *value)
{
	if (value)
		json_object_object_add(undo, key, json_object_new_string(value));
}

int vp_apply_missing_dirs(struct vp_apply *ap, const char *dir, struct vp_error *err)
{
	char *missing[64];
	size_t n = 0, i;
	char *p = vp_strdup(dir);
	struct stat st;
	int r = 0;

	while (n < sizeof(missing) / sizeof(missing[0]) && p[0] == '/' && p[1] &&
	       stat(p, &st) < 0 && errno == ENOENT) {
		const char *s = strrchr(p, '/');
		char *up = vp_strndup(p, s == p ? 1 : (size_t)(s - p));

		missing[n++] = p;
		p = up;
	}
	free(p);
	for (i = n; i-- > 0;) {
		json_object *u = vp_undo_new("dir");
		int idx;

		vp_undo_set(u, "path", missing[i]);
		if (r == 0 && (idx = vp_apply_intent(ap, u, err)) >= 0)
			vp_apply_done(ap, idx, NULL);
		else if (r == 0)
			r = -1;
		else
			json_object_put(u);
		free(missing[i]);
	}
	return r;
}
