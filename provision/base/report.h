/* provision/base/report.h — the one way the library speaks while it works:
 * notes, warnings and progress go to a reporter the program implements
 * (cmd/report.c: a progress line on a terminal, plain lines when piped,
 * JSON lines with --json), and the reporter carries the cancel flag that
 * signal handlers set.  The library never prints.
 *
 * A NULL reporter is silent and never cancelled.  scope prefixes what a
 * reporter shows ("host/vm" when many operations run at once). */
#ifndef VP_REPORT_H
#define VP_REPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

enum vp_report_level {
	VP_REPORT_NOTE,      /* what was done or found, worth a line */
	VP_REPORT_WARNING,   /* the request goes on, but not as the user may think */
};

struct vp_reporter_ops {
	/* msg is one line, already escaped */
	void (*message)(void *opaque, const char *scope, enum vp_report_level level,
			const char *msg);
	/* stage: what is being done; done/total: counts (total 0: unknown) */
	void (*progress)(void *opaque, const char *scope, const char *stage, uint64_t done,
			 uint64_t total);
	/* the same for a transfer: done/total are bytes (total 0: unknown);
	 * NULL: progress() gets it */
	void (*bytes)(void *opaque, const char *scope, const char *stage, uint64_t done,
		      uint64_t total);
};

struct vp_reporter {
	const struct vp_reporter_ops *ops;
	void *opaque;
	const char *scope;
	volatile sig_atomic_t *cancel;   /* non-zero: stop at the next step boundary */
};

void vp_report_note(const struct vp_reporter *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vp_report_warn(const struct vp_reporter *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vp_report_message(const struct vp_reporter *r, enum vp_report_level level, const char *msg);
void vp_report_progress(const struct vp_reporter *r, const char *stage, uint64_t done,
			uint64_t total);
/* Progress of a transfer (a download, an upload): done/total in bytes. */
void vp_report_bytes(const struct vp_reporter *r, const char *stage, uint64_t done,
		     uint64_t total);
bool vp_report_cancelled(const struct vp_reporter *r);

#endif
