/* provision/cleanup.h — scope-bound cleanup, as systemd does it.
 *
 *   _cleanup_(virDomainFreep) virDomainPtr dom = NULL;
 *   ...
 *   *ret = TAKE_PTR(doc);
 */
#ifndef VP_CLEANUP_H
#define VP_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>
#include "virt.h"
#include <libxml/tree.h>
#include <libxml/xpath.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

/* Hand ownership of *p to the caller and leave NULL behind. */
#define TAKE_PTR(p)                                    \
	({                                             \
		__typeof__(p) _take_tmp = (p);         \
		(p) = NULL;                            \
		_take_tmp;                             \
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

VP_DEFINE_CLEANUP(virConnectPtr, virConnectClose)
VP_DEFINE_CLEANUP(virDomainPtr, virDomainFree)
VP_DEFINE_CLEANUP(virStoragePoolPtr, virStoragePoolFree)
VP_DEFINE_CLEANUP(virStorageVolPtr, virStorageVolFree)
VP_DEFINE_CLEANUP(virNetworkPtr, virNetworkFree)
VP_DEFINE_CLEANUP(virStreamPtr, virStreamFree)
VP_DEFINE_CLEANUP(xmlDocPtr, xmlFreeDoc)
VP_DEFINE_CLEANUP(xmlXPathContextPtr, xmlXPathFreeContext)
VP_DEFINE_CLEANUP(xmlXPathObjectPtr, xmlXPathFreeObject)

static inline void xmlFreep(void *p)
{
	xmlFree(*(void **)p);
}

#endif
