/*
 * The VLAN parsers: xl's `vlan=` syntax in every form, the bridge-name
 * suffix vif-openvswitch reads, and every bad value refused with its
 * reason. No kernel involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netmodes/vlan_spec.h"

static struct vlan_set set_of(const char *spec)
{
	struct vlan_set s;
	struct nm_err e = { "" };

	memset(&s, 0xaa, sizeof(s));
	if (vlan_spec_parse(spec, &s, &e) != 0)
		fail_msg("\"%s\" refused: %s", spec, e.msg);
	return s;
}

static void expect_format(const char *spec, const char *want)
{
	struct vlan_set s = set_of(spec);
	char buf[256];

	vlan_set_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* The value is refused, with a reason containing want, and ret untouched. */
static void expect_bad(const char *spec, const char *want)
{
	struct vlan_set s, before;
	struct nm_err e = { "" };

	memset(&s, 0x5a, sizeof(s));
	before = s;
	assert_int_equal(vlan_spec_parse(spec, &s, &e), -EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", spec, e.msg, want);
	assert_memory_equal(&s, &before, sizeof(s));
	for (const char *c = e.msg; *c; c++)
		assert_true(*c >= 0x20 && *c < 0x7f);
}

static void test_single(void **state)
{
	(void)state;
	struct vlan_set s = set_of("10");

	assert_int_equal(s.pvid, 10);
	assert_true(vlan_set_has(&s, 10));
	assert_true(vlan_set_untagged(&s, 10));
	assert_int_equal(vlan_set_count(&s), 1);
	expect_format("10", "10p");
	expect_format("10p", "10p");
	expect_format("10u", "10p");
	expect_format("1", "1p");
	expect_format("4094", "4094p");
}

static void test_pvid_and_tagged(void **state)
{
	(void)state;
	struct vlan_set s = set_of("10p/20");

	assert_int_equal(s.pvid, 10);
	assert_true(vlan_set_untagged(&s, 10));
	assert_true(vlan_set_has(&s, 20));
	assert_false(vlan_set_untagged(&s, 20));
	assert_false(vlan_set_has(&s, 1));
	assert_int_equal(vlan_set_count(&s), 2);
	/* The PVID need not come first. */
	expect_format("20/10p", "10p/20");
	expect_format("10p/20u", "10p/20u");
}

static void test_ranges(void **state)
{
	(void)state;
	struct vlan_set s = set_of("5p/100-103");

	assert_int_equal(vlan_set_count(&s), 5);
	for (unsigned v = 100; v <= 103; v++)
		assert_true(vlan_set_has(&s, v) && !vlan_set_untagged(&s, v));
	assert_false(vlan_set_has(&s, 104));
	expect_format("5p/100-103", "5p/100-103");
	expect_format("5p/100-103u", "5p/100-103u");
	expect_format("5p/7-7", "5p/7");
	/* A range through the PVID is split around it. */
	expect_format("2p/1/3", "1/2p/3");
	expect_bad("1-3/2p", "VLAN 2 is given twice");
	expect_format("1p/2-4094", "1p/2-4094");
}

static void test_sequences(void **state)
{
	(void)state;
	/* C more after the first: 100+10x4 is 100, 110, 120, 130, 140. */
	struct vlan_set s = set_of("10p/100+10x4");

	assert_int_equal(vlan_set_count(&s), 6);
	for (unsigned v = 100; v <= 140; v += 10)
		assert_true(vlan_set_has(&s, v));
	assert_false(vlan_set_has(&s, 150));
	assert_false(vlan_set_has(&s, 105));
	expect_format("10p/100+10x4", "10p/100/110/120/130/140");
	expect_format("10p/100+10x2u", "10p/100u/110u/120u");
	expect_format("10p/20+1x3", "10p/20-23");
	expect_format("1p/4000+94x1", "1p/4000/4094");
}

static void test_mixed(void **state)
{
	(void)state;
	expect_format("30/10p/100-102u/200+2x2/4094", "10p/30/100-102u/200/202/204/4094");
}

static void test_bad_ids(void **state)
{
	(void)state;
	expect_bad("0", "VLAN 0 is out of range 1 to 4094");
	expect_bad("4095", "VLAN 4095 is out of range 1 to 4094");
	expect_bad("10p/4096", "VLAN 4096 is out of range");
	expect_bad("99999999", "out of range");
	expect_bad("010", "leading zero");
	expect_bad("10p/0-5", "VLAN 0 is out of range");
	expect_bad("10p/5-4095", "VLAN 4095 is out of range");
	expect_bad("10p/4090+1x5", "reaches VLAN 4095");
	expect_bad("10p/20+0x2", "offset 0 is out of range");
	expect_bad("10p/20+1x0", "count 0 is out of range");
}

static void test_bad_pvid(void **state)
{
	(void)state;
	expect_bad("10p/20p", "two PVIDs: 10 and 20");
	expect_bad("10/20", "no PVID");
	expect_bad("10-12", "no PVID");
	expect_bad("10+1x1", "no PVID");
	expect_bad("10u/20u", "no PVID");
	expect_bad("10-12p", "only a single VLAN can be the PVID");
	expect_bad("10+2x2p", "only a single VLAN can be the PVID");
	expect_bad("10pu", "invalid term \"10pu\"");
	expect_bad("10up", "invalid term \"10up\"");
}

static void test_bad_syntax(void **state)
{
	(void)state;
	char big[VLAN_SPEC_MAX + 2];

	expect_bad("", "is empty");
	expect_bad("10p//20", "empty term at character 5");
	expect_bad("/10", "empty term at character 1");
	expect_bad("10/", "empty term at character 4");
	expect_bad("abc", "invalid term \"abc\"");
	expect_bad("10,20", "invalid term \"10,20\"");
	expect_bad("10 ", "invalid term");
	expect_bad(" 10", "invalid term");
	expect_bad("-10", "invalid term");
	expect_bad("+10", "invalid term");
	expect_bad("10-", "invalid term \"10-\"");
	expect_bad("10p/12-10", "range 12-10 runs backwards");
	expect_bad("10p/20+5", "invalid term \"20+5\"");
	expect_bad("10p/20+5y2", "invalid term");
	expect_bad("10p/20x", "invalid term");
	expect_bad("10\n", "invalid term \"10?\"");
	expect_bad("10p/20\x01", "invalid term \"20?\"");
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_bad(big, "longer than 1023 characters");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_bad("10p/10", "VLAN 10 is given twice");
	expect_bad("10p/20/20u", "VLAN 20 is given twice");
	expect_bad("10p/20-30/25", "VLAN 25 is given twice");
	expect_bad("10p/5-15", "VLAN 10 is given twice");
	expect_bad("1p/2+2x2/4-6", "VLAN 4 is given twice");
}

static void expect_bridge(const char *s, int want, const char *base, const char *vlans)
{
	struct vlan_set set;
	struct nm_err e = { "" };
	char b[IFNAMSIZ] = "unset", buf[128];

	memset(&set, 0, sizeof(set));
	int rc = vlan_bridge_parse(s, b, &set, &e);
	if (rc != want)
		fail_msg("\"%s\": %d, not %d (%s)", s, rc, want, e.msg);
	if (want == 1) {
		assert_string_equal(b, base);
		vlan_set_format(&set, buf, sizeof(buf));
		assert_string_equal(buf, vlans);
	} else if (want == 0) {
		assert_string_equal(b, "unset");
	} else if (!strstr(e.msg, base)) {
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", s, e.msg, base);
	}
}

static void test_bridge_suffix(void **state)
{
	(void)state;
	expect_bridge("br0.10", 1, "br0", "10p");
	expect_bridge("br0:20:30", 1, "br0", "20/30");
	expect_bridge("br0.10:20:30", 1, "br0", "10p/20/30");
	expect_bridge("xenbr-lan_1.4094", 1, "xenbr-lan_1", "4094p");
	expect_bridge("br0:20", 1, "br0", "20");
	/* Plain names, or names with dots that are no such suffix: left alone. */
	expect_bridge("br0", 0, NULL, NULL);
	expect_bridge("xen.br0", 0, NULL, NULL);
	expect_bridge("br0.10.20", 0, NULL, NULL);
	expect_bridge("br0.", 0, NULL, NULL);
	expect_bridge("br0.0", 0, NULL, NULL);
	expect_bridge("br0.4095", 0, NULL, NULL);
	expect_bridge("br0.010", 0, NULL, NULL);
	/* A ':' is no device's name: it must be the form, or it is refused. */
	expect_bridge("br0:", -EINVAL, "is not BRIDGE[.PVID][:VLAN...]", NULL);
	expect_bridge("br0::20", -EINVAL, "is not BRIDGE", NULL);
	expect_bridge(":20", -EINVAL, "is not BRIDGE", NULL);
	expect_bridge("br0:0", -EINVAL, "VLAN 0 is out of range", NULL);
	expect_bridge("br0:4095", -EINVAL, "VLAN 4095 is out of range", NULL);
	expect_bridge("br0.10:10", -EINVAL, "VLAN 10 is given twice", NULL);
	expect_bridge("br0:20:20", -EINVAL, "VLAN 20 is given twice", NULL);
	expect_bridge("br0:20a", -EINVAL, "is not BRIDGE", NULL);
	expect_bridge("br.0:20", -EINVAL, "VLAN 0 is out of range", NULL);
	expect_bridge("br.x:20", -EINVAL, "is not BRIDGE", NULL);
	expect_bridge("aaaaaaaaaaaaaaaa:20", -EINVAL, "is not BRIDGE", NULL);
}

static void test_set_ops(void **state)
{
	(void)state;
	struct vlan_set a = set_of("10p/20"), b = set_of("20/10p"), c = set_of("10p/20u");
	char tiny[6];

	assert_true(vlan_set_equal(&a, &b));
	assert_false(vlan_set_equal(&a, &c));
	vlan_set_format(&a, tiny, sizeof(tiny));
	assert_true(strlen(tiny) < sizeof(tiny));
	memset(&a, 0, sizeof(a));
	assert_true(vlan_set_empty(&a));
	vlan_set_format(&a, tiny, sizeof(tiny));
	assert_string_equal(tiny, "-");
	vlan_set_add(&a, 0, false);
	vlan_set_add(&a, 4095, false);
	assert_true(vlan_set_empty(&a));
}

static void expect_list(const char *s, const char *want)
{
	struct vlan_set set;
	struct nm_err e = { "" };
	char buf[128];

	memset(&set, 0x33, sizeof(set));
	if (vlan_list_parse(s, &set, &e) != 0)
		fail_msg("\"%s\" refused: %s", s, e.msg);
	assert_int_equal(set.pvid, 0);
	vlan_list_format(&set, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void expect_list_bad(const char *s, const char *want)
{
	struct vlan_set set;
	struct nm_err e = { "" };

	assert_int_equal(vlan_list_parse(s, &set, &e), -EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", s, e.msg, want);
}

static void test_list(void **state)
{
	(void)state;
	expect_list("10", "10");
	expect_list("10,20", "10,20");
	expect_list("20,10", "10,20");
	expect_list("30-40,10", "10,30-40");
	expect_list("10,11,12", "10-12");
	expect_list("1-4094", "1-4094");
	expect_list_bad("", "is empty");
	expect_list_bad("10,", "empty item at character 4");
	expect_list_bad(",10", "empty item at character 1");
	expect_list_bad("10,,20", "empty item");
	expect_list_bad("0", "VLAN 0 is out of range");
	expect_list_bad("4095", "VLAN 4095 is out of range");
	expect_list_bad("10,10", "VLAN 10 is given twice");
	expect_list_bad("10-20,15", "VLAN 15 is given twice");
	expect_list_bad("20-10", "runs backwards");
	expect_list_bad("10p", "invalid item \"10p\"");
	expect_list_bad("10/20", "invalid item \"10/20\"");
	expect_list_bad("ten", "invalid item \"ten\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),	  cmocka_unit_test(test_pvid_and_tagged),
		cmocka_unit_test(test_ranges),	  cmocka_unit_test(test_sequences),
		cmocka_unit_test(test_mixed),	  cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_bad_pvid),  cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_duplicates), cmocka_unit_test(test_bridge_suffix),
		cmocka_unit_test(test_set_ops),	  cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests_name("vlan_spec", tests, NULL, NULL);
}
