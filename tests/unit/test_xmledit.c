/* tests/unit/test_xmledit.c — virt-install's --xml edits (xmledit.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cleanup.h"
#include "xmledit.h"
#include "xmlutil.h"

#define DOC "<domain type='kvm'><name>a</name><devices>" \
	    "<disk type='file' device='disk'><target dev='vda'/></disk>" \
	    "<disk type='file' device='cdrom'><target dev='sda'/><readonly/></disk>" \
	    "</devices></domain>"

/* The document after the edits, on one line; NULL when they failed (err
 * says why). */
static char *edit(const char *xml, const char *const *args, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_xmledits l = { 0 };
	xmlBufferPtr buf;
	char *out = NULL;
	size_t i;
	int r = 0;

	assert_int_equal(vp_xml_parse(xml, "test", &doc, err), 0);
	for (i = 0; args[i] && r == 0; i++)
		r = vp_xmledit_parse(&l, args[i], err);
	if (r == 0)
		r = vp_xmledit_apply(&l, doc, err);
	vp_xmledits_clear(&l);
	if (r < 0)
		return NULL;
	buf = xmlBufferCreate();
	xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 0);
	out = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

/* One edit; the result must hold want. */
static void check(const char *arg, const char *want)
{
	const char *args[] = { arg, NULL };
	struct vp_error err = { 0 };
	char *out = edit(DOC, args, &err);

	if (!out)
		fail_msg("--xml '%s' failed: %s", arg, err.msg);
	if (!strstr(out, want))
		fail_msg("--xml '%s': '%s' lacks '%s'", arg, out, want);
	free(out);
}

static void check_not(const char *arg, const char *absent)
{
	const char *args[] = { arg, NULL };
	struct vp_error err = { 0 };
	char *out = edit(DOC, args, &err);

	if (!out)
		fail_msg("--xml '%s' failed: %s", arg, err.msg);
	if (strstr(out, absent))
		fail_msg("--xml '%s': '%s' still has '%s'", arg, out, absent);
	free(out);
}

static void refused(const char *arg, const char *needle)
{
	const char *args[] = { arg, NULL };
	struct vp_error err = { 0 };
	char *out = edit(DOC, args, &err);

	if (out)
		fail_msg("--xml '%s' was taken: %s", arg, out);
	if (!strstr(err.msg, needle))
		fail_msg("--xml '%s': '%s' lacks '%s'", arg, err.msg, needle);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_null(strchr(err.msg, '\n'));
}

static void test_set_attribute(void **state)
{
	(void)state;
	check("./@foo=bar", "<domain type=\"kvm\" foo=\"bar\">");
	check("/domain/@type=qemu", "<domain type=\"qemu\">");
	check("xpath.set=./devices/disk[2]/target/@bus=sata", "<target dev=\"sda\" bus=\"sata\"/>");
	/* the first match */
	check("./devices/disk/@cache=none", "device=\"disk\" cache=\"none\"");
}

static void test_set_text_makes_the_path(void **state)
{
	(void)state;
	check("./devices/disk[1]/serial=abc",
	      "<target dev=\"vda\"/><serial>abc</serial></disk>");
	check("./name=b", "<name>b</name>");
	/* missing elements on the way are made, with a condition's attribute */
	check("./devices/disk[@device='floppy']/serial=f",
	      "<disk device=\"floppy\"><serial>f</serial></disk></devices>");
	check("./features/acpi/@x=1", "<features><acpi x=\"1\"/></features>");
	/* a condition that finds the cdrom changes it */
	check("./devices/disk[@device='cdrom']/serial=cd", "<readonly/><serial>cd</serial>");
}

static void test_value_syntax(void **state)
{
	(void)state;
	/* commas belong to the value; the last '=' splits a bare one */
	check("./description=a,b", "<description>a,b</description>");
	check("xpath.set=./description=x,y", "<description>x,y</description>");
	/* xpath.value holds what a bare '=' split could not */
	check("xpath.set=./description,xpath.value=k=v,w", "<description>k=v,w</description>");
	check("./description=<&>'", "<description>&lt;&amp;&gt;'</description>");
}

static void test_create(void **state)
{
	(void)state;
	check("xpath.create=./features/pae", "<features><pae/></features>");
	check("xpath.create=./devices/disk[1]/shareable", "<target dev=\"vda\"/><shareable/></disk>");
	check("xpath.create=./@foo", "foo=\"\"");
	/* an existing one is left as it is */
	check("xpath.create=./devices/disk[2]/readonly", "<target dev=\"sda\"/><readonly/></disk>");
}

static void test_delete(void **state)
{
	(void)state;
	check_not("xpath.delete=./devices/disk[2]", "cdrom");
	check_not("xpath.delete=./devices/disk[@device='cdrom']/readonly", "readonly");
	/* an attribute only (virtinst would drop its element) */
	check("xpath.delete=./devices/disk[1]/@type", "<disk device=\"disk\"><target dev=\"vda\"/>");
	/* nothing found: nothing to do */
	check("xpath.delete=./devices/tpm", "<name>a</name>");
}

static void test_clear(void **state)
{
	(void)state;
	/* an empty value clears, and drops the elements left empty */
	check("./devices/disk[2]/target/@dev=", "<readonly/></disk>");
	check_not("./name=", "<name");
	check_not("./devices/disk[2]/readonly=", "readonly");
}

static void test_in_order(void **state)
{
	const char *args[] = { "./devices/disk[1]/serial=s1", "./devices/disk[1]/serial=s2",
			       "xpath.create=./metadata/qemu:x", "./devices/disk[1]/boot/@order=1",
			       "xpath.delete=./devices/disk[2]", NULL };
	struct vp_error err = { 0 };
	char *out = edit(DOC, args, &err);

	assert_non_null(out);
	assert_non_null(strstr(out, "<serial>s2</serial><boot order=\"1\"/></disk></devices>"));
	assert_null(strstr(out, "cdrom"));
	assert_non_null(strstr(out, "<qemu:x xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\"/>"));
	free(out);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("", "give XPATH=VALUE");
	refused("./name", "setting takes XPATH=VALUE");
	refused("=x", "the XPath is empty");
	refused("xpath.value=x", "xpath.value= needs xpath.set=XPATH");
	refused("xpath.set=./a=1,xpath.delete=./b", "give one of");
	refused("xpath.set=./a=1,xpath.set=./b=2", "xpath.set is given twice");
	refused("./devices/disk[=1", "libxml2 cannot evaluate");
	refused("/other/x=1", "an absolute XPath starts at /domain");
	refused("./@a/b=1", "only the last step");
	refused("../x=1", "leaves the document's root");
	refused("xpath.delete=.", "the root element stays");
	refused("./foo:bar=1", "unknown namespace prefix");
	refused("//nothing=1", "it finds nothing");
	refused("./features/*=1", "not an element vprov can make");
}

static void test_copy(void **state)
{
	struct vp_xmledits a = { 0 }, b = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_xmledit_parse(&a, "./@x=1", &err), 0);
	assert_int_equal(vp_xmledit_parse(&a, "xpath.delete=./name", &err), 0);
	vp_xmledits_copy(&b, &a);
	vp_xmledits_clear(&a);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.v[0].xpath, "./@x");
	assert_string_equal(b.v[0].value, "1");
	assert_int_equal(b.v[1].op, VP_XMLEDIT_DELETE);
	assert_string_equal(b.v[1].arg, "xpath.delete=./name");
	vp_xmledits_clear(&b);
	assert_int_equal(b.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_attribute),
		cmocka_unit_test(test_set_text_makes_the_path),
		cmocka_unit_test(test_value_syntax),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
