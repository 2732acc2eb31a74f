/* osinfo/line.c — a release line's best release: "ubuntu20" names the
 * Ubuntu 20 line, whose release supported longest is ubuntu20.04 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "osinfo.h"

/* -1 when a is supported for less long than b, 1 when longer. */
static int support_cmp(const struct vp_os_summary *a, const struct vp_os_summary *b)
{
	bool a_lts = a->name && strstr(a->name, "LTS"), b_lts = b->name && strstr(b->name, "LTS");
	int c;

	/* no end of life yet outlives any date */
	if (!a->eol_date != !b->eol_date)
		return a->eol_date ? -1 : 1;
	if (a->eol_date && (c = strcmp(a->eol_date, b->eol_date)) != 0)
		return c < 0 ? -1 : 1;
	if (a_lts != b_lts)
		return a_lts ? 1 : -1;
	/* then the release that came first (it was meant to last) */
	if (a->release_date && b->release_date && (c = strcmp(a->release_date, b->release_date)))
		return c < 0 ? 1 : -1;
	/* nothing said: the earlier version (x.04 before x.10) */
	c = strcmp(a->short_id, b->short_id);
	return c < 0 ? 1 : c > 0 ? -1 : 0;
}

int vp_osinfo_line_pick(struct vp_osinfo *db, const char *name, char **pick, char **eol,
			struct vp_error *err)
{
	struct vp_os_summary *l = NULL;
	const struct vp_os_summary *best = NULL;
	size_t n = 0, i, len = strlen(name);

	*pick = NULL;
	if (eol)
		*eol = NULL;
	if (!len || vp_osinfo_has(db, name))
		return 0;
	if (vp_osinfo_list(db, NULL, NULL, &l, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *id = l[i].short_id;

		if (!id || strncmp(id, name, len) != 0 || id[len] != '.' || !id[len + 1])
			continue;
		if (!best || support_cmp(&l[i], best) > 0)
			best = &l[i];
	}
	if (best) {
		*pick = vp_strdup(best->short_id);
		if (eol)
			*eol = vp_strdup(best->eol_date);
	}
	vp_os_summaries_free(l, n);
	return 0;
}
