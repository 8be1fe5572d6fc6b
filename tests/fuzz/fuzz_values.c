/*
 * Every value parser on arbitrary bytes. The first byte picks the parser,
 * the rest is the value. What parses must print and parse back to the same
 * thing, and the dry-run printer must take what the parsers accept.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug/call/config.h"
#include "hotplug/call/parse.h"
#include "netmodes/netaddr.h"
#include "netmodes/nft/port_describe.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/vlan_spec.h"

static void check_mac(const char *s)
{
	struct mac_addr a, b;
	char buf[MAC_STR_LEN];

	if (parse_mac(s, &a, NULL) == 0 &&
	    (parse_mac(mac_format(&a, buf), &b, NULL) != 0 || memcmp(&a, &b, sizeof(a))))
		abort();
}

static void check_prefixes(const char *s)
{
	struct prefix_list a, b;
	char buf[MAX_PREFIXES * PREFIX_STR_LEN];
	struct port_filter f = { .kind = PORT_BRIDGED, .ifname = "vif1.0" };
	char out[65536];
	FILE *m;

	if (parse_prefix_list(s, &a, NULL) != 0)
		return;
	if (parse_prefix_list(prefix_list_format(&a, buf, sizeof(buf)), &b, NULL) != 0 ||
	    a.n != b.n || memcmp(a.p, b.p, a.n * sizeof(a.p[0])))
		abort();
	f.ips = a;
	if ((m = fmemopen(out, sizeof(out), "w"))) {
		nft_port_describe_set(&f, &(struct port_state){ .table = false }, m);
		f.kind = PORT_ROUTED;
		nft_port_describe_set(&f, &(struct port_state){ .table = true, .port = true, .filter = f }, m);
		fclose(m);
	}
}

/* A vlan value that parses prints, in vlan syntax, one that parses back to the same set. */
static void check_vlans(const char *s)
{
	static char buf[40000];
	struct vlan_set a, b;
	char base[IFNAMSIZ];

	if (vlan_spec_parse(s, &a, NULL) == 0) {
		vlan_set_format(&a, buf, sizeof(buf));
		if (strlen(buf) <= VLAN_SPEC_MAX && (vlan_spec_parse(buf, &b, NULL) != 0 || !vlan_set_equal(&a, &b)))
			abort();
	}
	if (vlan_list_parse(s, &a, NULL) == 0) {
		vlan_list_format(&a, buf, sizeof(buf));
		if (strlen(buf) <= VLAN_SPEC_MAX && (vlan_list_parse(buf, &b, NULL) != 0 || !vlan_set_equal(&a, &b)))
			abort();
	}
	if (vlan_bridge_parse(s, base, &a, NULL) == 1 && (strlen(base) >= IFNAMSIZ || vlan_set_empty(&a)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, q[64], abs[256], name[IFNAMSIZ];
	unsigned u, d, n;
	bool b;
	struct prefix p;
	enum dhcp_kind k;
	const char *key, *val;
	size_t klen;

	if (size < 1)
		return 0;
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 12) {
	case 0: check_mac(s); break;
	case 1: (void)parse_prefix(s, &p, NULL); break;
	case 2: check_prefixes(s); break;
	case 3: (void)parse_mtu(s, &u, NULL); break;
	case 4: (void)parse_ifname(s, "vifname", name, NULL); break;
	case 5: (void)parse_uint(s, "domid", DOMID_MAX, &u, NULL); break;
	case 6: (void)parse_bool(s, "antispoof", &b, NULL); break;
	case 7: (void)parse_xenbus_path(s, abs, sizeof(abs), &d, &n, NULL); break;
	case 8: (void)parse_frontend_path(s, 1, abs, sizeof(abs), NULL); break;
	case 9: (void)parse_assignment(s, &key, &klen, &val, NULL); break;
	case 10: check_vlans(s); break;
	default: (void)parse_dhcp_kind(s, &k, NULL); (void)quote_value(s, q, sizeof(q)); break;
	}
	free(s);
	return 0;
}
