/* provision/units.h — the one place numbers from users are parsed */
#ifndef VP_UNITS_H
#define VP_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define VP_KiB 1024ULL
#define VP_MiB (1024ULL * VP_KiB)
#define VP_GiB (1024ULL * VP_MiB)
#define VP_TiB (1024ULL * VP_GiB)
#define VP_PiB (1024ULL * VP_TiB)

/* A size such as "2048", "2G", "512MiB", "1.5G" or "10GB", in bytes.
 * A bare number is in default_unit.  K/M/G/T/P and KiB..PiB are powers of
 * 1024, KB..PB powers of 1000 (as libvirt spells them), B is bytes; units
 * are case-insensitive.  The result must lie in [min, max].  what names the
 * value in the error ("--memory", "--disk size").  Fractions are truncated
 * to whole bytes. */
int vp_parse_size(const char *s, uint64_t default_unit, uint64_t min, uint64_t max,
		  const char *what, uint64_t *out, struct vp_error *err);

/* A whole decimal number in [min, max]; no sign, no spaces, no units. */
int vp_parse_uint(const char *s, uint64_t min, uint64_t max, const char *what,
		  uint64_t *out, struct vp_error *err);

/* A duration in milliseconds: "30" (seconds), "30s", "500ms", "5m", "1h".
 * "-1" (or any negative number) means forever and gives -1.  max is in
 * milliseconds. */
int vp_parse_duration(const char *s, int64_t max_ms, const char *what, int64_t *out_ms,
		      struct vp_error *err);

/* "20 GiB", "1.5 GiB", "512 MiB", "1000 bytes": binary units, at most one
 * decimal, exact when the value is a whole number of the unit. */
void vp_format_size(uint64_t bytes, char *buf, size_t len);

#endif
