/*
 * The port filter of a port of an Open vSwitch bridge (PORT_OVS), against
 * this kernel in a namespace of the test's own: its table in the netdev
 * family, the port's own base chain on its device's ingress, added,
 * replaced and removed with the port's elements in one batch each; the
 * device deleted under the chain (the kernel deletes the chain up to 6.12,
 * keeps it from 6.13), then the offline; a stale chain replaced by the
 * next online.
 *
 * With arguments it is the namespace suite's tool instead
 * (tests/integration/ovs_filter_test.sh), in the namespace it runs in:
 *   test_ovs_port_filter set DEV MAC IPS [VLANS]   plans and applies DEV's filter
 *   test_ovs_port_filter clear DEV                 plans and applies its removal
 * IPS as the backend's ip node ("10.0.0.1 fd00::1", "" for none), VLANS the
 * tagged VLANs as network-bridge's vlans= ("10,20-30"). Prints the plan's
 * --dry-run text, then applies it; exits 0, or 1 with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <cmocka.h>

#include "netmodes/nft/port_filter.h"
#include "netmodes/nft/port_rules.h"
#include "nft_netns.h"

static const struct mac_addr mac = { { 0x00, 0x16, 0x3e, 0x32, 0x00, 0x01 } };

/* The kernel's release as a number: 6.18 is 618. */
static unsigned kernel_version(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

/* The group setup: the namespace (nft_netns.h), with vif5.0 and its guest's end in it. */
static int setup(void **state)
{
	if (netns_setup(state) < 0)
		return -1;
	return sh("ip link add vif5.0 type veth peer name g5 && ip link set vif5.0 up && "
		  "ip link set g5 up");
}

/*
 * Plans dev's filter (ips NULL: its removal) and applies it; the plan's
 * text (static storage), "" when the filter was already in place.
 */
static const char *change(const char *dev, const char *ips, const char *vlans)
{
	struct prefix_list l = { 0 };
	struct vlan_set v = { 0 };
	struct plan p = { 0 };
	struct nm_err e = { "" };
	const char *text;
	int rc;

	if (ips)
		assert_int_equal(parse_prefix_list(ips, &l, &e), 0);
	if (vlans)
		assert_int_equal(vlan_list_parse(vlans, &v, &e), 0);
	rc = plan_port_filter(&p, &nft, PORT_OVS, dev, ips != NULL, &mac, &l, vlans ? &v : NULL, &e);
	if (rc)
		fail_msg("planning %s: %s", dev, e.msg);
	text = describe(&p);
	rc = plan_apply(&p, NULL, &e);
	if (rc)
		fail_msg("applying %s: %s", dev, e.msg);
	plan_free(&p);
	return text;
}

static struct port_state query(const char *dev)
{
	struct port_state s;
	struct nm_err e = { "" };

	assert_int_equal(nft_port_query(&nft, PORT_OVS, dev, &s, &e), 0);
	return s;
}

#define HOOK_LINE(dev) "type filter hook ingress device \"" dev "\" priority -500; policy accept;"

static void test_add(void **state)
{
	const char *text;
	struct port_state s;

	(void)state;
	text = change("vif5.0", "10.32.0.5 fd32::5", "20-22");
	/* the table, its shared chains (none hooked), the port's chain, its elements */
	assert_non_null(strstr(text, "nft add table netdev xen-netmodes\n"));
	assert_non_null(strstr(text, "nft add chain netdev xen-netmodes port_check\n"));
	assert_non_null(strstr(text, "nft add rule netdev xen-netmodes port_check iifname != @ports accept\n"));
	assert_non_null(strstr(text, "nft add rule netdev xen-netmodes port_check ether type 8021q "
				     "iifname . vlan id != @vlans goto drop_vlan\n"));
	assert_null(strstr(text, "hook prerouting"));
	assert_non_null(strstr(text, "nft add chain netdev xen-netmodes ingress-vif5.0 { type filter hook "
				     "ingress device \"vif5.0\" priority -500; policy accept; }\n"
				     "nft add rule netdev xen-netmodes ingress-vif5.0 jump port_check\n"
				     "nft add element netdev xen-netmodes records { \"vif5.0\" . 0 "
				     "comment \"mac 00:16:3e:32:00:01\" }\n"));
	assert_non_null(strstr(text, "nft add element netdev xen-netmodes vlans { \"vif5.0\" . 20-22 }\n"));
	assert_null(strstr(text, "delete"));

	/* the kernel has them */
	s = query("vif5.0");
	assert_true(s.table && s.port && !s.damaged && s.chain && s.chain_hooked);
	assert_int_equal(s.filter.ips.n, 2);
	assert_true(vlan_set_has(&s.filter.vlans, 21) && !vlan_set_has(&s.filter.vlans, 23));
	assert_non_null(strstr(output("nft list chain netdev xen-netmodes ingress-vif5.0"),
			       HOOK_LINE("vif5.0") "\n\t\tjump port_check\n"));
	assert_non_null(strstr(output("nft list chain netdev xen-netmodes port_check"),
			       "iifname != @ports accept"));
	/* the only base chain: the shared ones are entered through it alone */
	assert_string_equal(output("nft list table netdev xen-netmodes | grep -c 'hook '"), "1\n");

	/* again: in place, nothing to do */
	assert_string_equal(change("vif5.0", "10.32.0.5 fd32::5", "20-22"), "");
}

static void test_replace(void **state)
{
	const char *text;
	struct port_state s;

	(void)state;
	text = change("vif5.0", "10.32.0.6", NULL);
	/* the old elements out, the chain made again, the new elements in: one batch */
	assert_non_null(strstr(text, "nft delete element netdev xen-netmodes addrs6 { \"vif5.0\" . fd32::5 }\n"));
	assert_non_null(strstr(text, "nft delete chain netdev xen-netmodes ingress-vif5.0\n"
				     "nft add chain netdev xen-netmodes ingress-vif5.0 {"));
	assert_non_null(strstr(text, "nft add element netdev xen-netmodes addrs4 { \"vif5.0\" . 10.32.0.6 }\n"));
	assert_null(strstr(text, "nft add table"));
	s = query("vif5.0");
	assert_true(s.port && s.chain_hooked && s.filter.ips.n == 1 && vlan_set_empty(&s.filter.vlans));
	assert_string_equal(output("nft list table netdev xen-netmodes | grep -c 'chain ingress-' || true"), "1\n");
	assert_string_equal(change("vif5.0", "10.32.0.6", NULL), "");
}

static void test_remove(void **state)
{
	const char *text;
	struct port_state s;

	(void)state;
	text = change("vif5.0", NULL, NULL);
	assert_non_null(strstr(text, "nft delete element netdev xen-netmodes ports { \"vif5.0\" }\n"
				     "nft delete chain netdev xen-netmodes ingress-vif5.0\n"));
	assert_null(strstr(text, "nft add"));
	s = query("vif5.0");
	assert_true(s.table && !s.port && !s.chain);
	assert_string_equal(output("nft list table netdev xen-netmodes | grep -c 'chain ingress-' || true"), "0\n");
	/* the shared chains stay with the table */
	assert_non_null(strstr(output("nft list table netdev xen-netmodes"), "chain port_check"));
	assert_string_equal(change("vif5.0", NULL, NULL), "");
}

/*
 * The device goes under its chain, as netback's does when a guest dies,
 * before the offline: what the kernel does with the chain depends on its
 * version (port_rules.c); the offline then removes what is left, the chain
 * only if it is there, and a device of the same name later gets a chain
 * that hooks it.
 */
static void test_device_deleted_under_the_chain(void **state)
{
	unsigned v = kernel_version();
	const char *text;
	struct port_state s;

	(void)state;
	assert_int_equal(sh("ip link add vif6.0 type veth peer name g6"), 0);
	change("vif6.0", "10.32.0.7", NULL);
	assert_int_equal(sh("ip link del vif6.0"), 0);
	s = query("vif6.0");
	assert_true(s.port); /* the elements are the filter's own: the kernel leaves them */
	if (v < 613) {
		print_message("kernel %u.%u: the chain went with its device\n", v / 100, v % 100);
		assert_false(s.chain);
	} else if (v < 616) {
		print_message("kernel %u.%u: the chain stays, hooked on nothing\n", v / 100, v % 100);
		assert_true(s.chain && !s.chain_hooked);
	} else {
		print_message("kernel %u.%u: the chain stays, its device's name kept\n", v / 100, v % 100);
		assert_true(s.chain && s.chain_hooked);
		assert_non_null(strstr(output("nft list chain netdev xen-netmodes ingress-vif6.0"),
				       HOOK_LINE("vif6.0")));
	}
	/* the offline: the elements, and the chain where the kernel kept it */
	text = change("vif6.0", NULL, NULL);
	assert_non_null(strstr(text, "nft delete element netdev xen-netmodes ports { \"vif6.0\" }\n"));
	assert_true(!strstr(text, "nft delete chain") == !s.chain);
	s = query("vif6.0");
	assert_true(!s.port && !s.chain);

	/* a chain left from before: the next online replaces it */
	assert_int_equal(sh("ip link add vif6.0 type veth peer name g6"), 0);
	change("vif6.0", "10.32.0.7", NULL);
	assert_int_equal(sh("ip link del vif6.0"), 0);
	assert_int_equal(sh("ip link add vif6.0 type veth peer name g6"), 0);
	s = query("vif6.0");
	text = change("vif6.0", "10.32.0.8", NULL);
	assert_true(!strstr(text, "nft delete chain netdev xen-netmodes ingress-vif6.0\n") == !s.chain);
	s = query("vif6.0");
	assert_true(s.port && s.chain && s.chain_hooked);
	assert_non_null(strstr(output("nft list chain netdev xen-netmodes ingress-vif6.0"), HOOK_LINE("vif6.0")));
	change("vif6.0", NULL, NULL);
	assert_int_equal(sh("ip link del vif6.0"), 0);
}

/* A chain someone renamed its device under: stale, replaced even with the elements in place. */
static void test_stale_chain_replaced(void **state)
{
	struct port_state s;
	const char *text;

	(void)state;
	change("vif5.0", "10.32.0.5", NULL);
	/* the port's chain made by hand on another device: it hooks no device of the port's name */
	assert_int_equal(sh("ip link add other0 type veth peer name other1 && "
			    "nft 'delete chain netdev xen-netmodes ingress-vif5.0' && "
			    "nft 'add chain netdev xen-netmodes ingress-vif5.0 { type filter hook ingress "
			    "device \"other0\" priority 0; }'"),
			 0);
	s = query("vif5.0");
	assert_true(s.port && s.chain && !s.chain_hooked);
	text = change("vif5.0", "10.32.0.5", NULL);
	assert_non_null(strstr(text, "nft delete chain netdev xen-netmodes ingress-vif5.0\n"
				     "nft add chain netdev xen-netmodes ingress-vif5.0 {"));
	s = query("vif5.0");
	assert_true(s.port && s.chain_hooked);
	/* the elements gone by hand, the chain alone: the offline removes it */
	assert_int_equal(sh("nft 'delete element netdev xen-netmodes ports { \"vif5.0\" }'"), 0);
	text = change("vif5.0", NULL, NULL);
	assert_non_null(strstr(text, "nft delete chain netdev xen-netmodes ingress-vif5.0\n"));
	s = query("vif5.0");
	assert_false(s.chain);
	assert_int_equal(sh("ip link del other0"), 0);
}

/* The namespace suite's tool (see the top). */
static int tool(int argc, char **argv)
{
	struct prefix_list l = { 0 };
	struct vlan_set v = { 0 };
	struct plan p = { 0 };
	struct nm_err e = { "" };
	bool set = !strcmp(argv[1], "set");
	int rc;

	if (!((set && (argc == 5 || argc == 6)) || (!strcmp(argv[1], "clear") && argc == 3))) {
		fprintf(stderr, "usage: %s set DEV MAC IPS [VLANS] | clear DEV\n", argv[0]);
		return 2;
	}
	if (set && (parse_prefix_list(argv[4], &l, &e) < 0 ||
		    (argc == 6 && vlan_list_parse(argv[5], &v, &e) < 0))) {
		fprintf(stderr, "%s\n", e.msg);
		return 2;
	}
	if (set) {
		struct mac_addr m;
		if (parse_mac(argv[3], &m, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 2;
		}
		rc = plan_port_filter(&p, &nft, PORT_OVS, argv[2], true, &m, &l, argc == 6 ? &v : NULL, &e);
	} else {
		rc = plan_port_filter(&p, &nft, PORT_OVS, argv[2], false, NULL, NULL, NULL, &e);
	}
	if (!rc) {
		plan_describe(&p, stdout);
		rc = plan_apply(&p, NULL, &e);
	}
	plan_free(&p);
	nft_conn_drop(&nft);
	if (rc)
		fprintf(stderr, "%s\n", e.msg);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_device_deleted_under_the_chain),
		cmocka_unit_test(test_stale_chain_replaced),
	};

	if (argc > 1)
		return tool(argc, argv);
	return cmocka_run_group_tests(tests, setup, netns_teardown);
}
