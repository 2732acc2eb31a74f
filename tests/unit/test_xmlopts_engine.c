/* tests/unit/test_xmlopts_engine.c — the engine of provision/spec/xmlopts.c:
 * an option is checked in full when parsed (nothing kept on an error),
 * kept as given, written after vprov's own devices (a "replaces" option
 * drops vprov's device of its kind, never the user's), and part of the
 * spec's identity (canonical text, merge). */
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
#include "xmlopts_fixture.h"
#include "xmlutil.h"

static char *xpath(xmlDocPtr doc, const char *expr)
{
	return vp_xml_xpath_string(doc, expr, NULL, NULL);
}

/* validate: against domain.rng (libvirt 9.0 has room for one watchdog) */
static xmlDocPtr build_doc(const struct vp_domain_spec *s, bool validate)
{
	xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };

	if (vp_domain_build_xml(s, &doc, &err) < 0)
		fail_msg("build: %s", err.msg);
	if (validate && vp_schema_validate(VP_SCHEMA_DOMAIN, doc, &err) < 0)
		fail_msg("schema: %s", err.msg);
	return doc;
}

static xmlDocPtr build(const struct vp_domain_spec *s)
{
	return build_doc(s, true);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refused("watchdog", "", "needs a value");
	expect_refused("watchdog", "i6300esb,action=later", "use reset, shutdown");
	expect_refused("watchdog", "i6300esb,colour=red", "unknown --watchdog option 'colour'");
	expect_refused("watchdog", "i6300esb,ib700", "is not KEY=VALUE");
	expect_refused("watchdog", "model=i6300esb,model=ib700", "given twice");
	expect_refused("memballoon", "virtio,stats.period=-1", "give a number");
	expect_refused("features", "acpi=perhaps", "use on or off");
	expect_refused("features", "kvm.hidden.state=on,x", "is not KEY=VALUE");
	expect_refused("events", "on_crash=explode", "invalid --events on_crash");
	expect_refused("watchdog", "i6300esb,action=\"reset", "unterminated quote");
	expect_refused("nosuch", "x", "unknown option --nosuch");
	assert_false(vp_xmlopt_known("nosuch"));
	assert_false(vp_xmlopt_known(NULL));
	assert_true(vp_xmlopt_known("watchdog"));
}

/* two names of one sub-option (the dotted one and the older underscore
 * one) in one argument are given twice, as the same name twice is: the
 * later would win silently; parts at different indexes are different */
static void test_same_place(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	expect_refused("features", "kvm_hidden=on,kvm.hidden.state=off",
		       "'kvm_hidden' and 'kvm.hidden.state' are one setting, given twice");
	expect_refused("features", "smm.state=on,acpi=on,smm=on",
		       "'smm.state' and 'smm' are one setting, given twice");
	expect_refused("features", "hyperv.relaxed.state=on,hyperv_relaxed=on", "given twice");
	expect_refused("channel", "pty,name=org.a,target.name=org.b", "given twice");
	/* no index is the first */
	expect_refused("memorybacking", "size=2048,hugepages.page0.size=1024",
		       "'size' and 'hugepages.page0.size' are one setting");
	expect_refused("blkiotune", "device0.path=/dev/sda,device_path=/dev/sdb", "given twice");
	assert_int_equal(vp_spec_parse_xmlopt(&s, "memorybacking",
					      "size=2048,hugepages.page1.size=1048576", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "features",
					      "kvm.hidden.state=on,kvm.pv-ipi.state=on,smm=on", &err),
			 0);
	assert_int_equal(s.n_xmlopts, 2);
	vp_spec_clear(&s);
}

/* vprov's balloon goes for the user's; the user's two watchdogs both stay;
 * the features are edited in place; the events are the domain's own */
static void test_apply(void **state)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	char *v;

	(void)state;
	base_spec(&s);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "memballoon", "virtio,autodeflate=yes,stats.period=5", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "watchdog", "i6300esb", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "features", "acpi=off,kvm.hidden.state=on,smm=on", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "events", "on_crash=preserve", &err), 0);
	assert_int_equal(s.n_xmlopts, 4);
	assert_string_equal(s.xmlopts[0].option, "memballoon");
	assert_string_equal(s.xmlopts[2].arg, "acpi=off,kvm.hidden.state=on,smm=on");
	doc = build(&s);
	v = xpath(doc, "string(count(/domain/devices/memballoon))");
	assert_string_equal(v, "1");
	free(v);
	v = xpath(doc, "string(/domain/devices/memballoon/@autodeflate)");
	assert_string_equal(v, "on"); /* yes, written the element's way */
	free(v);
	v = xpath(doc, "string(/domain/devices/memballoon/stats/@period)");
	assert_string_equal(v, "5");
	free(v);
	v = xpath(doc, "string(/domain/devices/watchdog/@model)");
	assert_string_equal(v, "i6300esb");
	free(v);
	v = xpath(doc, "string(count(/domain/features/acpi))");
	assert_string_equal(v, "0");
	free(v);
	v = xpath(doc, "string(count(/domain/features/apic))"); /* vprov's, untouched */
	assert_string_equal(v, "1");
	free(v);
	v = xpath(doc, "string(/domain/features/kvm/hidden/@state)");
	assert_string_equal(v, "on");
	free(v);
	v = xpath(doc, "string(/domain/features/smm/@state)");
	assert_string_equal(v, "on");
	free(v);
	v = xpath(doc, "string(/domain/on_crash)");
	assert_string_equal(v, "preserve");
	free(v);
	v = xpath(doc, "string(count(/domain/on_crash))");
	assert_string_equal(v, "1");
	free(v);
	vp_spec_clear(&s);
}

/* "none": vprov's balloon becomes model=none (libvirt adds one otherwise),
 * and a later user balloon after it is the user's, not dropped */
static void test_none_and_order(void **state)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc2 = NULL;
	char *v;

	(void)state;
	base_spec(&s);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "memballoon", "none", &err), 0);
	doc = build(&s);
	v = xpath(doc, "string(count(/domain/devices/memballoon))");
	assert_string_equal(v, "1");
	free(v);
	v = xpath(doc, "string(/domain/devices/memballoon/@model)");
	assert_string_equal(v, "none");
	free(v);
	/* a second --watchdog: two user devices, neither replaces the other */
	assert_int_equal(vp_spec_parse_xmlopt(&s, "watchdog", "i6300esb", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&s, "watchdog", "ib700,action=pause", &err), 0);
	doc2 = build_doc(&s, false);
	v = xpath(doc2, "string(count(/domain/devices/watchdog))");
	assert_string_equal(v, "2");
	free(v);
	v = xpath(doc2, "string(/domain/devices/watchdog[2]/@action)");
	assert_string_equal(v, "pause");
	free(v);
	vp_spec_clear(&s);
}

/* the options are part of what the spec is: its canonical text and a
 * merge (a list: the later layer's replaces) */
static void test_identity(void **state)
{
	struct vp_domain_spec a, b = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(freep) char *h1 = NULL, *h2 = NULL, *h3 = NULL;

	(void)state;
	base_spec(&a);
	h1 = vp_spec_hash(&a);
	assert_int_equal(vp_spec_parse_xmlopt(&a, "watchdog", "i6300esb", &err), 0);
	h2 = vp_spec_hash(&a);
	assert_string_not_equal(h1, h2);
	assert_int_equal(vp_spec_parse_xmlopt(&b, "watchdog", "ib700", &err), 0);
	assert_int_equal(vp_spec_parse_xmlopt(&b, "events", "on_reboot=destroy", &err), 0);
	assert_int_equal(vp_spec_merge(&a, &b, &err), 0);
	assert_int_equal(a.n_xmlopts, 2);
	assert_string_equal(a.xmlopts[0].arg, "ib700");
	h3 = vp_spec_hash(&a);
	assert_string_not_equal(h2, h3);
	assert_int_equal(vp_spec_check_text(&a, &err), 0);
	vp_spec_clear(&a);
	vp_spec_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_same_place),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_none_and_order),
		cmocka_unit_test(test_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
