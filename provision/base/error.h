/* provision/base/error.h — one complete sentence per failure, no printing.
 *
 * Library functions return 0 on success and a negative value on failure,
 * after filling a struct vp_error with the reason.  The code tells the
 * caller whether the request was at fault (usage: exit 2) or the host
 * (runtime: exit 1).  Every message is one line: control characters that
 * came with user input or a library's message are escaped (\n, \x01). */
#ifndef VP_ERROR_H
#define VP_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum vp_errcode {
	VP_OK = 0,
	VP_ERR_RUNTIME,   /* the host, libvirt or the guest failed */
	VP_ERR_INVALID,   /* the request itself is wrong */
	VP_ERR_NOT_FOUND, /* something the request names does not exist */
	VP_ERR_EXISTS,    /* something the request would create exists */
	VP_ERR_CANCELLED, /* interrupted by the user */
};

#define VP_ERROR_MAX 1024

struct vp_error {
	enum vp_errcode code;
	int cause;               /* the library's own code behind it (libvirt's
				  * virErrorNumber), 0 when none */
	char msg[VP_ERROR_MAX];
};

/* Fill err (which may be NULL) and return -1. */
int vp_error_set(struct vp_error *err, enum vp_errcode code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vp_error_setv(struct vp_error *err, enum vp_errcode code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Append "; " and a further sentence to an error already set (used when
 * a rollback fails after the first failure). */
void vp_error_append(struct vp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append ": " and why (a library's message: its first line, without a
 * trailing period or blanks; "unknown error" when empty). */
void vp_error_append_reason(struct vp_error *err, const char *why);

#endif
