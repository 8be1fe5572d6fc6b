/*
 * Allocations that fail: libnl's object copies and message parsing made to
 * fail on demand (the linker wraps nl_object_clone and nl_msg_parse for this
 * test only), against the real kernel in a network namespace of our own.
 * Every failure must end the call with -ENOMEM and "out of memory", never
 * a plan with a hole in it.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <netlink/msg.h>
#include <netlink/object.h>
#include <netlink/route/link/bridge.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/modes/network.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/rtnl/rtnl.h"

static struct rt_conn *sk;

/* How many more calls succeed before one fails; -1: none fails. */
static int clone_fails_after = -1, parse_fails_after = -1;

struct nl_object *__real_nl_object_clone(struct nl_object *obj);
struct nl_object *__wrap_nl_object_clone(struct nl_object *obj);
int __real_nl_msg_parse(struct nl_msg *msg, void (*cb)(struct nl_object *, void *), void *arg);
int __wrap_nl_msg_parse(struct nl_msg *msg, void (*cb)(struct nl_object *, void *), void *arg);

static bool fails_now(int *after)
{
	if (*after < 0)
		return false;
	return (*after)-- == 0;
}

struct nl_object *__wrap_nl_object_clone(struct nl_object *obj)
{
	return fails_now(&clone_fails_after) ? NULL : __real_nl_object_clone(obj);
}

int __wrap_nl_msg_parse(struct nl_msg *msg, void (*cb)(struct nl_object *, void *), void *arg)
{
	return fails_now(&parse_fails_after) ? -NLE_NOMEM : __real_nl_msg_parse(msg, cb, arg);
}

static char run_dir[] = "/tmp/xnm-alloc.XXXXXX";

static int ns_setup(void **state)
{
	static const char *const setup[] = {
		"ip link add eth0 type veth peer name eth0p",
		"ip addr add 10.9.0.1/24 dev eth0",
		"ip addr add 10.9.1.1/24 dev eth0",
		"ip link set eth0 up",
		"ip link set eth0p up",
		"ip route add 10.10.0.0/16 via 10.9.0.2",
		NULL,
	};

	(void)state;
	if (!mkdtemp(run_dir) || setenv("XEN_NETMODES_RUN_DIR", run_dir, 1) < 0)
		return -1;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return -1;
	}
	for (const char *const *c = setup; *c; c++)
		if (system(*c) != 0)
			return -1;
	return rt_open(&sk, NULL);
}

static int ns_teardown(void **state)
{
	(void)state;
	(void)rmdir(run_dir);
	rt_close(sk);
	return 0;
}

static const struct network_request start = {
	.prog = "network-bridge", .cmd = NET_START, .netdev = "eth0",
};

/* The plan network-bridge start makes with the Nth copy of an address or route failing. */
static void test_bridge_snapshot_copy_fails(void **state)
{
	const struct call_env env = { .run_dir = run_dir, .lock_dir = CALLENV_LOCK_DIR,
				      .mounts = CALLENV_MOUNTS };
	struct mode_ctx ctx = { .nl = sk, .env = &env };
	struct plan p = { 0 };
	struct nm_err e = { "" };
	int copies;

	(void)state;
	assert_int_equal(network_bridge_plan(&start, &ctx, &p, &e), 0);
	plan_free(&p);
	/* Two addresses and a route, each taken off eth0 and given to the bridge. */
	for (copies = 0; copies < 6; copies++) {
		clone_fails_after = copies;
		e.msg[0] = '\0';
		assert_int_equal(network_bridge_plan(&start, &ctx, &p, &e), -ENOMEM);
		assert_string_equal(e.msg, "out of memory");
		assert_int_equal(clone_fails_after, -1); /* the failing copy was asked for */
		plan_free(&p);
	}
	clone_fails_after = -1;
}

static void test_move_op_copy_fails(void **state)
{
	struct addr_set addrs;
	struct link_info li;
	struct plan p = { 0 };

	(void)state;
	assert_int_equal(rt_link_get(sk, 0, "eth0", &li, NULL), 0);
	assert_int_equal(addr_set_query(sk, li.ifindex, &addrs, NULL), 0);
	assert_true(addrs.n >= 2);
	clone_fails_after = 0;
	assert_int_equal(op_addr_on(&p, sk, false, "eth0", addrs.a[0]), -ENOMEM);
	assert_int_equal(p.n, 0);
	clone_fails_after = -1;
	/* The caller's object is its own still, whether the copy was made or not. */
	assert_int_equal(op_addr_on(&p, sk, false, "eth0", addrs.a[0]), 0);
	addr_set_free(&addrs);
	assert_int_equal(p.n, 1);
	plan_free(&p);
}

/* A reply libnl could not turn into an object fails the dump: no set with one missing. */
static void test_dump_parse_fails(void **state)
{
	struct addr_set addrs = { 0 };
	struct route_set routes = { 0 };
	struct link_info li, br;
	struct nm_err e = { "" };
	char dev[IFNAMSIZ];

	(void)state;
	assert_int_equal(rt_link_get(sk, 0, "eth0", &li, NULL), 0);
	parse_fails_after = 1;
	assert_int_equal(addr_set_query(sk, li.ifindex, &addrs, &e), -ENOMEM);
	assert_string_equal(e.msg, "out of memory");
	assert_int_equal(addrs.n, 0);
	parse_fails_after = 0;
	assert_int_equal(route_set_query(sk, li.ifindex, &routes, &e), -ENOMEM);
	assert_int_equal(routes.n, 0);
	parse_fails_after = 0;
	assert_int_equal(rt_default_route_dev(sk, dev, &e), -ENOMEM);
	assert_int_equal(rtnl_link_bridge_add(sk->sk, "br9"), 0);
	parse_fails_after = 0;
	assert_int_equal(rt_first_bridge(sk, &br, &e), -ENOMEM);
	parse_fails_after = -1;
	assert_int_equal(rt_first_bridge(sk, &br, &e), 0);
	assert_string_equal(br.name, "br9");
	assert_int_equal(addr_set_query(sk, li.ifindex, &addrs, &e), 0);
	assert_true(addrs.n >= 2);
	addr_set_free(&addrs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bridge_snapshot_copy_fails),
		cmocka_unit_test(test_move_op_copy_fails),
		cmocka_unit_test(test_dump_parse_fails),
	};

	return cmocka_run_group_tests_name("failed allocations", tests, ns_setup, ns_teardown);
}
