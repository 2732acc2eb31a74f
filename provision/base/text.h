/* provision/base/text.h — text from users, made safe to show and to store:
 * one-line escapes for messages, and the check that a value can be held
 * by an XML document (valid UTF-8, no control characters). */
#ifndef VP_TEXT_H
#define VP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copy in to out (size outlen, always terminated), writing control
 * characters as \n, \t, \r, \e or \xNN and bytes that are not UTF-8 as
 * \xNN, so the result is one line that cannot steer a terminal.  A result
 * that does not fit ends in "..." (cut on a character boundary).  Returns
 * true when nothing had to be cut. */
bool vp_text_escape(const char *in, char *out, size_t outlen);

/* Escape s in place (its buffer has size cap). */
void vp_text_escape_inplace(char *s, size_t cap);

/* The first byte of s that XML 1.0 cannot hold or that a one-line value
 * should not carry: a control character (below 0x20, or 0x7f), a byte
 * that is not part of valid UTF-8, or a non-character (U+FFFE, U+FFFF).
 * NULL when s is clean (or NULL). */
const char *vp_text_bad(const char *s);

#endif
