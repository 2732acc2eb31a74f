/* provision/error.c — filling struct vp_error */
#include "error.h"

#include <stdio.h>
#include <string.h>
#include "virt.h"

static void set_va(struct vp_error *err, enum vp_errcode code, const char *fmt, va_list ap)
{
	if (!err)
		return;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int vp_error_set(struct vp_error *err, enum vp_errcode code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_va(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

/* libvirt messages often end with a newline or a period; our sentences do
 * not.  Copy one in, trimmed, with its first line only. */
static void append_libvirt(struct vp_error *err)
{
	const char *why = virGetLastErrorMessage();
	size_t len = strlen(err->msg);
	size_t n;

	if (!why || !*why || strcmp(why, "no error") == 0)
		why = "unknown libvirt error";
	n = strcspn(why, "\n");
	while (n > 0 && (why[n - 1] == '.' || why[n - 1] == ' '))
		n--;
	if (len + 2 < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %.*s", (int)n, why);
}

int vp_error_libvirt(struct vp_error *err, enum vp_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	set_va(err, code, fmt, ap);
	va_end(ap);
	append_libvirt(err);
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
}

int vp_libvirt_error_is(int code)
{
	virErrorPtr e = virGetLastError();

	return e && e->code == code;
}

void vp_init(void)
{
	vp_libvirt_load(NULL);
}
