/* provision/base/report.c — sending notes, warnings and progress */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "text.h"

void vp_report_message(const struct vp_reporter *r, enum vp_report_level level, const char *msg)
{
	char line[VP_ERROR_MAX];

	if (!r || !r->ops || !r->ops->message)
		return;
	vp_text_escape(msg, line, sizeof(line));
	r->ops->message(r->opaque, r->scope, level, line);
}

static void send(const struct vp_reporter *r, enum vp_report_level level, const char *fmt,
		 va_list ap) __attribute__((format(printf, 3, 0)));
static void send(const struct vp_reporter *r, enum vp_report_level level, const char *fmt,
		 va_list ap)
{
	char msg[VP_ERROR_MAX];

	if (!r || !r->ops || !r->ops->message)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	vp_report_message(r, level, msg);
}

void vp_report_note(const struct vp_reporter *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send(r, VP_REPORT_NOTE, fmt, ap);
	va_end(ap);
}

void vp_report_warn(const struct vp_reporter *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send(r, VP_REPORT_WARNING, fmt, ap);
	va_end(ap);
}

void vp_report_progress(const struct vp_reporter *r, const char *stage, uint64_t done,
			uint64_t total)
{
	char line[VP_ERROR_MAX];

	if (!r || !r->ops || !r->ops->progress)
		return;
	vp_text_escape(stage ? stage : "", line, sizeof(line));
	r->ops->progress(r->opaque, r->scope, line, done, total);
}

void vp_report_bytes(const struct vp_reporter *r, const char *stage, uint64_t done,
		     uint64_t total)
{
	char line[VP_ERROR_MAX];

	if (!r || !r->ops || (!r->ops->bytes && !r->ops->progress))
		return;
	vp_text_escape(stage ? stage : "", line, sizeof(line));
	if (r->ops->bytes)
		r->ops->bytes(r->opaque, r->scope, line, done, total);
	else
		r->ops->progress(r->opaque, r->scope, line, done, total);
}

bool vp_report_cancelled(const struct vp_reporter *r)
{
	return r && r->cancel && *r->cancel;
}
