/*
 * The drop log's text (hotplug/daemon/droplog_text.c): the kernel's
 * records of /dev/kmsg read, good and malformed, and the daemon's line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug/daemon/droplog_text.h"

static bool parse(const char *rec, struct drop_record *r)
{
	return drop_record_parse(rec, strlen(rec), r);
}

static void test_kernel_records(void **state)
{
	struct drop_record r;

	(void)state;
	/* the bridge family's, as the kernel writes it (KERN_WARNING, facility 0) */
	assert_true(parse("4,2210979,56927342208,-;xen-netmodes drop mac: IN=vif1.0 OUT= ARP HTYPE=1 "
			  "PTYPE=0x0800 OPCODE=1 MACSRC=06:3e:3c:ed:af:c1 IPSRC=10.9.0.2\n",
			  &r));
	assert_int_equal(r.kind, DROP_MAC);
	assert_string_equal(r.ifname, "vif1.0");
	assert_true(r.usec == 56927342208u);
	/* the inet family's: routed ports */
	assert_true(parse("4,12,1000,-;xen-netmodes drop ipv4: IN=vif3.1 OUT=eth0 MAC=fe:ff:ff:ff:ff:ff "
			  "SRC=10.0.0.9 DST=10.0.0.1\n",
			  &r));
	assert_int_equal(r.kind, DROP_IP4);
	assert_string_equal(r.ifname, "vif3.1");
	/* every kind, any level, no newline, a caller field, the dictionary's lines after it */
	for (size_t k = 0; k < DROP_KINDS; k++) {
		char rec[256];

		snprintf(rec, sizeof(rec), "%zu,1,2,-,caller=T42;xen-netmodes drop %s: IN=web%zu\n"
			 " SUBSYSTEM=net\n DEVICE=n7\n", k % 8, port_drop_names[k], k);
		assert_true(parse(rec, &r));
		assert_int_equal(r.kind, (int)k);
		assert_int_equal(strncmp(r.ifname, "web", 3), 0);
	}
	assert_true(parse("4,5,18446744073709551,-;xen-netmodes drop other: IN=vif9.0", &r));
	assert_string_equal(r.ifname, "vif9.0");
	assert_true(r.usec == 18446744073709551u);
	/* escapes undone; the longest name a device may have */
	assert_true(parse("4,5,6,-;xen-netmodes drop nd: IN=g\\xc3\\xa9st OUT=\n", &r));
	assert_string_equal(r.ifname, "g\xc3\xa9st");
	assert_true(parse("4,5,6,-;xen-netmodes drop ra: IN=abcdefghijklmno OUT=\n", &r));
	assert_string_equal(r.ifname, "abcdefghijklmno");
}

static void test_malformed_records(void **state)
{
	const char *bad[] = {
		"",
		";",
		"4;xen-netmodes drop mac: IN=vif1.0 OUT=",
		"4,1,2,-xen-netmodes drop mac: IN=vif1.0 OUT=",	       /* no ';' */
		"12,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",      /* facility 1: a process's write */
		"180,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",     /* local6 */
		"04,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",      /* not the kernel's number */
		"-4,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",
		"x,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",
		"99999999999,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",
		"4,1\n,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",     /* a header over two lines */
		"4,1,2;xen-netmodes drop mac: IN=vif1.0 OUT=",	       /* no flags */
		"4,1,,-;xen-netmodes drop mac: IN=vif1.0 OUT=",	       /* no time */
		"4,1,x2,-;xen-netmodes drop mac: IN=vif1.0 OUT=",
		"4,1,99999999999999999999,-;xen-netmodes drop mac: IN=vif1.0 OUT=",
		"4,1,2,-;xen-netmodes drop mac IN=vif1.0 OUT=",	       /* no colon */
		"4,1,2,-;xen-netmodes drop mac:IN=vif1.0 OUT=",
		"4,1,2,-;xen-netmodes drop : IN=vif1.0 OUT=",
		"4,1,2,-;xen-netmodes drop spoof: IN=vif1.0 OUT=",     /* a kind this daemon does not know */
		"4,1,2,-;xen-netmodes drop MAC: IN=vif1.0 OUT=",
		"4,1,2,-;xen-netmodes drop mac: OUT= IN=vif1.0",
		"4,1,2,-;xen-netmodes drop mac: IN= OUT=",	       /* no name */
		"4,1,2,-;xen-netmodes drop mac: IN=",
		"4,1,2,-;xen-netmodes drop mac: IN=abcdefghijklmnop OUT=", /* longer than a device's */
		"4,1,2,-;xen-netmodes drop mac: IN=a/b OUT=",
		"4,1,2,-;xen-netmodes drop mac: IN=a:b OUT=",
		"4,1,2,-;xen-netmodes drop mac: IN=. OUT=",
		"4,1,2,-;xen-netmodes drop mac: IN=.. OUT=",
		"4,1,2,-;xen-netmodes drop mac: IN=a\\x0ab OUT=",      /* an escaped newline */
		"4,1,2,-;xen-netmodes drop mac: IN=a\\x2 OUT=",	       /* a short escape */
		"4,1,2,-;xen-netmodes drop mac: IN=a\\x",
		"4,1,2,-;xen-netmodes drop mac: IN=a\\y41 OUT=",
		"4,1,2,-;xen-netmodes drop mac: IN=a\\xzz OUT=",
		"4,1,2,-;xen-netmodes drop mac: IN=a\tb OUT=",
		"4,1,2,-;xen-netmodes drop mac:\n IN=vif1.0",	       /* its name on a dictionary line */
		"4,1,2,-; xen-netmodes drop mac: IN=vif1.0 OUT=",
		"4,1,2,-;xen-netmodes drop",
		"4,1,2,-;xen-netmodes",
		"4,1,2,-;nft drop mac: IN=vif1.0 OUT=",
		"4,1,2,-;xenbr0: port 2(vif1.0) entered disabled state",
	};
	struct drop_record r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &r))
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* cut short by its length: not past len */
	assert_false(drop_record_parse("4,1,2,-;xen-netmodes drop mac: IN=vif1.0", 30, &r));
	assert_true(drop_record_parse("4,1,2,-;xen-netmodes drop mac: IN=vif1.0 OUT=", 38, &r));
	assert_string_equal(r.ifname, "vif1");
}

static void test_vif_names(void **state)
{
	const char *bad[] = { "vif", "vif.", "vif3", "vif3.", "vif.0", "vif03.0", "vif3.00", "vif3.0x",
			      "vif-3.0", "vif3.-1", "vif32752.0", "vif3.65536", "eth0", "web", "vif3.0.1",
			      "VIF3.0" };
	unsigned d = 0, n = 0;

	(void)state;
	assert_true(drop_vif_name("vif3.0", &d, &n));
	assert_int_equal(d, 3);
	assert_int_equal(n, 0);
	assert_true(drop_vif_name("vif32751.65535", &d, &n));
	assert_int_equal(d, 32751);
	assert_int_equal(n, 65535);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (drop_vif_name(bad[i], &d, &n))
			fail_msg("took \"%s\" for a vif's name", bad[i]);
	}
}

static void test_lines(void **state)
{
	struct drop_guest g = { .ifname = "vif3.0", .has_domain = true, .domid = 3, .name = "web" };
	struct port_drops d = { .present = true };
	char buf[256];

	(void)state;
	d.packets[DROP_MAC] = 12;
	d.packets[DROP_IP4] = 2;
	drop_line(&g, DROP_MAC, &d, false, buf, sizeof(buf));
	assert_string_equal(buf, "guest web (domain 3) vif3.0 started dropping frames: mac "
				 "(dropped so far: mac 12, ipv4 2)");
	drop_line(&g, DROP_IP4, &d, true, buf, sizeof(buf));
	assert_string_equal(buf, "guest web (domain 3) vif3.0 is still dropping frames: ipv4 "
				 "(dropped so far: mac 12, ipv4 2)");
	g.name[0] = '\0';
	memset(d.packets, 0, sizeof(d.packets));
	d.packets[DROP_OTHER] = UINT64_MAX;
	drop_line(&g, DROP_OTHER, &d, false, buf, sizeof(buf));
	assert_string_equal(buf, "domain 3 vif3.0 started dropping frames: other "
				 "(dropped so far: other 18446744073709551615)");
	g.has_domain = false;
	snprintf(g.ifname, sizeof(g.ifname), "w\xc3\xa9\n");
	drop_line(&g, DROP_OTHER, &d, false, buf, sizeof(buf));
	assert_string_equal(buf, "w??? started dropping frames: other "
				 "(dropped so far: other 18446744073709551615)");
	/* a name a domain should not have, and a buffer too small: cut, never overrun */
	g.has_domain = true;
	snprintf(g.name, sizeof(g.name), "bad\nname\x1b[0m");
	drop_line(&g, DROP_OTHER, &d, false, buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "guest bad?name?[0m (domain 3) ", 30), 0);
	memset(d.packets, 0, sizeof(d.packets));
	drop_line(&g, DROP_ARP, &d, false, buf, sizeof(buf));
	assert_string_equal(buf, "guest bad?name?[0m (domain 3) w??? started dropping frames: arp "
				 "(dropped so far: none)");
	for (size_t n = 0; n < 40; n++) {
		char small[40];

		memset(small, 'x', sizeof(small));
		drop_line(&g, DROP_ARP, &d, false, small, n);
		if (n > 0) {
			assert_int_equal(strlen(small), n - 1);
			assert_int_equal(strncmp(small, buf, n - 1), 0);
		}
		for (size_t i = n; i < sizeof(small); i++)
			assert_int_equal(small[i], 'x');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_records),
		cmocka_unit_test(test_malformed_records),
		cmocka_unit_test(test_vif_names),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests_name("the drop log's text", tests, NULL, NULL);
}
