/* provision/transfer.c — volume to volume through sparse storage streams */
#include "transfer.h"

#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"

/* What one stream call moves at most; libvirt's remote protocol splits it
 * into its own messages, a large buffer only saves calls. */
enum { CHUNK = 4 << 20 };

/* Holes are hashed as the zeros they read as. */
static const unsigned char zeros[1 << 20];

static void hash_zeros(gnutls_hash_hd_t h, uint64_t n)
{
	while (n) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);

		gnutls_hash(h, zeros, k);
		n -= k;
	}
}

static void hash_hex(gnutls_hash_hd_t h, char hex[65])
{
	unsigned char d[32];
	size_t i;

	gnutls_hash_deinit(h, d);
	for (i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int vp_volume_length(virStorageVolPtr vol, uint64_t *length, struct vp_error *err)
{
	virStorageVolInfo info;

	if (virStorageVolGetInfoFlags(vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the size of volume '%s'",
					virStorageVolGetName(vol));
	/* with GET_PHYSICAL, allocation holds the file's length */
	*length = info.allocation;
	return 0;
}

/* ---- the qcow2 header's backing file name ---------------------------------- */

static uint32_t be32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static uint64_t be64_at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

int vp_qcow2_set_backing_name(unsigned char *head, size_t len, const char *name, size_t *need,
			      struct vp_error *err)
{
	enum { HDR = 104 };             /* a version 3 header up to header_length */
	size_t newlen = strlen(name), room, i;
	uint64_t boff, cluster;
	uint32_t bsize, version, bits;

	if (need)
		*need = HDR;
	if (len < HDR) {
		if (len >= 4 && memcmp(head, "QFI\xfb", 4) != 0)
			return vp_error_set(err, VP_ERR_INVALID, "the image is not a qcow2 file");
		if (need)
			return 0;       /* more of the file, please */
		return vp_error_set(err, VP_ERR_INVALID, "the image is too short for a qcow2 header");
	}
	if (memcmp(head, "QFI\xfb", 4) != 0)
		return vp_error_set(err, VP_ERR_INVALID, "the image is not a qcow2 file");
	version = be32_at(head + 4);
	boff = be64_at(head + 8);
	bsize = be32_at(head + 16);
	bits = be32_at(head + 20);
	if (version < 2 || version > 3 || bits < 9 || bits > 21)
		return vp_error_set(err, VP_ERR_INVALID,
				    "the image's qcow2 header is not one vprov knows (version %u, cluster bits %u)",
				    version, bits);
	/* bit 2 of the incompatible features: the data lives in another file */
	if (version == 3 && (be64_at(head + 72) & 4))
		return vp_error_set(err, VP_ERR_INVALID,
				    "the image keeps its data in an external file, which cannot be copied with it");
	if (boff == 0 || bsize == 0)
		return vp_error_set(err, VP_ERR_INVALID, "the image has no backing file to rename");
	cluster = 1ULL << bits;
	if (newlen == 0 || newlen > 1023)
		return vp_error_set(err, VP_ERR_INVALID, "the backing file name '%s' is not 1 to 1023 bytes",
				    name);
	if (boff < HDR || boff + bsize > cluster || boff + newlen > cluster)
		return vp_error_set(err, VP_ERR_INVALID,
				    "the new backing file name does not fit the image's first cluster (%llu bytes at offset %llu, %llu-byte clusters)",
				    (unsigned long long)newlen, (unsigned long long)boff,
				    (unsigned long long)cluster);
	room = (size_t)boff + (newlen > bsize ? newlen : bsize);
	if (need)
		*need = room;
	if (len < room)
		return need ? 0 : vp_error_set(err, VP_ERR_INVALID, "the qcow2 header was cut short");
	if (bsize == newlen && memcmp(head + boff, name, newlen) == 0)
		return 0;
	/* the longer name may only cover the unused (zero) rest of the cluster */
	for (i = (size_t)boff + bsize; i < room; i++)
		if (head[i] != 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "the new backing file name would overwrite other header data at offset %zu",
					    i);
	memset(head + boff, 0, room - (size_t)boff);
	memcpy(head + boff, name, newlen);
	{
		uint32_t v = htobe32((uint32_t)newlen);

		memcpy(head + 16, &v, sizeof(v));
	}
	return 1;
}

/* ---- streams ------------------------------------------------------------- */

enum seg { SEG_ERR = -1, SEG_END = 0, SEG_DATA, SEG_HOLE };

/* The next piece of a sparse download: data (into buf, *n bytes) or a hole
 * (*hole bytes). */
static enum seg recv_seg(virStreamPtr st, char *buf, size_t cap, size_t *n, uint64_t *hole)
{
	long long len = 0;
	int r;

	do
		r = virStreamRecvFlags(st, buf, cap, VIR_STREAM_RECV_STOP_AT_HOLE);
	while (r == -2);
	if (r > 0) {
		*n = (size_t)r;
		return SEG_DATA;
	}
	if (r == 0)
		return SEG_END;
	if (r == -3) {
		if (virStreamRecvHole(st, &len, 0) < 0 || len < 0)
			return SEG_ERR;
		*hole = (uint64_t)len;
		return SEG_HOLE;
	}
	return SEG_ERR;
}

static int send_all(virStreamPtr st, const char *buf, size_t n)
{
	while (n) {
		int w = virStreamSend(st, buf, n);

		if (w == -2)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The download is read by a thread of its own, a few chunks ahead of the
 * thread that uploads them, and hashed by a third between the two (when
 * the bytes pass unchanged): receiving, hashing and sending overlap
 * instead of taking turns.  A chunk goes reader -> hasher -> sender
 * through a ring of slots.  Each connection is used by one thread only;
 * the reader ends by itself (at the end of the stream, an error, or the
 * next chunk after stop is set) before the streams are finished or
 * aborted. */
enum { NSLOT = 6 };

struct slot {
	enum seg kind;
	char *buf;
	size_t n;
	uint64_t hole;
};

struct reader {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	virStreamPtr st;
	struct slot slots[NSLOT];
	uint64_t w, hpos, r;         /* slots filled, hashed, taken */
	bool stop, started, hstarted;
	gnutls_hash_hd_t h;          /* set: the hasher thread hashes what is read */
	pthread_t th, hth;
	char *why;                   /* libvirt's message when it failed (the reader's thread) */
};

static void *reader_main(void *opaque)
{
	struct reader *rd = opaque;

	for (;;) {
		struct slot *sl;
		enum seg kind;

		pthread_mutex_lock(&rd->mu);
		while (!rd->stop && rd->w - rd->r >= NSLOT)
			pthread_cond_wait(&rd->cv, &rd->mu);
		if (rd->stop) {
			pthread_mutex_unlock(&rd->mu);
			return NULL;
		}
		sl = &rd->slots[rd->w % NSLOT];
		pthread_mutex_unlock(&rd->mu);
		kind = recv_seg(rd->st, sl->buf, CHUNK, &sl->n, &sl->hole);
		if (kind == SEG_ERR) {
			const char *m = virGetLastErrorMessage();

			rd->why = vp_strdup(m ? m : "unknown libvirt error");
		}
		pthread_mutex_lock(&rd->mu);
		sl->kind = kind;
		rd->w++;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		if (kind == SEG_ERR || kind == SEG_END)
			return NULL;
	}
}

static void *hasher_main(void *opaque)
{
	struct reader *rd = opaque;

	for (;;) {
		struct slot *sl;
		enum seg kind;

		pthread_mutex_lock(&rd->mu);
		while (!rd->stop && rd->hpos == rd->w)
			pthread_cond_wait(&rd->cv, &rd->mu);
		if (rd->stop) {
			pthread_mutex_unlock(&rd->mu);
			return NULL;
		}
		sl = &rd->slots[rd->hpos % NSLOT];
		kind = sl->kind;
		pthread_mutex_unlock(&rd->mu);
		if (kind == SEG_DATA)
			gnutls_hash(rd->h, sl->buf, sl->n);
		else if (kind == SEG_HOLE)
			hash_zeros(rd->h, sl->hole);
		/* once passed on, the slot may be refilled: kind was read before */
		pthread_mutex_lock(&rd->mu);
		rd->hpos++;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		if (kind == SEG_ERR || kind == SEG_END)
			return NULL;
	}
}

/* h: a thread hashes the bytes as they come (NULL: the caller does). */
static int reader_start(struct reader *rd, virStreamPtr st, gnutls_hash_hd_t h)
{
	size_t i;

	memset(rd, 0, sizeof(*rd));
	rd->h = h;
	pthread_mutex_init(&rd->mu, NULL);
	pthread_cond_init(&rd->cv, NULL);
	rd->st = st;
	for (i = 0; i < NSLOT; i++)
		rd->slots[i].buf = vp_grow(NULL, CHUNK, 1);
	return 0;
}

/* The next piece, in the caller's thread; give it back with reader_done(). */
static struct slot *reader_next(struct reader *rd)
{
	struct slot *sl;

	if (!rd->started) {
		if (pthread_create(&rd->th, NULL, reader_main, rd) != 0)
			return NULL;
		rd->started = true;
		if (rd->h) {
			if (pthread_create(&rd->hth, NULL, hasher_main, rd) != 0)
				return NULL;
			rd->hstarted = true;
		}
	}
	pthread_mutex_lock(&rd->mu);
	while (rd->r == (rd->h ? rd->hpos : rd->w))
		pthread_cond_wait(&rd->cv, &rd->mu);
	sl = &rd->slots[rd->r % NSLOT];
	pthread_mutex_unlock(&rd->mu);
	return sl;
}

static void reader_done(struct reader *rd, struct slot *sl)
{
	(void)sl;
	pthread_mutex_lock(&rd->mu);
	rd->r++;
	pthread_cond_broadcast(&rd->cv);
	pthread_mutex_unlock(&rd->mu);
}

/* Stop the threads (the reader ends after the chunk it is reading) and
 * free.  After the end of the stream was taken, the hash is complete. */
static void reader_end(struct reader *rd)
{
	size_t i;

	pthread_mutex_lock(&rd->mu);
	rd->stop = true;
	pthread_cond_broadcast(&rd->cv);
	pthread_mutex_unlock(&rd->mu);
	if (rd->started)
		pthread_join(rd->th, NULL);
	if (rd->hstarted)
		pthread_join(rd->hth, NULL);
	for (i = 0; i < NSLOT; i++)
		free(rd->slots[i].buf);
	free(rd->why);
	pthread_cond_destroy(&rd->cv);
	pthread_mutex_destroy(&rd->mu);
}

struct xfer {
	struct reader rd;
	virStreamPtr in, out;
	const char *src_name, *dst_name, *stage;
	const struct vp_reporter *r;
	gnutls_hash_hd_t h;
	uint64_t total, pos, data;
	int64_t last;
	bool in_fail, out_fail;      /* which side a stream error came from */
};

static void progress(struct xfer *x, bool force)
{
	if (force || vp_now_ms() - x->last >= 100) {
		x->last = vp_now_ms();
		vp_report_bytes(x->r, x->stage, x->pos, x->total);
	}
}

static int put_data(struct xfer *x, const char *buf, size_t n)
{
	if (!x->rd.h)
		gnutls_hash(x->h, buf, n);
	if (x->out && send_all(x->out, buf, n) < 0) {
		x->out_fail = true;
		return -1;
	}
	x->pos += n;
	x->data += n;
	return 0;
}

static int put_hole(struct xfer *x, uint64_t n)
{
	if (!x->rd.h)
		hash_zeros(x->h, n);
	if (x->out && virStreamSendHole(x->out, (long long)n, 0) < 0) {
		x->out_fail = true;
		return -1;
	}
	x->pos += n;
	return 0;
}

/* The next piece of the download; NULL when the reader failed (in_fail). */
static struct slot *next(struct xfer *x, struct vp_error *err)
{
	struct slot *sl = reader_next(&x->rd);

	if (!sl) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot start a thread to read volume '%s'",
			     x->src_name);
		return NULL;
	}
	if (sl->kind == SEG_ERR) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot read volume '%s' through a stream",
			     x->src_name);
		vp_error_append_reason(err, x->rd.why);
		x->in_fail = true;
		return NULL;
	}
	return sl;
}

/* Read the head of the stream (holes as zeros) into a buffer until the
 * qcow2 header's backing name can be rewritten, rewrite it and pass the
 * head on; a hole it ended in is passed on as a hole. */
static int pass_head(struct xfer *x, const char *name, bool *rebased, struct vp_error *err)
{
	_cleanup_(freep) unsigned char *head = NULL;
	size_t len = 0, need = 0, cap = 0;
	uint64_t hole_left = 0;
	int r;

	for (;;) {
		r = vp_qcow2_set_backing_name(head, len, name, &need, err);
		if (r < 0)
			return -1;
		if (len >= need)
			break;
		if (hole_left == 0) {
			struct slot *sl = next(x, err);

			if (!sl)
				return -1;
			if (sl->kind == SEG_END) {
				reader_done(&x->rd, sl);
				return vp_error_set(err, VP_ERR_INVALID,
						    "volume '%s' ends inside its qcow2 header",
						    x->src_name);
			}
			if (sl->kind == SEG_HOLE) {
				hole_left = sl->hole;
			} else {
				if (len + sl->n > cap) {
					cap = len + sl->n;
					head = vp_grow(head, cap, 1);
				}
				memcpy(head + len, sl->buf, sl->n);
				len += sl->n;
			}
			reader_done(&x->rd, sl);
		} else {
			size_t k = need - len;

			if (k > hole_left)
				k = (size_t)hole_left;
			if (len + k > cap) {
				cap = len + k;
				head = vp_grow(head, cap, 1);
			}
			memset(head + len, 0, k);
			len += k;
			hole_left -= k;
		}
	}
	*rebased = r == 1;
	if (put_data(x, (const char *)head, len) < 0)
		return -1;
	if (hole_left && put_hole(x, hole_left) < 0)
		return -1;
	return 0;
}

static int pump(struct xfer *x, struct vp_error *err)
{
	for (;;) {
		struct slot *sl;
		int r;

		if (vp_report_cancelled(x->r))
			return vp_error_set(err, VP_ERR_CANCELLED, "the copy of volume '%s' was interrupted",
					    x->src_name);
		if (!(sl = next(x, err)))
			return -1;
		if (sl->kind == SEG_END) {
			reader_done(&x->rd, sl);
			return 0;
		}
		r = sl->kind == SEG_DATA ? put_data(x, sl->buf, sl->n) : put_hole(x, sl->hole);
		reader_done(&x->rd, sl);
		if (r < 0)
			return -1;
		progress(x, false);
	}
}

static virStreamPtr open_download(virStorageVolPtr vol, struct vp_error *err)
{
	virStreamPtr st = virStreamNew(virStorageVolGetConnect(vol), 0);

	if (!st || virStorageVolDownload(vol, st, 0, 0, VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read volume '%s' through a stream",
				 virStorageVolGetName(vol));
		if (st)
			virStreamFree(st);
		return NULL;
	}
	return st;
}

int vp_volume_transfer(virStorageVolPtr src, virStorageVolPtr dst,
		       const struct vp_transfer_opts *opts, struct vp_transfer_result *res,
		       struct vp_error *err)
{
	struct xfer x = {
		.src_name = virStorageVolGetName(src),
		.dst_name = virStorageVolGetName(dst),
		.stage = opts && opts->stage ? opts->stage : "copy volume",
		.r = opts ? opts->reporter : NULL,
	};
	bool rebased = false, hashing = false, reading = false;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (vp_volume_length(src, &x.total, err) < 0)
		return -1;
	if (!(x.in = open_download(src, err)))
		return -1;
	x.out = virStreamNew(virStorageVolGetConnect(dst), 0);
	if (!x.out || virStorageVolUpload(dst, x.out, 0, 0, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot write volume '%s' through a stream",
				 x.dst_name);
		if (x.out)
			virStreamFree(x.out);
		x.out = NULL;
		virStreamAbort(x.in);
		goto out;
	}
	if (gnutls_hash_init(&x.h, GNUTLS_DIG_SHA256) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot start a sha256 digest");
		goto abort;
	}
	hashing = true;
	/* the bytes as read are the bytes sent, unless the header is
	 * rewritten: then this thread hashes what it sends */
	reader_start(&x.rd, x.in, opts && opts->backing_to ? NULL : x.h);
	reading = true;
	progress(&x, true);
	if (opts && opts->backing_to && pass_head(&x, opts->backing_to, &rebased, err) < 0)
		goto fail;
	if (pump(&x, err) < 0)
		goto fail;
	reader_end(&x.rd);
	reading = false;
	if (virStreamFinish(x.out) < 0) {
		x.out_fail = true;
		goto fail;
	}
	virStreamFree(x.out);
	x.out = NULL;
	if (virStreamFinish(x.in) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read volume '%s' through a stream",
				 x.src_name);
		goto abort;
	}
	progress(&x, true);
	hash_hex(x.h, res->sha256);
	hashing = false;
	res->length = x.pos;
	res->data = x.data;
	res->rebased = rebased;
	rc = 0;
	goto out;
fail:
	/* the reader's failure is said already; the writer's is this thread's */
	if (x.out_fail)
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot write volume '%s' through a stream",
				 x.dst_name);
abort:
	if (reading) {
		reader_end(&x.rd);
		reading = false;
	}
	if (x.out)
		virStreamAbort(x.out);
	virStreamAbort(x.in);
out:
	if (reading)
		reader_end(&x.rd);
	if (hashing)
		gnutls_hash_deinit(x.h, NULL);
	if (x.out)
		virStreamFree(x.out);
	virStreamFree(x.in);
	return rc;
}

int vp_volume_sha256(virStorageVolPtr vol, const char *stage, const struct vp_reporter *r,
		     char hex[65], uint64_t *length, struct vp_error *err)
{
	struct xfer x = {
		.src_name = virStorageVolGetName(vol),
		.stage = stage ? stage : "checksum volume",
		.r = r,
	};
	int rc = -1;

	if (vp_volume_length(vol, &x.total, err) < 0)
		return -1;
	if (!(x.in = open_download(vol, err)))
		return -1;
	if (gnutls_hash_init(&x.h, GNUTLS_DIG_SHA256) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot start a sha256 digest");
		virStreamAbort(x.in);
		goto out;
	}
	reader_start(&x.rd, x.in, x.h);
	progress(&x, true);
	if (pump(&x, err) < 0) {
		reader_end(&x.rd);
		virStreamAbort(x.in);
		gnutls_hash_deinit(x.h, NULL);
		goto out;
	}
	reader_end(&x.rd);
	if (virStreamFinish(x.in) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read volume '%s' through a stream",
				 x.src_name);
		gnutls_hash_deinit(x.h, NULL);
		goto out;
	}
	progress(&x, true);
	hash_hex(x.h, hex);
	if (length)
		*length = x.pos;
	rc = 0;
out:
	virStreamFree(x.in);
	return rc;
}
