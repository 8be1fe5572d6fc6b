/*
 * The uplink: its kind parsed from link messages built here (a VLAN device,
 * a bond's slave, a plain NIC), the refusal of an enslaved one and of a
 * name too long for network-bridge's "p", status text and JSON; then the
 * query against a namespace of the test's own (a bridge and its ports
 * stand in for a bond and its slaves: the build kernel has no bonding).
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "netmodes/rtnl/rtnl.h"
#include "netmodes/rtnl/uplink.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A link message as the kernel sends one; vlan_id 0: no IFLA_INFO_DATA. */
struct fake_link {
	int ifindex;
	const char *name, *kind;
	int master, link;
	bool netnsid;
	unsigned vlan_id;
	uint16_t vlan_proto;
};

static struct nl_msg *link_msg(const struct fake_link *f)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = f->ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct nlattr *info, *data;

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_string(msg, IFLA_IFNAME, f->name), 0);
	if (f->master)
		assert_int_equal(nla_put_u32(msg, IFLA_MASTER, (uint32_t)f->master), 0);
	if (f->link)
		assert_int_equal(nla_put_u32(msg, IFLA_LINK, (uint32_t)f->link), 0);
	if (f->netnsid)
		assert_int_equal(nla_put_s32(msg, IFLA_LINK_NETNSID, 0), 0);
	if (f->kind) {
		assert_non_null(info = nla_nest_start(msg, IFLA_LINKINFO));
		assert_int_equal(nla_put_string(msg, IFLA_INFO_KIND, f->kind), 0);
		if (f->vlan_id) {
			assert_non_null(data = nla_nest_start(msg, IFLA_INFO_DATA));
			assert_int_equal(nla_put_u16(msg, IFLA_VLAN_ID, (uint16_t)f->vlan_id), 0);
			assert_int_equal(nla_put_u16(msg, IFLA_VLAN_PROTOCOL, htons(f->vlan_proto)), 0);
			nla_nest_end(msg, data);
		}
		nla_nest_end(msg, info);
	}
	return msg;
}

static struct uplink parsed(const struct fake_link *f)
{
	struct nl_msg *msg = link_msg(f);
	struct uplink u;

	assert_int_equal(uplink_parse(nlmsg_hdr(msg), &u), 0);
	nlmsg_free(msg);
	return u;
}

static void test_parse(void **state)
{
	struct uplink u;
	struct nl_msg *msg;

	(void)state;
	u = parsed(&(struct fake_link){ .ifindex = 7, .name = "eth0.100", .kind = "vlan", .link = 2,
					.vlan_id = 100, .vlan_proto = ETH_P_8021Q });
	assert_int_equal(u.ifindex, 7);
	assert_string_equal(u.name, "eth0.100");
	assert_string_equal(u.kind, "vlan");
	assert_int_equal(u.vlan_id, 100);
	assert_int_equal(u.vlan_proto, ETH_P_8021Q);
	assert_int_equal(u.parent, 2);
	assert_int_equal(u.master, 0);

	u = parsed(&(struct fake_link){ .ifindex = 8, .name = "eth0.200", .kind = "vlan", .link = 2,
					.vlan_id = 200, .vlan_proto = ETH_P_8021AD });
	assert_int_equal(u.vlan_proto, ETH_P_8021AD);

	/* The parent in another namespace: its index means nothing here. */
	u = parsed(&(struct fake_link){ .ifindex = 9, .name = "v9", .kind = "vlan", .link = 2,
					.netnsid = true, .vlan_id = 9, .vlan_proto = ETH_P_8021Q });
	assert_int_equal(u.parent, 0);

	/* A veth's IFLA_LINK is its peer, not a parent. */
	u = parsed(&(struct fake_link){ .ifindex = 3, .name = "eth2", .kind = "veth", .link = 4,
					.master = 5 });
	assert_string_equal(u.kind, "veth");
	assert_int_equal(u.parent, 0);
	assert_int_equal(u.master, 5);

	u = parsed(&(struct fake_link){ .ifindex = 2, .name = "eth0" });
	assert_string_equal(u.kind, "");
	assert_int_equal(u.n_slaves, 0);

	msg = nlmsg_alloc_simple(RTM_NEWADDR, 0);
	assert_non_null(msg);
	assert_int_equal(uplink_parse(nlmsg_hdr(msg), &u), -EINVAL);
	nlmsg_free(msg);
}

static void test_check_free(void **state)
{
	static const struct {
		const char *kind;
		bool bridge_ok;
		const char *msg;
	} cases[] = {
		{ "bond", false, "eth2 is a slave of bond bond0: give netdev=bond0 instead (its slaves stay with it)" },
		{ "bond", true, "eth2 is a slave of bond bond0: give netdev=bond0 instead (its slaves stay with it)" },
		{ "team", false, "eth2 is a slave of team bond0: give netdev=bond0 instead (its slaves stay with it)" },
		{ "bridge", true, "eth2 is a port of bridge bond0: give netdev=bond0 instead" },
		{ "bridge", false, "eth2 is a port of bridge bond0 already: attach the guests to bond0 itself "
				   "(bridge=bond0), or release eth2 first (ip link set dev eth2 nomaster)" },
		{ "vrf", true, "eth2 is enslaved to bond0 (vrf): release it first (ip link set dev eth2 nomaster)" },
		{ "", false, "eth2 is enslaved to bond0: release it first (ip link set dev eth2 nomaster)" },
	};
	struct uplink u = { .ifindex = 3, .name = "eth2" };
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(uplink_check_free(&u, false, &e), 0);
	assert_string_equal(e.msg, "");
	u.master = 6;
	snprintf(u.master_name, sizeof(u.master_name), "bond0");
	for (size_t i = 0; i < N(cases); i++) {
		snprintf(u.master_kind, sizeof(u.master_kind), "%s", cases[i].kind);
		assert_int_equal(uplink_check_free(&u, cases[i].bridge_ok, &e), -EBUSY);
		assert_string_equal(e.msg, cases[i].msg);
	}
}

static void test_port_name(void **state)
{
	char pdev[IFNAMSIZ] = "untouched";
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(uplink_port_name("eth0.100", pdev, &e), 0);
	assert_string_equal(pdev, "peth0.100");
	assert_int_equal(uplink_port_name("bond0", pdev, &e), 0);
	assert_string_equal(pdev, "pbond0");
	assert_int_equal(uplink_port_name("abcdefghijklmn", pdev, &e), 0); /* 14: p + 14 = 15 */
	assert_string_equal(pdev, "pabcdefghijklmn");
	snprintf(pdev, sizeof(pdev), "untouched");
	assert_int_equal(uplink_port_name("eth0.100.20.300", pdev, &e), -ENAMETOOLONG);
	assert_string_equal(e.msg, "cannot rename eth0.100.20.300 to peth0.100.20.300: 16 characters, "
				   "and a device name has at most 15; give the uplink a shorter name");
	assert_string_equal(pdev, "untouched");
}

static const char *printed(const struct uplink *u, bool json)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	uplink_print(u, json, f);
	fclose(f);
	return buf;
}

static void test_print(void **state)
{
	struct uplink vlan = { .name = "peth0.100", .kind = "vlan", .parent = 2, .parent_name = "eth0",
			       .vlan_id = 100, .vlan_proto = ETH_P_8021Q };
	struct uplink qinq = vlan, away = vlan;
	struct uplink bond = { .name = "pbond0", .kind = "bond", .n_slaves = 2,
			       .slaves = { "eth2", "eth4" } };
	struct uplink empty = { .name = "bond1", .kind = "bond" };
	struct uplink nic = { .name = "eth0" };
	struct uplink odd = { .name = "x", .kind = "br\"x" };

	(void)state;
	qinq.vlan_proto = ETH_P_8021AD;
	away.parent = 0;
	assert_string_equal(printed(&vlan, false), "  uplink: vlan 100 on eth0\n");
	assert_string_equal(printed(&qinq, false), "  uplink: vlan 100 (802.1ad) on eth0\n");
	assert_string_equal(printed(&away, false), "  uplink: vlan 100 on a device of another namespace\n");
	assert_string_equal(printed(&bond, false), "  uplink: bond, slaves eth2 eth4\n");
	assert_string_equal(printed(&empty, false), "  uplink: bond, no slaves\n");
	assert_string_equal(printed(&nic, false), "  uplink: device\n");
	assert_string_equal(printed(NULL, false), "  uplink: missing\n");
	assert_string_equal(printed(&vlan, true), ", \"uplink\": {\"kind\": \"vlan\", \"vlan_id\": 100, "
						  "\"protocol\": \"802.1Q\", \"parent\": \"eth0\"}");
	assert_string_equal(printed(&away, true), ", \"uplink\": {\"kind\": \"vlan\", \"vlan_id\": 100, "
						  "\"protocol\": \"802.1Q\", \"parent\": null}");
	assert_string_equal(printed(&bond, true),
			    ", \"uplink\": {\"kind\": \"bond\", \"slaves\": [\"eth2\", \"eth4\"]}");
	assert_string_equal(printed(&empty, true), ", \"uplink\": {\"kind\": \"bond\", \"slaves\": []}");
	assert_string_equal(printed(&nic, true), ", \"uplink\": {\"kind\": \"device\"}");
	assert_string_equal(printed(NULL, true), ", \"uplink\": null");
	assert_string_equal(printed(&odd, true), ", \"uplink\": {\"kind\": \"br\\\"x\"}");
}

/* The query, against the kernel */

static struct rt_conn *sk;

static int netns_setup(void **state)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add eth2 type veth peer name eth3",
		"ip link add eth4 type veth peer name eth5",
		"ip link add hold0 type bridge",
		"ip link set eth2 master hold0",
		"ip link set eth4 master hold0",
		NULL,
	};

	(void)state;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return -1;
	}
	for (size_t i = 0; cmds[i]; i++)
		if (system(cmds[i]) != 0) {
			fprintf(stderr, "setup failed: %s\n", cmds[i]);
			return -1;
		}
	return rt_open(&sk, NULL);
}

static int netns_teardown(void **state)
{
	(void)state;
	rt_close(sk);
	return 0;
}

static void test_query(void **state)
{
	struct nm_err e = { "" };
	struct uplink u, port;

	(void)state;
	assert_int_equal(uplink_query(sk, 0, "hold0", &u, &e), 0);
	assert_string_equal(u.kind, "bridge");
	assert_int_equal(u.master, 0);
	assert_int_equal(u.n_slaves, 2);
	assert_string_equal(u.slaves[0], "eth2");
	assert_string_equal(u.slaves[1], "eth4");
	assert_int_equal(uplink_check_free(&u, false, &e), 0);

	assert_int_equal(uplink_query(sk, 0, "eth2", &port, &e), 0);
	assert_string_equal(port.kind, "veth");
	assert_int_equal(port.master, u.ifindex);
	assert_string_equal(port.master_name, "hold0");
	assert_string_equal(port.master_kind, "bridge");
	assert_int_equal(port.parent, 0); /* its peer is no parent */
	assert_int_equal(port.n_slaves, 0);

	/* By index, as network-bridge asks. */
	assert_int_equal(uplink_query(sk, port.ifindex, NULL, &u, &e), 0);
	assert_string_equal(u.name, "eth2");

	assert_int_equal(uplink_query(sk, 0, "eth9", &u, &e), -ENODEV);
	assert_string_equal(e.msg, "no such device eth9");
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_check_free),
		cmocka_unit_test(test_port_name),
		cmocka_unit_test(test_print),
	};
	const struct CMUnitTest kernel[] = {
		cmocka_unit_test(test_query),
	};
	int rc = cmocka_run_group_tests(pure, NULL, NULL);

	return rc + cmocka_run_group_tests(kernel, netns_setup, netns_teardown);
}
