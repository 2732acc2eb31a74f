/* provision/units.c — sizes, counts and durations typed by users */
#include "units.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit size_units[] = {
	{ "b", 1 },
	{ "k", VP_KiB }, { "kib", VP_KiB }, { "kb", 1000ULL },
	{ "m", VP_MiB }, { "mib", VP_MiB }, { "mb", 1000ULL * 1000 },
	{ "g", VP_GiB }, { "gib", VP_GiB }, { "gb", 1000ULL * 1000 * 1000 },
	{ "t", VP_TiB }, { "tib", VP_TiB }, { "tb", 1000ULL * 1000 * 1000 * 1000 },
	{ "p", VP_PiB }, { "pib", VP_PiB }, { "pb", 1000ULL * 1000 * 1000 * 1000 * 1000 },
};

/* Split "12.345xyz" into integer part, fraction digits and suffix.  Returns
 * -1 when there is no digit at all or the integer part overflows. */
static int split_number(const char *s, uint64_t *ipart, uint64_t *frac, unsigned *frac_digits,
			const char **suffix)
{
	const char *p = s;
	uint64_t v = 0;
	int digits = 0;

	*frac = 0;
	*frac_digits = 0;
	while (isdigit((unsigned char)*p)) {
		if (v > (UINT64_MAX - 9) / 10)
			return -2;
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (*frac_digits < 9) {
				*frac = *frac * 10 + (uint64_t)(*p - '0');
				(*frac_digits)++;
			}
			p++;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	*ipart = v;
	*suffix = p;
	return 0;
}

int vp_parse_size(const char *s, uint64_t default_unit, uint64_t min, uint64_t max,
		  const char *what, uint64_t *out, struct vp_error *err)
{
	uint64_t ipart, frac, factor = default_unit, value, pow10 = 1;
	unsigned frac_digits, i;
	const char *suffix;
	char minbuf[32], maxbuf[32];
	int r;

	if (!s || !*s)
		return vp_error_set(err, VP_ERR_INVALID, "%s needs a size", what);
	if (*s == '-')
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': a size cannot be negative",
				    what, s);
	r = split_number(s, &ipart, &frac, &frac_digits, &suffix);
	if (r == -1)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': not a number", what, s);
	if (r == -2)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': number too large", what, s);
	if (*suffix) {
		const char *u = suffix;

		if (*u == ' ')
			u++;
		for (i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++)
			if (strcasecmp(u, size_units[i].name) == 0)
				break;
		if (i == sizeof(size_units) / sizeof(size_units[0]))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': unknown unit '%s' (use M, G or T)", what, s,
					    suffix);
		factor = size_units[i].factor;
	}
	if (ipart > UINT64_MAX / factor)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': number too large", what, s);
	value = ipart * factor;
	for (i = 0; i < frac_digits; i++)
		pow10 *= 10;
	if (frac) {
		/* frac < 10^9 and factor <= 10^15 or 2^50: split to avoid overflow */
		uint64_t whole = factor / pow10, rest = factor % pow10;
		uint64_t add = frac * whole + (frac * rest) / pow10;

		if (value > UINT64_MAX - add)
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': number too large",
					    what, s);
		value += add;
	}
	if (value < min || value > max) {
		vp_format_size(min, minbuf, sizeof(minbuf));
		vp_format_size(max, maxbuf, sizeof(maxbuf));
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': must be between %s and %s",
				    what, s, minbuf, maxbuf);
	}
	*out = value;
	return 0;
}

int vp_parse_uint(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		  struct vp_error *err)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s)
		return vp_error_set(err, VP_ERR_INVALID, "%s needs a number", what);
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': not a whole number", what, s);
		if (v > (UINT64_MAX - 9) / 10)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': must be between %" PRIu64 " and %" PRIu64,
					    what, s, min, max);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': must be between %" PRIu64 " and %" PRIu64, what, s,
				    min, max);
	*out = v;
	return 0;
}

int vp_parse_duration(const char *s, int64_t max_ms, const char *what, int64_t *out_ms,
		      struct vp_error *err)
{
	uint64_t ipart, frac, factor = 1000, pow10 = 1, ms;
	unsigned frac_digits, i;
	const char *suffix;

	if (!s || !*s)
		return vp_error_set(err, VP_ERR_INVALID, "%s needs a duration", what);
	if (*s == '-') {
		if (split_number(s + 1, &ipart, &frac, &frac_digits, &suffix) < 0 || *suffix)
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': not a duration",
					    what, s);
		*out_ms = -1;
		return 0;
	}
	if (split_number(s, &ipart, &frac, &frac_digits, &suffix) < 0)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': not a duration", what, s);
	if (strcmp(suffix, "") == 0 || strcmp(suffix, "s") == 0)
		factor = 1000;
	else if (strcmp(suffix, "ms") == 0)
		factor = 1;
	else if (strcmp(suffix, "m") == 0 || strcmp(suffix, "min") == 0)
		factor = 60 * 1000;
	else if (strcmp(suffix, "h") == 0)
		factor = 3600 * 1000;
	else
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': unknown unit '%s' (use s, m or h)", what, s,
				    suffix);
	if (ipart > (uint64_t)max_ms / factor)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': too long", what, s);
	for (i = 0; i < frac_digits; i++)
		pow10 *= 10;
	ms = ipart * factor + frac * factor / pow10;
	if (ms > (uint64_t)max_ms)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': too long", what, s);
	*out_ms = (int64_t)ms;
	return 0;
}

void vp_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *names[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	uint64_t unit = VP_KiB;
	int i = -1;

	while (i < 5 && bytes >= unit) {
		i++;
		if (i == 5 || bytes < unit * 1024)
			break;
		unit *= 1024;
	}
	if (i < 0) {
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
		return;
	}
	if (bytes % unit == 0)
		snprintf(buf, len, "%" PRIu64 " %s", bytes / unit, names[i]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)unit, names[i]);
}
