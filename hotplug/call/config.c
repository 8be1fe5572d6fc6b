#include "hotplug/call/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/host/dhcp_host.h"
#include "netmodes/netaddr.h"
#include "netmodes/ovs/ovsdb.h"

#define DEFAULT_HOSTSDIR "/var/lib/xen-netmodes/dnsmasq-hosts"
#define DEFAULT_OPTSDIR "/var/lib/xen-netmodes/dnsmasq-opts"

int parse_dhcp_kind(const char *s, enum dhcp_kind *ret, struct nm_err *e)
{
	char q[64];

	for (int k = 0; k < DHCP_KINDS; k++) {
		if (!strcmp(s, dhcp_kind_name((enum dhcp_kind)k))) {
			*ret = (enum dhcp_kind)k;
			return 0;
		}
	}
	return nm_fail(e, -EINVAL, "invalid dhcp \"%s\": expected no, dnsmasq or isc",
		       quote_value(s, q, sizeof(q)));
}

/* An absolute path of printable characters, no "..": it names files we write as root. */
static int parse_path(const char *s, const char *what, char *ret, size_t n, struct nm_err *e)
{
	char q[128];

	if (s[0] != '/' || strstr(s, "/../") || strlen(s) >= n)
		return nm_fail(e, -EINVAL, "invalid %s \"%s\": expected an absolute path", what,
			       quote_value(s, q, sizeof(q)));
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return nm_fail(e, -EINVAL, "invalid %s \"%s\": expected an absolute path",
				       what, quote_value(s, q, sizeof(q)));
	memcpy(ret, s, strlen(s) + 1);
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, struct nm_err *e)
{
	char q[64];

	if (!strcmp(key, "nat_range")) {
		struct prefix p;
		if (parse_prefix(value, &p, e) < 0)
			return -EINVAL;
		if (p.family != AF_INET)
			return nm_fail(e, -EINVAL, "nat_range must be an IPv4 prefix");
		c->nat_range = p;
		return 0;
	}
	if (!strcmp(key, "dhcp"))
		return parse_dhcp_kind(value, &c->dhcp, e);
	if (!strcmp(key, "dnsmasq_hostsdir"))
		return parse_path(value, key, c->dnsmasq_hostsdir, sizeof(c->dnsmasq_hostsdir), e);
	if (!strcmp(key, "dnsmasq_optsdir"))
		return parse_path(value, key, c->dnsmasq_optsdir, sizeof(c->dnsmasq_optsdir), e);
	if (!strcmp(key, "dhcpd_conf"))
		return parse_path(value, key, c->dhcpd_conf, sizeof(c->dhcpd_conf), e);
	if (!strcmp(key, "dhcpd_defaults"))
		return parse_path(value, key, c->dhcpd_defaults, sizeof(c->dhcpd_defaults), e);
	if (!strcmp(key, "dhcpd_init"))
		return parse_path(value, key, c->dhcpd_init, sizeof(c->dhcpd_init), e);
	if (!strcmp(key, "antispoof_without_ip")) {
		if (strcmp(value, "none") && strcmp(value, "mac"))
			return nm_fail(e, -EINVAL, "invalid antispoof_without_ip \"%s\": expected none or mac",
				       quote_value(value, q, sizeof(q)));
		c->noip_mac = !strcmp(value, "mac");
		return 0;
	}
	if (!strcmp(key, "ovsdb_socket"))
		return parse_path(value, key, c->ovsdb_socket, sizeof(c->ovsdb_socket), e);
	return nm_fail(e, -EINVAL, "unknown key \"%s\"", quote_value(key, q, sizeof(q)));
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int config_load(const char *path, struct config *ret, struct nm_err *e)
{
	struct config c = { .dhcp = DHCP_NO };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = 0;
	FILE *f;

	(void)parse_prefix("10.0.0.0/8", &c.nat_range, NULL);
	snprintf(c.dnsmasq_hostsdir, sizeof(c.dnsmasq_hostsdir), DEFAULT_HOSTSDIR);
	snprintf(c.dnsmasq_optsdir, sizeof(c.dnsmasq_optsdir), DEFAULT_OPTSDIR);
	snprintf(c.ovsdb_socket, sizeof(c.ovsdb_socket), OVSDB_DEFAULT_SOCK);
	if (!path || !*path)
		path = CONFIG_FILE;
	if (!(f = fopen(path, "re"))) {
		if (errno != ENOENT)
			return nm_fail(e, nm_errno(), "cannot read %s: %s", path, strerror(errno));
		*ret = c;
		return 0;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		char *s, *eq, *hash = strchr(line, '#');
		struct nm_err inner = { "" };
		lineno++;
		if ((size_t)len != strlen(line)) {
			rc = nm_fail(e, -EINVAL, "%s:%d: a NUL byte is not text", path, lineno);
			break;
		}
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (!(eq = strchr(s, '=')))
			rc = nm_fail(e, -EINVAL, "%s:%d: expected KEY = VALUE", path, lineno);
		else if (*eq = '\0', config_set(&c, trim(s), trim(eq + 1), &inner) < 0)
			rc = nm_fail(e, -EINVAL, "%s:%d: %s", path, lineno, inner.msg);
	}
	free(line);
	fclose(f);
	if (rc == 0)
		*ret = c;
	return rc;
}

int config_vif_defaults(const char *path, const char *param, struct dhcp_settings *ret,
			struct vif_request *r, struct nm_err *e)
{
	struct dhcp_settings d = { 0 };
	struct config conf = { 0 };

	if (config_load(path, &conf, e) < 0)
		return -EINVAL;
	d.kind = conf.dhcp;
	snprintf(d.hostsdir, sizeof(d.hostsdir), "%s", conf.dnsmasq_hostsdir);
	snprintf(d.optsdir, sizeof(d.optsdir), "%s", conf.dnsmasq_optsdir);
	snprintf(d.conf, sizeof(d.conf), "%s", conf.dhcpd_conf);
	snprintf(d.defaults, sizeof(d.defaults), "%s", conf.dhcpd_defaults);
	snprintf(d.init, sizeof(d.init), "%s", conf.dhcpd_init);
	if (param && *param) {
		d.kind_given = true;
		if (parse_dhcp_kind(param, &d.kind, e) < 0)
			return -EINVAL;
	}
	*ret = d;
	r->noip_mac = conf.noip_mac;
	snprintf(r->ovsdb_sock, sizeof(r->ovsdb_sock), "%s", conf.ovsdb_socket);
	return 0;
}
