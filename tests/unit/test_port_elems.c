/*
 * A port whose records are whole but whose kernel lacks an element they
 * name (deleted by hand), against this kernel in a namespace of the test's
 * own: the query reads it as damaged and names the element, for each set a
 * port has elements in; a change repairs it; and a change from a state read
 * before the element went (the kernel refuses the batch's delete) reads the
 * port again and lists the kernel's own elements, so it succeeds and leaves
 * nothing of the old filter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netmodes/nft/port_describe.h"
#include "netmodes/nft/port_filter.h"
#include "nft_netns.h"

#define DEV "vif7.0"

/* DEV's filter: its MAC, ips (as the backend's ip node) and tagged VLANs 20-21. */
static struct port_filter filter(const char *ips)
{
	struct port_filter f = { .kind = PORT_BRIDGED, .ifname = DEV,
				 .mac = { { 0x00, 0x16, 0x3e, 0x07, 0x00, 0x07 } } };
	struct nm_err e = { "" };

	assert_int_equal(parse_prefix_list(ips, &f.ips, &e), 0);
	vlan_set_add(&f.vlans, 20, false);
	vlan_set_add(&f.vlans, 21, false);
	return f;
}

static struct port_state query(void)
{
	struct port_state s;
	struct nm_err e = { "" };

	assert_int_equal(nft_port_query(&nft, PORT_BRIDGED, DEV, &s, &e), 0);
	return s;
}

/* Every element of the table keyed by DEV, one a line, sorted. */
static const char *elements(void)
{
	return output("nft list table bridge xen-netmodes | grep -o '\"" DEV "\"[^,}]*' | "
		      "sed 's/ *$//' | sort");
}

static const char *const IPS = "10.7.0.7 10.8.0.0/16 fd07::7 fd08::/64";

/* Each element the records name but the records and the ports element, deleted alone. */
static void test_missing_element_reads_damaged(void **state)
{
	static const char *const gone[] = {
		"macs { \"" DEV "\" . 00:16:3e:07:00:07 }",
		"addrs4 { \"" DEV "\" . 10.7.0.7 }",
		"nets4 { \"" DEV "\" . 10.8.0.0/16 }",
		"addrs6 { \"" DEV "\" . fd07::7 }",
		"addrs6 { \"" DEV "\" . fe80::216:3eff:fe07:7 }",
		"nets6 { \"" DEV "\" . fd08::/64 }",
		"vlans { \"" DEV "\" . 20-21 }",
	};
	struct port_filter f = filter(IPS);
	struct nm_err e = { "" };
	struct port_state s;
	char all[16384], cmd[256];

	(void)state;
	assert_int_equal(nft_port_set(&nft, &f, &e), 0);
	s = query();
	assert_true(s.port && !s.damaged);
	assert_string_equal(s.missing, "");
	assert_true(nft_port_matches(&s, &f));
	snprintf(all, sizeof(all), "%s", elements());
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		char *text = NULL;
		size_t len;
		FILE *m;

		snprintf(cmd, sizeof(cmd), "nft delete element bridge xen-netmodes %s", gone[i]);
		assert_int_equal(sh(cmd), 0);
		s = query();
		assert_true(s.port && s.damaged);
		assert_string_equal(s.missing, gone[i]);
		/* the filter read back from the records all the same */
		assert_int_equal(s.filter.ips.n, 4);
		assert_false(nft_port_matches(&s, &f));
		/* --dry-run and check name it */
		assert_non_null(m = open_memstream(&text, &len));
		nft_port_describe_set(&f, &s, m);
		fclose(m);
		snprintf(cmd, sizeof(cmd), "# the anti-spoofing element %s of " DEV " is missing: ",
			 gone[i]);
		assert_non_null(strstr(text, cmd));
		free(text);
		/* the change repairs it: every element as before */
		assert_int_equal(nft_port_set(&nft, &f, &e), 0);
		s = query();
		assert_true(s.port && !s.damaged && nft_port_matches(&s, &f));
		assert_string_equal(elements(), all);
	}
	assert_int_equal(nft_port_clear(&nft, PORT_BRIDGED, DEV, &e), 0);
	assert_string_equal(elements(), "");
}

/* A state read whole, then an element deleted: the offline succeeds all the same. */
static void test_clear_after_an_element_went(void **state)
{
	struct port_filter f = filter(IPS);
	struct nm_err e = { "" };
	struct port_state s;

	(void)state;
	assert_int_equal(nft_port_set(&nft, &f, &e), 0);
	s = query();
	assert_true(s.port && !s.damaged);
	assert_int_equal(sh("nft delete element bridge xen-netmodes addrs4 '{ \"" DEV "\" . 10.7.0.7 }'"), 0);
	assert_int_equal(nft_port_change(&nft, PORT_BRIDGED, DEV, NULL, &s, &e), 0);
	assert_false(query().port);
	assert_string_equal(elements(), "");
}

/* The same, a changed filter: the new one in place, nothing of the old left. */
static void test_change_after_an_element_went(void **state)
{
	struct port_filter f = filter(IPS), g = filter("10.9.0.9");
	struct nm_err e = { "" };
	struct port_state s;
	char want[16384];

	(void)state;
	assert_int_equal(nft_port_set(&nft, &g, &e), 0);
	snprintf(want, sizeof(want), "%s", elements());
	assert_int_equal(nft_port_clear(&nft, PORT_BRIDGED, DEV, &e), 0);
	assert_int_equal(nft_port_set(&nft, &f, &e), 0);
	s = query();
	assert_int_equal(sh("nft delete element bridge xen-netmodes nets6 '{ \"" DEV "\" . fd08::/64 }'"), 0);
	assert_int_equal(nft_port_change(&nft, PORT_BRIDGED, DEV, &g, &s, &e), 0);
	s = query();
	assert_true(s.port && !s.damaged && nft_port_matches(&s, &g));
	assert_string_equal(elements(), want);
	assert_int_equal(nft_port_clear(&nft, PORT_BRIDGED, DEV, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_element_reads_damaged),
		cmocka_unit_test(test_clear_after_an_element_went),
		cmocka_unit_test(test_change_after_an_element_went),
	};

	return cmocka_run_group_tests(tests, netns_setup, netns_teardown);
}
