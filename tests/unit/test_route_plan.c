/* vif-route and network-route plans, built from live state in a namespace of the test's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "netmodes/modes/network.h"
#include "netmodes/nft/port_describe.h"
#include "netmodes/nft/port_filter.h"
#include "plan_helpers.h"

static char run_dir[] = "/tmp/xnm-route-plan.XXXXXX";

static int setup(void **state)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add eth0 type veth peer name lan0",
		"ip addr add 192.168.50.1/24 dev eth0",
		"ip link set eth0 up",
		"ip link set lan0 up",
		"ip route add default via 192.168.50.2",
		"ip link add eth9 type veth peer name eth9p",
		"ip link add vif1.0 type veth peer name g1",
		"ip link add vif3.0-emu type veth peer name g3",
		NULL,
	};

	(void)state;
	/* No network-route state: the uplink comes from the default route. */
	if (!mkdtemp(run_dir) || setenv("XEN_NETMODES_RUN_DIR", run_dir, 1) < 0)
		return -1;
	return enter_netns(cmds);
}

static int teardown(void **state)
{
	rmdir(run_dir);
	return leave_netns(state);
}

static struct vif_request request(enum vif_command cmd, const char *dev, const char *ips)
{
	struct vif_request r = { .prog = "vif-route", .cmd = cmd, .type = VIF_TYPE_VIF,
				 .domid = 1, .devid = 0, .has_mac = true,
				 .mac = { { 0x00, 0x16, 0x3e, 0, 1, 0x77 } } };
	struct prefix p;
	char copy[256], *tok, *save = NULL;

	snprintf(r.dev, sizeof(r.dev), "%s", dev);
	snprintf(r.backend, sizeof(r.backend), "/local/domain/0/backend/vif/1/0");
	snprintf(r.frontend, sizeof(r.frontend), "/local/domain/1/device/vif/0");
	snprintf(copy, sizeof(copy), "%s", ips);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		struct in6_addr a6;
		char *slash = strchr(tok, '/');
		*slash = '\0';
		p = (struct prefix){ .len = (uint8_t)atoi(slash + 1) };
		if (inet_pton(AF_INET, tok, &p.addr.v4) == 1)
			p.family = AF_INET;
		else if (inet_pton(AF_INET6, tok, &a6) == 1)
			p = (struct prefix){ .family = AF_INET6, .len = p.len, .addr.v6 = a6 };
		r.ips.p[r.ips.n++] = p;
	}
	return r;
}

static const char *route_text(const struct vif_request *r, int expect_rc)
{
	int rc;
	const char *text = plan_text(route_plan, r, &rc);

	assert_int_equal(rc, expect_rc);
	return text;
}

/* What nft_port prints for the routed filter of r on dev, with no table yet. */
static char *filter_lines(const struct vif_request *r, const char *dev)
{
	struct port_filter f = { .kind = PORT_ROUTED, .mac = r->mac, .ips = r->ips };
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	snprintf(f.ifname, sizeof(f.ifname), "%s", dev);
	nft_port_describe_set(&f, &(struct port_state){ .table = false }, out);
	fclose(out);
	return text;
}

static void test_online(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0", "192.168.50.77/32 fd50::77/128");
	char expected[16384], *nft = filter_lines(&r, "vif1.0");

	(void)state;
	snprintf(expected, sizeof(expected),
		 "ip link set dev vif1.0 alias xen-netmodes:backend/vif/1/0\n"
		 "ip address replace 192.168.50.1/32 dev vif1.0\n"
		 "%s"
		 "sysctl -w net/ipv4/conf/vif1.0/proxy_arp=1\n"
		 "ip link set dev vif1.0 up\n"
		 "ip route replace 192.168.50.77/32 dev vif1.0 src 192.168.50.1 metric 2 proto 88\n"
		 "ip -6 route replace fd50::77/128 dev vif1.0 metric 2 proto 88\n"
		 "ip -6 neigh replace proxy fd50::77 dev eth0\n",
		 nft);
	free(nft);
	assert_string_equal(route_text(&r, 0), expected);
}

static void test_tap_metric_and_vifname(void **state)
{
	struct vif_request r = request(VIF_ADD, "vif3.0-emu", "10.5.0.0/24");
	const char *text;

	(void)state;
	r.type = VIF_TYPE_TAP;
	snprintf(r.vifname, sizeof(r.vifname), "web0-emu");
	text = route_text(&r, 0);
	assert_non_null(strstr(text, "ip link set dev vif3.0-emu name web0-emu\n"));
	assert_non_null(strstr(text, "ip route replace 10.5.0.0/24 dev web0-emu src 192.168.50.1 "
				     "metric 1 proto 88\n"));
	assert_null(strstr(text, "xenstore-write")); /* a tap has no frontend */
}

static void test_offline(void **state)
{
	struct vif_request r = request(VIF_OFFLINE, "vif1.0", "192.168.50.77/32 fd50::77/128");

	(void)state;
	/* As an online of this backend's left it: claimed. */
	assert_int_equal(system("ip link set dev vif1.0 alias xen-netmodes:backend/vif/1/0"), 0);
	assert_string_equal(route_text(&r, 0),
			    "ip route del 192.168.50.77/32 dev vif1.0 metric 2 proto 88\n"
			    "ip -6 route del fd50::77/128 dev vif1.0 metric 2 proto 88\n"
			    "ip -6 neigh del proxy fd50::77 dev eth0\n" /* proxy ARP is off already */
			    "ip link set dev vif1.0 alias \"\"\n");
	assert_int_equal(system("ip link set dev vif1.0 alias ''"), 0);
}

static void test_offline_of_a_vanished_vif(void **state)
{
	struct vif_request r = request(VIF_OFFLINE, "vif9.0", "192.168.50.99/32 fd50::99/128");

	(void)state;
	assert_string_equal(route_text(&r, 0), "ip -6 neigh del proxy fd50::99 dev eth0\n");
}

static void test_errors(void **state)
{
	struct vif_request r = request(VIF_ONLINE, "vif1.0", "");

	(void)state;
	assert_string_equal(route_text(&r, -EINVAL),
			    "the backend has no ip: routed mode has nothing to route to vif1.0");
	r = request(VIF_ONLINE, "vif1.0", "192.168.50.77/32");
	snprintf(r.netdev, sizeof(r.netdev), "eth9");
	assert_string_equal(route_text(&r, -EADDRNOTAVAIL),
			    "eth9 has no IPv4 address. Bring it up or specify another interface "
			    "with netdev=<if>");
	snprintf(r.netdev, sizeof(r.netdev), "eth7");
	assert_string_equal(route_text(&r, -ENODEV), "netdev eth7 does not exist");
	r = request(VIF_ONLINE, "vif8.0", "192.168.50.77/32");
	assert_string_equal(route_text(&r, -ENODEV), "device vif8.0 does not exist");
	r = request(VIF_ONLINE, "vif1.0", "192.168.50.77/32");
	r.has_mac = false;
	assert_string_equal(route_text(&r, -EINVAL), "backend node mac is missing or empty: cannot filter vif1.0");
}

static const char *network_text(enum network_command cmd, int expect_rc)
{
	struct network_request r = { .prog = "network-route", .cmd = cmd, .antispoof = true };
	struct mode_ctx c = { .nl = sk, .nft = &nft, .env = test_env() };
	struct plan p = { 0 };
	struct nm_err e = { "" };
	const char *text;

	assert_int_equal(network_route_plan(&r, &c, &p, &e), expect_rc);
	text = describe(&p);
	plan_free(&p);
	return text;
}

static void test_network_route(void **state)
{
	char expected[4096], *nft = NULL;
	size_t len;
	FILE *out = open_memstream(&nft, &len);

	(void)state;
	nft_port_describe_table(PORT_ROUTED, true, out);
	fclose(out);
	snprintf(expected, sizeof(expected),
		 "sysctl -w net/ipv4/ip_forward=1\n"
		 "sysctl -w net/ipv4/conf/eth0/proxy_arp=1\n"
		 "sysctl -w net/ipv6/conf/all/forwarding=1\n"
		 "sysctl -w net/ipv6/conf/eth0/proxy_ndp=1\n"
		 "%swrite %s/network-route.state: netdev=eth0 antispoof=yes",
		 nft, run_dir);
	free(nft);
	assert_memory_equal(network_text(NET_START, 0), expected, strlen(expected));
	assert_string_equal(network_text(NET_STOP, 0), ""); /* not started: nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_online),
		cmocka_unit_test(test_tap_metric_and_vifname),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_offline_of_a_vanished_vif),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_network_route),
	};

	return cmocka_run_group_tests_name("vif-route plans", tests, setup, teardown);
}
