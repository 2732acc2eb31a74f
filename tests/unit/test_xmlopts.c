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
	b = build(&t, "hostdev", "0000:01:00.0", NULL);
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

/* a fake host: pci_0000_00_1f_3 and usb_1_2, and what it was asked */
static int fake_lookup(void *opaque, const char *option, const char *name, char **address,
		       struct vp_error *err)
{
	int *calls = opaque;

	(*calls)++;
	assert_string_equal(option, "hostdev");
	if (!strcmp(name, "pci_0000_00_1f_3"))
		*address = vp_strdup("0000:00:1f.3");
	else if (!strcmp(name, "usb_1_2"))
		*address = vp_strdup("0x1234:0x5678");
	else
		return vp_error_set(err, VP_ERR_INVALID, "--%s '%s': no such device", option, name);
	return 0;
}

/* a node device's name is taken at parse time and replaced by the address
 * the host gives; an address is never looked up; a name never looked up
 * cannot be built */
static void test_dev_hostdev_lookup(void **state)
{
	struct vp_domain_spec s, t, u;
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr a = NULL;
	xmlDocPtr none = NULL;
	int calls = 0;

	(void)state;
	base_spec(&s);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "hostdev", "pci_0000_00_1f_3,boot.order=2", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "hostdev", "0000:02:00.0", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "hostdev", "rom.bar=off,name=usb_1_2", &err), 0);
	assert_int_equal(vp_domain_build_xml(&s, &none, &err), -1);
	assert_non_null(strstr(err.msg, "'pci_0000_00_1f_3' names a host device"));
	assert_null(none);
	assert_int_equal(vp_xmlopts_lookup_names(&s, fake_lookup, &calls, &err), 0);
	assert_int_equal(calls, 2);
	assert_string_equal(s.xmlopts[0].arg, "0000:00:1f.3,boot.order=2");
	assert_string_equal(s.xmlopts[1].arg, "0000:02:00.0");
	assert_string_equal(s.xmlopts[2].arg, "rom.bar=off,name=0x1234:0x5678");
	a = build(&s, NULL);
	assert_xp(a, "string(/domain/devices/hostdev[1]/@type)", "pci");
	assert_xp(a, "string(/domain/devices/hostdev[1]/source/address/@slot)", "0x1f");
	assert_xp(a, "string(/domain/devices/hostdev[1]/boot/@order)", "2");
	assert_xp(a, "string(/domain/devices/hostdev[3]/@type)", "usb");
	assert_xp(a, "string(/domain/devices/hostdev[3]/source/vendor/@id)", "0x1234");
	vp_spec_clear(&s);
	/* the host's answer is checked as the user's words are: driver.name
	 * is for PCI; the lookup's error stops it */
	base_spec(&t);
	assert_int_equal(vp_spec_parse_xmlopt(&t, "hostdev", "usb_1_2,driver.name=vfio", &err), 0);
	assert_int_equal(vp_xmlopts_lookup_names(&t, fake_lookup, &calls, &err), -1);
	assert_non_null(strstr(err.msg, "driver.name= goes only with a PCI device"));
	vp_spec_clear(&t);
	base_spec(&u);
	assert_int_equal(vp_spec_parse_xmlopt(&u, "hostdev", "usb_9_9", &err), 0);
	assert_int_equal(vp_xmlopts_lookup_names(&u, fake_lookup, &calls, &err), -1);
	assert_string_equal(err.msg, "--hostdev 'usb_9_9': no such device");
	vp_spec_clear(&u);
	expect_refused("hostdev", "0x12345:1", "give a PCI address (0000:01:00.0)");
	expect_refused("hostdev", "pci_0000_00_1f_3,0000:02:00.0", "is not KEY=VALUE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev_shared_subs),     cmocka_unit_test(test_dev_setter),
		cmocka_unit_test(test_dev_replace_key_value), cmocka_unit_test(test_dev_boot_order),
		cmocka_unit_test(test_dev_virtiofs_memory), cmocka_unit_test(test_dev_rng),
		cmocka_unit_test(test_dev_hostdev_lookup),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
