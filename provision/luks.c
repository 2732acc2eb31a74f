/* provision/luks.c — the passphrase of LUKS volumes and its libvirt
 * secret (see luks.h) */
#include "luks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "plan.h"
#include "schema.h"
#include "secret.h"
#include "xmlutil.h"

void vp_luks_key_clear(struct vp_luks_key *k)
{
	if (!k)
		return;
	if (k->data) {
		explicit_bzero(k->data, k->len);
		free(k->data);
	}
	k->data = NULL;
	k->len = 0;
}

int vp_luks_key_read(const char *path, const char *what, struct vp_luks_key *out,
		     struct vp_error *err)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	unsigned char *buf;
	struct stat st;
	size_t n = 0;

	out->data = NULL;
	out->len = 0;
	if (fd < 0)
		return vp_error_set(err, VP_ERR_INVALID, "cannot read %s '%s': %s", what, path,
				    strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID, "cannot read %s '%s': it is a directory",
				    what, path);
	/* one byte more than allowed, to tell a file that is too large */
	buf = vp_grow(NULL, VP_LUKS_KEY_MAX + 1, 1);
	while (n < VP_LUKS_KEY_MAX + 1) {
		ssize_t r = read(fd, buf + n, VP_LUKS_KEY_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			explicit_bzero(buf, VP_LUKS_KEY_MAX + 1);
			free(buf);
			return vp_error_set(err, VP_ERR_INVALID, "cannot read %s '%s': %s", what,
					    path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == 0 || n > VP_LUKS_KEY_MAX) {
		explicit_bzero(buf, VP_LUKS_KEY_MAX + 1);
		free(buf);
		if (n == 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot use %s '%s': it is empty (it holds the passphrase)",
					    what, path);
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot use %s '%s': it is larger than %d bytes (it holds a passphrase)",
				    what, path, VP_LUKS_KEY_MAX);
	}
	out->data = buf;
	out->len = n;
	return 0;
}

int vp_luks_key_generate(struct vp_luks_key *out, struct vp_error *err)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char rnd[33] = { 0 }; /* 32 random bytes; one more, zero, for the last group */
	unsigned char *p;
	size_t i, o = 0;

	out->data = NULL;
	out->len = 0;
	if (vp_random_bytes(rnd, 32, err) < 0)
		return -1;
	p = vp_grow(NULL, 44, 1);
	for (i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)rnd[i] << 16 | (unsigned)rnd[i + 1] << 8 | rnd[i + 2];

		p[o++] = (unsigned char)b64[(v >> 18) & 63];
		p[o++] = (unsigned char)b64[(v >> 12) & 63];
		p[o++] = (unsigned char)b64[(v >> 6) & 63];
		if (i + 3 < 33)
			p[o++] = (unsigned char)b64[v & 63];
	}
	/* 32 bytes are 256 bits: 42 full characters and 4 bits in the 43rd */
	explicit_bzero(rnd, sizeof(rnd));
	out->data = p;
	out->len = 43;
	p[43] = 0;
	return 0;
}

int vp_luks_secret_xml(const char *uuid, const char *description, const char *path, char **out,
		       struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root;

	if (vp_xml_parse(vp_template_secret, "templates/secret.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set_text(vp_xml_child(root, "uuid"), uuid);
	vp_xml_set_text(vp_xml_child(root, "description"), description);
	vp_xml_set_text(vp_xml_child(vp_xml_child(root, "usage"), "volume"), path);
	if (vp_schema_validate(VP_SCHEMA_SECRET, doc, err) < 0)
		return -1;
	*out = vp_xml_format(doc);
	return 0;
}

int vp_luks_secret_define_step(struct vp_apply *ap, virConnectPtr conn, const char *uuid,
			       const char *description, const char *path,
			       const struct vp_luks_key *key, struct vp_error *err)
{
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(virSecretFreep) virSecretPtr sec = NULL;
	int idx = -1;

	if (!key->data || !key->len)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "cannot define the secret of volume '%s': no passphrase", path);
	if (vp_luks_secret_xml(uuid, description, path, &xml, err) < 0)
		return -1;
	if (ap) {
		json_object *u = vp_undo_new("secret");

		vp_undo_set(u, "uuid", uuid);
		vp_undo_set(u, "volume", path);
		if ((idx = vp_apply_intent(ap, u, err)) < 0)
			return -1;
	}
	sec = virSecretDefineXML(conn, xml, 0);
	if (!sec) {
		/* a driver without secrets has certainly made none */
		if (ap && vp_libvirt_error_is(VIR_ERR_NO_SUPPORT))
			vp_apply_failed(ap, idx);
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define the secret of volume '%s'", path);
		return -1;
	}
	if (virSecretSetValue(sec, key->data, key->len, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot set the passphrase of volume '%s' in its secret", path);
	if (ap)
		vp_apply_done(ap, idx, NULL);
	return 0;
}

int vp_luks_secret_remove(virConnectPtr conn, const char *uuid, const char *path, bool *removed,
			  struct vp_error *err)
{
	_cleanup_(virSecretFreep) virSecretPtr sec = NULL;
	const char *usage;

	*removed = false;
	if (!uuid)
		return 0;
	sec = virSecretLookupByUUIDString(conn, uuid);
	if (!sec) {
		if (vp_libvirt_error_is(VIR_ERR_NO_SECRET) || vp_libvirt_error_is(VIR_ERR_NO_SUPPORT)) {
			virResetLastError();
			return 0;
		}
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up secret '%s'", uuid);
	}
	usage = virSecretGetUsageID(sec);
	if (path && usage && strcmp(usage, path) != 0)
		return 0; /* it serves another volume now: not ours to remove */
	if (virSecretUndefine(sec) < 0) {
		if (vp_libvirt_error_is(VIR_ERR_NO_SECRET)) {
			virResetLastError();
			return 0;
		}
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine secret '%s'", uuid);
	}
	*removed = true;
	return 0;
}
