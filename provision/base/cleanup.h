/* provision/base/cleanup.h — scope-bound cleanup, as systemd does it.
 *
 *   _cleanup_(freep) char *path = NULL;
 *   ...
 *   *ret = TAKE_PTR(path);
 *
 * Types of other layers define their own NAMEp with VP_DEFINE_CLEANUP
 * beside their declarations (xmlutil.h for libxml2, virt.h for libvirt).
 */
#ifndef VP_CLEANUP_H
#define VP_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

/* Hand ownership of *p to the caller and leave NULL behind. */
#define TAKE_PTR(p)                                    \
	({                                             \
		__typeof__(p) _take_tmp = (p);         \
		(p) = NULL;                            \
		_take_tmp;                             \
	})

/* Hand over a file descriptor and leave -1 behind. */
#define TAKE_FD(fd)                                    \
	({                                             \
		int _take_fd = (fd);                   \
		(fd) = -1;                             \
		_take_fd;                              \
	})

/* Define NAMEp(TYPE *p) that calls FUNC(*p) when *p is not NULL. */
#define VP_DEFINE_CLEANUP(type, func)                  \
	static inline void func##p(type *p)            \
	{                                              \
		if (*p)                                \
			func(*p);                      \
	}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}


#endif
