/*
 * Dumps that race changes to the table they read, against the real kernel
 * in a network namespace of our own: a dump the kernel marks interrupted
 * (NLM_F_DUMP_INTR) is made again, never reported as a failure, and what
 * the caller gets is one whole, consistent reading.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/route.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/rtnl/rtnl.h"


/* Enough addresses and routes that one dump of them takes several reads (parts). */
#define MANY 1500
/*
 * Enough bridges that one dump of every link takes several parts. (On this
 * kernel it is the link dumps the kernel marks: its filtered address dumps
 * and its route dumps never are.)
 */
#define BRIDGES 100

static struct rt_conn *sk;    /* the project's, through rtnl.c */
static struct nl_sock *other; /* the world's changes, behind the dump's back */

static int add_addr(struct nl_sock *s, int ifindex, unsigned n, bool add)
{
	uint8_t raw[4] = { 10, 200, (uint8_t)(n >> 8), (uint8_t)n };
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, raw, sizeof(raw));
	int rc = -NLE_NOMEM;

	if (a && local) {
		nl_addr_set_prefixlen(local, 32);
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_local(a, local);
		rc = add ? rtnl_addr_add(s, a, 0) : rtnl_addr_delete(s, a, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	return rc;
}

static int bridge(struct nl_sock *s, const char *name, bool add);

static int setup(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return -1;
	}
	if (rt_open(&sk, NULL) < 0 || !(other = nl_socket_alloc()) ||
	    nl_connect(other, NETLINK_ROUTE) < 0)
		return -1;
	for (unsigned i = 0; i < MANY; i++)
		if (add_addr(other, 1, i, true) < 0)
			return -1;
	for (int i = 0; i < BRIDGES; i++) {
		char name[IFNAMSIZ];
		snprintf(name, sizeof(name), "br%d", i);
		if (bridge(other, name, true) < 0)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nl_socket_free(other);
	rt_close(sk);
	return 0;
}


static int bridge(struct nl_sock *s, const char *name, bool add)
{
	struct rtnl_link *l;
	int rc;

	if (add)
		return rtnl_link_bridge_add(s, name);
	if (!(l = rtnl_link_alloc()))
		return -NLE_NOMEM;
	rtnl_link_set_name(l, name);
	rc = rtnl_link_delete(s, l);
	rtnl_link_put(l);
	return rc;
}

/* Every link, counted; the first reply of the first try adds a bridge behind the dump's back. */
struct counting {
	unsigned seen, tries;
	bool change_once;
};

static int count_msg(struct nl_msg *msg, void *arg)
{
	struct counting *c = arg;

	if (nlmsg_hdr(msg)->nlmsg_type != RTM_NEWLINK)
		return NL_OK;
	if (c->change_once) {
		c->change_once = false;
		/* The kernel made the second part as we read the first: the third is marked. */
		if (bridge(other, "late0", true) < 0)
			return -EIO;
	}
	c->seen++;
	return NL_OK;
}

static void count_restart(void *arg)
{
	struct counting *c = arg;

	c->seen = 0;
	c->tries++;
}

static struct nl_msg *link_dump_msg(void)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	return msg;
}

/* Deterministic: the table changes between two parts, so a later one is marked. */
static void test_interrupted_dump_is_made_again(void **state)
{
	struct counting c = { .tries = 1, .change_once = true };
	struct nl_msg *msg = link_dump_msg();
	struct nm_err e = { "" };

	(void)state;
	int rc = rt_dump(sk, msg, count_msg, count_restart, &c, &e);
	assert_string_equal(e.msg, "");
	assert_int_equal(rc, 0);
	assert_int_equal(c.tries, 2);
	/* lo, the bridges and the one added: one whole reading, nothing twice. */
	assert_int_equal(c.seen, 1 + BRIDGES + 1);
	/* The same request again: not interrupted, and the socket reads its own replies. */
	c = (struct counting){ .tries = 1 };
	assert_int_equal(rt_dump(sk, msg, count_msg, count_restart, &c, &e), 0);
	assert_int_equal(c.tries, 1);
	assert_int_equal(c.seen, 1 + BRIDGES + 1);
	nlmsg_free(msg);
	assert_int_equal(bridge(other, "late0", false), 0);
}

/* A table that changes during every try: a bounded number of tries, then a clear error. */
static int change_always(struct nl_msg *msg, void *arg)
{
	unsigned *n = arg;

	if (nlmsg_hdr(msg)->nlmsg_type == RTM_NEWLINK && !(*n)++)
		return bridge(other, "late1", true) < 0 || bridge(other, "late1", false) < 0 ? -EIO
											    : NL_OK;
	return NL_OK;
}

static void restart_counter(void *arg)
{
	*(unsigned *)arg = 0;
}

static void test_bounded_tries(void **state)
{
	struct nl_msg *msg = link_dump_msg();
	struct nm_err e = { "" };
	unsigned n = 0;

	(void)state;
	assert_int_equal(rt_dump(sk, msg, change_always, restart_counter, &n, &e), -EAGAIN);
	assert_string_equal(e.msg, "the kernel's table changed during each of 8 dumps");
	nlmsg_free(msg);
}

static int route_to(struct nl_sock *s, int ifindex, unsigned n, bool add)
{
	uint8_t raw[4] = { 10, 202, (uint8_t)(n >> 8), (uint8_t)n };
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET, raw, sizeof(raw));
	int rc = -NLE_NOMEM;

	if (r && nh && dst) {
		nl_addr_set_prefixlen(dst, 32);
		rtnl_route_set_dst(r, dst);
		rtnl_route_set_scope(r, RT_SCOPE_LINK);
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_add_nexthop(r, nh);
		nh = NULL;
		rc = add ? rtnl_route_add(s, r, NLM_F_CREATE) : rtnl_route_delete(s, r, 0);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	rtnl_route_put(r);
	return rc;
}

/* The hammer: addresses, routes and a link's name changing without pause, on its own socket. */
static atomic_bool stop;
static int ham; /* the ifindex of the link whose routes change */

static void *hammer(void *arg)
{
	struct nl_sock *s = nl_socket_alloc();
	struct rtnl_link *l = rtnl_link_alloc(), *ren = rtnl_link_alloc();
	void *rc = NULL;

	(void)arg;
	if (!s || !l || !ren || nl_connect(s, NETLINK_ROUTE) < 0) {
		rc = "cannot open the hammer's socket";
		goto out;
	}
	rtnl_link_set_ifindex(l, ham);
	for (unsigned i = 0; !atomic_load(&stop); i++) {
		(void)add_addr(s, 1, MANY + 2 + i % 64, i % 128 < 64);
		(void)route_to(s, ham, MANY + i % 64, i % 128 < 64);
		rtnl_link_set_name(ren, i % 2 ? "hammer0" : "hammer1");
		(void)rtnl_link_change(s, l, ren, 0);
		(void)bridge(s, "hammerbr", i % 2 == 0);
	}
out:
	rtnl_link_put(ren);
	rtnl_link_put(l);
	nl_socket_free(s);
	return rc;
}

/* Every kind of dump the project makes, again and again while the hammer runs: none fails. */
static void test_dumps_racing_changes(void **state)
{
	struct link_info lo, h, br;
	pthread_t t;
	void *hammer_rc;
	int failures = 0;

	(void)state;
	assert_int_equal(system("ip link add hammer0 type veth peer name hampeer && "
				"ip link set hampeer up && ip link set hammer0 up"), 0);
	assert_int_equal(rt_link_get(sk, 0, "lo", &lo, NULL), 0);
	assert_int_equal(rt_link_get(sk, 0, "hammer0", &h, NULL), 0);
	ham = h.ifindex;
	for (unsigned i = 0; i < MANY; i++)
		assert_int_equal(route_to(other, ham, i, true), 0);
	atomic_store(&stop, false);
	assert_int_equal(pthread_create(&t, NULL, hammer, NULL), 0);
	for (int i = 0; i < 300; i++) {
		struct addr_set addrs;
		struct route_set routes;
		struct nm_err e = { "" };
		if (addr_set_query(sk, lo.ifindex, &addrs, &e) < 0) {
			fprintf(stderr, "address dump %d: %s\n", i, e.msg);
			failures++;
		} else {
			failures += addrs.n < MANY;
			addr_set_free(&addrs);
		}
		if (route_set_query(sk, ham, &routes, &e) < 0) {
			fprintf(stderr, "route dump %d: %s\n", i, e.msg);
			failures++;
		} else {
			failures += routes.n < MANY;
			route_set_free(&routes);
		}
		if (rt_first_bridge(sk, &br, &e) < 0) {
			fprintf(stderr, "link dump %d: %s\n", i, e.msg);
			failures++;
		}
	}
	atomic_store(&stop, true);
	assert_int_equal(pthread_join(t, &hammer_rc), 0);
	assert_null(hammer_rc);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interrupted_dump_is_made_again),
		cmocka_unit_test(test_bounded_tries),
		cmocka_unit_test(test_dumps_racing_changes),
	};

	return cmocka_run_group_tests_name("interrupted dumps", tests, setup, teardown);
}
