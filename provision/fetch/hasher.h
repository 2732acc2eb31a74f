/* provision/fetch/hasher.h — SHA-256 of a stream on a thread of its own,
 * so that hashing a download overlaps receiving and writing it (on this
 * machine the hash alone is ~28 ms of a 47 MiB installer fetch). */
#ifndef VP_HASHER_H
#define VP_HASHER_H

#include <stddef.h>

struct vp_hasher;

/* NULL when the hash or the thread cannot be had (errno set). */
struct vp_hasher *vp_hasher_new(void);
/* Hash a copy of buf (the caller's buffer may be reused at once); waits
 * when too much is queued.  -1 (ENOMEM) when the copy cannot be made. */
int vp_hasher_feed(struct vp_hasher *h, const void *buf, size_t n);
/* Wait for what was fed, write the digest (32 bytes) and free h. */
void vp_hasher_finish(struct vp_hasher *h, unsigned char digest[32]);
/* Drop what was fed and free h (NULL is fine). */
void vp_hasher_free(struct vp_hasher *h);

#endif
