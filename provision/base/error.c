/* provision/base/error.c — filling struct vp_error */
#include "error.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

int vp_error_setv(struct vp_error *err, enum vp_errcode code, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->code = code;
	err->cause = 0;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	vp_text_escape_inplace(err->msg, sizeof(err->msg));
	return -1;
}

int vp_error_set(struct vp_error *err, enum vp_errcode code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_error_setv(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

void vp_error_append(struct vp_error *err, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return;
	len = strlen(err->msg);
	if (len + 3 >= sizeof(err->msg))
		return;
	memcpy(err->msg + len, "; ", 2);
	len += 2;
	va_start(ap, fmt);
	vsnprintf(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
	vp_text_escape_inplace(err->msg, sizeof(err->msg));
}

void vp_error_append_reason(struct vp_error *err, const char *why)
{
	size_t len, n;

	if (!err)
		return;
	if (!why || !*why)
		why = "unknown error";
	/* the first line, without the period or blanks libraries end with */
	n = strcspn(why, "\n");
	while (n > 0 && (why[n - 1] == '.' || why[n - 1] == ' ' || why[n - 1] == '\r'))
		n--;
	len = strlen(err->msg);
	if (len + 2 < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %.*s", (int)n, why);
	vp_text_escape_inplace(err->msg, sizeof(err->msg));
}
