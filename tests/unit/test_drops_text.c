/*
 * The drop counts as status, check and status --watch show them: the
 * text, the JSON, the rates and a --watch block, from counts made here. No
 * kernel involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug/tools/drops_text.h"
#include "hotplug/tools/status_watch.h"

static struct port_drops counts(uint64_t mac, uint64_t ip4, uint64_t other)
{
	struct port_drops d = { .present = true };

	d.packets[DROP_MAC] = mac;
	d.bytes[DROP_MAC] = mac * 60;
	d.packets[DROP_IP4] = ip4;
	d.bytes[DROP_IP4] = ip4 * 100;
	d.packets[DROP_OTHER] = other;
	d.bytes[DROP_OTHER] = other * 64;
	return d;
}

static void test_names(void **state)
{
	(void)state;
	const char *want[DROP_KINDS] = { "mac", "ipv4", "ipv6", "arp", "dhcp", "ra", "nd", "vlan", "other" };

	for (int k = 0; k < DROP_KINDS; k++)
		assert_string_equal(port_drop_names[k], want[k]);
}

static void test_text(void **state)
{
	(void)state;
	struct port_drops d = counts(10, 2, 0), none = { .present = true };
	char buf[128];

	drops_text(&d, buf, sizeof(buf));
	assert_string_equal(buf, "12 (mac 10, ipv4 2)");
	drops_text(&none, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	d = counts(0, 0, 18446744073709551615u);
	drops_text(&d, buf, sizeof(buf));
	assert_string_equal(buf, "18446744073709551615 (other 18446744073709551615)");
	/* cut to the buffer, still a string */
	d = counts(10, 2, 0);
	drops_text(&d, buf, 8);
	assert_string_equal(buf, "12 (mac");
}

static void test_json(void **state)
{
	(void)state;
	struct port_drops d = counts(10, 2, 0);
	char *text = NULL;
	size_t len;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	drops_json(&d, m);
	fclose(m);
	assert_string_equal(text, "{\"mac\": {\"packets\": 10, \"bytes\": 600}, "
				  "\"ipv4\": {\"packets\": 2, \"bytes\": 200}, "
				  "\"ipv6\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"arp\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"dhcp\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"ra\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"nd\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"vlan\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"other\": {\"packets\": 0, \"bytes\": 0}, "
				  "\"total\": {\"packets\": 12, \"bytes\": 800}}");
	free(text);
}

static void expect_rate(double v, const char *want)
{
	char buf[32];

	rate_text(v, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_rate_text(void **state)
{
	(void)state;
	char buf[32];

	expect_rate(0, "0/s");
	expect_rate(-1, "0/s");
	expect_rate(0.04, "<0.1/s");
	expect_rate(0.05, "0.1/s");
	expect_rate(0.5, "0.5/s");
	expect_rate(2, "2/s");
	expect_rate(2.96, "3/s");
	expect_rate(1234.54, "1234.5/s");
	tenths_text(2.003, buf, sizeof(buf));
	assert_string_equal(buf, "2");
}

static void test_rates(void **state)
{
	(void)state;
	struct port_drops was = counts(10, 2, 0), now = counts(20, 3, 0), reset = counts(1, 3, 0);
	struct drop_rates r;
	char buf[128];

	drop_rates_of(&was, &now, 2000, &r);
	assert_true(r.per_s[DROP_MAC] == 5.0);
	assert_true(r.per_s[DROP_IP4] == 0.5);
	assert_true(r.total == 5.5);
	drop_rates_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "5.5/s (mac 5/s, ipv4 0.5/s)");
	/* new since the last refresh: everything it counted */
	drop_rates_of(NULL, &now, 1000, &r);
	assert_true(r.total == 23.0);
	/* counters made anew (an offline, an online): counted from zero */
	drop_rates_of(&was, &reset, 1000, &r);
	assert_true(r.per_s[DROP_MAC] == 1.0);
	assert_true(r.per_s[DROP_IP4] == 1.0);
	/* nothing new */
	drop_rates_of(&now, &now, 1000, &r);
	drop_rates_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "0/s");
	/* no time passed: no rate, no division by zero */
	drop_rates_of(&was, &now, 0, &r);
	assert_true(r.total == 0.0);
}

static struct drops_port port(const char *name, enum port_kind kind, struct port_drops d)
{
	struct drops_port p = { .kind = kind, .d = d };

	snprintf(p.ifname, sizeof(p.ifname), "%s", name);
	return p;
}

static char *block(const struct drops_table *prev, const struct drops_table *cur, uint64_t ms)
{
	char *text = NULL;
	size_t len;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	status_watch_block(prev, cur, ms, m);
	fclose(m);
	return text;
}

static void test_watch_block(void **state)
{
	(void)state;
	struct drops_port before[] = { port("vif1.0", PORT_BRIDGED, counts(10, 2, 0)),
				       port("vif2.0", PORT_BRIDGED, counts(0, 0, 0)) };
	struct drops_port after[] = { port("vif1.0", PORT_BRIDGED, counts(20, 3, 0)),
				      port("vif2.0", PORT_BRIDGED, counts(0, 0, 0)),
				      port("vif3.0", PORT_ROUTED, counts(0, 0, 4)) };
	struct drops_table prev = { .p = before, .n = 2 }, cur = { .p = after, .n = 3 };
	char *text = block(&prev, &cur, 2000);

	assert_string_equal(text, "drops per second over the last 2 s:\n"
				  "vif1.0 (bridge): 5.5/s (mac 5/s, ipv4 0.5/s); 23 in all\n"
				  "vif2.0 (bridge): 0/s; 0 in all\n"
				  "vif3.0 (route): 2/s (other 2/s); 4 in all\n"
				  "total: 7.5/s (mac 5/s, ipv4 0.5/s, other 2/s); 27 in all\n");
	free(text);
}

static void test_watch_block_unread(void **state)
{
	(void)state;
	struct drops_port after[] = { port("vif1.0", PORT_BRIDGED, counts(20, 3, 0)) };
	struct drops_table prev = { .n = 0 }, cur = { .p = after, .n = 1 }, none = { .n = 0 };
	char *text;

	/* the bridged ports could not be read last time: no rate to give yet */
	snprintf(prev.err[PORT_BRIDGED], sizeof(prev.err[0]), "Operation not permitted");
	text = block(&prev, &cur, 1000);
	assert_string_equal(text, "drops per second over the last 1 s:\n"
				  "vif1.0 (bridge): no rate yet; 23 in all\n"
				  "total: 0/s; 23 in all\n");
	free(text);
	snprintf(none.err[PORT_OVS], sizeof(none.err[0]), "Operation not permitted");
	text = block(&cur, &none, 1500);
	assert_string_equal(text, "drops per second over the last 1.5 s:\n"
				  "no filtered vif\n"
				  "ovs ports: unknown (Operation not permitted)\n"
				  "total: 0/s; 0 in all\n");
	free(text);
}

static void test_find(void **state)
{
	(void)state;
	struct drops_port sorted[] = { port("vif2.0", PORT_BRIDGED, counts(1, 0, 0)),
				       port("vif2.0", PORT_ROUTED, counts(2, 0, 0)),
				       port("vif10.0", PORT_BRIDGED, counts(3, 0, 0)) };
	struct drops_table t = { .p = sorted, .n = 3 };
	const struct drops_port *p;

	assert_non_null(p = drops_table_find(&t, PORT_ROUTED, "vif2.0"));
	assert_int_equal(p->d.packets[DROP_MAC], 2);
	assert_non_null(p = drops_table_find(&t, PORT_BRIDGED, "vif10.0"));
	assert_int_equal(p->d.packets[DROP_MAC], 3);
	assert_null(drops_table_find(&t, PORT_OVS, "vif2.0"));
	assert_null(drops_table_find(&t, PORT_BRIDGED, "vif1.0"));
	assert_null(drops_table_find(&t, PORT_BRIDGED, "a-name-longer-than-any-interface"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_rate_text),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_watch_block),
		cmocka_unit_test(test_watch_block_unread),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests_name("drops_text", tests, NULL, NULL);
}
