/* cmd/report.c — the reporter the library speaks through (report.h):
 * on a terminal a progress line redrawn in place, when piped plain lines
 * for notes and warnings only, with --json one JSON object per line
 * (on stderr; stdout keeps the command's result). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "units.h"
#include "vprov.h"

struct term {
	bool tty;
	int64_t t0;              /* when the command began (--debug's clock) */
	char last[128];          /* --debug: the last stage shown */
	bool line;               /* a progress line is on the screen */
	struct {                 /* transfers under way: when each began */
		char stage[64];
		int64_t t0;
		uint64_t done0;
	} xfer[4];
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

	if (ctx->quiet)
		return;  /* errors are not reported through here */
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

/* --debug: a stage as a line with the time since the command began, once
 * per stage (a transfer's many updates are one line at its start and one at
 * its end) */
static void debug_line(const struct vp_ctx *ctx, const char *scope, const char *stage,
		       uint64_t done, uint64_t total, bool is_bytes)
{
	char key[sizeof(term.last)], d[32] = "", t[32] = "";
	double secs = (double)(vp_now_ms() - term.t0) / 1000.0;
	bool end = total && done >= total;

	snprintf(key, sizeof(key), "%s/%s/%d", scope ? scope : "", stage, end);
	if (!strcmp(key, term.last))
		return;
	snprintf(term.last, sizeof(term.last), "%s", key);
	clear_line();
	if (is_bytes) {
		vp_format_size(done, d, sizeof(d));
		if (total)
			vp_format_size(total, t, sizeof(t));
		fprintf(stderr, "%s: debug: +%.3f s %s%s%s: %s%s%s%s\n", ctx->prog, secs,
			scope ? scope : "", scope ? ": " : "", stage, end ? "done, " : "", d,
			total ? " of " : "", t);
	} else if (total) {
		fprintf(stderr, "%s: debug: +%.3f s [%llu/%llu] %s%s%s\n", ctx->prog, secs,
			(unsigned long long)(end ? done : done + 1), (unsigned long long)total,
			scope ? scope : "", scope ? ": " : "", stage);
	} else {
		fprintf(stderr, "%s: debug: +%.3f s %s%s%s\n", ctx->prog, secs, scope ? scope : "",
			scope ? ": " : "", stage);
	}
	fflush(stderr);
}

static void progress(void *opaque, const char *scope, const char *stage, uint64_t done,
		     uint64_t total)
{
	const struct vp_ctx *ctx = opaque;

	if (ctx->quiet)
		return;
	if (ctx->debug && !ctx->json) {
		debug_line(ctx, scope, stage, done, total, false);
		return;
	}
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

/* A transfer: on a terminal "download initrd [#####.....] 12.3 MiB / 38.9
 * MiB, 4.1 MiB/s, 0:06 left", redrawn in place; as JSON lines with the
 * byte counts (progress() does those). */
static void bytes(void *opaque, const char *scope, const char *stage, uint64_t done,
		  uint64_t total)
{
	const struct vp_ctx *ctx = opaque;
	int64_t now = vp_now_ms();
	char d[32], t[32], rate[32] = "", eta[32] = "", bar[24];
	size_t i, slot = 0, fill;
	double bps = 0;

	if (ctx->quiet)
		return;
	if (ctx->debug && !ctx->json) {
		debug_line(ctx, scope, stage, done, total, true);
		return;
	}
	if (ctx->json || !term.tty) {
		progress(opaque, scope, stage, done, total);
		return;
	}
	for (i = 0; i < sizeof(term.xfer) / sizeof(term.xfer[0]); i++) {
		if (!strncmp(term.xfer[i].stage, stage, sizeof(term.xfer[i].stage) - 1)) {
			slot = i;
			break;
		}
		if (term.xfer[i].t0 < term.xfer[slot].t0)
			slot = i;
	}
	if (strncmp(term.xfer[slot].stage, stage, sizeof(term.xfer[slot].stage) - 1) != 0 ||
	    done < term.xfer[slot].done0) {
		snprintf(term.xfer[slot].stage, sizeof(term.xfer[slot].stage), "%s", stage);
		term.xfer[slot].t0 = now;
		term.xfer[slot].done0 = done;
	}
	clear_line();
	if (total && done >= total)
		return;
	vp_format_size(done, d, sizeof(d));
	if (now - term.xfer[slot].t0 >= 300) {
		bps = (double)(done - term.xfer[slot].done0) * 1000.0 / (double)(now - term.xfer[slot].t0);
		vp_format_size((uint64_t)bps, rate, sizeof(rate) - 3);
		strcat(rate, "/s");
	}
	if (total) {
		fill = (size_t)((double)done / (double)total * 20.0);
		for (i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[20] = '\0';
		vp_format_size(total, t, sizeof(t));
		if (bps > 0) {
			uint64_t left = (uint64_t)((double)(total - done) / bps);

			snprintf(eta, sizeof(eta), ", %llu:%02llu left", (unsigned long long)(left / 60),
				 (unsigned long long)(left % 60));
		}
		fprintf(stderr, "%s%s%s [%s] %s / %s%s%s%s", scope ? scope : "", scope ? ": " : "", stage,
			bar, d, t, *rate ? ", " : "", rate, eta);
	} else {
		fprintf(stderr, "%s%s%s %s%s%s", scope ? scope : "", scope ? ": " : "", stage, d,
			*rate ? ", " : "", rate);
	}
	fflush(stderr);
	term.line = true;
}

static const struct vp_reporter_ops ops = {
	.message = message,
	.progress = progress,
	.bytes = bytes,
};

void vp_reporter_init(struct vp_ctx *ctx)
{
	term.tty = isatty(STDERR_FILENO);
	term.t0 = vp_now_ms();
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
