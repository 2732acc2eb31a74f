/* provision/fetch/hasher.c — SHA-256 on a thread of its own (hasher.h) */
#include "hasher.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* how much may wait for the hash thread before a feed waits */
#define QUEUE_MAX (32u << 20)

struct chunk {
	struct chunk *next;
	size_t n;
	unsigned char data[];
};

struct vp_hasher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct chunk *head, *tail;
	size_t queued;
	bool done, drop;
	gnutls_hash_hd_t h;
};

static void *run(void *opaque)
{
	struct vp_hasher *hs = opaque;
	struct chunk *c;

	pthread_mutex_lock(&hs->lock);
	for (;;) {
		while (!hs->head && !hs->done)
			pthread_cond_wait(&hs->cond, &hs->lock);
		if (!hs->head)
			break;
		c = hs->head;
		hs->head = c->next;
		if (!hs->head)
			hs->tail = NULL;
		hs->queued -= c->n;
		pthread_cond_broadcast(&hs->cond);
		pthread_mutex_unlock(&hs->lock);
		if (!hs->drop)
			gnutls_hash(hs->h, c->data, c->n);
		free(c);
		pthread_mutex_lock(&hs->lock);
	}
	pthread_mutex_unlock(&hs->lock);
	return NULL;
}

struct vp_hasher *vp_hasher_new(void)
{
	struct vp_hasher *hs = calloc(1, sizeof(*hs));
	int e;

	if (!hs)
		return NULL;
	if (gnutls_hash_init(&hs->h, GNUTLS_DIG_SHA256) < 0) {
		free(hs);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&hs->lock, NULL);
	pthread_cond_init(&hs->cond, NULL);
	e = pthread_create(&hs->thread, NULL, run, hs);
	if (e) {
		gnutls_hash_deinit(hs->h, NULL);
		pthread_mutex_destroy(&hs->lock);
		pthread_cond_destroy(&hs->cond);
		free(hs);
		errno = e;
		return NULL;
	}
	return hs;
}

int vp_hasher_feed(struct vp_hasher *hs, const void *buf, size_t n)
{
	struct chunk *c;

	if (!n)
		return 0;
	c = malloc(sizeof(*c) + n);
	if (!c) {
		errno = ENOMEM;
		return -1;
	}
	c->next = NULL;
	c->n = n;
	memcpy(c->data, buf, n);
	pthread_mutex_lock(&hs->lock);
	while (hs->queued > QUEUE_MAX)
		pthread_cond_wait(&hs->cond, &hs->lock);
	if (hs->tail)
		hs->tail->next = c;
	else
		hs->head = c;
	hs->tail = c;
	hs->queued += n;
	pthread_cond_broadcast(&hs->cond);
	pthread_mutex_unlock(&hs->lock);
	return 0;
}

static void stop(struct vp_hasher *hs, bool drop)
{
	pthread_mutex_lock(&hs->lock);
	hs->done = true;
	hs->drop = drop;
	pthread_cond_broadcast(&hs->cond);
	pthread_mutex_unlock(&hs->lock);
	pthread_join(hs->thread, NULL);
	pthread_mutex_destroy(&hs->lock);
	pthread_cond_destroy(&hs->cond);
}

void vp_hasher_finish(struct vp_hasher *hs, unsigned char digest[32])
{
	stop(hs, false);
	gnutls_hash_deinit(hs->h, digest);
	free(hs);
}

void vp_hasher_free(struct vp_hasher *hs)
{
	if (!hs)
		return;
	stop(hs, true);
	gnutls_hash_deinit(hs->h, NULL);
	free(hs);
}
