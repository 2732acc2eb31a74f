/* provision/spec/xmlopts.c — the table of virt-install's options that are a
 * piece of domain XML, and the one engine that reads it (xmlopts.h).
 *
 * A sub-option's path is written from the option's element:
 *
 *   @attr          an attribute of the element
 *   #text          the element's text
 *   a/b/@attr      below child a, its child b (each made when missing)
 *   timer[#]/@name the <timer> child that timerN.* names, N the index in the
 *                  sub-option's name ("timer#.name" matches timer0.name,
 *                  timer1.name, ...): the N-th of the <timer>s this option
 *                  made (never one vprov wrote), the ones before it made too
 *   timer[@name=rtc]/@present  the <timer> child whose name is rtc
 *   name           a last part that is an element: its text is the value
 */
#include "xmlopts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "spec_int.h"
#include "xmlutil.h"

enum xtype {
	X_TEXT,   /* anything a domain can hold */
	X_FREE,   /* the same, commas and all: a comma piece that is no sub-option
	           * belongs to it (virt-install's rule, vp_kv_join_free_text) */
	X_WORD,   /* one of words */
	X_UINT,   /* a decimal number */
	X_INT,    /* a decimal number, maybe negative */
	X_NUM,    /* a decimal or 0x hexadecimal number (addresses) */
	X_YESNO,  /* on/off/yes/no/..., written yes or no */
	X_ONOFF,  /* the same, written on or off */
	X_PATH,   /* an absolute path */
	X_PRESENT, /* on/off: the element (the path's last part) is there or not */
	X_IGNORED, /* accepted and does nothing, as in virt-install (words: why) */
	X_REFUSED, /* refused: words is the reason, "it ..." */
};

struct xsub {
	const char *name;  /* as the user spells it; '#' stands for an index */
	const char *path;  /* or "=NAME": the setter NAME writes it (setters[]) */
	enum xtype type;
	const char *words; /* X_WORD: the values, space-separated; "a=b": the user's
	                    * a is written b, "a=": a writes nothing */
};

struct xdef;

/* A sub-option the path language cannot say (host=H:P is two attributes):
 * called with the value once it is checked against the sub-option's type. */
typedef int (*xset_fn)(const struct xdef *d, xmlNodePtr el, const char *value,
		       struct vp_error *err);

enum xkind {
	XK_DEVICE, /* a new element under <devices> each time */
	XK_TOP,    /* the element under <domain>, made once, edited after */
};

/* What a bare value (an item without key=) means where the table cannot
 * say it: nth counts the bare items of the argument from 0. */
typedef int (*xbare_fn)(const struct xdef *d, xmlNodePtr el, const char *value, size_t nth,
			struct vp_error *err);
/* The last word on an element once its items are written (defaults that
 * depend on them, checks across items). */
typedef int (*xfinish_fn)(const struct xdef *d, xmlNodePtr el, struct vp_error *err);

#define XF_REPLACES 0x1  /* drops vprov's own element of its kind (same replace_key) */
#define XF_NONE     0x2  /* "none": vprov's own element goes, and none_path is set */
#define XF_WHOLE    0x4  /* the argument is one value, commas and all: bare_fn gets it */

struct xdef {
	const char *option;
	const char *element;    /* XK_TOP NULL: the <domain> element itself */
	enum xkind kind;
	unsigned flags;
	const char *bare;       /* the sub-option the first bare value sets */
	xbare_fn bare_fn;       /* or this, for every bare value */
	const char *replace_key; /* XF_REPLACES: only vprov's elements with the same value of
	                          * this attribute go ("type": an input of type tablet
	                          * replaces vprov's tablet); "type=usb": and only when
	                          * that value is usb (a usb controller replaces vprov's,
	                          * a pci one replaces none) */
	const char *none_path;  /* XF_NONE: "path=value" written for "none", NULL: nothing */
	xfinish_fn finish;
	const struct xsub *subs;
	const struct xsub *more; /* sub-options shared with other rows (address.*) */
	const char *lookup;     /* the sub-option that may name a host device, and */
	bool (*is_name)(const char *value); /* when its value does: create looks it up */
};

/* ---- the table --------------------------------------------------------------- */

static const struct xsub watchdog_subs[] = {
	{ "model", "@model", X_WORD, "i6300esb ib700 diag288 default=i6300esb" },
	{ "action", "@action", X_WORD, "reset shutdown poweroff pause none dump inject-nmi" },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub memballoon_subs[] = {
	{ "model", "@model", X_WORD, "virtio virtio-transitional virtio-non-transitional none" },
	{ "autodeflate", "@autodeflate", X_ONOFF, NULL },
	{ "freePageReporting", "@freePageReporting", X_ONOFF, NULL },
	{ "stats.period", "stats/@period", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --features: vprov's <features> edited (acpi, apic, vmport are there
 * already; a Windows guest on KVM has <hyperv> with relaxed, vapic and
 * spinlocks).  virt-install's dotted names and its older underscore ones. */
#define HV(n) { "hyperv." n ".state", "hyperv/" n "/@state", X_ONOFF, NULL }
#define HV_OLD(n) { "hyperv_" n, "hyperv/" n "/@state", X_ONOFF, NULL }
#define KVM(n) { "kvm." n ".state", "kvm/" n "/@state", X_ONOFF, NULL }
#define XEN_ONLY "it is a Xen feature, and vprov makes QEMU/KVM guests"
#define ARM_ONLY "it sets an ARM guest's interrupt controller (GIC), and vprov's --features " \
		 "is for x86 guests"
/* ---- devices: the callbacks the table cannot say ------------------------------ */

static void set_path(const struct xdef *d, xmlNodePtr el, const char *path, long index,
		     const char *value);
static int set_sub(const struct xdef *d, xmlNodePtr el, const char *key, const char *value,
		   struct vp_error *err);

/* el's attribute name is not set yet */
static bool unset(xmlNodePtr el, const char *name)
{
	_cleanup_(freep) char *v = el ? vp_xml_prop(el, name) : NULL;

	return !v;
}

static bool prop_is(xmlNodePtr el, const char *name, const char *want)
{
	_cleanup_(freep) char *v = el ? vp_xml_prop(el, name) : NULL;

	return v && !strcmp(v, want);
}

/* A new device beside el, the user's as el is. */
static xmlNodePtr add_sibling(xmlNodePtr el)
{
	xmlNodePtr n = xmlNewNode(NULL, el->name);

	xmlAddNextSibling(el, n);
	n->_private = el->_private;
	return n;
}

/* The user's new element el, and the ones its option made after it (usb2's
 * companions), go before vprov's elements of their kind, as virt-install
 * writes them: the user's devices first, its defaults after. */
static void move_before_vprovs(xmlNodePtr el)
{
	xmlNodePtr first = NULL, c, next, last = el;

	for (c = el->parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->_private &&
		    !strcmp((const char *)c->name, (const char *)el->name)) {
			first = c;
			break;
		}
	if (!first)
		return;
	while (last->next && last->next->_private) /* made by this option */
		last = last->next;
	for (c = el; c; c = next) {
		next = c == last ? NULL : c->next;
		xmlUnlinkNode(c);
		xmlAddPrevSibling(first, c);
	}
}

/* A device with a boot order: libvirt refuses <os><boot dev=...> beside it
 * (virt-install drops them too). */
static void drop_os_boot(xmlNodePtr el)
{
	xmlNodePtr os = vp_xml_child(xmlDocGetRootElement(el->doc), "os"), b;

	if (!vp_xml_child(el, "boot"))
		return;
	while (os && (b = vp_xml_child(os, "boot")))
		vp_xml_drop(b);
}

/* HOST:PORT (virt-install's "friendly" spelling) into host= and service=
 * attributes of node; an empty HOST is this host */
static int set_host_port(const struct xdef *d, const char *key, xmlNodePtr node,
			 const char *host_attr, const char *port_attr, const char *value,
			 struct vp_error *err)
{
	const char *colon = strrchr(value, ':');
	char host[256];

	if (value[0] == '[') { /* [v6]:port */
		const char *end = strchr(value, ']');

		if (!end || (end[1] && end[1] != ':'))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --%s %s '%s': give HOST:PORT", d->option, key, value);
		snprintf(host, sizeof(host), "%.*s", (int)(end - value - 1), value + 1);
		colon = end[1] ? end + 1 : NULL;
	} else {
		if (colon && strchr(value, ':') != colon)
			colon = NULL; /* a bare IPv6 address */
		snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - value) : (int)strlen(value),
			 value);
	}
	if (colon && (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		      strlen(colon + 1) > 5))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --%s %s '%s': the port after ':' is not a number",
				    d->option, key, value);
	vp_xml_set(node, host_attr, *host ? host : "127.0.0.1");
	if (colon)
		vp_xml_set(node, port_attr, colon + 1);
	return 0;
}

/* --serial/--channel ...,host=H:P: the peer (the listening address with
 * mode=bind; udp's bind_host= is the local end) */
static int char_host(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	xmlNodePtr src;

	if (prop_is(el, "type", "udp"))
		src = xmlNewChild(el, NULL, BAD_CAST "source", NULL), vp_xml_set(src, "mode", "connect");
	else
		set_path(d, el, "source/@host", -1, ""), src = vp_xml_child(el, "source");
	return set_host_port(d, "host", src, "host", "service", v, err);
}

static int char_bind_host(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	xmlNodePtr src;

	if (prop_is(el, "type", "udp")) {
		src = xmlNewNode(NULL, BAD_CAST "source");
		/* the local end first, as libvirt writes it */
		if (vp_xml_child(el, "source"))
			xmlAddPrevSibling(vp_xml_child(el, "source"), src);
		else
			xmlAddChild(el, src);
		vp_xml_set(src, "mode", "bind");
	} else {
		set_path(d, el, "source/@mode", -1, "bind");
		src = vp_xml_child(el, "source");
	}
	return set_host_port(d, "bind_host", src, "host", "service", v, err);
}

/* target.address=ADDR[:PORT] of a guestfwd channel */
static int char_target_address(const struct xdef *d, xmlNodePtr el, const char *v,
			       struct vp_error *err)
{
	set_path(d, el, "target/@address", -1, "");
	return set_host_port(d, "target.address", vp_xml_child(el, "target"), "address", "port", v,
			     err);
}

static int char_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr src = vp_xml_child(el, "source"), target;
	bool channel = !strcmp(d->option, "channel");

	if (unset(el, "type"))
		return vp_error_set(err, VP_ERR_INVALID, "--%s needs a type (e.g. --%s pty)",
				    d->option, d->option);
	/* unix and tcp devices listen unless told to connect (virt-install's
	 * default); tcp with a peer host= connects */
	if ((prop_is(el, "type", "unix") || prop_is(el, "type", "tcp")) && unset(src, "mode")) {
		if (!src)
			src = vp_xml_add(el, "source", NULL);
		vp_xml_set(src, "mode",
			   prop_is(el, "type", "tcp") && !unset(src, "host") ? "connect" : "bind");
	}
	if ((prop_is(el, "type", "tcp") || prop_is(el, "type", "udp")) && unset(src, "service"))
		return vp_error_set(err, VP_ERR_INVALID, "--%s %s needs host=HOST:PORT", d->option,
				    prop_is(el, "type", "tcp") ? "tcp" : "udp");
	if ((prop_is(el, "type", "file") || prop_is(el, "type", "dev") ||
	     prop_is(el, "type", "pipe")) && unset(src, "path"))
		return vp_error_set(err, VP_ERR_INVALID, "--%s needs path= with a %s device", d->option,
				    prop_is(el, "type", "file") ? "file" :
				    prop_is(el, "type", "dev") ? "dev" : "pipe");
	if (!channel)
		return 0;
	target = vp_xml_child(el, "target");
	if (unset(target, "type"))
		set_path(d, el, "target/@type", -1, "virtio");
	target = vp_xml_child(el, "target");
	if (unset(target, "name") && (prop_is(el, "type", "spicevmc") ||
				      prop_is(el, "type", "qemu-vdagent")))
		vp_xml_set(target, "name", "com.redhat.spice.0");
	if (prop_is(target, "type", "guestfwd") && (unset(target, "address") || unset(target, "port")))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--channel target.type=guestfwd needs target.address=ADDR:PORT");
	return 0;
}

/* --controller usb2 and usb3: virt-install's shorthands */
static int controller_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
			   struct vp_error *err)
{
	static const char *const uhci[] = { "ich9-uhci1", "ich9-uhci2", "ich9-uhci3" };
	size_t i;

	if (nth)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --controller: '%s' is not KEY=VALUE", v);
	if (!strcmp(v, "usb3")) {
		vp_xml_set(el, "type", "usb");
		vp_xml_set(el, "model", "qemu-xhci");
		vp_xml_set(el, "ports", "15");
		return 0;
	}
	if (strcmp(v, "usb2"))
		return set_sub(d, el, "type", v, err);
	/* USB 2: EHCI with its three UHCI companions */
	vp_xml_set(el, "type", "usb");
	vp_xml_set(el, "model", "ich9-ehci1");
	for (i = 3; i-- > 0;) {
		xmlNodePtr c = add_sibling(el);
		char port[4];

		vp_xml_set(c, "type", "usb");
		vp_xml_set(c, "model", uhci[i]);
		snprintf(port, sizeof(port), "%zu", i * 2);
		vp_xml_set(vp_xml_add(c, "master", NULL), "startport", port);
	}
	return 0;
}

static int controller_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	if (unset(el, "type"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--controller needs a type (usb, usb2, usb3, scsi, sata, pci, virtio-serial, ...)");
	/* no USB at all: vprov's USB tablet has nowhere to plug in (virt-install
	 * adds none then) */
	if (prop_is(el, "type", "usb") && prop_is(el, "model", "none")) {
		xmlNodePtr c, next;

		for (c = el->parent->children; c; c = next) {
			next = c->next;
			if (c->type == XML_ELEMENT_NODE && !c->_private &&
			    !strcmp((const char *)c->name, "input") && prop_is(c, "bus", "usb"))
				vp_xml_drop(c);
		}
	}
	/* before vprov's, but a PCI controller after the PCIe root it plugs into */
	if (!prop_is(el, "type", "pci"))
		move_before_vprovs(el);
	return 0;
}

static bool parse_pci(const char *v, unsigned *dom, unsigned *bus, unsigned *slot, unsigned *fn);
static void write_pci(xmlNodePtr addr, unsigned dom, unsigned bus, unsigned slot, unsigned fn);

/* --controller address=DOMAIN:BUS:SLOT.FUNCTION: where it sits on PCI */
static int pci_address(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	unsigned dom, bus, slot, fn;

	if (!parse_pci(v, &dom, &bus, &slot, &fn))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --%s address '%s': give a PCI address, e.g. 0000:01:00.0",
				    d->option, v);
	set_path(d, el, "address/@type", -1, "pci");
	write_pci(vp_xml_child(el, "address"), dom, bus, slot, fn);
	return 0;
}

/* --tpm emulator|passthrough|/dev/tpmN|default */
static int tpm_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
		    struct vp_error *err)
{
	if (nth)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --tpm: '%s' is not KEY=VALUE", v);
	if (!strcmp(v, "default"))
		return 0;
	if (v[0] == '/')
		return set_sub(d, el, "backend.device.path", v, err);
	return set_sub(d, el, "backend.type", v, err);
}

static int tpm_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr be = vp_xml_child(el, "backend");

	(void)d;
	(void)err;
	if (unset(be, "type"))
		set_path(d, el, "backend/@type", -1,
			 be && vp_xml_child(be, "device") ? "passthrough" : "emulator");
	be = vp_xml_child(el, "backend");
	/* the CRB interface (TPM 2.0) unless a version or model says otherwise */
	if (prop_is(be, "type", "emulator") && unset(el, "model") && unset(be, "version"))
		vp_xml_set(el, "model", "tpm-crb");
	if (prop_is(be, "type", "passthrough") && !vp_xml_child(be, "device"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--tpm passthrough needs the host's TPM: --tpm /dev/tpm0");
	return 0;
}

/* --sound MODEL|default */
static int sound_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
		      struct vp_error *err)
{
	if (nth)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --sound: '%s' is not KEY=VALUE", v);
	return strcmp(v, "default") ? set_sub(d, el, "model", v, err) : 0;
}

/* the guest's machine is a q35 (vprov's default on x86) */
static bool on_q35(xmlNodePtr el)
{
	xmlNodePtr root = xmlDocGetRootElement(el->doc);
	_cleanup_(freep) char *m = vp_xml_prop(vp_xml_child(vp_xml_child(root, "os"), "type"),
					       "machine");

	return !m || strstr(m, "q35");
}

static int sound_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	(void)err;
	/* virt-install's default: Intel HDA, on ICH9 with a q35 */
	if (unset(el, "model"))
		vp_xml_set(el, "model", on_q35(el) ? "ich9" : "ich6");
	return 0;
}

/* --panic MODEL|IOBASE|default */
static int panic_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
		      struct vp_error *err)
{
	if (nth)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --panic: '%s' is not KEY=VALUE", v);
	if (!strcmp(v, "default"))
		return 0;
	if (!strcmp(v, "s390") || !strcmp(v, "pseries"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--panic %s needs an %s guest, and vprov makes x86 guests here", v,
				    !strcmp(v, "s390") ? "s390x" : "IBM POWER (pseries)");
	if (!strncmp(v, "0x", 2)) { /* virt-install's older --panic IOBASE */
		vp_xml_set(el, "model", "isa");
		return set_sub(d, el, "iobase", v, err);
	}
	return set_sub(d, el, "model", v, err);
}

static int panic_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr addr = vp_xml_child(el, "address");

	(void)d;
	(void)err;
	if (unset(el, "model"))
		vp_xml_set(el, "model", "isa");
	if (addr && !unset(addr, "iobase") && unset(addr, "type"))
		vp_xml_set(addr, "type", "isa");
	return 0;
}

/* --watchdog: virt-install's model and action where none is given (the
 * ICH's i6300esb, which q35 and i440fx both take; a reset) */
static int watchdog_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	(void)err;
	if (unset(el, "model"))
		vp_xml_set(el, "model", "i6300esb");
	if (unset(el, "action"))
		vp_xml_set(el, "action", "reset");
	return 0;
}

/* --video MODEL|default */
static int video_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
		      struct vp_error *err)
{
	if (nth)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --video: '%s' is not KEY=VALUE", v);
	return set_sub(d, el, "model.type", strcmp(v, "default") ? v : "virtio", err);
}

static int video_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	(void)err;
	if (unset(vp_xml_child(el, "model"), "type"))
		set_path(d, el, "model/@type", -1, "virtio");
	return 0;
}

static int input_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr src;

	(void)d;
	(void)err;
	if (unset(el, "type"))
		vp_xml_set(el, "type", "mouse");
	move_before_vprovs(el);
	/* virt-install's default bus: USB for a tablet, PS/2 for the rest */
	if (unset(el, "bus") && !prop_is(el, "type", "evdev") && !prop_is(el, "type", "passthrough"))
		vp_xml_set(el, "bus", prop_is(el, "type", "tablet") ? "usb" : "ps2");
	/* libvirt names the host's device source/@dev for evdev, source/@evdev
	 * for passthrough (virt-install writes @evdev for both) */
	src = vp_xml_child(el, "source");
	if (prop_is(el, "type", "evdev") && !unset(src, "evdev") && unset(src, "dev")) {
		_cleanup_(freep) char *dev = vp_xml_prop(src, "evdev");

		vp_xml_set(src, "evdev", NULL);
		vp_xml_set(src, "dev", dev);
	}
	if ((prop_is(el, "type", "evdev") && unset(src, "dev")) ||
	    (prop_is(el, "type", "passthrough") && unset(src, "evdev")))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--input %s needs the host's device: source.evdev=/dev/input/eventN",
				    prop_is(el, "type", "evdev") ? "evdev" : "passthrough");
	return 0;
}

static int smartcard_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	if (unset(el, "mode"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--smartcard needs a mode: passthrough, host or host-certificates");
	if (prop_is(el, "mode", "passthrough") && unset(el, "type"))
		vp_xml_set(el, "type", "spicevmc");
	if (!prop_is(el, "mode", "passthrough") && !unset(el, "type"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--smartcard type= goes only with mode passthrough");
	if (prop_is(el, "mode", "host-certificates") && !vp_xml_child(el, "certificate"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--smartcard host-certificates needs certificate0=, certificate1=, certificate2=");
	return 0;
}

/* --redirdev ...,server=HOST:PORT */
static int redir_server(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	set_path(d, el, "source/@host", -1, "");
	return set_host_port(d, "server", vp_xml_child(el, "source"), "host", "service", v, err);
}

static int redir_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	if (unset(el, "bus"))
		vp_xml_set(el, "bus", "usb");
	if (unset(el, "type"))
		return vp_error_set(err, VP_ERR_INVALID, "--redirdev needs type=spicevmc or type=tcp");
	if (prop_is(el, "type", "tcp") && unset(vp_xml_child(el, "source"), "service"))
		return vp_error_set(err, VP_ERR_INVALID, "--redirdev type=tcp needs server=HOST:PORT");
	drop_os_boot(el);
	return 0;
}

/* DOMAIN:BUS:SLOT.FUNCTION or BUS:SLOT.FUNCTION, hexadecimal */
static bool parse_pci(const char *v, unsigned *dom, unsigned *bus, unsigned *slot, unsigned *fn)
{
	int n = 0;

	*dom = 0;
	if (sscanf(v, "%x:%x:%x.%x%n", dom, bus, slot, fn, &n) == 4 && !v[n])
		return *dom <= 0xffff && *bus <= 0xff && *slot <= 0x1f && *fn <= 7;
	n = 0;
	*dom = 0;
	if (sscanf(v, "%x:%x.%x%n", bus, slot, fn, &n) == 3 && !v[n])
		return *bus <= 0xff && *slot <= 0x1f && *fn <= 7;
	return false;
}

/* a PCI address as libvirt writes it */
static void write_pci(xmlNodePtr addr, unsigned dom, unsigned bus, unsigned slot, unsigned fn)
{
	char a[16];

	snprintf(a, sizeof(a), "0x%04x", dom);
	vp_xml_set(addr, "domain", a);
	snprintf(a, sizeof(a), "0x%02x", bus);
	vp_xml_set(addr, "bus", a);
	snprintf(a, sizeof(a), "0x%02x", slot);
	vp_xml_set(addr, "slot", a);
	snprintf(a, sizeof(a), "0x%x", fn);
	vp_xml_set(addr, "function", a);
}

/* The scratch document vp_spec_parse_xmlopt checks an argument in: a host
 * device's name may stand there for the address create looks up. */
static const char scratch_doc[] = "parse-time check";

/* A name of the host's node devices (pci_0000_01_00_0, usb_1_2,
 * net_eth0_...), as against an address: a letter first, then libvirt's
 * characters of node device names. */
static bool nodedev_name(const char *v)
{
	return isalpha((unsigned char)v[0]) &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") ==
		       strlen(v);
}

/* USB VENDOR:PRODUCT, hexadecimal (0x1234:0x5678, 1234:5678) */
static bool parse_usb_ids(const char *v, unsigned *vendor, unsigned *product)
{
	int n = 0;

	return !strchr(v, '.') && sscanf(v, "%x:%x%n", vendor, product, &n) == 2 && !v[n] &&
	       *vendor <= 0xffff && *product <= 0xffff;
}

/* USB BUS.DEVICE, decimal (001.003) */
static bool parse_usb_addr(const char *v, unsigned *bus, unsigned *dev)
{
	int n = 0;

	return strspn(v, "0123456789.") == strlen(v) && sscanf(v, "%u.%u%n", bus, dev, &n) == 2 &&
	       !v[n] && *bus <= 999 && *dev <= 999;
}

/* --hostdev VALUE names a host device create looks up (not an address) */
static bool hostdev_is_name(const char *v)
{
	unsigned a, b, c, f;

	return !parse_pci(v, &a, &b, &c, &f) && !parse_usb_ids(v, &a, &b) &&
	       !parse_usb_addr(v, &a, &b) && nodedev_name(v);
}

/* --hostdev ADDRESS: a host PCI device (0000:01:00.0, 01:00.0) or USB device
 * (VENDOR:PRODUCT, 0x1234:0x5678, or BUS.DEVICE, 001.003), written as the
 * address given.  A node device's name (pci_0000_01_00_0, usb_1_2) is
 * replaced by its address when create looks it up on the host
 * (vp_xmlopts_lookup_names); checked before that, it makes an empty source
 * and no type yet. */
static int hostdev_name(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	unsigned a, b, c, f;
	char buf[32];
	xmlNodePtr src;

	(void)d;
	if (vp_xml_child(el, "source"))
		return vp_error_set(err, VP_ERR_INVALID, "invalid --hostdev '%s': one device per --hostdev", v);
	if (parse_pci(v, &a, &b, &c, &f)) {
		vp_xml_set(el, "type", "pci");
		write_pci(vp_xml_add(vp_xml_add(el, "source", NULL), "address", NULL), a, b, c, f);
	} else if (parse_usb_ids(v, &a, &b)) {
		vp_xml_set(el, "type", "usb");
		src = vp_xml_add(el, "source", NULL);
		snprintf(buf, sizeof(buf), "0x%04x", a);
		vp_xml_set(vp_xml_add(src, "vendor", NULL), "id", buf);
		snprintf(buf, sizeof(buf), "0x%04x", b);
		vp_xml_set(vp_xml_add(src, "product", NULL), "id", buf);
	} else if (parse_usb_addr(v, &a, &b)) {
		vp_xml_set(el, "type", "usb");
		src = vp_xml_add(vp_xml_add(el, "source", NULL), "address", NULL);
		snprintf(buf, sizeof(buf), "%u", a);
		vp_xml_set(src, "bus", buf);
		snprintf(buf, sizeof(buf), "%u", b);
		vp_xml_set(src, "device", buf);
	} else if (nodedev_name(v)) {
		if (el->doc->_private != scratch_doc)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--hostdev '%s' names a host device, which is looked up "
					    "when the VM is created", v);
		vp_xml_add(el, "source", NULL);
	} else {
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --hostdev '%s': give a PCI address (0000:01:00.0), a USB "
				    "device (VENDOR:PRODUCT or BUS.DEVICE) or a host device's name "
				    "(pci_0000_01_00_0)", v);
	}
	return 0;
}

static int hostdev_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	if (!vp_xml_child(el, "source"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--hostdev needs the host device: a PCI address or a USB device");
	vp_xml_set(el, "mode", "subsystem");
	if (unset(el, "managed"))
		vp_xml_set(el, "managed", "yes");
	/* (a name not looked up yet has no type: checked once it is) */
	if (vp_xml_child(el, "driver") && !unset(el, "type") && !prop_is(el, "type", "pci"))
		return vp_error_set(err, VP_ERR_INVALID, "--hostdev driver.name= goes only with a PCI device");
	drop_os_boot(el);
	return 0;
}

/* --filesystem SOURCE,TARGET */
static int fs_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
		   struct vp_error *err)
{
	if (nth > 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --filesystem: '%s' is not KEY=VALUE (give SOURCE,TARGET)", v);
	return set_sub(d, el, nth ? "target.dir" : "source.dir", v, err);
}

static int fs_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(el->doc), mb, n;
	bool virtiofs = prop_is(vp_xml_child(el, "driver"), "type", "virtiofs");

	(void)d;
	if (unset(el, "type"))
		xmlSetProp(el, BAD_CAST "type", BAD_CAST "mount");
	if (unset(vp_xml_child(el, "source"), "dir") || unset(vp_xml_child(el, "target"), "dir"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--filesystem needs a host directory and a tag: --filesystem /srv/share,share");
	/* 9p: the host's files owned by QEMU's user, the guest's view in xattrs
	 * (virt-install's default); virtiofs only passes through */
	if (!virtiofs && unset(el, "accessmode"))
		vp_xml_set(el, "accessmode", "mapped");
	if (virtiofs && !unset(el, "accessmode") && !prop_is(el, "accessmode", "passthrough"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--filesystem driver.type=virtiofs takes only accessmode=passthrough");
	if (!virtiofs)
		return 0;
	/* virtiofsd maps the guest's memory: it must be shared, or the guest
	 * does not start (virt-install 4.1 leaves that to --memorybacking) */
	mb = vp_xml_child(root, "memoryBacking");
	if (mb && vp_xml_child(mb, "access"))
		return 0;
	if (!mb) {
		mb = xmlNewNode(NULL, BAD_CAST "memoryBacking");
		xmlAddPrevSibling(vp_xml_child(root, "devices"), mb);
	}
	if (!vp_xml_child(mb, "source")) {
		n = vp_xml_add(mb, "source", NULL);
		vp_xml_set(n, "type", "memfd");
	}
	vp_xml_set(vp_xml_add(mb, "access", NULL), "mode", "shared");
	return 0;
}

/* --rng /dev/urandom|random|builtin|egd */
static int rng_bare(const struct xdef *d, xmlNodePtr el, const char *v, size_t nth,
		    struct vp_error *err)
{
	if (nth)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --rng: '%s' is not KEY=VALUE", v);
	if (v[0] == '/') {
		set_path(d, el, "backend/@model", -1, "random");
		return set_sub(d, el, "backend", v, err);
	}
	if (strcmp(v, "random") && strcmp(v, "builtin") && strcmp(v, "egd"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --rng '%s': give none, /dev/urandom or /dev/random (a "
				    "device of this host), builtin, or egd with backend.type=",
				    v);
	return set_sub(d, el, "backend.model", v, err);
}

/* --rng device=PATH, backend=PATH: the random backend's device */
static int rng_device(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	(void)d;
	(void)err;
	set_path(d, el, "backend/#text", -1, v);
	if (unset(vp_xml_child(el, "backend"), "model"))
		set_path(d, el, "backend/@model", -1, "random");
	return 0;
}

static int rng_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr be = vp_xml_child(el, "backend");

	(void)d;
	if (unset(el, "model"))
		xmlSetProp(el, BAD_CAST "model", BAD_CAST "virtio");
	if (unset(be, "model"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--rng needs a source: /dev/urandom, builtin or egd");
	if (prop_is(be, "model", "egd") && unset(be, "type"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--rng egd needs backend.type=tcp|udp|unix and its backend.source.*");
	return 0;
}

static int model_virtio(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	(void)err;
	if (unset(el, "model"))
		xmlSetProp(el, BAD_CAST "model", BAD_CAST "virtio");
	return 0;
}

static int vsock_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr cid = vp_xml_child(el, "cid");

	model_virtio(d, el, err);
	if (!cid)
		set_path(d, el, "cid/@auto", -1, "yes");
	else if (prop_is(cid, "auto", "yes") && !unset(cid, "address"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--vsock cid.auto=yes and cid.address= do not go together");
	return 0;
}

static int iommu_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	if (unset(el, "model"))
		return vp_error_set(err, VP_ERR_INVALID, "--iommu needs a model: intel or virtio");
	return 0;
}

static int shmem_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	(void)d;
	if (unset(el, "name"))
		return vp_error_set(err, VP_ERR_INVALID, "--shmem needs a name: --shmem NAME,...");
	if (vp_xml_child(el, "server") && !prop_is(vp_xml_child(el, "model"), "type", "ivshmem-doorbell"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--shmem server.path= needs model.type=ivshmem-doorbell");
	return 0;
}

/* --memdev target.size=: MiB as virt-install takes it, written in libvirt's
 * default unit (KiB); target.requested= and target.block= are KiB already,
 * as in virt-install */
static int memdev_mib(const struct xdef *d, xmlNodePtr el, const char *what, const char *v,
		      struct vp_error *err)
{
	char kib[32], path[32];
	unsigned long long mib = strtoull(v, NULL, 10);

	if (!mib || mib > (1ULL << 34))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --memdev target.%s '%s': give MiB, 1 or more", what, v);
	snprintf(kib, sizeof(kib), "%llu", mib * 1024);
	snprintf(path, sizeof(path), "target/%s", what);
	set_path(d, el, path, -1, kib);
	return 0;
}

static int memdev_size(const struct xdef *d, xmlNodePtr el, const char *v, struct vp_error *err)
{
	return memdev_mib(d, el, "size", v, err);
}

/* --memdev: the model needs a target size; a dimm or nvdimm a NUMA node
 * (libvirt's rule for memory hotplug) */
static int memdev_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr t = vp_xml_child(el, "target");

	(void)d;
	if (unset(el, "model"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--memdev needs a model: dimm, nvdimm, virtio-pmem or virtio-mem");
	if (!vp_xml_child(t, "size"))
		return vp_error_set(err, VP_ERR_INVALID, "--memdev needs target.size=MiB");
	return 0;
}

/* --audio: libvirt 9.0 wants an id on each backend: the next free one */
static int audio_finish(const struct xdef *d, xmlNodePtr el, struct vp_error *err)
{
	xmlNodePtr c;
	unsigned long id = 0;
	char num[16];

	(void)d;
	(void)err;
	if (!unset(el, "id"))
		return 0;
	for (c = el->parent->children; c; c = c->next) {
		_cleanup_(freep) char *have = NULL;

		if (c == el || c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "audio"))
			continue;
		if ((have = vp_xml_prop(c, "id")) && strtoul(have, NULL, 10) > id)
			id = strtoul(have, NULL, 10);
	}
	snprintf(num, sizeof(num), "%lu", id + 1);
	vp_xml_set(el, "id", num);
	return 0;
}

/* the setters a sub-option's path "=NAME" names */
static const struct {
	const char *name;
	xset_fn fn;
} setters[] = {
	{ "memdev_size", memdev_size },
	{ "char_host", char_host },
	{ "char_bind_host", char_bind_host },
	{ "char_target_address", char_target_address },
	{ "pci_address", pci_address },
	{ "redir_server", redir_server },
	{ "hostdev_name", hostdev_name },
	{ "rng_device", rng_device },
};

static xset_fn setter_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(setters) / sizeof(setters[0]); i++)
		if (!strcmp(setters[i].name, name))
			return setters[i].fn;
	abort(); /* a table that names no setter: a bug */
}

/* ---- devices: the sub-options ------------------------------------------------- */

/* where a device sits on its bus: every device takes them */
static const struct xsub address_subs[] = {
	{ "address.type", "address/@type", X_WORD, "pci drive usb isa virtio-serial ccid" },
	{ "address.domain", "address/@domain", X_NUM, NULL },
	{ "address.bus", "address/@bus", X_NUM, NULL },
	{ "address.slot", "address/@slot", X_NUM, NULL },
	{ "address.function", "address/@function", X_NUM, NULL },
	{ "address.multifunction", "address/@multifunction", X_ONOFF, NULL },
	{ "address.controller", "address/@controller", X_NUM, NULL },
	{ "address.unit", "address/@unit", X_NUM, NULL },
	{ "address.target", "address/@target", X_NUM, NULL },
	{ "address.port", "address/@port", X_TEXT, NULL },
	{ "address.iobase", "address/@iobase", X_NUM, NULL },
	{ "address.irq", "address/@irq", X_NUM, NULL },
	{ "alias.name", "alias/@name", X_TEXT, NULL },
	{ NULL, NULL, 0, NULL },
};

#define CHAR_TYPES "pty dev file pipe tcp udp unix null stdio spicevmc"
/* a character device's host side (--serial, --parallel, --channel,
 * --smartcard's and --rng's prefixed) */
#define CHAR_SOURCE(p, pp)                                                                 \
	{ p "source.path", pp "source/@path", X_PATH, NULL },                       \
	{ p "source.mode", pp "source/@mode", X_WORD, "bind connect" },             \
	{ p "source.host", pp "source/@host", X_TEXT, NULL },                       \
	{ p "source.service", pp "source/@service", X_UINT, NULL },                 \
	{ p "protocol.type", pp "protocol/@type", X_WORD, "raw telnet telnets tls" }

static const struct xsub serial_subs[] = {
	{ "type", "@type", X_WORD, CHAR_TYPES },
	{ "path", "source/@path", X_PATH, NULL },
	{ "mode", "source/@mode", X_WORD, "bind connect" },
	{ "host", "=char_host", X_TEXT, NULL },
	{ "bind_host", "=char_bind_host", X_TEXT, NULL },
	{ "source.bind_host", "=char_bind_host", X_TEXT, NULL },
	CHAR_SOURCE("", ""),
	{ "log.file", "log/@file", X_PATH, NULL },
	{ "log.append", "log/@append", X_ONOFF, NULL },
	{ "target.port", "target/@port", X_UINT, NULL },
	{ "target.type", "target/@type", X_WORD, "isa-serial usb-serial pci-serial" },
	{ "target_type", "target/@type", X_WORD, "isa-serial usb-serial pci-serial" },
	{ "target.model.name", "target/model/@name", X_WORD,
	  "isa-serial usb-serial pci-serial 16550a" },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub parallel_subs[] = {
	{ "type", "@type", X_WORD, "pty dev file pipe tcp udp unix null" },
	{ "path", "source/@path", X_PATH, NULL },
	{ "mode", "source/@mode", X_WORD, "bind connect" },
	{ "host", "=char_host", X_TEXT, NULL },
	{ "bind_host", "=char_bind_host", X_TEXT, NULL },
	CHAR_SOURCE("", ""),
	{ "log.file", "log/@file", X_PATH, NULL },
	{ "log.append", "log/@append", X_ONOFF, NULL },
	{ "target.port", "target/@port", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub channel_subs[] = {
	{ "type", "@type", X_WORD, "pty unix tcp udp file pipe spicevmc spiceport qemu-vdagent" },
	{ "path", "source/@path", X_PATH, NULL },
	{ "mode", "source/@mode", X_WORD, "bind connect" },
	{ "host", "=char_host", X_TEXT, NULL },
	{ "bind_host", "=char_bind_host", X_TEXT, NULL },
	CHAR_SOURCE("", ""),
	{ "source.channel", "source/@channel", X_TEXT, NULL },
	{ "source.clipboard.copypaste", "source/clipboard/@copypaste", X_YESNO, NULL },
	{ "source.mouse.mode", "source/mouse/@mode", X_WORD, "client server" },
	{ "target.type", "target/@type", X_WORD, "virtio guestfwd" },
	{ "target_type", "target/@type", X_WORD, "virtio guestfwd" },
	{ "target.name", "target/@name", X_TEXT, NULL },
	{ "name", "target/@name", X_TEXT, NULL },
	{ "target.address", "=char_target_address", X_TEXT, NULL },
	{ "target.port", "target/@port", X_UINT, NULL },
	{ "log.file", "log/@file", X_PATH, NULL },
	{ "log.append", "log/@append", X_ONOFF, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub controller_subs[] = {
	{ "type", "@type", X_WORD, "usb scsi sata ide fdc pci virtio-serial ccid" },
	{ "model", "@model", X_TEXT, NULL },
	{ "index", "@index", X_UINT, NULL },
	{ "vectors", "@vectors", X_UINT, NULL },
	{ "master.startport", "master/@startport", X_UINT, NULL },
	{ "driver.queues", "driver/@queues", X_UINT, NULL },
	{ "driver.iothread", "driver/@iothread", X_UINT, NULL },
	{ "target.chassisNr", "target/@chassisNr", X_UINT, NULL },
	{ "target.chassis", "target/@chassis", X_UINT, NULL },
	{ "target.port", "target/@port", X_NUM, NULL },
	{ "target.hotplug", "target/@hotplug", X_ONOFF, NULL },
	{ "target.busNr", "target/@busNr", X_UINT, NULL },
	{ "target.index", "target/@index", X_UINT, NULL },
	{ "target.node", "target/@node", X_UINT, NULL },
	{ "address", "=pci_address", X_TEXT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub tpm_subs[] = {
	{ "model", "@model", X_WORD, "tpm-crb tpm-tis" },
	{ "backend.type", "backend/@type", X_WORD, "emulator passthrough" },
	{ "type", "backend/@type", X_WORD, "emulator passthrough" },
	{ "backend.version", "backend/@version", X_WORD, "1.2 2.0" },
	{ "version", "backend/@version", X_WORD, "1.2 2.0" },
	{ "backend.device.path", "backend/device/@path", X_PATH, NULL },
	{ "path", "backend/device/@path", X_PATH, NULL },
	{ "backend.persistent_state", "backend/@persistent_state", X_YESNO, NULL },
	{ "backend.encryption.secret", "backend/encryption/@secret", X_TEXT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub sound_subs[] = {
	{ "model", "@model", X_WORD, "ich9 ich6 ich7 ac97 es1370 sb16 usb pcspk" },
	{ "codec#.type", "codec[#]/@type", X_WORD, "duplex micro output" },
	{ "audio.id", "audio/@id", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub panic_subs[] = {
	/* pvpanic (PCI) is libvirt 9.1's; this libvirt has isa and hyperv */
	{ "model", "@model", X_WORD, "isa hyperv" },
	{ "iobase", "address/@iobase", X_NUM, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub video_subs[] = {
	{ "model.type", "model/@type", X_WORD, "virtio vga qxl bochs ramfb cirrus vmvga none" },
	{ "model", "model/@type", X_WORD, "virtio vga qxl bochs ramfb cirrus vmvga none" },
	{ "model.heads", "model/@heads", X_UINT, NULL },
	{ "heads", "model/@heads", X_UINT, NULL },
	{ "model.vram", "model/@vram", X_UINT, NULL },
	{ "vram", "model/@vram", X_UINT, NULL },
	{ "model.vram64", "model/@vram64", X_UINT, NULL },
	{ "model.ram", "model/@ram", X_UINT, NULL },
	{ "ram", "model/@ram", X_UINT, NULL },
	{ "model.vgamem", "model/@vgamem", X_UINT, NULL },
	{ "vgamem", "model/@vgamem", X_UINT, NULL },
	{ "model.acceleration.accel3d", "model/acceleration/@accel3d", X_YESNO, NULL },
	{ "accel3d", "model/acceleration/@accel3d", X_YESNO, NULL },
	{ "model.primary", "model/@primary", X_YESNO, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub input_subs[] = {
	{ "type", "@type", X_WORD, "tablet mouse keyboard evdev passthrough" },
	{ "bus", "@bus", X_WORD, "usb virtio ps2" },
	{ "model", "@model", X_WORD, "virtio virtio-transitional virtio-non-transitional" },
	{ "source.evdev", "source/@evdev", X_PATH, NULL },
	{ "source.dev", "source/@dev", X_PATH, NULL },
	{ "source.repeat", "source/@repeat", X_ONOFF, NULL },
	{ "source.grab", "source/@grab", X_WORD, "all" },
	{ "source.grabToggle", "source/@grabToggle", X_WORD,
	  "ctrl-ctrl alt-alt shift-shift meta-meta scrolllock ctrl-scrolllock" },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub smartcard_subs[] = {
	{ "mode", "@mode", X_WORD, "passthrough host host-certificates" },
	{ "type", "@type", X_WORD, "spicevmc tcp" },
	CHAR_SOURCE("", ""),
	{ "database", "database", X_PATH, NULL },
	{ "certificate#", "certificate[#]", X_TEXT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub redirdev_subs[] = {
	{ "bus", "@bus", X_WORD, "usb" },
	{ "type", "@type", X_WORD, "spicevmc tcp" },
	{ "server", "=redir_server", X_TEXT, NULL },
	{ "source.host", "source/@host", X_TEXT, NULL },
	{ "source.service", "source/@service", X_UINT, NULL },
	{ "boot.order", "boot/@order", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub hostdev_subs[] = {
	{ "name", "=hostdev_name", X_TEXT, NULL },
	{ "type", "@type", X_WORD, "pci usb" },
	{ "driver.name", "driver/@name", X_WORD, "vfio kvm" },
	{ "rom.bar", "rom/@bar", X_ONOFF, NULL },
	{ "boot.order", "boot/@order", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub filesystem_subs[] = {
	{ "type", "@type", X_WORD, "mount" },
	{ "accessmode", "@accessmode", X_WORD, "passthrough mapped squash" },
	{ "mode", "@accessmode", X_WORD, "passthrough mapped squash" },
	{ "source", "source/@dir", X_PATH, NULL },
	{ "source.dir", "source/@dir", X_PATH, NULL },
	{ "target", "target/@dir", X_TEXT, NULL },
	{ "target.dir", "target/@dir", X_TEXT, NULL },
	{ "readonly", "readonly", X_PRESENT, NULL },
	{ "multidevs", "@multidevs", X_WORD, "default remap forbid warn" },
	{ "fmode", "@fmode", X_TEXT, NULL },
	{ "dmode", "@dmode", X_TEXT, NULL },
	{ "driver.type", "driver/@type", X_WORD, "path handle virtiofs" },
	{ "driver.wrpolicy", "driver/@wrpolicy", X_WORD, "immediate" },
	{ "driver.queue", "driver/@queue", X_UINT, NULL },
	{ "binary.path", "binary/@path", X_PATH, NULL },
	{ "binary.xattr", "binary/@xattr", X_ONOFF, NULL },
	{ "binary.cache.mode", "binary/cache/@mode", X_WORD, "none always" },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub rng_subs[] = {
	{ "model", "@model", X_WORD, "virtio virtio-transitional virtio-non-transitional" },
	{ "backend.model", "backend/@model", X_WORD, "random builtin egd" },
	{ "type", "backend/@model", X_WORD, "random builtin egd" },
	{ "backend", "=rng_device", X_PATH, NULL },
	{ "device", "=rng_device", X_PATH, NULL },
	{ "backend.type", "backend/@type", X_WORD, "tcp udp unix" },
	CHAR_SOURCE("backend.", "backend/"),
	{ "rate.bytes", "rate/@bytes", X_UINT, NULL },
	{ "rate.period", "rate/@period", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --memdev: a memory device (hotplugged DIMM, NVDIMM, virtio-mem, ...) */
static const struct xsub memdev_subs[] = {
	{ "model", "@model", X_WORD, "dimm nvdimm virtio-pmem virtio-mem" },
	{ "access", "@access", X_WORD, "shared private" },
	{ "discard", "@discard", X_YESNO, NULL },
	{ "target.size", "=memdev_size", X_UINT, NULL },
	{ "target.node", "target/node", X_UINT, NULL },
	{ "target.label_size", "target/label/size", X_UINT, NULL },
	{ "target.block", "target/block", X_UINT, NULL },
	{ "target.requested", "target/requested", X_UINT, NULL },
	{ "target.readonly", "target/readonly", X_PRESENT, NULL },
	{ "source.pagesize", "source/pagesize", X_UINT, NULL },
	{ "source.nodemask", "source/nodemask", X_FREE, NULL },
	{ "source.path", "source/path", X_PATH, NULL },
	{ "source.alignsize", "source/alignsize", X_UINT, NULL },
	{ "source.pmem", "source/pmem", X_PRESENT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --audio: a host audio backend for the sound devices */
static const struct xsub audio_subs[] = {
	{ "type", "@type", X_WORD, "none alsa coreaudio jack oss pulseaudio sdl spice file dbus" },
	{ "id", "@id", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub vsock_subs[] = {
	{ "model", "@model", X_WORD, "virtio virtio-transitional virtio-non-transitional" },
	{ "cid.auto", "cid/@auto", X_YESNO, NULL },
	{ "cid.address", "cid/@address", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub iommu_subs[] = {
	{ "model", "@model", X_WORD, "intel virtio" },
	{ "driver.aw_bits", "driver/@aw_bits", X_UINT, NULL },
	{ "driver.intremap", "driver/@intremap", X_ONOFF, NULL },
	{ "driver.caching_mode", "driver/@caching_mode", X_ONOFF, NULL },
	{ "driver.eim", "driver/@eim", X_ONOFF, NULL },
	{ "driver.iotlb", "driver/@iotlb", X_ONOFF, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub shmem_subs[] = {
	{ "name", "@name", X_TEXT, NULL },
	{ "role", "@role", X_WORD, "master peer" },
	{ "model.type", "model/@type", X_WORD, "ivshmem ivshmem-plain ivshmem-doorbell" },
	{ "size", "size", X_UINT, NULL },
	{ "size.unit", "size/@unit", X_WORD, "B K KiB M MiB G GiB" },
	{ "server.path", "server/@path", X_PATH, NULL },
	{ "msi.vectors", "msi/@vectors", X_UINT, NULL },
	{ "msi.ioeventfd", "msi/@ioeventfd", X_ONOFF, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub features_subs[] = {
	{ "acpi", "acpi", X_PRESENT, NULL },
	{ "apic", "apic", X_PRESENT, NULL },
	{ "pae", "pae", X_PRESENT, NULL },
	{ "apic.eoi", "apic/@eoi", X_ONOFF, NULL },
	{ "eoi", "apic/@eoi", X_ONOFF, NULL },
	{ "pmu.state", "pmu/@state", X_ONOFF, NULL },
	{ "pmu", "pmu/@state", X_ONOFF, NULL },
	{ "vmcoreinfo.state", "vmcoreinfo/@state", X_ONOFF, NULL },
	{ "vmcoreinfo", "vmcoreinfo/@state", X_ONOFF, NULL },
	{ "pvspinlock.state", "pvspinlock/@state", X_ONOFF, NULL },
	{ "pvspinlock", "pvspinlock/@state", X_ONOFF, NULL },
	{ "ioapic.driver", "ioapic/@driver", X_WORD, "qemu kvm" },
	{ "ioapic_driver", "ioapic/@driver", X_WORD, "qemu kvm" },
	{ "msrs.unknown", "msrs/@unknown", X_WORD, "ignore fault" },
	HV("relaxed"), HV("vapic"), HV("spinlocks"), HV("vpindex"), HV("runtime"),
	HV("synic"), HV("stimer"), HV("reset"), HV("frequencies"), HV("reenlightenment"),
	HV("tlbflush"), HV("ipi"), HV("evmcs"), HV("avic"),
	{ "hyperv.spinlocks.retries", "hyperv/spinlocks/@retries", X_UINT, NULL },
	{ "hyperv.stimer.direct.state", "hyperv/stimer/direct/@state", X_ONOFF, NULL },
	HV_OLD("relaxed"), HV_OLD("vapic"), HV_OLD("spinlocks"), HV_OLD("synic"), HV_OLD("reset"),
	{ "hyperv_spinlocks_retries", "hyperv/spinlocks/@retries", X_UINT, NULL },
	KVM("hidden"), KVM("hint-dedicated"), KVM("poll-control"), KVM("pv-ipi"),
	{ "kvm_hidden", "kvm/hidden/@state", X_ONOFF, NULL },
	{ "vmport.state", "vmport/@state", X_ONOFF, NULL },
	{ "vmport", "vmport/@state", X_ONOFF, NULL },
	{ "smm.state", "smm/@state", X_ONOFF, NULL },
	{ "smm", "smm/@state", X_ONOFF, NULL },
	{ "gic.version", NULL, X_REFUSED, ARM_ONLY },
	{ "gic_version", NULL, X_REFUSED, ARM_ONLY },
	{ "hap", NULL, X_REFUSED, XEN_ONLY },
	{ "privnet", NULL, X_REFUSED, XEN_ONLY },
	{ "viridian", NULL, X_REFUSED, XEN_ONLY },
	{ NULL, NULL, 0, NULL },
};

/* --clock: vprov's <clock> edited; its rtc, pit and hpet timers are edited
 * in place whether named the old way (rtc_present=no) or by index
 * (timer0.name=rtc,timer0.present=no): clock_finish joins a timer the
 * user named to the one of that name already there. */
#define TIMER_OLD(t) { t "_present", "timer[@name=" t "]/@present", X_YESNO, NULL }
#define TICKPOLICY "delay catchup merge discard"
/* virt-install takes these and drops them: they never had an effect */
#define TICK_NOOP(t) { t "_tickpolicy", NULL, X_IGNORED, NULL }

static const struct xsub clock_subs[] = {
	{ "offset", "@offset", X_WORD, "utc localtime timezone variable" },
	{ "timezone", "@timezone", X_TEXT, NULL },
	{ "adjustment", "@adjustment", X_TEXT, NULL },
	{ "basis", "@basis", X_WORD, "utc localtime" },
	TIMER_OLD("rtc"), TIMER_OLD("pit"), TIMER_OLD("hpet"), TIMER_OLD("tsc"),
	TIMER_OLD("kvmclock"), TIMER_OLD("hypervclock"), TIMER_OLD("platform"),
	{ "rtc_tickpolicy", "timer[@name=rtc]/@tickpolicy", X_WORD, TICKPOLICY },
	{ "pit_tickpolicy", "timer[@name=pit]/@tickpolicy", X_WORD, TICKPOLICY },
	TICK_NOOP("platform"), TICK_NOOP("hpet"), TICK_NOOP("tsc"), TICK_NOOP("kvmclock"),
	TICK_NOOP("hypervclock"),
	{ "timer#.name", "timer[#]/@name", X_WORD,
	  "platform pit rtc hpet tsc kvmclock hypervclock armvtimer" },
	{ "timer#.present", "timer[#]/@present", X_YESNO, NULL },
	{ "timer#.tickpolicy", "timer[#]/@tickpolicy", X_WORD, TICKPOLICY },
	{ "timer#.track", "timer[#]/@track", X_WORD, "boot guest wall realtime" },
	{ "timer#.mode", "timer[#]/@mode", X_WORD, "auto native emulate paravirt smpsafe" },
	{ "timer#.frequency", "timer[#]/@frequency", X_UINT, NULL },
	{ "timer#.catchup.threshold", "timer[#]/catchup/@threshold", X_UINT, NULL },
	{ "timer#.catchup.slew", "timer[#]/catchup/@slew", X_UINT, NULL },
	{ "timer#.catchup.limit", "timer[#]/catchup/@limit", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --pm: vprov writes both states as no; edited in place */
static const struct xsub pm_subs[] = {
	{ "suspend_to_mem", "suspend-to-mem/@enabled", X_YESNO, NULL },
	{ "suspend_to_mem.enabled", "suspend-to-mem/@enabled", X_YESNO, NULL },
	{ "suspend_to_disk", "suspend-to-disk/@enabled", X_YESNO, NULL },
	{ "suspend_to_disk.enabled", "suspend-to-disk/@enabled", X_YESNO, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --sysinfo: written from <domain>, as the type decides where things go:
 * smbios values into <sysinfo type='smbios'> (the one vprov writes for a
 * cloud-init seed, or a new one), fw_cfg entries into <sysinfo
 * type='fwcfg'>, host/emulate into <os><smbios mode=../> only.  type
 * is written to os/smbios/@mode and sysinfo_finish sorts it out. */
#define SYSTEM_UUID "it must equal the VM's UUID, and vprov gives each VM a new one"
#define SMBIOS(sect, key, name) \
	{ sect "." key, "sysinfo[@type=smbios]/" sect "/entry[@name=" name "]", X_FREE, NULL }
#define SMBIOS_OLD(sect, key, name) \
	{ sect "_" key, "sysinfo[@type=smbios]/" sect "/entry[@name=" name "]", X_FREE, NULL }

static const struct xsub sysinfo_subs[] = {
	/* "smbios": libvirt's mode is "sysinfo"; fwcfg needs no mode */
	{ "type", "os/smbios/@mode", X_WORD, "smbios=sysinfo host emulate fwcfg= none" },
	/* the values may hold commas (X_FREE) */
	SMBIOS("bios", "vendor", "vendor"), SMBIOS("bios", "version", "version"),
	SMBIOS("bios", "date", "date"), SMBIOS("bios", "release", "release"),
	SMBIOS("system", "manufacturer", "manufacturer"), SMBIOS("system", "product", "product"),
	SMBIOS("system", "version", "version"), SMBIOS("system", "serial", "serial"),
	{ "system.uuid", NULL, X_REFUSED, SYSTEM_UUID }, SMBIOS("system", "sku", "sku"),
	SMBIOS("system", "family", "family"),
	SMBIOS("baseBoard", "manufacturer", "manufacturer"),
	SMBIOS("baseBoard", "product", "product"), SMBIOS("baseBoard", "version", "version"),
	SMBIOS("baseBoard", "serial", "serial"), SMBIOS("baseBoard", "asset", "asset"),
	SMBIOS("baseBoard", "location", "location"),
	SMBIOS("chassis", "manufacturer", "manufacturer"), SMBIOS("chassis", "version", "version"),
	SMBIOS("chassis", "serial", "serial"), SMBIOS("chassis", "asset", "asset"),
	SMBIOS("chassis", "sku", "sku"),
	SMBIOS_OLD("bios", "vendor", "vendor"), SMBIOS_OLD("bios", "version", "version"),
	SMBIOS_OLD("bios", "date", "date"), SMBIOS_OLD("bios", "release", "release"),
	SMBIOS_OLD("system", "manufacturer", "manufacturer"),
	SMBIOS_OLD("system", "product", "product"), SMBIOS_OLD("system", "version", "version"),
	SMBIOS_OLD("system", "serial", "serial"), { "system_uuid", NULL, X_REFUSED, SYSTEM_UUID },
	SMBIOS_OLD("system", "sku", "sku"), SMBIOS_OLD("system", "family", "family"),
	SMBIOS_OLD("baseBoard", "manufacturer", "manufacturer"),
	SMBIOS_OLD("baseBoard", "product", "product"),
	SMBIOS_OLD("baseBoard", "version", "version"),
	SMBIOS_OLD("baseBoard", "serial", "serial"), SMBIOS_OLD("baseBoard", "asset", "asset"),
	SMBIOS_OLD("baseBoard", "location", "location"),
	{ "oemStrings.entry#", "sysinfo[@type=smbios]/oemStrings/entry[#]", X_FREE, NULL },
	/* QEMU's fw_cfg: what Fedora CoreOS reads its Ignition config from */
	{ "entry#", "sysinfo[@type=fwcfg]/entry[#]", X_TEXT, NULL },
	{ "entry#.name", "sysinfo[@type=fwcfg]/entry[#]/@name", X_TEXT, NULL },
	{ "entry#.file", "sysinfo[@type=fwcfg]/entry[#]/@file", X_PATH, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --memorybacking */
#define PAGE_UNITS "b bytes KB k KiB MB M MiB GB G GiB"

static const struct xsub memorybacking_subs[] = {
	{ "hugepages", "hugepages", X_PRESENT, NULL },
	{ "hugepages.page#.size", "hugepages/page[#]/@size", X_UINT, NULL },
	{ "hugepages.page#.unit", "hugepages/page[#]/@unit", X_WORD, PAGE_UNITS },
	/* a nodeset may hold commas (0-1,3): X_FREE */
	{ "hugepages.page#.nodeset", "hugepages/page[#]/@nodeset", X_FREE, NULL },
	{ "size", "hugepages/page[#]/@size", X_UINT, NULL },
	{ "unit", "hugepages/page[#]/@unit", X_WORD, PAGE_UNITS },
	{ "nodeset", "hugepages/page[#]/@nodeset", X_FREE, NULL },
	{ "nosharepages", "nosharepages", X_PRESENT, NULL },
	{ "locked", "locked", X_PRESENT, NULL },
	{ "discard", "discard", X_PRESENT, NULL },
	{ "access.mode", "access/@mode", X_WORD, "shared private" },
	{ "access_mode", "access/@mode", X_WORD, "shared private" },
	{ "source.type", "source/@type", X_WORD, "file anonymous memfd" },
	{ "source_type", "source/@type", X_WORD, "file anonymous memfd" },
	{ "allocation.mode", "allocation/@mode", X_WORD, "immediate ondemand" },
	{ "allocation.threads", "allocation/@threads", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --resource */
static const struct xsub resource_subs[] = {
	{ "partition", "partition", X_PATH, NULL },
	{ "fibrechannel.appid", "fibrechannel/@appid", X_TEXT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --numatune (nodesets may hold commas: 0-1,3) */
#define NUMA_MODES "strict preferred interleave restrictive"

static const struct xsub numatune_subs[] = {
	{ "nodeset", "memory/@nodeset", X_FREE, NULL },
	{ "memory.nodeset", "memory/@nodeset", X_FREE, NULL },
	{ "mode", "memory/@mode", X_WORD, NUMA_MODES },
	{ "memory.mode", "memory/@mode", X_WORD, NUMA_MODES },
	{ "memory.placement", "memory/@placement", X_WORD, "static auto" },
	{ "memnode#.cellid", "memnode[#]/@cellid", X_UINT, NULL },
	{ "memnode#.mode", "memnode[#]/@mode", X_WORD, NUMA_MODES },
	{ "memnode#.nodeset", "memnode[#]/@nodeset", X_FREE, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --cputune (cpusets may hold commas: 0-1,4) */
#define SCHEDULERS "batch idle fifo rr"

static const struct xsub cputune_subs[] = {
	{ "shares", "shares", X_UINT, NULL },
	{ "period", "period", X_UINT, NULL },
	{ "quota", "quota", X_INT, NULL },
	{ "global_period", "global_period", X_UINT, NULL },
	{ "global_quota", "global_quota", X_INT, NULL },
	{ "emulator_period", "emulator_period", X_UINT, NULL },
	{ "emulator_quota", "emulator_quota", X_INT, NULL },
	{ "iothread_period", "iothread_period", X_UINT, NULL },
	{ "iothread_quota", "iothread_quota", X_INT, NULL },
	{ "vcpupin#.vcpu", "vcpupin[#]/@vcpu", X_UINT, NULL },
	{ "vcpupin#.cpuset", "vcpupin[#]/@cpuset", X_FREE, NULL },
	{ "emulatorpin.cpuset", "emulatorpin/@cpuset", X_FREE, NULL },
	{ "iothreadpin#.iothread", "iothreadpin[#]/@iothread", X_UINT, NULL },
	{ "iothreadpin#.cpuset", "iothreadpin[#]/@cpuset", X_FREE, NULL },
	{ "emulatorsched.scheduler", "emulatorsched/@scheduler", X_WORD, SCHEDULERS },
	{ "emulatorsched.priority", "emulatorsched/@priority", X_INT, NULL },
	{ "vcpusched#.vcpus", "vcpusched[#]/@vcpus", X_FREE, NULL },
	{ "vcpusched#.scheduler", "vcpusched[#]/@scheduler", X_WORD, SCHEDULERS },
	{ "vcpusched#.priority", "vcpusched[#]/@priority", X_INT, NULL },
	{ "iothreadsched#.iothreads", "iothreadsched[#]/@iothreads", X_FREE, NULL },
	{ "iothreadsched#.scheduler", "iothreadsched[#]/@scheduler", X_WORD, SCHEDULERS },
	{ "iothreadsched#.priority", "iothreadsched[#]/@priority", X_INT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --memtune: KiB, as libvirt's default unit */
static const struct xsub memtune_subs[] = {
	{ "hard_limit", "hard_limit", X_UINT, NULL },
	{ "soft_limit", "soft_limit", X_UINT, NULL },
	{ "swap_hard_limit", "swap_hard_limit", X_UINT, NULL },
	{ "min_guarantee", "min_guarantee", X_UINT, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --blkiotune */
#define BLKDEV(k) { "device#." k, "device[#]/" k, X_UINT, NULL }, { k, "device[#]/" k, X_UINT, NULL }

static const struct xsub blkiotune_subs[] = {
	{ "weight", "weight", X_UINT, NULL },
	{ "device#.path", "device[#]/path", X_PATH, NULL },
	{ "device#.weight", "device[#]/weight", X_UINT, NULL },
	{ "device_path", "device[#]/path", X_PATH, NULL },
	{ "device_weight", "device[#]/weight", X_UINT, NULL },
	BLKDEV("read_bytes_sec"), BLKDEV("write_bytes_sec"), BLKDEV("read_iops_sec"),
	BLKDEV("write_iops_sec"),
	{ NULL, NULL, 0, NULL },
};

/* --seclabel (--security) */
static const struct xsub seclabel_subs[] = {
	{ "type", "@type", X_WORD, "dynamic static none" },
	{ "model", "@model", X_WORD, "selinux apparmor dac none" },
	{ "relabel", "@relabel", X_YESNO, NULL },
	/* an SELinux label holds commas (s0:c1,c2) */
	{ "label", "label", X_FREE, NULL },
	{ "baselabel", "baselabel", X_FREE, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --metadata: what vprov does not name itself */
static const struct xsub metadata_subs[] = {
	/* a title or description may hold commas */
	{ "title", "title", X_FREE, NULL },
	{ "description", "description", X_FREE, NULL },
	{ "genid", "genid", X_TEXT, NULL },
	{ "genid_enable", "genid", X_PRESENT, NULL },
	{ "name", NULL, X_REFUSED,
	  "vprov names the VM with --name (or its first argument), which its volumes, console "
	  "log and lock follow: give the name there" },
	{ "uuid", NULL, X_REFUSED, "vprov gives each VM a new UUID, which its undo journal follows" },
	{ "os_name", NULL, X_REFUSED, "give the OS profile with --os" },
	{ "os_full_id", NULL, X_REFUSED, "give the OS profile with --os" },
	{ NULL, NULL, 0, NULL },
};

/* --launchSecurity: AMD SEV (libvirt checks the host has it when the VM is defined) */
static const struct xsub launchsecurity_subs[] = {
	{ "type", "@type", X_WORD, "sev" },
	{ "cbitpos", "cbitpos", X_UINT, NULL },
	{ "reducedPhysBits", "reducedPhysBits", X_UINT, NULL },
	{ "policy", "policy", X_NUM, NULL },
	{ "session", "session", X_TEXT, NULL },
	{ "dhCert", "dhCert", X_TEXT, NULL },
	{ "kernelHashes", "@kernelHashes", X_YESNO, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct xsub events_subs[] = {
	{ "on_poweroff", "on_poweroff", X_WORD, "destroy restart preserve rename-restart" },
	{ "on_reboot", "on_reboot", X_WORD, "destroy restart preserve rename-restart" },
	{ "on_crash", "on_crash", X_WORD,
	  "destroy restart preserve rename-restart coredump-destroy coredump-restart" },
	{ "on_lockfailure", "on_lockfailure", X_WORD, "poweroff restart pause ignore" },
	{ NULL, NULL, 0, NULL },
};


/* ---- what a row's table cannot say ---------------------------------------------- */

static xmlNodePtr child_at(xmlNodePtr parent, const char *name, long nth, const char *attr,
			   const char *val, const void *owner);

static xmlNodePtr child_where(xmlNodePtr parent, const char *name, const char *attr,
			      const char *val)
{
	xmlNodePtr c;

	for (c = parent ? parent->children : NULL; c; c = c->next) {
		_cleanup_(freep) char *have = NULL;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, name))
			continue;
		have = vp_xml_prop(c, attr);
		if (have && !strcmp(have, val))
			return c;
	}
	return NULL;
}

/* A timer the user made by index joins the one of its name already there
 * (vprov's rtc, pit, hpet, or one named before): the older one's settings
 * stay under the user's, in the older one's place. */
static int clock_finish(const struct xdef *d, xmlNodePtr clock, struct vp_error *err)
{
	xmlNodePtr c, next, o;

	for (c = clock->children; c; c = next) {
		_cleanup_(freep) char *name = NULL;
		xmlAttrPtr a;

		next = c->next;
		if (c->type != XML_ELEMENT_NODE || c->_private != d ||
		    strcmp((const char *)c->name, "timer"))
			continue;
		if (!(name = vp_xml_prop(c, "name")))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--clock: a timer needs its name (timerN.name=rtc, pit, hpet, "
					    "tsc, kvmclock, hypervclock, ...)");
		for (o = clock->children; o && o != c; o = o->next)
			if (o->type == XML_ELEMENT_NODE && !strcmp((const char *)o->name, "timer")) {
				_cleanup_(freep) char *on = vp_xml_prop(o, "name");

				if (on && !strcmp(on, name))
					break;
			}
		if (!o || o == c)
			continue;
		for (a = o->properties; a; a = a->next)
			if (!xmlHasProp(c, a->name)) {
				_cleanup_(freep) char *v = vp_xml_prop(o, (const char *)a->name);

				vp_xml_set(c, (const char *)a->name, v);
			}
		if (!c->children && o->children) {
			xmlNodePtr k = o->children;

			xmlUnlinkNode(k);
			xmlAddChild(c, k);
		}
		xmlUnlinkNode(c);
		xmlFreeNode(xmlReplaceNode(o, c));
	}
	return 0;
}

/* type decided where the rest goes: smbios values need <os><smbios
 * mode='sysinfo'/>, "none" takes every SMBIOS setting away (vprov's seed
 * hint too: the seed is still found by its volume label). */
static int sysinfo_finish(const struct xdef *d, xmlNodePtr root, struct vp_error *err)
{
	xmlNodePtr os = vp_xml_child(root, "os");
	xmlNodePtr smbios = vp_xml_child(os, "smbios");
	xmlNodePtr si = child_where(root, "sysinfo", "type", "smbios");
	_cleanup_(freep) char *mode = smbios ? vp_xml_prop(smbios, "mode") : NULL;

	(void)d;
	(void)err;
	if (mode && !strcmp(mode, "none")) {
		vp_xml_drop(smbios);
		vp_xml_drop(si);
		return 0;
	}
	if (si && !smbios && os)
		vp_xml_set(vp_xml_add(os, "smbios", NULL), "mode", "sysinfo");
	else if (!si && mode && !strcmp(mode, "sysinfo"))
		vp_xml_set(child_at(root, "sysinfo", -1, NULL, NULL, NULL), "type", "smbios");
	return 0;
}

/* One argument to QEMU, unquoted the shell's way ('a b', "a b", a\ b):
 * from *p, into out (n bytes); false at the end. */
static bool next_word(const char **p, char *out, size_t n, bool *bad)
{
	const char *s = *p;
	size_t o = 0;
	char q = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return false;
	for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
		if (q && *s == q) {
			q = 0;
			continue;
		}
		if (!q && (*s == '\'' || *s == '"')) {
			q = *s;
			continue;
		}
		if (*s == '\\' && q != '\'' && s[1])
			s++;
		if (o + 1 < n)
			out[o++] = *s;
	}
	out[o] = '\0';
	*bad = q != 0 || o + 1 >= n;
	*p = s;
	return true;
}

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* --qemu-commandline ARGS | args=ARGS | env=NAME=VALUE: <qemu:commandline>
 * (one, made the first time), its args split as a shell would. */
static int qemu_cl_bare(const struct xdef *d, xmlNodePtr root, const char *value, size_t nth,
			struct vp_error *err)
{
	xmlNodePtr cl, n;
	xmlNsPtr ns = NULL;
	char word[4096];
	bool bad = false;

	(void)nth;
	if (vp_spec_check_value("--qemu-commandline", value, err) < 0)
		return -1;
	for (cl = root->children; cl; cl = cl->next)
		if (cl->type == XML_ELEMENT_NODE && cl->ns && !strcmp((const char *)cl->name, "commandline") &&
		    !strcmp((const char *)cl->ns->href, QEMU_NS))
			break;
	if (!cl) {
		ns = xmlSearchNsByHref(root->doc, root, BAD_CAST QEMU_NS);
		if (!ns)
			ns = xmlNewNs(root, BAD_CAST QEMU_NS, BAD_CAST "qemu");
		cl = child_at(root, "commandline", -1, NULL, NULL, NULL);
		xmlSetNs(cl, ns);
	}
	ns = cl->ns;
	if (!strncmp(value, "env=", 4)) {
		const char *eq = strchr(value + 4, '=');
		char name[256];

		if (!eq || eq == value + 4 || (size_t)(eq - value - 4) >= sizeof(name))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --%s '%s': give env=NAME=VALUE", d->option, value);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - value - 4), value + 4);
		if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
			    strlen(name) || isdigit((unsigned char)name[0]))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --%s '%s': '%s' is not an environment variable's name",
					    d->option, value, name);
		n = vp_xml_add(cl, "env", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "name", name);
		vp_xml_set(n, "value", eq + 1);
		return 0;
	}
	if (!strncmp(value, "args=", 5))
		value += 5;
	/* a new <qemu:arg> goes before the <qemu:env>s: the schema's order */
	while (next_word(&value, word, sizeof(word), &bad)) {
		xmlNodePtr env = NULL, c;

		if (bad)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --%s: an unterminated quote or an argument of %zu bytes or more",
					    d->option, sizeof(word));
		for (c = cl->children; c && !env; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "env"))
				env = c;
		n = env ? vp_xml_add_before(cl, env, "arg") : vp_xml_add(cl, "arg", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "value", word);
	}
	if (!cl->children)
		return vp_error_set(err, VP_ERR_INVALID, "--%s needs QEMU arguments", d->option);
	return 0;
}

static const struct xdef defs[] = {
	{ .option = "watchdog", .element = "watchdog", .kind = XK_DEVICE, .flags = XF_NONE,
	  .bare = "model", .finish = watchdog_finish, .subs = watchdog_subs },
	{ .option = "memballoon", .element = "memballoon", .kind = XK_DEVICE,
	  .flags = XF_REPLACES | XF_NONE, .bare = "model", .none_path = "@model=none",
	  .subs = memballoon_subs },
	{ .option = "controller", .element = "controller", .kind = XK_DEVICE,
	  .flags = XF_REPLACES, .bare_fn = controller_bare, .replace_key = "type=usb",
	  .finish = controller_finish, .subs = controller_subs, .more = address_subs },
	{ .option = "tpm", .element = "tpm", .kind = XK_DEVICE, .flags = XF_NONE,
	  .bare_fn = tpm_bare, .finish = tpm_finish, .subs = tpm_subs, .more = address_subs },
	{ .option = "sound", .element = "sound", .kind = XK_DEVICE,
	  .flags = XF_REPLACES | XF_NONE,
	  .bare_fn = sound_bare, .finish = sound_finish, .subs = sound_subs, .more = address_subs },
	{ .option = "panic", .element = "panic", .kind = XK_DEVICE, .flags = XF_NONE,
	  .bare_fn = panic_bare, .finish = panic_finish, .subs = panic_subs, .more = address_subs },
	{ .option = "serial", .element = "serial", .kind = XK_DEVICE, .bare = "type",
	  .finish = char_finish, .subs = serial_subs, .more = address_subs },
	{ .option = "parallel", .element = "parallel", .kind = XK_DEVICE, .bare = "type",
	  .finish = char_finish, .subs = parallel_subs, .more = address_subs },
	{ .option = "channel", .element = "channel", .kind = XK_DEVICE,
	  .flags = XF_REPLACES | XF_NONE, .bare = "type", .finish = char_finish,
	  .subs = channel_subs, .more = address_subs },
	{ .option = "video", .element = "video", .kind = XK_DEVICE, .flags = XF_REPLACES | XF_NONE,
	  .bare_fn = video_bare, .none_path = "model/@type=none", .finish = video_finish,
	  .subs = video_subs, .more = address_subs },
	{ .option = "input", .element = "input", .kind = XK_DEVICE, .flags = XF_REPLACES,
	  .bare = "type", .finish = input_finish, .subs = input_subs,
	  .more = address_subs },
	{ .option = "smartcard", .element = "smartcard", .kind = XK_DEVICE, .bare = "mode",
	  .finish = smartcard_finish, .subs = smartcard_subs, .more = address_subs },
	{ .option = "redirdev", .element = "redirdev", .kind = XK_DEVICE,
	  .flags = XF_REPLACES | XF_NONE,
	  .bare = "bus", .finish = redir_finish, .subs = redirdev_subs, .more = address_subs },
	{ .option = "hostdev", .element = "hostdev", .kind = XK_DEVICE, .bare = "name",
	  .finish = hostdev_finish, .subs = hostdev_subs, .more = address_subs,
	  .lookup = "name", .is_name = hostdev_is_name },
	{ .option = "filesystem", .element = "filesystem", .kind = XK_DEVICE, .bare_fn = fs_bare,
	  .finish = fs_finish, .subs = filesystem_subs, .more = address_subs },
	{ .option = "rng", .element = "rng", .kind = XK_DEVICE, .flags = XF_REPLACES | XF_NONE,
	  .bare_fn = rng_bare, .finish = rng_finish, .subs = rng_subs, .more = address_subs },
	{ .option = "memdev", .element = "memory", .kind = XK_DEVICE, .bare = "model",
	  .finish = memdev_finish, .subs = memdev_subs, .more = address_subs },
	{ .option = "audio", .element = "audio", .kind = XK_DEVICE, .bare = "type",
	  .finish = audio_finish, .subs = audio_subs },
	{ .option = "vsock", .element = "vsock", .kind = XK_DEVICE, .bare = "model",
	  .finish = vsock_finish, .subs = vsock_subs, .more = address_subs },
	{ .option = "iommu", .element = "iommu", .kind = XK_DEVICE, .bare = "model",
	  .finish = iommu_finish, .subs = iommu_subs },
	{ .option = "shmem", .element = "shmem", .kind = XK_DEVICE, .bare = "name",
	  .finish = shmem_finish, .subs = shmem_subs, .more = address_subs },
	{ .option = "features", .element = "features", .kind = XK_TOP, .subs = features_subs },
	{ .option = "events", .element = NULL, .kind = XK_TOP, .subs = events_subs },
	{ .option = "clock", .element = "clock", .kind = XK_TOP, .finish = clock_finish,
	  .subs = clock_subs },
	{ .option = "pm", .element = "pm", .kind = XK_TOP, .subs = pm_subs },
	{ .option = "sysinfo", .element = NULL, .kind = XK_TOP, .bare = "type",
	  .finish = sysinfo_finish, .subs = sysinfo_subs },
	{ .option = "memorybacking", .element = "memoryBacking", .kind = XK_TOP,
	  .subs = memorybacking_subs },
	{ .option = "resource", .element = "resource", .kind = XK_TOP, .bare = "partition",
	  .subs = resource_subs },
	{ .option = "numatune", .element = "numatune", .kind = XK_TOP, .bare = "nodeset",
	  .subs = numatune_subs },
	{ .option = "cputune", .element = "cputune", .kind = XK_TOP, .subs = cputune_subs },
	{ .option = "memtune", .element = "memtune", .kind = XK_TOP, .bare = "soft_limit",
	  .subs = memtune_subs },
	{ .option = "blkiotune", .element = "blkiotune", .kind = XK_TOP, .bare = "weight",
	  .subs = blkiotune_subs },
	{ .option = "seclabel", .element = "seclabel", .kind = XK_TOP, .subs = seclabel_subs },
	{ .option = "metadata", .element = NULL, .kind = XK_TOP, .subs = metadata_subs },
	{ .option = "launch-security", .element = "launchSecurity", .kind = XK_TOP, .bare = "type",
	  .subs = launchsecurity_subs },
	{ .option = "qemu-commandline", .element = NULL, .kind = XK_TOP, .flags = XF_WHOLE,
	  .bare_fn = qemu_cl_bare },
};

#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

const char *const vp_xmlopt_names[] = {
	"watchdog", "memballoon",
	/* devices */
	"controller", "tpm", "sound", "panic", "serial", "parallel", "channel", "video", "input",
	"smartcard", "redirdev", "hostdev", "filesystem", "rng", "vsock", "iommu", "shmem",
	"memdev", "audio",
	/* top-level */
	"features", "events", "clock", "pm", "sysinfo", "memorybacking", "resource", "numatune",
	"cputune", "memtune", "blkiotune", "seclabel", "metadata", "launch-security",
	"qemu-commandline", NULL,
};

/* ---- the engine --------------------------------------------------------------- */

static const struct xdef *def_of(const char *option)
{
	size_t i;

	for (i = 0; i < N_DEFS; i++)
		if (!strcmp(defs[i].option, option))
			return &defs[i];
	return NULL;
}

bool vp_xmlopt_known(const char *option)
{
	return option && def_of(option) != NULL;
}

/* key matches the sub-option's name, '#' in the name standing for a
 * number (*index gets it; -1 without one) */
static bool sub_matches(const char *name, const char *key, long *index)
{
	*index = -1;
	while (*name && *key) {
		if (*name == '#') {
			char *end;

			if (!isdigit((unsigned char)*key))
				return false;
			*index = strtol(key, &end, 10);
			if (*index > 64)
				return false;
			key = end;
			name++;
			continue;
		}
		if (*name++ != *key++)
			return false;
	}
	return !*name && !*key;
}

static const struct xsub *sub_of(const struct xdef *d, const char *key, long *index)
{
	const struct xsub *s;

	for (s = d->subs; s && s->name; s++)
		if (sub_matches(s->name, key, index))
			return s;
	for (s = d->more; s && s->name; s++)
		if (sub_matches(s->name, key, index))
			return s;
	return NULL;
}

/* The sub-options of d, for a message: "model, action" (caller frees) */
static char *sub_names(const struct xdef *d)
{
	const struct xsub *s;
	size_t len = 1;
	char *out;

	const struct xsub *lists[2] = { d->subs, d->more };
	size_t i;

	for (i = 0; i < 2; i++)
		for (s = lists[i]; s && s->name; s++)
			len += strlen(s->name) + 2;
	out = vp_grow(NULL, len, 1);
	out[0] = '\0';
	for (i = 0; i < 2; i++)
		for (s = lists[i]; s && s->name; s++) {
			if (*out)
				strcat(out, ", ");
			strcat(out, s->name);
		}
	return out;
}

static bool is_uint(const char *v)
{
	if (!*v || strlen(v) > 19)
		return false;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v))
			return false;
	return true;
}

/* The value as the XML holds it (a bool spelled the element's way), in out
 * (at most n bytes), or an error naming --option key. */
static int value_of(const struct xdef *d, const struct xsub *s, const char *key, const char *v,
		    char *out, size_t n, struct vp_error *err)
{
	char what[96];
	enum vp_tristate t;

	snprintf(what, sizeof(what), "--%s %s", d->option, key);
	if (s->type == X_REFUSED)
		return vp_error_set(err, VP_ERR_INVALID, "cannot use %s: %s", what, s->words);
	if (vp_spec_check_value(what, v, err) < 0)
		return -1;
	if (!*v)
		return vp_error_set(err, VP_ERR_INVALID, "--%s %s= needs a value", d->option, key);
	switch (s->type) {
	case X_TEXT:
	case X_FREE:
	case X_IGNORED:
	case X_REFUSED:
		break;
	case X_WORD: {
		const char *w = s->words;
		size_t len = strlen(v);

		while (*w) {
			size_t wl = strcspn(w, " "), kl = strcspn(w, " =");

			if (kl == len && !strncmp(w, v, len)) {
				if (kl < wl) { /* "a=b": written b */
					if (wl - kl - 1 >= n)
						return vp_error_set(err, VP_ERR_INVALID, "invalid %s", what);
					memcpy(out, w + kl + 1, wl - kl - 1);
					out[wl - kl - 1] = '\0';
					return 0;
				}
				break;
			}
			w += wl;
			w += strspn(w, " ");
		}
		if (!*w) {
			char list[512];
			size_t i, o = 0;

			for (i = 0; s->words[i] && o + 3 < sizeof(list); i++) {
				if (s->words[i] == '=') { /* the user's word only */
					i += strcspn(s->words + i, " ") - 1;
					continue;
				}
				if (s->words[i] == ' ')
					list[o++] = ',';
				list[o++] = s->words[i];
			}
			list[o] = '\0';
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use %s", what, v,
					    list);
		}
		break;
	}
	case X_UINT:
		if (!is_uint(v))
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': give a number",
					    what, v);
		break;
	case X_INT:
		if (!is_uint(v[0] == '-' ? v + 1 : v))
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': give a number",
					    what, v);
		break;
	case X_NUM:
		if (!is_uint(v) &&
		    !(v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && v[2] &&
		      strspn(v + 2, "0123456789abcdefABCDEF") == strlen(v + 2) && strlen(v) <= 18))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': give a number (decimal or 0x hex)",
					    what, v);
		break;
	case X_YESNO:
	case X_ONOFF:
	case X_PRESENT:
		if (vp_parse_bool(v, what, &t, err) < 0)
			return -1;
		if (s->type == X_YESNO)
			v = t == VP_YES ? "yes" : "no";
		else if (s->type == X_PRESENT)
			v = t == VP_YES ? "on" : "";
		else
			v = t == VP_YES ? "on" : "off";
		break;
	case X_PATH:
		if (vp_path_check(what, v, err) < 0)
			return -1;
		break;
	}
	if (strlen(v) >= n)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s: longer than %zu bytes", what,
				    n - 1);
	strcpy(out, v);
	return 0;
}

/* The top-level elements in the order libvirt writes them (its
 * formatdomain order); others go before <devices>. */
static const char *const top_order[] = {
	"name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
	"currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
	"cputune", "numatune", "resource", "sysinfo", "os", "features", "cpu", "clock",
	"on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm", "devices", "seclabel",
	"keywrap", "launchSecurity", "commandline", NULL,
};

static long top_rank(const char *name)
{
	long i;

	for (i = 0; top_order[i]; i++)
		if (!strcmp(top_order[i], name))
			return i;
	return -1;
}

/* The child of <domain> a new top-level element name goes before (NULL:
 * at the end). */
static xmlNodePtr top_anchor(xmlNodePtr domain, const char *name)
{
	long want = top_rank(name);
	xmlNodePtr c;

	if (want < 0)
		want = top_rank("devices");
	for (c = domain->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (top_rank((const char *)c->name) > want)
			return c;
	}
	return NULL;
}

/* The child of parent named name (when nth >= 0: the nth, 0-based, of
 * those owner made; the one with attribute attr=val when attr), made when
 * missing. */
static xmlNodePtr child_at(xmlNodePtr parent, const char *name, long nth, const char *attr,
			   const char *val, const void *owner)
{
	xmlNodePtr c, devices = NULL;
	long i = 0;

	for (c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, name))
			continue;
		if (nth >= 0 && c->_private != owner)
			continue;
		if (attr) {
			_cleanup_(freep) char *have = vp_xml_prop(c, attr);

			if (have && !strcmp(have, val))
				return c;
			continue;
		}
		if (nth < 0 || i == nth)
			return c;
		i++;
	}
	/* a new part of the domain goes where libvirt writes it */
	if (!strcmp((const char *)parent->name, "domain"))
		devices = top_anchor(parent, name);
	do {
		c = devices ? vp_xml_add_before(parent, devices, name) : vp_xml_add(parent, name, NULL);
		if (nth >= 0)
			c->_private = (void *)owner;
	} while (nth > 0 && i++ < nth); /* the ones before it come first */
	if (attr)
		vp_xml_set(c, attr, val);
	return c;
}

/* Write value at path below el (the path language at the top of the file). */
static void set_path(const struct xdef *d, xmlNodePtr el, const char *path, long index,
		     const char *value)
{
	char buf[256];
	char *seg, *save = NULL;
	xmlNodePtr n = el;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		bool last = !save || !*save;
		char *br;

		if (seg[0] == '@') {
			vp_xml_set(n, seg + 1, value);
			return;
		}
		if (!strcmp(seg, "#text")) {
			vp_xml_set_text(n, value);
			return;
		}
		br = strchr(seg, '[');
		if (br) {
			char *end = strchr(br, ']');

			*br = '\0';
			if (end)
				*end = '\0';
			if (br[1] == '#') {
				n = child_at(n, seg, index < 0 ? 0 : index, NULL, NULL, d);
			} else if (br[1] == '@') {
				char *eq = strchr(br + 2, '=');

				if (eq)
					*eq++ = '\0';
				n = child_at(n, seg, -1, br + 2, eq ? eq : "", NULL);
			}
		} else {
			n = child_at(n, seg, -1, NULL, NULL, NULL);
		}
		if (last) /* an element at the end: its text */
			vp_xml_set_text(n, value);
	}
}

/* Set the sub-option key=value on el (bare: how the user spelled it, for
 * messages about a bare value). */
static int set_sub(const struct xdef *d, xmlNodePtr el, const char *key, const char *value,
		   struct vp_error *err)
{
	const struct xsub *s;
	char v[4096];
	long index;

	if (!(s = sub_of(d, key, &index))) {
		_cleanup_(freep) char *known = sub_names(d);

		return vp_error_set(err, VP_ERR_INVALID, "unknown --%s option '%s' (known: %s)",
				    d->option, key, known);
	}
	if (value_of(d, s, key, value, v, sizeof(v), err) < 0)
		return -1;
	if (s->type == X_IGNORED || (s->type == X_WORD && !*v))
		return 0;
	if (s->path[0] == '=')
		return setter_of(s->path + 1)(d, el, v, err);
	if (s->type == X_PRESENT) { /* a child of the element: there or not */
		xmlNodePtr c = vp_xml_child(el, s->path);

		if (*v && !c)
			child_at(el, s->path, -1, NULL, NULL, NULL);
		else if (!*v && c)
			vp_xml_drop(c);
		return 0;
	}
	set_path(d, el, s->path, index, v);
	return 0;
}

/* The element the option writes into: a new device, or the top-level one. */
static xmlNodePtr target_of(const struct xdef *d, xmlNodePtr root)
{
	xmlNodePtr el;

	if (d->kind == XK_TOP)
		return d->element ? child_at(root, d->element, -1, NULL, NULL, NULL) : root;
	el = vp_xml_add(child_at(root, "devices", -1, NULL, NULL, NULL), d->element, NULL);
	el->_private = (void *)d; /* the user's: not dropped as vprov's */
	return el;
}

/* Drop vprov's own elements of d's kind (those the user did not ask for),
 * with the same replace_key value as el when d has one. */
static void drop_vprovs(const struct xdef *d, xmlNodePtr devices, xmlNodePtr el)
{
	char key[32] = "";
	const char *only = NULL;
	_cleanup_(freep) char *want = NULL;
	xmlNodePtr c, next;

	if (d->replace_key) {
		snprintf(key, sizeof(key), "%s", d->replace_key);
		if (strchr(key, '=')) {
			only = strchr(d->replace_key, '=') + 1;
			*strchr(key, '=') = '\0';
		}
	}
	if (d->replace_key && el) {
		want = vp_xml_prop(el, key);
		if (only && (!want || strcmp(want, only)))
			return;
	}

	for (c = devices->children; c; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE || c->_private ||
		    strcmp((const char *)c->name, d->element))
			continue;
		if (d->replace_key && el) {
			_cleanup_(freep) char *have = vp_xml_prop(c, key);

			if (!want || !have || strcmp(want, have))
				continue;
		}
		vp_xml_drop(c);
	}
}

/* An item after a free-text one (X_FREE) is part of its value unless it is
 * a sub-option of d: virt-install's rule for values with commas. */
static bool xmlopt_known(const struct kv *kv, void *opaque)
{
	const struct xdef *d = opaque;
	long index;

	return kv->key && sub_of(d, kv->key, &index) != NULL;
}

static void join_free_text(const struct xdef *d, struct kvlist *l)
{
	const char *keys[64];
	size_t i, n = 0;

	for (i = 0; i < l->n && n + 1 < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct xsub *s;
		long index;

		if (l->items[i].key && (s = sub_of(d, l->items[i].key, &index)) &&
		    s->type == X_FREE)
			keys[n++] = l->items[i].key;
	}
	keys[n] = NULL;
	if (n)
		vp_kv_join_free_text(l, xmlopt_known, (void *)d, keys);
}

/* Two sub-options write the same place: the same path (setter) and, in an
 * indexed part, the same index (none is the first).  kvm_hidden= and
 * kvm.hidden.state= are one sub-option under two names: given both, the
 * later would silently win. */
static bool same_place(const struct xsub *a, long ia, const struct xsub *b, long ib)
{
	if (!a || !b || !a->path || !b->path || strcmp(a->path, b->path))
		return false;
	if (!strstr(a->path, "[#]"))
		return true;
	return (ia < 0 ? 0 : ia) == (ib < 0 ? 0 : ib);
}

/* Apply one --option arg to the domain root. */
static int apply_one(const struct xdef *d, const char *arg, xmlNodePtr root, struct vp_error *err)
{
	struct kvlist l = { 0 };
	const char *given[64];
	const struct xsub *given_sub[64];
	long given_index[64];
	size_t n_given = 0, i, nth = 0;
	char opt[64];
	xmlNodePtr el;
	int r = -1;

	snprintf(opt, sizeof(opt), "--%s", d->option);
	if ((d->flags & XF_NONE) && !strcmp(arg, "none")) {
		xmlNodePtr devices = child_at(root, "devices", -1, NULL, NULL, NULL);

		drop_vprovs(d, devices, NULL);
		if (d->none_path) {
			char p[128];
			char *eq;

			snprintf(p, sizeof(p), "%s", d->none_path);
			eq = strchr(p, '=');
			*eq++ = '\0';
			el = target_of(d, root);
			set_path(d, el, p, -1, eq);
		}
		return 0;
	}
	if (d->flags & XF_WHOLE) {
		el = target_of(d, root);
		if (d->bare_fn(d, el, arg, 0, err) < 0)
			return -1;
		return d->finish ? d->finish(d, el, err) : 0;
	}
	if (vp_kv_split(arg, opt, &l, err) < 0)
		return -1;
	join_free_text(d, &l);
	el = target_of(d, root);
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const struct xsub *sub;
		long index;
		size_t j;

		if (!kv->key) {
			if (d->bare_fn) {
				if (d->bare_fn(d, el, kv->value, nth++, err) < 0)
					goto out;
				continue;
			}
			if (!d->bare || nth++) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid %s '%s': '%s' is not KEY=VALUE", opt, arg,
					     kv->value);
				goto out;
			}
			if (set_sub(d, el, d->bare, kv->value, err) < 0)
				goto out;
			continue;
		}
		sub = sub_of(d, kv->key, &index);
		for (j = 0; j < n_given; j++) {
			if (!strcmp(given[j], kv->key)) {
				vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': '%s' is given twice",
					     opt, arg, kv->key);
				goto out;
			}
			if (same_place(given_sub[j], given_index[j], sub, index)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid %s '%s': '%s' and '%s' are one setting, given twice",
					     opt, arg, given[j], kv->key);
				goto out;
			}
		}
		if (n_given < sizeof(given) / sizeof(given[0])) {
			given_sub[n_given] = sub;
			given_index[n_given] = index;
			given[n_given++] = kv->key;
		}
		if (set_sub(d, el, kv->key, kv->value, err) < 0)
			goto out;
	}
	if (d->finish && d->finish(d, el, err) < 0)
		goto out;
	if (d->flags & XF_REPLACES)
		drop_vprovs(d, el->parent, el);
	r = 0;
out:
	vp_kvlist_clear(&l);
	return r;
}

static void unmark(xmlNodePtr n)
{
	for (; n; n = n->next) {
		n->_private = NULL;
		if (n->type == XML_ELEMENT_NODE)
			unmark(n->children);
	}
}

static int apply_all(xmlNodePtr root, const struct vp_xmlopt *opts, size_t n, struct vp_error *err)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		const struct xdef *d = def_of(opts[i].option);

		if (!d)
			r = vp_error_set(err, VP_ERR_INVALID, "unknown option --%s", opts[i].option);
		else
			r = apply_one(d, opts[i].arg, root, err);
	}
	unmark(root);
	return r;
}

/* Write arg, as the value of --option after the same option's arguments
 * among the first n of opts, into a scratch domain: every error shows. */
static int check_arg(const struct vp_xmlopt *opts, size_t n_opts, const char *option,
		     const char *arg, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) struct vp_xmlopt *o = NULL;
	size_t n = 0, i;
	xmlNodePtr root;

	doc = xmlNewDoc(BAD_CAST "1.0");
	doc->_private = (void *)scratch_doc;
	root = xmlNewDocNode(doc, NULL, BAD_CAST "domain", NULL);
	xmlDocSetRootElement(doc, root);
	vp_xml_add(root, "devices", NULL);
	/* after the same option's earlier arguments, which a later one may
	 * build on (--clock timer0.name=tsc --clock timer0.present=no) */
	o = vp_grow(NULL, n_opts + 1, sizeof(*o));
	for (i = 0; i < n_opts; i++)
		if (!strcmp(opts[i].option, option))
			o[n++] = opts[i];
	o[n].option = (char *)option;
	o[n++].arg = (char *)arg;
	return apply_all(root, o, n, err);
}

int vp_spec_parse_xmlopt(struct vp_domain_spec *spec, const char *option, const char *arg,
			 struct vp_error *err)
{
	if (!def_of(option))
		return vp_error_set(err, VP_ERR_INVALID, "unknown option --%s", option);
	if (!*arg)
		return vp_error_set(err, VP_ERR_INVALID, "--%s needs a value", option);
	if (check_arg(spec->xmlopts, spec->n_xmlopts, option, arg, err) < 0)
		return -1;
	spec->xmlopts = vp_grow(spec->xmlopts, spec->n_xmlopts + 1, sizeof(*spec->xmlopts));
	spec->xmlopts[spec->n_xmlopts].option = vp_strdup(option);
	spec->xmlopts[spec->n_xmlopts].arg = vp_strdup(arg);
	spec->n_xmlopts++;
	return 0;
}

/* v appended to out as one item's value, read back the same by vp_kv_split:
 * a comma doubled, a quote inside the other quote */
static void put_value(char *out, const char *v)
{
	out += strlen(out);
	for (; *v; v++) {
		if (*v == ',')
			out += sprintf(out, ",,");
		else if (*v == '"')
			out += sprintf(out, "'\"'");
		else if (*v == '\'')
			out += sprintf(out, "\"'\"");
		else
			*out++ = *v;
	}
	*out = '\0';
}

/* The argument l holds again, with the values of the items named in
 * repl (by index; NULL: as they are) */
static char *join_items(const struct kvlist *l, char *const *repl)
{
	size_t i, len = 1;
	char *out;

	for (i = 0; i < l->n; i++)
		len += (l->items[i].key ? strlen(l->items[i].key) + 1 : 0) +
		       3 * strlen(repl[i] ? repl[i] : l->items[i].value) + 1;
	out = vp_grow(NULL, len, 1);
	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (i)
			strcat(out, ",");
		if (l->items[i].key) {
			strcat(out, l->items[i].key);
			strcat(out, "=");
		}
		put_value(out, repl[i] ? repl[i] : l->items[i].value);
	}
	return out;
}

/* Option o's host device names looked up and replaced (*changed: o->arg
 * was rewritten). */
static int lookup_one(const struct xdef *d, struct vp_xmlopt *o, vp_xmlopt_lookup_fn lookup,
		      void *opaque, bool *changed, struct vp_error *err)
{
	struct kvlist l = { 0 };
	char opt[64];
	char **repl;
	size_t i, nth = 0;
	int r = 0;

	*changed = false;
	snprintf(opt, sizeof(opt), "--%s", d->option);
	if (vp_kv_split(o->arg, opt, &l, err) < 0)
		return -1;
	join_free_text(d, &l);
	repl = vp_grow(NULL, l.n + 1, sizeof(*repl));
	for (i = 0; i < l.n; i++)
		repl[i] = NULL;
	for (i = 0; i < l.n && r == 0; i++) {
		const struct kv *kv = &l.items[i];
		bool named = kv->key ? !strcmp(kv->key, d->lookup)
				     : nth++ == 0 && d->bare && !strcmp(d->bare, d->lookup);

		if (named && d->is_name(kv->value)) {
			r = lookup(opaque, d->option, kv->value, &repl[i], err);
			*changed = *changed || r == 0;
		}
	}
	if (r == 0 && *changed) {
		free(o->arg);
		o->arg = join_items(&l, repl);
	}
	for (i = 0; i < l.n; i++)
		free(repl[i]);
	free(repl);
	vp_kvlist_clear(&l);
	return r;
}

int vp_xmlopts_lookup_names(struct vp_domain_spec *spec, vp_xmlopt_lookup_fn lookup, void *opaque,
			    struct vp_error *err)
{
	size_t i;

	for (i = 0; i < spec->n_xmlopts; i++) {
		const struct xdef *d = def_of(spec->xmlopts[i].option);
		bool changed;

		if (!d || !d->lookup)
			continue;
		if (lookup_one(d, &spec->xmlopts[i], lookup, opaque, &changed, err) < 0)
			return -1;
		/* what the host said, checked as the user's words were */
		if (changed && check_arg(spec->xmlopts, i, spec->xmlopts[i].option,
					 spec->xmlopts[i].arg, err) < 0)
			return -1;
	}
	return 0;
}

int vp_xmlopts_apply(xmlDocPtr doc, const struct vp_domain_spec *spec, struct vp_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	if (!root)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot apply options: no domain");
	unmark(root);
	return apply_all(root, spec->xmlopts, spec->n_xmlopts, err);
}
