/* provision/base/text.c — escaping and checking text from users */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool vp_text_escape(const char *in, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	if (!outlen)
		return false;
	while (*p) {
		char esc[8];
		const char *piece;
		size_t plen;
		uint32_t cp;
		size_t n = utf8_len(p, &cp);

		if (n == 1 && (cp < 0x20 || cp == 0x7f)) {
			switch (cp) {
			case '\n': piece = "\\n"; break;
			case '\t': piece = "\\t"; break;
			case '\r': piece = "\\r"; break;
			case 0x1b: piece = "\\e"; break;
			default:
				snprintf(esc, sizeof(esc), "\\x%02x", cp);
				piece = esc;
			}
			plen = strlen(piece);
			n = 1;
		} else if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			piece = esc;
			plen = 4;
			n = 1;
		} else {
			piece = (const char *)p;
			plen = n;
		}
		/* room for this piece and, should more follow, "..." */
		if (o + plen + (p[n] ? 3 : 0) >= outlen) {
			if (o + 3 < outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			out[o] = '\0';
			return false;
		}
		memcpy(out + o, piece, plen);
		o += plen;
		p += n;
	}
	out[o] = '\0';
	return true;
}

void vp_text_escape_inplace(char *s, size_t cap)
{
	char *copy;

	if (!vp_text_bad(s))
		return;
	copy = vp_strdup(s);
	vp_text_escape(copy, s, cap);
	free(copy);
}

const char *vp_text_bad(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		uint32_t cp;
		size_t n = utf8_len(p, &cp);

		if (n == 0 || cp < 0x20 || cp == 0x7f || cp == 0xfffe || cp == 0xffff)
			return (const char *)p;
		p += n;
	}
	return NULL;
}
