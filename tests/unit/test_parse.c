/* Every parser: good values parse to exactly this, bad ones fail with exactly this message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "hotplug/call/parse.h"
#include "netmodes/netaddr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct bad {
	const char *in, *msg;
};

static void test_mac(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "00:16:3e:0a:0b:0c", "00:16:3e:0a:0b:0c" },
		{ "00:16:3E:0A:0B:0C", "00:16:3e:0a:0b:0c" },
		{ "fe:ff:ff:ff:ff:ff", "fe:ff:ff:ff:ff:ff" },
	};
	static const struct bad bad[] = {
		{ "00:16:3e:0a:0b", "invalid MAC address \"00:16:3e:0a:0b\": expected six hex pairs joined by ':'" },
		{ "00:16:3e:0a:0b:0c:0d", "invalid MAC address \"00:16:3e:0a:0b:0c:0d\": expected six hex pairs joined by ':'" },
		{ "00-16-3e-0a-0b-0c", "invalid MAC address \"00-16-3e-0a-0b-0c\": expected six hex pairs joined by ':'" },
		{ "00:16:3e:0a:0b:0g", "invalid MAC address \"00:16:3e:0a:0b:0g\": expected six hex pairs joined by ':'" },
		{ "", "invalid MAC address \"\": expected six hex pairs joined by ':'" },
		{ "01:00:5e:00:00:01", "invalid MAC address \"01:00:5e:00:00:01\": multicast" },
		{ "ff:ff:ff:ff:ff:ff", "invalid MAC address \"ff:ff:ff:ff:ff:ff\": multicast" },
		{ "00:00:00:00:00:00", "invalid MAC address \"00:00:00:00:00:00\": all zero" },
		{ "00:16:3e:0a:0b:0\n", "invalid MAC address \"00:16:3e:0a:0b:0\\x0a\": expected six hex pairs joined by ':'" },
	};
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		struct mac_addr m;
		char buf[MAC_STR_LEN];
		assert_int_equal(parse_mac(good[i].in, &m, NULL), 0);
		assert_string_equal(mac_format(&m, buf), good[i].out);
	}
	for (size_t i = 0; i < N(bad); i++) {
		struct mac_addr m = { { 9, 9, 9, 9, 9, 9 } }, before = m;
		struct nm_err e = { "" };
		assert_int_equal(parse_mac(bad[i].in, &m, &e), -EINVAL);
		assert_string_equal(e.msg, bad[i].msg);
		assert_memory_equal(&m, &before, sizeof(m));
	}
}

static void test_prefix(void **state)
{
	static const struct {
		const char *in, *out;
		int family;
	} good[] = {
		{ "10.0.0.1", "10.0.0.1/32", AF_INET },
		{ "10.0.0.0/24", "10.0.0.0/24", AF_INET },
		{ "0.0.0.0/0", "0.0.0.0/0", AF_INET },
		{ "192.168.1.128/25", "192.168.1.128/25", AF_INET },
		{ "2001:db8::1", "2001:db8::1/128", AF_INET6 },
		{ "2001:db8::/64", "2001:db8::/64", AF_INET6 },
		{ "::/0", "::/0", AF_INET6 },
		{ "fe80::/10", "fe80::/10", AF_INET6 },
	};
	static const struct bad bad[] = {
		{ "", "empty IP address" },
		{ "10.0.0.300", "invalid IP address \"10.0.0.300\"" },
		{ "010.0.0.1", "invalid IP address \"010.0.0.1\"" },
		{ "10.0.0", "invalid IP address \"10.0.0\"" },
		{ " 10.0.0.1", "invalid IP address \" 10.0.0.1\"" },
		{ "10.0.0.1x", "invalid IP address \"10.0.0.1x\"" },
		{ "/24", "invalid IP address \"/24\"" },
		{ "10.0.0.0/33", "invalid IP prefix \"10.0.0.0/33\": prefix length must be 0..32" },
		{ "10.0.0.0/", "invalid IP prefix \"10.0.0.0/\": prefix length must be 0..32" },
		{ "10.0.0.0/024", "invalid IP prefix \"10.0.0.0/024\": prefix length must be 0..32" },
		{ "10.0.0.0/-1", "invalid IP prefix \"10.0.0.0/-1\": prefix length must be 0..32" },
		{ "10.0.0.1/24", "invalid IP prefix \"10.0.0.1/24\": host bits set after /24" },
		{ "2001:db8::/129", "invalid IP prefix \"2001:db8::/129\": prefix length must be 0..128" },
		{ "2001:db8::1/64", "invalid IP prefix \"2001:db8::1/64\": host bits set after /64" },
		{ "fe80::/8", "invalid IP prefix \"fe80::/8\": host bits set after /8" },
	};
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		struct prefix p;
		char buf[PREFIX_STR_LEN];
		assert_int_equal(parse_prefix(good[i].in, &p, NULL), 0);
		assert_int_equal(p.family, good[i].family);
		assert_string_equal(prefix_format(&p, buf), good[i].out);
	}
	for (size_t i = 0; i < N(bad); i++) {
		struct prefix p = { .family = 77 };
		struct nm_err e = { "" };
		assert_int_equal(parse_prefix(bad[i].in, &p, &e), -EINVAL);
		assert_string_equal(e.msg, bad[i].msg);
		assert_int_equal(p.family, 77);
	}
}

static void test_prefix_list(void **state)
{
	struct prefix_list l;
	struct nm_err e = { "" };
	char buf[MAX_PREFIXES * PREFIX_STR_LEN], many[1024] = "";

	(void)state;
	assert_int_equal(parse_prefix_list("", &l, NULL), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse_prefix_list("  \t\n", &l, NULL), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse_prefix_list(" 10.0.0.1\t10.1.0.0/16\n2001:db8::/64  ", &l, NULL), 0);
	assert_string_equal(prefix_list_format(&l, buf, sizeof(buf)),
			    "10.0.0.1/32 10.1.0.0/16 2001:db8::/64");
	assert_int_equal(parse_prefix_list("10.0.0.1 10.0.0.1/32", &l, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid IP list: \"10.0.0.1/32\" is listed twice");
	assert_int_equal(parse_prefix_list("10.0.0.1 10.0.0.x", &l, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid IP address \"10.0.0.x\"");
	assert_int_equal(l.n, 3); /* untouched */
	assert_int_equal(parse_prefix_list("10.0.0.1,10.0.0.2", &l, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid IP address \"10.0.0.1,10.0.0.2\"");
	assert_int_equal(parse_prefix_list("1234567890123456789012345678901234567890123456789012345678901234567890", &l, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid IP address \"123456789012345678901234567890123456789012345678901234567...\": too long");
	for (int i = 0, len = 0; i <= MAX_PREFIXES; i++)
		len += snprintf(many + len, sizeof(many) - (size_t)len, "10.0.0.%d ", i + 1);
	assert_int_equal(parse_prefix_list(many, &l, &e), -EINVAL);
	assert_string_equal(e.msg, "too many IP addresses: at most 32");
}

static void test_mtu(void **state)
{
	static const struct {
		const char *in;
		unsigned out;
	} good[] = { { "68", 68 }, { "1500", 1500 }, { "9000", 9000 }, { "65535", 65535 } };
	static const char *const bad[] = { "67", "0", "65536", "99999999999", "1500 ", "+1500",
					   "01500", "", "-1", "15x0" };
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		unsigned v = 0;
		assert_int_equal(parse_mtu(good[i].in, &v, NULL), 0);
		assert_int_equal(v, good[i].out);
	}
	for (size_t i = 0; i < N(bad); i++) {
		unsigned v = 7;
		struct nm_err e = { "" };
		char want[128];
		snprintf(want, sizeof(want), "invalid MTU \"%s\": must be 68..65535", bad[i]);
		assert_int_equal(parse_mtu(bad[i], &v, &e), -EINVAL);
		assert_string_equal(e.msg, want);
		assert_int_equal(v, 7);
	}
}

static void test_uint(void **state)
{
	unsigned v = 5;
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(parse_uint("0", "domid", 10, &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("4294967295", "n", 4294967295u, &v, NULL), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(parse_uint("4294967296", "n", 4294967295u, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid n \"4294967296\": larger than 4294967295");
	assert_int_equal(parse_uint("123456789012345678901234567890", "n", 4294967295u, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid n \"123456789012345678901234567890\": larger than 4294967295");
	assert_int_equal(parse_uint("", "domid", 10, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "domid is empty");
	assert_int_equal(parse_uint("007", "domid", 10, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid domid \"007\": leading zero");
	assert_int_equal(parse_uint("07", "domid", 10, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid domid \"07\": leading zero");
	assert_int_equal(parse_uint("1a", "domid", 10, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid domid \"1a\": not a decimal number");
	assert_int_equal(v, 4294967295u);
}

static void test_ifname(void **state)
{
	static const char *const good[] = { "vif1.0", "vif32751.65535", "web-0_a", "eth0",
					    "abcdefghijklmno" };
	static const struct bad bad[] = {
		{ "", "vifname is empty" },
		{ "abcdefghijklmnop", "invalid vifname \"abcdefghijklmnop\": longer than 15 characters" },
		{ "a b", "invalid vifname \"a b\": only letters, digits, '_', '.' and '-' are allowed" },
		{ "a/b", "invalid vifname \"a/b\": only letters, digits, '_', '.' and '-' are allowed" },
		{ "a:b", "invalid vifname \"a:b\": only letters, digits, '_', '.' and '-' are allowed" },
		{ "caf\xc3\xa9", "invalid vifname \"caf\\xc3\\xa9\": only letters, digits, '_', '.' and '-' are allowed" },
		{ ".", "invalid vifname \".\"" },
		{ "..", "invalid vifname \"..\"" },
	};
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		char name[IFNAMSIZ];
		assert_int_equal(parse_ifname(good[i], "vifname", name, NULL), 0);
		assert_string_equal(name, good[i]);
	}
	for (size_t i = 0; i < N(bad); i++) {
		char name[IFNAMSIZ] = "keep";
		struct nm_err e = { "" };
		assert_int_equal(parse_ifname(bad[i].in, "vifname", name, &e), -EINVAL);
		assert_string_equal(e.msg, bad[i].msg);
		assert_string_equal(name, "keep");
	}
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "yes", "on", "true", "1" }, *const no[] = { "no", "off", "false", "0" };
	struct nm_err e = { "" };
	bool v;

	(void)state;
	for (size_t i = 0; i < N(yes); i++) {
		v = false;
		assert_int_equal(parse_bool(yes[i], "antispoof", &v, NULL), 0);
		assert_true(v);
		assert_int_equal(parse_bool(no[i], "antispoof", &v, NULL), 0);
		assert_false(v);
	}
	assert_int_equal(parse_bool("Yes", "antispoof", &v, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid antispoof \"Yes\": expected yes or no");
}

static void test_xenbus_path(void **state)
{
	static const struct {
		const char *in, *abs;
		unsigned domid, devid;
	} good[] = {
		{ "backend/vif/1/0", "/local/domain/0/backend/vif/1/0", 1, 0 },
		{ "/local/domain/0/backend/vif/32751/65535", "/local/domain/0/backend/vif/32751/65535", 32751, 65535 },
		{ "/local/domain/5/backend/vif/3/0", "/local/domain/5/backend/vif/3/0", 3, 0 },
	};
	static const char *const bad[] = {
		"backend/vbd/1/0", "backend/vif/1", "backend/vif/1/", "backend/vif/1/0/",
		"backend/vif/32752/0", "backend/vif/01/0", "backend/vif/1/0/x", "/local/domain/x/backend/vif/1/0",
		"/local/backend/vif/1/0", "backend/vif/-1/0",
	};
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		char abs[128];
		unsigned d = 99, n = 99;
		assert_int_equal(parse_xenbus_path(good[i].in, abs, sizeof(abs), &d, &n, NULL), 0);
		assert_string_equal(abs, good[i].abs);
		assert_int_equal(d, good[i].domid);
		assert_int_equal(n, good[i].devid);
	}
	for (size_t i = 0; i < N(bad); i++) {
		char abs[128] = "keep", want[160];
		unsigned d = 99, n = 99;
		struct nm_err e = { "" };
		snprintf(want, sizeof(want), "invalid XENBUS_PATH \"%s\": expected backend/vif/DOMID/DEVID", bad[i]);
		assert_int_equal(parse_xenbus_path(bad[i], abs, sizeof(abs), &d, &n, &e), -EINVAL);
		assert_string_equal(e.msg, want);
		assert_string_equal(abs, "keep");
		assert_int_equal(d, 99);
	}
	{
		char abs[128];
		unsigned d, n;
		struct nm_err e = { "" };
		assert_int_equal(parse_xenbus_path(NULL, abs, sizeof(abs), &d, &n, &e), -EINVAL);
		assert_string_equal(e.msg, "XENBUS_PATH is not set");
	}
}

static void test_frontend_path(void **state)
{
	char out[128] = "keep";
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(parse_frontend_path("/local/domain/4/device/vif/0", 4, out, sizeof(out), NULL), 0);
	assert_string_equal(out, "/local/domain/4/device/vif/0");
	strcpy(out, "keep");
	assert_int_equal(parse_frontend_path("/local/domain/5/device/vif/0", 4, out, sizeof(out), &e), -EINVAL);
	assert_string_equal(e.msg, "invalid frontend path \"/local/domain/5/device/vif/0\": expected /local/domain/4/device/vif/DEVID");
	assert_int_equal(parse_frontend_path("/local/domain/4/device/vif/0/../../x", 4, out, sizeof(out), &e), -EINVAL);
	assert_int_equal(parse_frontend_path("/local/domain/4/device/vbd/0", 4, out, sizeof(out), &e), -EINVAL);
	assert_string_equal(out, "keep");
}

static void test_assignment(void **state)
{
	static const struct {
		const char *in, *key, *val;
	} good[] = { { "a=b", "a", "b" }, { "bridge=xenbr0", "bridge", "xenbr0" },
		     { "a=", "a", "" }, { "a==b", "a", "=b" }, { "_x1=y", "_x1", "y" } };
	static const char *const bad[] = { "=b", "1a=b", "a-b=c", "ab", "a b=c" };
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		const char *k, *v;
		size_t kl;
		assert_int_equal(parse_assignment(good[i].in, &k, &kl, &v, NULL), 0);
		assert_int_equal(kl, strlen(good[i].key));
		assert_memory_equal(k, good[i].key, kl);
		assert_string_equal(v, good[i].val);
	}
	for (size_t i = 0; i < N(bad); i++) {
		const char *k = NULL, *v = NULL;
		size_t kl = 0;
		struct nm_err e = { "" };
		char want[64];
		snprintf(want, sizeof(want), "invalid argument \"%s\": expected VAR=VALUE", bad[i]);
		assert_int_equal(parse_assignment(bad[i], &k, &kl, &v, &e), -EINVAL);
		assert_string_equal(e.msg, want);
		assert_null(k);
	}
}

static void test_quote_value(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(quote_value("abc", buf, sizeof(buf)), "abc");
	assert_string_equal(quote_value("a\"b\\", buf, sizeof(buf)), "a\\x22b");
	assert_string_equal(quote_value("abcdefghij", buf, sizeof(buf)), "abcdefg");
	assert_string_equal(quote_value(NULL, buf, sizeof(buf)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac),	       cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_list),    cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_uint),	       cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_bool),	       cmocka_unit_test(test_xenbus_path),
		cmocka_unit_test(test_frontend_path),  cmocka_unit_test(test_assignment),
		cmocka_unit_test(test_quote_value),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
