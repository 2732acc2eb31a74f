/* tests/unit/test_xmlopts_top.c — the xmlopts engine's pieces the top-level
 * rows brought (provision/spec/xmlopts.c): indexed parts that count only
 * the option's own elements, a timer joined to vprov's of its name, words
 * written another way (or not at all), signed numbers, sub-options taken
 * and dropped or refused with a reason, an argument taken whole, and new
 * top-level elements in libvirt's order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xmlopts_fixture.h"
#include "xmlutil.h"

/* the part of vprov's domain these options edit */
static const char base[] =
	"<domain type='kvm'><name>t</name>"
	"<os><type arch='x86_64' machine='q35'>hvm</type></os>"
	"<features><acpi/><apic/></features>"
	"<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/>"
	"<timer name='pit' tickpolicy='delay'/><timer name='hpet' present='no'/></clock>"
	"<pm><suspend-to-mem enabled='no'/><suspend-to-disk enabled='no'/></pm>"
	"<devices/></domain>";

/* Parse each (option, arg) pair, apply them all to base; the document. */
static xmlDocPtr apply(const char *const *pairs)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	xmlDocPtr doc = NULL;
	size_t i;

	for (i = 0; pairs[i]; i += 2)
		if (vp_spec_parse_xmlopt(&s, pairs[i], pairs[i + 1], &err) < 0)
			fail_msg("--%s %s: %s", pairs[i], pairs[i + 1], err.msg);
	assert_int_equal(vp_xml_parse(base, "base", &doc, &err), 0);
	if (vp_xmlopts_apply(doc, &s, &err) < 0)
		fail_msg("apply: %s", err.msg);
	vp_spec_clear(&s);
	return doc;
}

static void expect_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = vp_xml_xpath_string(doc, expr, "qemu", "http://libvirt.org/schemas/domain/qemu/1.0");

	if (!want) {
		if (got)
			fail_msg("%s: '%s', wanted nothing", expr, got);
		return;
	}
	if (!got || strcmp(got, want))
		fail_msg("%s: '%s', wanted '%s'", expr, got ? got : "(nothing)", want);
	free(got);
}

/* timerN is the N-th timer the option made, never vprov's: timer0 here is
 * a new tsc timer, not vprov's rtc renamed */
static void test_index_counts_own(void **state)
{
	const char *const p[] = { "clock", "timer0.name=tsc,timer0.frequency=1000", NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "string(/domain/clock/timer[1]/@name)", "rtc");
	expect_xpath(doc, "string(/domain/clock/timer[@name='tsc']/@frequency)", "1000");
	expect_xpath(doc, "string(count(/domain/clock/timer))", "4");
	xmlFreeDoc(doc);
}

/* a named timer vprov has is edited where it is, its other settings kept;
 * the old name and the indexed one reach the same timer */
static void test_timer_joins(void **state)
{
	const char *const p[] = { "clock", "timer0.name=hpet,timer0.present=yes,rtc_present=no",
				  NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "string(count(/domain/clock/timer))", "3");
	expect_xpath(doc, "string(/domain/clock/timer[3]/@name)", "hpet");
	expect_xpath(doc, "string(/domain/clock/timer[3]/@present)", "yes");
	expect_xpath(doc, "string(/domain/clock/timer[1]/@present)", "no");
	expect_xpath(doc, "string(/domain/clock/timer[1]/@tickpolicy)", "catchup");
	xmlFreeDoc(doc);
}

/* a later argument of the same option reaches the earlier one's timer0,
 * at parse time too */
static void test_index_across_arguments(void **state)
{
	const char *const p[] = { "clock", "timer0.name=kvmclock", "clock", "timer0.present=no",
				  NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "string(/domain/clock/timer[@name='kvmclock']/@present)", "no");
	expect_xpath(doc, "string(count(/domain/clock/timer))", "4");
	xmlFreeDoc(doc);
	expect_refused("clock", "timer0.present=no", "a timer needs its name");
}

/* words written another way: smbios is libvirt's mode sysinfo; fwcfg
 * writes no mode */
static void test_word_written_as(void **state)
{
	const char *const p1[] = { "sysinfo", "smbios,bios.vendor=Acme", NULL };
	const char *const p2[] = { "sysinfo", "type=fwcfg,entry0.name=opt/x,entry0=v", NULL };
	xmlDocPtr doc = apply(p1);

	(void)state;
	expect_xpath(doc, "string(/domain/os/smbios/@mode)", "sysinfo");
	expect_xpath(doc, "string(/domain/sysinfo[@type='smbios']/bios/entry[@name='vendor'])",
		     "Acme");
	xmlFreeDoc(doc);
	doc = apply(p2);
	expect_xpath(doc, "string(/domain/os/smbios/@mode)", NULL);
	expect_xpath(doc, "string(/domain/sysinfo[@type='fwcfg']/entry[@name='opt/x'])", "v");
	xmlFreeDoc(doc);
	/* the message lists the user's words, not what they are written as */
	expect_refused("sysinfo", "dmi", "use smbios, host, emulate, fwcfg, none");
}

/* signed numbers where the XML takes them, unsigned elsewhere */
static void test_signed(void **state)
{
	const char *const p[] = { "cputune", "quota=-1,shares=10", NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "string(/domain/cputune/quota)", "-1");
	xmlFreeDoc(doc);
	expect_refused("cputune", "shares=-1", "give a number");
	expect_refused("cputune", "quota=-", "give a number");
	expect_refused("cputune", "quota=1-", "give a number");
}

/* taken and dropped (virt-install's no-op tick policies); refused with
 * the reason */
static void test_ignored_and_refused(void **state)
{
	const char *const p[] = { "clock", "hpet_tickpolicy=delay,kvmclock_tickpolicy=catchup",
				  NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "string(/domain/clock/timer[@name='hpet']/@tickpolicy)", NULL);
	expect_xpath(doc, "string(count(/domain/clock/timer))", "3");
	xmlFreeDoc(doc);
	expect_refused("features", "acpi=on,hap=on", "cannot use --features hap: it is a Xen feature");
	expect_refused("features", "gic.version=3", "cannot use --features gic.version: it sets an ARM");
}

/* an argument taken whole, commas and all; arguments split as a shell
 * would; env before args in the schema's order */
static void test_whole(void **state)
{
	const char *const p[] = { "qemu-commandline", "env=A=b,c", "qemu-commandline",
				  "-fw_cfg 'name=opt/x,string=a b' -s", NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "string(/domain/qemu:commandline/qemu:arg[2]/@value)",
		     "name=opt/x,string=a b");
	expect_xpath(doc, "string(/domain/qemu:commandline/qemu:arg[3]/@value)", "-s");
	expect_xpath(doc, "string(/domain/qemu:commandline/*[4]/@value)", "b,c");
	expect_xpath(doc, "string(count(/domain/qemu:commandline))", "1");
	xmlFreeDoc(doc);
	expect_refused("qemu-commandline", "-a 'b", "unterminated quote");
	expect_refused("qemu-commandline", "env=1A=b", "not an environment variable's name");
}

/* a new top-level element goes where libvirt writes it */
static void test_top_order(void **state)
{
	const char *const p[] = { "qemu-commandline", "-s", "seclabel", "type=none", "metadata",
				  "title=t", "sysinfo", "bios.vendor=A", "memtune", "100", NULL };
	xmlDocPtr doc = apply(p);

	(void)state;
	expect_xpath(doc, "name(/domain/*[2])", "title");
	expect_xpath(doc, "name(/domain/sysinfo/following-sibling::*[1])", "os");
	expect_xpath(doc, "name(/domain/memtune/following-sibling::*[1])", "sysinfo");
	expect_xpath(doc, "name(/domain/devices/following-sibling::*[1])", "seclabel");
	expect_xpath(doc, "local-name(/domain/*[last()])", "commandline");
	xmlFreeDoc(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_counts_own),
		cmocka_unit_test(test_timer_joins),
		cmocka_unit_test(test_index_across_arguments),
		cmocka_unit_test(test_word_written_as),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_ignored_and_refused),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_top_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
