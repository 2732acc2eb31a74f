/* provision/fetch/xslt.h — libxslt, loaded on first use
 *
 * Unattended install scripts are osinfo-db's XSLT templates; like
 * libarchive (arlib.h) libxslt is dlopen()ed by the commands that render
 * one, so no other command pays for loading it.  libxml2 itself is linked
 * as usual.  Call through the table: vp_xslt.xsltParseStylesheetDoc(doc).
 * Types come from libxslt's own headers with __typeof__, so every call is
 * still type-checked; a function missing from the list fails to compile.
 *
 * Loading installs an error handler that keeps libxslt's messages (they
 * are printed on stderr otherwise) for vp_xslt_last_error(), per thread.
 */
#ifndef VP_XSLT_H
#define VP_XSLT_H

#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "error.h"

#define VP_XSLT_FUNCS(X)                                                                   \
	X(xsltParseStylesheetDoc) X(xsltFreeStylesheet) X(xsltSaveResultToString)           \
	X(xsltNewTransformContext) X(xsltFreeTransformContext) X(xsltApplyStylesheetUser)   \
	X(xsltNewSecurityPrefs) X(xsltFreeSecurityPrefs) X(xsltSetSecurityPrefs)            \
	X(xsltSetCtxtSecurityPrefs) X(xsltSecurityForbid) X(xsltSetGenericErrorFunc)        \
	X(xsltSetTransformErrorFunc)

struct vp_xslt_lib {
#define VP_XSLT_MEMBER(f) __typeof__(f) *f;
	VP_XSLT_FUNCS(VP_XSLT_MEMBER)
#undef VP_XSLT_MEMBER
};

extern struct vp_xslt_lib vp_xslt;

/* Load libxslt.so.1 once per process (thread-safe); -1 with a sentence in
 * err when it cannot be loaded. */
int vp_xslt_load(struct vp_error *err);

/* The first message libxslt reported on this thread since the last call
 * to vp_xslt_clear_error(), or "" when none. */
const char *vp_xslt_last_error(void);
void vp_xslt_clear_error(void);

/* An error handler for xsltSetTransformErrorFunc() and libxml2's
 * xmlSetGenericErrorFunc(): keeps the first message, as above. */
void vp_xslt_keep_error(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
