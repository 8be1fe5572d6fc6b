/*
 * A bridge port's VLANs as plan operations: what is planned from one set
 * to another, as --dry-run prints it. Planning reads nothing of the
 * kernel (the current VLANs are given), so no kernel is needed; applying
 * is proven on Debian's kernel in tests/xen/scenarios/60-vlan.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netmodes/rtnl/bridge_vlan.h"

static struct vlan_set spec(const char *s)
{
	struct vlan_set v;
	struct nm_err e = { "" };

	memset(&v, 0, sizeof(v));
	if (*s && vlan_spec_parse(s, &v, &e) != 0)
		fail_msg("\"%s\": %s", s, e.msg);
	return v;
}

static struct vlan_set list(const char *s)
{
	struct vlan_set v;
	struct nm_err e = { "" };

	if (vlan_list_parse(s, &v, &e) != 0)
		fail_msg("\"%s\": %s", s, e.msg);
	return v;
}

/* The dry-run text of the plan from now to want on vif1.0. */
static void expect_plan(struct vlan_set now, struct vlan_set want, const char *text, size_t ops)
{
	struct plan p = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(plan_port_vlans(&p, NULL, 7, "vif1.0", &now, &want), 0);
	plan_describe(&p, m);
	fclose(m);
	assert_string_equal(buf, text);
	assert_int_equal(p.n, ops);
	free(buf);
	plan_free(&p);
}

static void test_access_port(void **state)
{
	(void)state;
	/* A new port has the bridge's default VLAN 1, PVID and untagged. */
	expect_plan(spec("1"), spec("10"),
		    "bridge vlan del dev vif1.0 vid 1\n"
		    "bridge vlan add dev vif1.0 vid 10 pvid untagged\n", 2);
}

static void test_trunk(void **state)
{
	(void)state;
	struct vlan_set trunk = list("20,30");

	expect_plan(spec("1"), trunk,
		    "bridge vlan del dev vif1.0 vid 1\n"
		    "bridge vlan add dev vif1.0 vid 20\n"
		    "bridge vlan add dev vif1.0 vid 30\n", 3);
	expect_plan(spec("1"), spec("10p/20/30"),
		    "bridge vlan del dev vif1.0 vid 1\n"
		    "bridge vlan add dev vif1.0 vid 10 pvid untagged\n"
		    "bridge vlan add dev vif1.0 vid 20\n"
		    "bridge vlan add dev vif1.0 vid 30\n", 4);
}

static void test_ranges_one_request(void **state)
{
	(void)state;
	expect_plan(spec("1"), spec("5p/100-199/300+1x2u"),
		    "bridge vlan del dev vif1.0 vid 1\n"
		    "bridge vlan add dev vif1.0 vid 5 pvid untagged\n"
		    "bridge vlan add dev vif1.0 vid 100-199\n"
		    "bridge vlan add dev vif1.0 vid 300-302 untagged\n", 4);
}

static void test_default_kept_when_asked(void **state)
{
	(void)state;
	/* VLAN 1 asked as it is: left alone. */
	expect_plan(spec("1"), spec("1p/20"), "bridge vlan add dev vif1.0 vid 20\n", 1);
	/* VLAN 1 asked tagged: its flags change, the PVID moves. */
	expect_plan(spec("1"), spec("1/20p"),
		    "bridge vlan add dev vif1.0 vid 1\n"
		    "bridge vlan add dev vif1.0 vid 20 pvid untagged\n", 2);
}

static void test_in_place_and_repairs(void **state)
{
	(void)state;
	expect_plan(spec("10p/20"), spec("10p/20"), "", 0);
	/* What check lists: one missing, one extra, one with the wrong flags. */
	expect_plan(spec("10p/20/40"), spec("10p/20u/30"),
		    "bridge vlan del dev vif1.0 vid 40\n"
		    "bridge vlan add dev vif1.0 vid 20 untagged\n"
		    "bridge vlan add dev vif1.0 vid 30\n", 3);
	/* The PVID moved from 10 to 20: 10 stays, tagged. */
	expect_plan(spec("10p/20"), spec("10/20p"),
		    "bridge vlan add dev vif1.0 vid 10\n"
		    "bridge vlan add dev vif1.0 vid 20 pvid untagged\n", 2);
	/* A run split by the part that changes. */
	expect_plan(spec("1p/100-110"), spec("1p/100-104/106-110"),
		    "bridge vlan del dev vif1.0 vid 105\n", 1);
}

static void test_kept(void **state)
{
	(void)state;
	struct vlan_set now = spec("10p/20-29/40");
	struct plan p = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	/* Nothing done, nothing printed: only its undo does anything. */
	assert_int_equal(op_port_vlans_kept(&p, NULL, 7, "vif1.0", &now, 0), 0);
	plan_describe(&p, m);
	fclose(m);
	assert_string_equal(buf, "");
	assert_int_equal(p.n, 3); /* 10 pvid, 20-29, 40: one request each when undone */
	free(buf);
	plan_free(&p);

	/* The default VLAN 1 a port gets on joining again is taken away too. */
	p = (struct plan){ 0 };
	assert_int_equal(op_port_vlans_kept(&p, NULL, 7, "vif1.0", &now, 1), 0);
	assert_int_equal(p.n, 4);
	plan_free(&p);
	p = (struct plan){ 0 };
	now = spec("1p/20");
	assert_int_equal(op_port_vlans_kept(&p, NULL, 7, "vif1.0", &now, 1), 0);
	assert_int_equal(p.n, 2);
	plan_free(&p);
}

static void test_refusal_names_the_fix(void **state)
{
	(void)state;
	struct nm_err e = { "" };

	assert_int_equal(bridge_vlan_refuse("br0", &e), -EOPNOTSUPP);
	assert_string_equal(e.msg, "bridge br0 does not filter VLANs: ip link set br0 type bridge "
				   "vlan_filtering 1, or network-bridge start ... vlan_filtering=1");
}

static void test_filtering_text(void **state)
{
	(void)state;
	struct plan p = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(op_bridge_vlan_filtering(&p, NULL, "xnmbr5", true), 0);
	plan_describe(&p, m);
	fclose(m);
	assert_string_equal(buf, "ip link set dev xnmbr5 type bridge vlan_filtering 1\n");
	free(buf);
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_port),
		cmocka_unit_test(test_trunk),
		cmocka_unit_test(test_ranges_one_request),
		cmocka_unit_test(test_default_kept_when_asked),
		cmocka_unit_test(test_in_place_and_repairs),
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_refusal_names_the_fix),
		cmocka_unit_test(test_filtering_text),
	};

	return cmocka_run_group_tests_name("bridge_vlan", tests, NULL, NULL);
}
