/*
 * Plans: the apply/undo engine, and vif-bridge plans built from live state
 * in a private network namespace of the test's own (real kernel, no mocks).
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "netmodes/rtnl/links.h"
#include "netmodes/nft/port_describe.h"
#include "netmodes/nft/port_filter.h"
#include "plan_helpers.h"

/* The engine, with operations that record what they did. */

static char journal[256];

struct rec_op {
	const char *name;
	int apply_rc, undo_rc;
};

static void journal_add(const char *sign, const char *name)
{
	size_t len = strlen(journal);

	snprintf(journal + len, sizeof(journal) - len, "%s%s", sign, name);
}

static int rec_apply(struct op *op, struct nm_err *e)
{
	struct rec_op *o = op->data;

	journal_add("+", o->name);
	return o->apply_rc ? nm_fail(e, o->apply_rc, "boom") : 0;
}

static int rec_undo(struct op *op, struct nm_err *e)
{
	struct rec_op *o = op->data;

	journal_add("-", o->name);
	return o->undo_rc ? nm_fail(e, o->undo_rc, "stuck") : 0;
}

static void rec_describe(const struct op *op, FILE *out)
{
	fprintf(out, "step %s\n", ((struct rec_op *)op->data)->name);
}

static void rec_release(void *data)
{
	(void)data; /* static storage in the tests */
}

static const struct op_type rec_type = {
	.name = "recorded", .apply = rec_apply, .undo = rec_undo,
	.describe = rec_describe, .release = rec_release,
};


static void test_apply_in_order(void **state)
{
	struct rec_op a = { "A", 0, 0 }, b = { "B", 0, 0 };
	struct plan p = { 0 };
	struct nm_err e = { "" };

	(void)state;
	journal[0] = '\0';
	assert_int_equal(plan_add(&p, &rec_type, &a), 0);
	assert_int_equal(plan_add(&p, &rec_type, &b), 0);
	assert_string_equal(describe(&p), "step A\nstep B\n");
	assert_int_equal(plan_apply(&p, NULL, &e), 0);
	assert_string_equal(journal, "+A+B");
	plan_free(&p);
	assert_int_equal(p.n, 0);
}

static void test_rollback_in_reverse(void **state)
{
	struct rec_op a = { "A", 0, 0 }, b = { "B", 0, 0 }, c = { "C", -EIO, 0 }, d = { "D", 0, 0 };
	struct plan p = { 0 };
	struct nm_err e = { "" };

	(void)state;
	journal[0] = '\0';
	plan_add(&p, &rec_type, &a);
	plan_add(&p, &rec_type, &b);
	plan_add(&p, &rec_type, &c);
	plan_add(&p, &rec_type, &d);
	assert_int_equal(plan_apply(&p, NULL, &e), -EIO);
	assert_string_equal(journal, "+A+B+C-B-A");
	assert_string_equal(e.msg, "recorded: boom");
	plan_free(&p);
}

static void test_rollback_failure_reported(void **state)
{
	struct rec_op a = { "A", 0, -EBUSY }, b = { "B", -ENODEV, 0 };
	struct plan p = { 0 };
	struct nm_err e = { "" };

	(void)state;
	journal[0] = '\0';
	plan_add(&p, &rec_type, &a);
	plan_add(&p, &rec_type, &b);
	assert_int_equal(plan_apply(&p, NULL, &e), -ENODEV);
	assert_string_equal(journal, "+A+B-A");
	assert_string_equal(e.msg, "recorded: boom; rollback of recorded failed too: stuck");
	plan_free(&p);
}

/* vif-bridge plans in a namespace of our own. */

static void add_veth(const char *name, const char *peer)
{
	assert_int_equal(rtnl_link_veth_add(sk->sk, name, peer, getpid()), 0);
}

static int ns_setup(void **state)
{
	(void)state;
	if (enter_netns(NULL) < 0 || rtnl_link_bridge_add(sk->sk, "xenbr0") < 0)
		return -1;
	add_veth("vif1.0", "peer1");
	add_veth("vif2.0", "peer2");
	return 0;
}

static struct vif_request request(enum vif_command cmd, const char *dev)
{
	struct vif_request r = { .prog = "vif-bridge", .cmd = cmd, .type = VIF_TYPE_VIF,
				 .domid = 1, .devid = 0 };

	snprintf(r.dev, sizeof(r.dev), "%s", dev);
	snprintf(r.bridge, sizeof(r.bridge), "xenbr0");
	snprintf(r.backend, sizeof(r.backend), "/local/domain/0/backend/vif/1/0");
	snprintf(r.frontend, sizeof(r.frontend), "/local/domain/1/device/vif/0");
	return r;
}

static const char *bridge_text(const struct vif_request *r, int expect_rc)
{
	int rc;
	const char *text = plan_text(bridge_plan, r, &rc);

	assert_int_equal(rc, expect_rc);
	return text;
}

static void test_online_fresh_vif(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");

	(void)state;
	assert_string_equal(bridge_text(&r, 0),
			    "ip link set dev vif1.0 alias xen-netmodes:backend/vif/1/0\n"
			    "ip link set dev vif1.0 address fe:ff:ff:ff:ff:ff\n"
			    "ip link set dev vif1.0 master xenbr0\n"
			    "ip link set dev vif1.0 up\n");
}

static void test_online_vifname_and_mtu(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");

	(void)state;
	snprintf(r.vifname, sizeof(r.vifname), "web0");
	r.mtu = 1400;
	assert_string_equal(bridge_text(&r, 0),
			    "ip link set dev vif1.0 alias xen-netmodes:backend/vif/1/0\n"
			    "ip link set dev vif1.0 name web0\n"
			    "ip link set dev web0 address fe:ff:ff:ff:ff:ff\n"
			    "ip link set dev web0 mtu 1400\n"
			    "ip link set dev web0 master xenbr0\n"
			    "ip link set dev web0 up\n");
}

static void test_online_with_ip_filters_before_enslave(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");
	struct port_filter f = { .kind = PORT_BRIDGED, .ifname = "vif1.0" };
	char expected[32768], *nft;
	size_t len;
	FILE *out;

	(void)state;
	r.has_mac = true;
	r.mac = (struct mac_addr){ { 0x00, 0x16, 0x3e, 0, 0, 1 } };
	r.ips.n = 1;
	r.ips.p[0] = (struct prefix){ .family = AF_INET, .len = 32,
				      .addr.raw = { 10, 77, 0, 11 } };
	f.mac = r.mac;
	f.ips = r.ips;
	out = open_memstream(&nft, &len);
	nft_port_describe_set(&f, &(struct port_state){ .table = false }, out);
	fclose(out);
	snprintf(expected, sizeof(expected),
		 "ip link set dev vif1.0 alias xen-netmodes:backend/vif/1/0\n"
		 "ip link set dev vif1.0 address fe:ff:ff:ff:ff:ff\n"
		 "%s"
		 "ip link set dev vif1.0 master xenbr0\n"
		 "ip link set dev vif1.0 type bridge_slave group_fwd_mask 0xfffd\n"
		 "ip link set dev vif1.0 up\n",
		 nft);
	free(nft);
	assert_string_equal(bridge_text(&r, 0), expected);
}

static void test_ip_without_mac_refused(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");

	(void)state;
	r.ips.n = 1;
	r.ips.p[0] = (struct prefix){ .family = AF_INET, .len = 32 };
	assert_string_equal(bridge_text(&r, -EINVAL),
			    "backend node mac is missing or empty: cannot filter vif1.0");
}

/* Applying a plan for real, then planning again: nothing left but the frontend node. */
static void test_in_place_port_not_bounced_then_offline(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif2.0");
	struct mode_ctx c = { .nl = sk, .nft = &nft, .env = test_env() };
	struct plan p = { 0 };
	struct vif_outcome out;
	struct nm_err e = { "" };

	(void)state;
	r.frontend[0] = '\0'; /* no xenstore in this test */
	assert_int_equal(bridge_plan(&r, &c, &p, &out, &e), 0);
	assert_int_equal(plan_apply(&p, NULL, &e), 0);
	plan_free(&p);
	assert_string_equal(bridge_text(&r, 0), "");
	r.cmd = VIF_OFFLINE;
	assert_string_equal(bridge_text(&r, 0),
			    "ip link set dev vif2.0 down\n"
			    "ip link set dev vif2.0 nomaster\n"
			    "ip link set dev vif2.0 alias \"\"\n");
}

static void test_offline_of_missing_vif_is_empty(void **state)
{
	struct vif_request r = request(VIF_OFFLINE, "vif9.0");

	(void)state;
	assert_string_equal(bridge_text(&r, 0), "");
}

static void test_planning_errors(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");

	(void)state;
	snprintf(r.bridge, sizeof(r.bridge), "nosuch0");
	assert_string_equal(bridge_text(&r, -ENODEV), "Could not find bridge device nosuch0");
	snprintf(r.bridge, sizeof(r.bridge), "peer1");
	assert_string_equal(bridge_text(&r, -EINVAL), "peer1 is not a bridge");
	snprintf(r.bridge, sizeof(r.bridge), "xenbr0");
	snprintf(r.vifname, sizeof(r.vifname), "vif2.0");
	assert_string_equal(bridge_text(&r, -EEXIST),
			    "Cannot rename interface vif1.0. An interface with name vif2.0 "
			    "already exists.");
	r = request(VIF_ONLINE, "vif7.0");
	assert_string_equal(bridge_text(&r, -ENODEV), "device vif7.0 does not exist");
}

static void test_first_bridge_by_name(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");

	(void)state;
	r.bridge[0] = '\0';
	assert_int_equal(rtnl_link_bridge_add(sk->sk, "abr0"), 0);
	assert_non_null(strstr(bridge_text(&r, 0), "ip link set dev vif1.0 master abr0\n"));
	snprintf(r.bridge, sizeof(r.bridge), "xenbr7");
	assert_int_equal(rtnl_link_bridge_add(sk->sk, "eth7"), 0);
	assert_non_null(strstr(bridge_text(&r, 0), "ip link set dev vif1.0 master eth7\n"));
}

/* A step that fails for real undoes the MAC change before it. */
static void test_kernel_failure_rolls_back(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0");
	struct mode_ctx c = { .nl = sk, .nft = &nft, .env = test_env() };
	struct plan p = { 0 };
	struct vif_outcome out;
	struct nm_err e = { "" };
	struct link_info before, after, br;

	(void)state;
	r.frontend[0] = '\0';
	assert_int_equal(rtnl_link_bridge_add(sk->sk, "doomed0"), 0);
	snprintf(r.bridge, sizeof(r.bridge), "doomed0");
	assert_int_equal(rt_link_get(sk, 0, "vif1.0", &before, NULL), 0);
	assert_int_equal(bridge_plan(&r, &c, &p, &out, &e), 0);
	assert_int_equal(rt_link_get(sk, 0, "doomed0", &br, NULL), 0);
	struct rtnl_link *l = rtnl_link_alloc();
	rtnl_link_set_ifindex(l, br.ifindex);
	assert_int_equal(rtnl_link_delete(sk->sk, l), 0);
	rtnl_link_put(l);
	assert_int_not_equal(plan_apply(&p, NULL, &e), 0);
	plan_free(&p);
	assert_non_null(strstr(e.msg, "enslave to bridge: vif1.0: "));
	assert_int_equal(rt_link_get(sk, 0, "vif1.0", &after, NULL), 0);
	assert_memory_equal(&before.mac, &after.mac, sizeof(before.mac));
	assert_int_equal(after.master, 0);
	assert_false(after.up);
}

int main(void)
{
	const struct CMUnitTest engine[] = {
		cmocka_unit_test(test_apply_in_order),
		cmocka_unit_test(test_rollback_in_reverse),
		cmocka_unit_test(test_rollback_failure_reported),
	};
	const struct CMUnitTest bridge[] = {
		cmocka_unit_test(test_online_fresh_vif),
		cmocka_unit_test(test_online_vifname_and_mtu),
		cmocka_unit_test(test_online_with_ip_filters_before_enslave),
		cmocka_unit_test(test_ip_without_mac_refused),
		cmocka_unit_test(test_in_place_port_not_bounced_then_offline),
		cmocka_unit_test(test_offline_of_missing_vif_is_empty),
		cmocka_unit_test(test_planning_errors),
		cmocka_unit_test(test_first_bridge_by_name),
		cmocka_unit_test(test_kernel_failure_rolls_back),
	};
	int failed = cmocka_run_group_tests_name("plan engine", engine, NULL, NULL);

	return failed + cmocka_run_group_tests_name("vif-bridge plans", bridge, ns_setup, leave_netns);
}
