/* tests/unit/xmlopts_fixture.h — what the xmlopts tests (test_xmlopts*.c)
 * share: the spec their domains are built from, and the check that an
 * option is refused at parse time. */
#ifndef VP_TEST_XMLOPTS_FIXTURE_H
#define VP_TEST_XMLOPTS_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spec.h"
#include "units.h"
#include "xmlopts.h"

/* a resolved q35 KVM spec booting its disk, with no disk, as
 * vp_domain_plan leaves one */
static inline void base_spec(struct vp_domain_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->name = vp_strdup("x1");
	s->memory = VP_GiB;
	s->vcpus = 1;
	s->virt_type = vp_strdup("kvm");
	s->arch = vp_strdup("x86_64");
	s->machine = vp_strdup("q35");
	s->x86 = s->q35 = true;
	s->boot.devs[s->boot.n_devs++] = vp_strdup("hd");
}

/* --option arg is refused when parsed: a usage error, one line holding
 * needle, and nothing kept */
static inline void expect_refused(const char *option, const char *arg, const char *needle)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	if (vp_spec_parse_xmlopt(&s, option, arg, &err) != -1)
		fail_msg("--%s '%s' was accepted", option, arg);
	assert_int_equal(err.code, VP_ERR_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("--%s '%s': '%s', wanted '%s' in it", option, arg, err.msg, needle);
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(s.n_xmlopts, 0);
	vp_spec_clear(&s);
}

#endif
