/* tests/unit/test_xmlopts.c — the xmlopts engine's pieces the device rows
 * brought: sub-options shared between rows (address.*), setters named by a
 * path "=NAME" (host=HOST:PORT), replace_key TYPE=VALUE, the user's devices
 * before vprov's, a boot order dropping <os><boot>, and virtiofs's shared
 * memory.  Each on a domain built by vp_domain_build_xml. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>

#include "cleanup.h"
#include "domain_xml.h"
#include "schema.h"
#include "virt.h"
#include "xmlopts_fixture.h"
#include "xmlutil.h"

/* spec + the options (pairs of name and value, NULL-ended) built, valid
 * against domain.rng */
static xmlDocPtr build(struct vp_domain_spec *s, ...)
{
	struct vp_error err = { 0 };
	xmlDocPtr doc = NULL;
	const char *opt;
	va_list ap;

	va_start(ap, s);
	while ((opt = va_arg(ap, const char *))) {
		const char *arg = va_arg(ap, const char *);

		if (vp_spec_parse_xmlopt(s, opt, arg, &err) < 0)
			fail_msg("--%s %s: %s", opt, arg, err.msg);
	}
	va_end(ap);
	if (vp_domain_build_xml(s, &doc, &err) < 0)
		fail_msg("build: %s", err.msg);
	if (vp_schema_validate(VP_SCHEMA_DOMAIN, doc, &err) < 0)
		fail_msg("schema: %s", err.msg);
	return doc;
}

static char *xp(xmlDocPtr doc, const char *expr)
{
	char *v = vp_xml_xpath_string(doc, expr, NULL, NULL);

	return v ? v : vp_strdup("");
}

#define assert_xp(doc, expr, want)                       \
	do {                                             \
		_cleanup_(freep) char *got_ = xp(doc, expr); \
		assert_string_equal(got_, want);         \
	} while (0)

/* address.* comes from the shared list; an unknown key's message lists both */
static void test_dev_shared_subs(void **state)
{
	struct vp_domain_spec s;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	(void)state;
	base_spec(&s);
	doc = build(&s, "sound", "ich9,address.type=pci,address.bus=0,address.slot=0x1b", NULL);
	assert_xp(doc, "string(/domain/devices/sound/address/@slot)", "0x1b");
	assert_xp(doc, "string(/domain/devices/sound/address/@type)", "pci");
	expect_refused("sound", "ich9,bogus=1", "known: model, codec#.type, audio.id, address.type");
	expect_refused("sound", "ich9,address.slot=z", "invalid --sound address.slot 'z'");
	vp_spec_clear(&s);
}

/* host=HOST:PORT is two attributes, written by the setter the path names */
static void test_dev_setter(void **state)
{
	struct vp_domain_spec s;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	(void)state;
	base_spec(&s);
	doc = build(&s, "serial", "tcp,host=[::1]:4000,mode=bind", "redirdev",
		    "usb,type=tcp,server=h2:4001", NULL);
	assert_xp(doc, "string(/domain/devices/serial[@type='tcp']/source/@host)", "::1");
	assert_xp(doc, "string(/domain/devices/serial[@type='tcp']/source/@service)", "4000");
	assert_xp(doc, "string(/domain/devices/serial[@type='tcp']/source/@mode)", "bind");
	assert_xp(doc, "string(/domain/devices/redirdev/source/@host)", "h2");
	assert_xp(doc, "string(/domain/devices/redirdev/source/@service)", "4001");
	expect_refused("serial", "tcp,host=h:99999x", "the port after ':' is not a number");
	expect_refused("redirdev", "usb,type=tcp,server=[::1", "give HOST:PORT");
	vp_spec_clear(&s);
}

/* replace_key "type=usb": a usb controller replaces vprov's, others add */
static void test_dev_replace_key_value(void **state)
{
	struct vp_domain_spec s, t;
	_cleanup_(xmlFreeDocp) xmlDocPtr a = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr b = NULL;

	(void)state;
	base_spec(&s);
	a = build(&s, "controller", "type=scsi,model=virtio-scsi", "controller",
		  "type=pci,model=pcie-root-port", NULL);
	assert_xp(a, "count(/domain/devices/controller[@type='usb'])", "1");
	assert_xp(a, "string(/domain/devices/controller[@type='usb']/@model)", "qemu-xhci");
	assert_xp(a, "count(/domain/devices/controller[@model='pcie-root'])", "1");
	/* the user's first, as virt-install writes them; a PCI one after the root */
	assert_xp(a, "string(/domain/devices/controller[1]/@type)", "scsi");
	assert_xp(a, "string(/domain/devices/controller[last()]/@model)", "pcie-root-port");
	base_spec(&t);
	b = build(&t, "controller", "usb2", NULL);
	assert_xp(b, "count(/domain/devices/controller[@type='usb'])", "4");
	assert_xp(b, "count(/domain/devices/controller[@model='qemu-xhci'])", "0");
	assert_xp(b, "string(/domain/devices/controller[1]/@model)", "ich9-ehci1");
	assert_xp(b, "string(/domain/devices/controller[4]/master/@startport)", "4");
	vp_spec_clear(&s);
	vp_spec_clear(&t);
}

/* a device with a boot order: <os><boot dev> goes */
static void test_dev_boot_order(void **state)
{
	struct vp_domain_spec s, t;
	_cleanup_(xmlFreeDocp) xmlDocPtr a = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr b = NULL;

	(void)state;
	base_spec(&s);
	a = build(&s, "hostdev", "0000:01:00.0,boot.order=1", NULL);
	assert_xp(a, "count(/domain/os/boot)", "0");
	assert_xp(a, "string(/domain/devices/hostdev/boot/@order)", "1");
	assert_xp(a, "string(/domain/devices/hostdev/source/address/@bus)", "0x01");
	base_spec(&t);
	b = build(&t, "hostdev", "pci_0000_01_00_0", NULL);
	assert_xp(b, "count(/domain/os/boot)", "1");
	vp_spec_clear(&s);
	vp_spec_clear(&t);
}

/* virtiofs: shared memory added unless the domain has it; 9p: none */
static void test_dev_virtiofs_memory(void **state)
{
	struct vp_domain_spec s, t;
	_cleanup_(xmlFreeDocp) xmlDocPtr a = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr b = NULL;

	(void)state;
	base_spec(&s);
	a = build(&s, "filesystem", "/srv/a,a,driver.type=virtiofs", "filesystem",
		  "/srv/b,b,driver.type=virtiofs", NULL);
	assert_xp(a, "count(/domain/memoryBacking)", "1");
	assert_xp(a, "count(/domain/memoryBacking/access)", "1");
	assert_xp(a, "string(/domain/memoryBacking/access/@mode)", "shared");
	assert_xp(a, "string(/domain/memoryBacking/source/@type)", "memfd");
	base_spec(&t);
	b = build(&t, "filesystem", "/srv/a,a", NULL);
	assert_xp(b, "count(/domain/memoryBacking)", "0");
	assert_xp(b, "string(/domain/devices/filesystem/@accessmode)", "mapped");
	vp_spec_clear(&s);
	vp_spec_clear(&t);
}

/* none and replaces: --rng none drops vprov's, --rng PATH replaces it */
static void test_dev_rng(void **state)
{
	struct vp_domain_spec s, t;
	_cleanup_(xmlFreeDocp) xmlDocPtr a = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr b = NULL;

	(void)state;
	base_spec(&s);
	a = build(&s, "rng", "/dev/random", NULL);
	assert_xp(a, "count(/domain/devices/rng)", "1");
	assert_xp(a, "string(/domain/devices/rng/backend)", "/dev/random");
	base_spec(&t);
	b = build(&t, "rng", "none", NULL);
	assert_xp(b, "count(/domain/devices/rng)", "0");
	expect_refused("rng", "urandom", "give none, /dev/urandom or /dev/random");
	vp_spec_clear(&s);
	vp_spec_clear(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev_shared_subs),     cmocka_unit_test(test_dev_setter),
		cmocka_unit_test(test_dev_replace_key_value), cmocka_unit_test(test_dev_boot_order),
		cmocka_unit_test(test_dev_virtiofs_memory), cmocka_unit_test(test_dev_rng),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
