/* cmd/report.c — the reporter the library speaks through (report.h):
 * on a terminal a progress line redrawn in place, when piped plain lines
 * for notes and warnings only, with --json one JSON object per line
 * (on stderr; stdout keeps the command's result). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "vprov.h"

struct term {
	bool tty;
	bool line;               /* a progress line is on the screen */
};

static struct term term;

static void clear_line(void)
{
	if (term.line) {
		fputs("\r\033[K", stderr);
		term.line = false;
	}
}

static void message(void *opaque, const char *scope, enum vp_report_level level, const char *msg)
{
	const struct vp_ctx *ctx = opaque;

	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "event", json_object_new_string(
						   level == VP_REPORT_WARNING ? "warning" : "note"));
		json_object_object_add(o, "command", json_object_new_string(ctx->prog));
		if (scope)
			json_object_object_add(o, "scope", json_object_new_string(scope));
		json_object_object_add(o, "message", json_object_new_string(msg));
		vp_json_line(stderr, o);
		return;
	}
	clear_line();
	fprintf(stderr, "%s: %s%s%s%s\n", ctx->prog, scope ? scope : "", scope ? ": " : "",
		level == VP_REPORT_WARNING ? "warning: " : "", msg);
	fflush(stderr);
}

static void progress(void *opaque, const char *scope, const char *stage, uint64_t done,
		     uint64_t total)
{
	const struct vp_ctx *ctx = opaque;

	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "event", json_object_new_string("progress"));
		json_object_object_add(o, "command", json_object_new_string(ctx->prog));
		if (scope)
			json_object_object_add(o, "scope", json_object_new_string(scope));
		json_object_object_add(o, "stage", json_object_new_string(stage));
		json_object_object_add(o, "done", json_object_new_int64((int64_t)done));
		json_object_object_add(o, "total", json_object_new_int64((int64_t)total));
		vp_json_line(stderr, o);
		return;
	}
	if (!term.tty)
		return; /* quiet when piped */
	clear_line();
	if (total && done >= total)
		return;
	if (total)
		fprintf(stderr, "[%llu/%llu] %s%s%s", (unsigned long long)done + 1,
			(unsigned long long)total, scope ? scope : "", scope ? ": " : "", stage);
	else
		fprintf(stderr, "%s%s%s", scope ? scope : "", scope ? ": " : "", stage);
	fflush(stderr);
	term.line = true;
}

static const struct vp_reporter_ops ops = {
	.message = message,
	.progress = progress,
};

void vp_reporter_init(struct vp_ctx *ctx)
{
	term.tty = isatty(STDERR_FILENO);
	ctx->reporter.ops = &ops;
	ctx->reporter.opaque = ctx;
	ctx->reporter.cancel = &vp_interrupted;
}

void vp_reporter_done(struct vp_ctx *ctx)
{
	(void)ctx;
	clear_line();
	fflush(stderr);
}
