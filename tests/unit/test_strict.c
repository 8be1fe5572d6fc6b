/*
 * A strict bridge's chain: its --dry-run text (golden), and the check that
 * start makes before anything changes, against this kernel in a namespace
 * of the test's own: it changes nothing whatever the answer, and on a
 * kernel without meta ibrname (the build machines') it says so.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netmodes/nft/port_filter.h"
#include "netmodes/nft/port_rules.h"
#include "netmodes/nft/nft_strict.h"
#include "nft_netns.h"

static const struct strict_bridge eth24 = { "eth24", "peth24" };

#define CHAIN_LINE                                                                                 \
	"nft add chain bridge xen-netmodes strict-eth24 { type filter hook prerouting priority "   \
	"-201; policy accept; }\n"
#define RULE_LINE                                                                                  \
	"nft add rule bridge xen-netmodes strict-eth24 meta ibrname \"eth24\" iifname != "         \
	"\"peth24\" iifname != @ports counter drop\n"

static void test_describe(void **state)
{
	struct plan p = { 0 };

	(void)state;
	assert_int_equal(op_strict_create(&p, &nft, &eth24, true), 0);
	assert_string_equal(describe(&p), CHAIN_LINE RULE_LINE);
	plan_free(&p);
	assert_int_equal(op_strict_delete(&p, &nft, &eth24), 0);
	assert_string_equal(describe(&p), "nft delete chain bridge xen-netmodes strict-eth24\n");
	plan_free(&p);
}

/* Without the port filter's table, the chain comes after the table as the first vif makes it. */
static void test_describe_with_table(void **state)
{
	struct plan p = { 0 };
	char *table = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&table, &len);
	char want[16384];

	(void)state;
	assert_non_null(f);
	port_rules_describe(PORT_BRIDGED, f);
	fclose(f);
	snprintf(want, sizeof(want), "%s" CHAIN_LINE RULE_LINE, table);
	assert_int_equal(op_strict_create(&p, &nft, &eth24, false), 0);
	assert_string_equal(describe(&p), want);
	assert_non_null(strstr(want, "nft add set bridge xen-netmodes ports { type ifname; }\n"));
	plan_free(&p);
	free(table);
}

/* The check changes nothing: no table, no chain afterwards; the answer names meta ibrname. */
static void check_once(void)
{
	struct nm_err e = { "" };
	int rc = nft_strict_supported(&nft, &eth24, &e);

	if (rc == -EOPNOTSUPP)
		assert_non_null(strstr(e.msg, "this kernel's nftables cannot match the bridge a frame "
					      "enters (meta ibrname)"));
	else
		assert_int_equal(rc, 0); /* a kernel that has it: Debian's */
	assert_int_equal(nft_strict_exists(&nft, "eth24", NULL), 0);
}

static void test_check_changes_nothing(void **state)
{
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(nft_port_table_exists(&nft, PORT_BRIDGED, NULL), 0);
	check_once();
	assert_int_equal(nft_port_table_exists(&nft, PORT_BRIDGED, NULL), 0);
	/* and with the table there, as a vif made it */
	assert_int_equal(nft_port_table_create(&nft, PORT_BRIDGED, &e), 0);
	check_once();
	assert_int_equal(nft_port_table_exists(&nft, PORT_BRIDGED, NULL), 1);
	assert_int_equal(nft_port_table_delete(&nft, PORT_BRIDGED, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_with_table),
		cmocka_unit_test(test_check_changes_nothing),
	};

	return cmocka_run_group_tests(tests, netns_setup, netns_teardown);
}
