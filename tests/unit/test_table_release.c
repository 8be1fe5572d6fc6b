/*
 * The routed table's release, against this kernel in a namespace of the
 * test's own. network-route or network-nat stop deletes the table only when
 * no vif's port holds it, and a vif online may come between its look and
 * its delete: the delete carries the generation it looked at, so a port
 * added meanwhile keeps the table. The other way round, a vif online that
 * read the table before a stop released it makes the table again.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netmodes/nft/nft_batch.h"
#include "netmodes/nft/port_filter.h"
#include "nft_netns.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/* A routed vif's port, as vif-route online puts it: a filter that passes nothing. */
static void port_add(const char *ifname)
{
	struct port_filter f = { .kind = PORT_ROUTED };
	struct nm_err e = { "" };

	snprintf(f.ifname, sizeof(f.ifname), "%s", ifname);
	assert_int_equal(nft_port_set(&nft, &f, &e), 0);
}

static bool port_there(const char *ifname)
{
	struct port_state s;
	struct nm_err e = { "" };

	assert_int_equal(nft_port_query(&nft, PORT_ROUTED, ifname, &s, &e), 0);
	return s.port;
}

static int delete_at(uint32_t gen)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nm_err e = { "" };
	struct nft_batch b;
	int rc;

	assert_non_null(t);
	assert_int_equal(nft_batch_init_at(&b, gen), 0);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t, "delete table");
	rc = nft_batch_send(&nft, &b, NULL, &e);
	nft_batch_free(&b);
	nftnl_table_free(t);
	return rc;
}

/* The race itself, step by step: look, a vif online, delete. */
static void test_port_added_after_the_look_keeps_the_table(void **state)
{
	struct nm_err e = { "" };
	uint32_t gen;

	(void)state;
	assert_int_equal(nft_port_table_create(&nft, PORT_ROUTED, &e), 0);
	assert_int_equal(nft_gen_get(&nft, &gen, &e), 0);
	port_add("vif9.0"); /* after the look */
	assert_int_equal(delete_at(gen), -ERESTART);
	assert_true(port_there("vif9.0"));
	/* at the generation of now, the same delete goes through */
	assert_int_equal(nft_gen_get(&nft, &gen, &e), 0);
	assert_int_equal(delete_at(gen), 0);
	assert_int_equal(nft_port_table_exists(&nft, PORT_ROUTED, &e), 0);
}

static void test_release_keeps_a_held_table(void **state)
{
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(nft_port_table_create(&nft, PORT_ROUTED, &e), 0);
	port_add("vif9.1");
	assert_int_equal(nft_port_table_release(&nft, PORT_ROUTED, &e), 0);
	assert_true(port_there("vif9.1"));
	assert_int_equal(nft_port_clear(&nft, PORT_ROUTED, "vif9.1", &e), 0);
	assert_int_equal(nft_port_table_release(&nft, PORT_ROUTED, &e), 1);
	assert_int_equal(nft_port_table_exists(&nft, PORT_ROUTED, &e), 0);
	/* absent: nothing to release */
	assert_int_equal(nft_port_table_release(&nft, PORT_ROUTED, &e), 0);
}

/* A vif online that read the table, then a stop that released it: the table comes back. */
static void test_online_after_a_release_makes_the_table(void **state)
{
	struct port_filter f = { .kind = PORT_ROUTED, .ifname = "vif9.2" };
	struct nm_err e = { "" };
	struct port_state s;

	(void)state;
	assert_int_equal(nft_port_table_create(&nft, PORT_ROUTED, &e), 0);
	assert_int_equal(nft_port_query(&nft, PORT_ROUTED, f.ifname, &s, &e), 0);
	assert_true(s.table);
	assert_int_equal(nft_port_table_release(&nft, PORT_ROUTED, &e), 1);
	assert_int_equal(nft_port_change(&nft, PORT_ROUTED, f.ifname, &f, &s, &e), 0);
	assert_true(port_there("vif9.2"));
	assert_int_equal(nft_port_clear(&nft, PORT_ROUTED, "vif9.2", &e), 0);
	assert_int_equal(nft_port_table_release(&nft, PORT_ROUTED, &e), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_added_after_the_look_keeps_the_table),
		cmocka_unit_test(test_release_keeps_a_held_table),
		cmocka_unit_test(test_online_after_a_release_makes_the_table),
	};

	return cmocka_run_group_tests(tests, netns_setup, netns_teardown);
}
