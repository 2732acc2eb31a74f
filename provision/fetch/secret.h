/* provision/fetch/secret.h — passwords: read from a file, generated, and
 * hashed with SHA-512 crypt (libcrypt, loaded on first use).  Clear-text
 * passwords live only in memory and are wiped when freed; what gets
 * written anywhere is the hash. */
#ifndef VP_SECRET_H
#define VP_SECRET_H

#include <stddef.h>

#include "error.h"

/* n bytes from getrandom(). */
int vp_random_bytes(unsigned char *buf, size_t n, struct vp_error *err);

/* "$6$<16 salt characters>$<86 characters>" of password (malloc'd). */
int vp_password_hash(const char *password, char **out, struct vp_error *err);

/* 16 characters of [A-Za-z0-9] (95 bits), without modulo bias. */
int vp_password_generate(char **out, struct vp_error *err);

/* The first line of the file at path (a pipe is fine: <(pass show vm)),
 * without its line end; VP_ERR_INVALID naming the "<what> password file"
 * when it cannot be read or holds no password. */
int vp_password_read(const char *path, const char *what, char **out, struct vp_error *err);

/* Wipe and free a secret string; NULL is fine. */
void vp_secret_free(char *s);

static inline void vp_secret_freep(char **s)
{
	vp_secret_free(*s);
}

#endif
