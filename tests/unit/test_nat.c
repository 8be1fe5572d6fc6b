/* NAT mode's pure parts: derived addresses, DHCP host files, the defaults file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotplug/call/config.h"
#include "netmodes/host/dhcp_host.h"
#include "netmodes/modes/nat_addr.h"

static void test_derived_addresses(void **state)
{
	static const unsigned domids[] = { 0, 1, 255, 256, 65535 };
	(void)state;
	for (size_t i = 0; i < sizeof(domids) / sizeof(domids[0]); i++) {
		for (unsigned handle = 0; handle < 4; handle++) {
			struct prefix_list none = { .n = 0 };
			struct prefix g, r;
			char gs[PREFIX_STR_LEN], rs[PREFIX_STR_LEN], want_g[32], want_r[32];
			unsigned d = domids[i];
			snprintf(want_g, sizeof(want_g), "10.%u.%u.%u/32", d / 256, d % 256, handle + 1);
			snprintf(want_r, sizeof(want_r), "10.%u.%u.%u/32", d / 256, d % 256, handle + 128);
			assert_int_equal(nat_addresses(&none, d, handle, &g, &r, NULL), 0);
			assert_string_equal(prefix_format(&g, gs), want_g);
			assert_string_equal(prefix_format(&r, rs), want_r);
		}
	}
}

static void test_address_overflow(void **state)
{
	struct prefix_list none = { .n = 0 }, ip = { .n = 1 };
	struct prefix g = { .family = 99 }, r = { .family = 99 };
	struct nm_err e = { "" };

	(void)state;
	/* The shell script would write 10.0.5.256 as the router: refused, not invented. */
	assert_int_equal(nat_addresses(&none, 5, 128, &g, &r, &e), -ERANGE);
	assert_string_equal(e.msg, "no router address for 10.0.5.129: its last octet plus 127 "
				   "leaves 0..255; use a guest address whose last octet is at most 128");
	assert_int_equal(nat_addresses(&none, 5, 127, &g, &r, NULL), 0);
	assert_int_equal(r.addr.raw[3], 255);
	g.family = 99;
	assert_int_equal(nat_addresses(&none, 5, 300, &g, &r, &e), -ERANGE);
	assert_string_equal(e.msg, "no address can be derived for domain 5, vif 300: 10.0.5.301 "
				   "leaves the octet range; set ip");
	assert_int_equal(g.family, 99);
	ip.p[0] = (struct prefix){ .family = AF_INET, .len = 32, .addr.raw = { 192, 168, 7, 9 } };
	assert_int_equal(nat_addresses(&ip, 5, 0, &g, &r, NULL), 0);
	assert_int_equal(r.addr.raw[3], 136);
	ip.p[0].len = 24;
	ip.p[0].addr.raw[3] = 0;
	assert_int_equal(nat_addresses(&ip, 5, 0, &g, &r, &e), -EINVAL);
	assert_string_equal(e.msg, "vif-nat needs ip to be one IPv4 address, not \"192.168.7.0/24\"");
}

static struct dhcp_host host(unsigned domid, unsigned handle)
{
	struct dhcp_host h = { .mac = { { 0x00, 0x16, 0x3e, 0, 5, 1 } } };
	struct prefix_list none = { .n = 0 };

	nat_addresses(&none, domid, handle, &h.ip, &h.router, NULL);
	dhcp_host_name(&h, domid, handle);
	snprintf(h.dev, sizeof(h.dev), "vif%u.%u", domid, handle);
	return h;
}

static void test_names_and_dnsmasq_line(void **state)
{
	struct dhcp_host h = host(5, 0), h2 = host(5, 1);
	char line[128];

	(void)state;
	assert_string_equal(h.name, "dom5");
	assert_string_equal(h2.name, "dom5-2");
	dnsmasq_host_line(&h2, line, sizeof(line));
	assert_string_equal(line, "00:16:3e:00:05:01,set:xnm-vif5.1,10.0.5.2,dom5-2\n");
	dnsmasq_opts_line(&h2, line, sizeof(line));
	assert_string_equal(line, "tag:xnm-vif5.1,option:router,10.0.5.129\n");
}

static void test_isc_conf(void **state)
{
	struct dhcp_host h = host(5, 0), h2 = host(5, 1);
	const char *in = "subnet 10.0.0.0 netmask 255.0.0.0 {\n}\n";
	char *one, *two, *back;

	(void)state;
	one = isc_conf_edit(in, &h2, true);
	two = isc_conf_edit(one, &h, true);
	assert_string_equal(two, "subnet 10.0.0.0 netmask 255.0.0.0 {\n}\n"
				 "host dom5-2 { hardware ethernet 00:16:3e:00:05:01; fixed-address 10.0.5.2; "
				 "option routers 10.0.5.129; option host-name \"dom5-2\"; }\n"
				 "host dom5 { hardware ethernet 00:16:3e:00:05:01; fixed-address 10.0.5.1; "
				 "option routers 10.0.5.128; option host-name \"dom5\"; }\n");
	/* Removing dom5 leaves dom5-2, which the shell script's grep would take too. */
	back = isc_conf_edit(two, &h, false);
	assert_string_equal(back, one);
	free(back);
	back = isc_conf_edit(one, &h2, false);
	assert_string_equal(back, in);
	free(back);
	back = isc_conf_edit("no newline at the end", &h, true);
	assert_non_null(strstr(back, "no newline at the end\nhost dom5 {"));
	free(back);
	/* An undo puts back the lines apply found: dom5's only, not dom5-2's. */
	back = isc_conf_host_lines(two, "dom5");
	assert_string_equal(back, "host dom5 { hardware ethernet 00:16:3e:00:05:01; fixed-address "
				  "10.0.5.1; option routers 10.0.5.128; option host-name \"dom5\"; }\n");
	free(back);
	back = isc_conf_host_lines(in, "dom5");
	assert_string_equal(back, "");
	free(back);
	free(one);
	free(two);
}

static void test_isc_defaults(void **state)
{
	const char *in = "# x\nINTERFACES=\"eth1\"\nDHCPDARGS=\nOTHER=\"vif5.0 \"\nINTERFACESv4=\"\"\n";
	char *a, *b, *c;

	(void)state;
	a = isc_defaults_edit(in, "vif5.0", true);
	assert_string_equal(a, "# x\nINTERFACES=\"eth1 vif5.0 \"\nDHCPDARGS=\"vif5.0 \"\n"
			       "OTHER=\"vif5.0 \"\nINTERFACESv4=\"vif5.0 \"\n");
	b = isc_defaults_edit(a, "vif6.0", true);
	assert_non_null(strstr(b, "INTERFACESv4=\"vif5.0 vif6.0 \"\n"));
	c = isc_defaults_edit(b, "vif5.0", false);
	assert_non_null(strstr(c, "INTERFACESv4=\"vif6.0 \"\n"));
	assert_non_null(strstr(c, "OTHER=\"vif5.0 \"\n")); /* not an interface list */
	assert_true(isc_defaults_has(b, "vif5.0"));
	assert_true(isc_defaults_has(c, "vif6.0"));
	assert_false(isc_defaults_has(c, "vif5.0")); /* OTHER is not an interface list */
	assert_false(isc_defaults_has(c, "vif6"));
	assert_true(isc_defaults_has("INTERFACES=eth1\n", "eth1"));
	assert_true(isc_defaults_has("INTERFACESv4=\"eth1 vif7.0\"\n", "vif7.0"));
	free(a);
	free(b);
	free(c);
}

static void test_config_file(void **state)
{
	char path[] = "/tmp/xnm-conf.XXXXXX";
	int fd = mkstemp(path);
	struct config c;
	struct nm_err e = { "" };
	char buf[PREFIX_STR_LEN], want[128];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(config_load("/nonexistent/xen-netmodes.conf", &c, &e), 0);
	assert_string_equal(prefix_format(&c.nat_range, buf), "10.0.0.0/8");
	assert_int_equal(c.dhcp, DHCP_NO);
	dprintf(fd, "# comment\n\n  nat_range = 172.16.0.0/12  # trailing\ndhcp=dnsmasq\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_string_equal(prefix_format(&c.nat_range, buf), "172.16.0.0/12");
	assert_int_equal(c.dhcp, DHCP_DNSMASQ);
	dprintf(fd, "dhcp = maybe\n");
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s:5: invalid dhcp \"maybe\": expected no, dnsmasq or isc", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	dprintf(fd, "colour = blue\n");
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: unknown key \"colour\"", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	dprintf(fd, "dnsmasq_hostsdir = relative/dir\n");
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:1: invalid dnsmasq_hostsdir \"relative/dir\": expected an absolute path", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(write(fd, "dhcp = no\n\0\n", 12), 12);
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: a NUL byte is not text", path);
	assert_string_equal(e.msg, want);
	close(fd);
	unlink(path);
	/* The sample shipped in conf/ holds exactly the built-in defaults. */
	assert_int_equal(config_load("conf/xen-netmodes.conf", &c, &e), 0);
	assert_string_equal(prefix_format(&c.nat_range, buf), "10.0.0.0/8");
	assert_int_equal(c.dhcp, DHCP_NO);
	assert_string_equal(c.dnsmasq_hostsdir, "/var/lib/xen-netmodes/dnsmasq-hosts");
	assert_string_equal(c.dnsmasq_optsdir, "/var/lib/xen-netmodes/dnsmasq-opts");
	assert_false(c.noip_mac);
}

/* antispoof_without_ip: none or mac, nothing else. */
static void test_config_noip(void **state)
{
	char path[] = "/tmp/xnm-conf.XXXXXX";
	int fd = mkstemp(path);
	struct config c;
	struct nm_err e = { "" };
	char want[160];

	(void)state;
	assert_true(fd >= 0);
	dprintf(fd, "antispoof_without_ip = mac\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_true(c.noip_mac);
	dprintf(fd, "antispoof_without_ip = none\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_false(c.noip_mac);
	dprintf(fd, "antispoof_without_ip = MAC\n");
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: invalid antispoof_without_ip \"MAC\": expected none or mac", path);
	assert_string_equal(e.msg, want);
	close(fd);
	unlink(path);
}

/* ovsdb_socket: an absolute path that fits a Unix socket's address. */
static void test_config_ovsdb_socket(void **state)
{
	char path[] = "/tmp/xnm-conf.XXXXXX";
	char longer[VIF_SOCK_LEN + 8];
	int fd = mkstemp(path);
	struct config c;
	struct nm_err e = { "" };
	char want[320];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(config_load("/nonexistent/xen-netmodes.conf", &c, &e), 0);
	assert_string_equal(c.ovsdb_socket, "/var/run/openvswitch/db.sock");
	assert_int_equal(config_load("conf/xen-netmodes.conf", &c, &e), 0);
	assert_string_equal(c.ovsdb_socket, "/var/run/openvswitch/db.sock");
	dprintf(fd, "ovsdb_socket = /run/ovs/db.sock\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_string_equal(c.ovsdb_socket, "/run/ovs/db.sock");
	dprintf(fd, "ovsdb_socket = db.sock\n");
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: invalid ovsdb_socket \"db.sock\": expected an absolute path", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	dprintf(fd, "ovsdb_socket = %s\n", longer);
	assert_int_equal(config_load(path, &c, &e), -EINVAL);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derived_addresses), cmocka_unit_test(test_address_overflow),
		cmocka_unit_test(test_names_and_dnsmasq_line), cmocka_unit_test(test_isc_conf),
		cmocka_unit_test(test_isc_defaults), cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_noip), cmocka_unit_test(test_config_ovsdb_socket),
	};

	return cmocka_run_group_tests_name("nat", tests, NULL, NULL);
}
