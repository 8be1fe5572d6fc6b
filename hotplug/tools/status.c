/*
 * xen-netmodes status [--json]: every vif whose backend names one of our
 * modes, as xenstore configures it and as the kernel has it, its filter's
 * drop counts with it (one dump per kind of port for them all); --watch:
 * those counts as rates (status_watch.c). Read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/route/addr.h>

#include "netmodes/rtnl/addrs.h"
#include "netmodes/rtnl/bridge_vlan.h"
#include "netmodes/rtnl/links.h"
#include "netmodes/json_str.h"
#include "netmodes/nft/port_filter.h"
#include "netmodes/rtnl/routes.h"
#include "netmodes/rtnl/rtnl.h"
#include "netmodes/modes/vif.h"
#include "netmodes/ovs/ovs_port.h"
#include "hotplug/call/applet.h"
#include "hotplug/call/config.h"
#include "hotplug/call/watch_opts.h"
#include "hotplug/tools/drops_table.h"
#include "hotplug/tools/drops_text.h"
#include "hotplug/xen/backends.h"
#include "hotplug/tools/status.h"
#include "hotplug/tools/status_watch.h"
#include "hotplug/xen/xs.h"

struct vif_view {
	unsigned domid, devid;
	const struct applet *mode; /* its row: mode->mode is "bridge", "route", "nat" */
	char dev[IFNAMSIZ], status[32], ip[256], mac[32];
	bool exists;
	struct link_info link;
	char master[IFNAMSIZ];
	bool vlan_port; /* a port of a VLAN-filtering bridge: vlans holds its VLANs */
	struct vlan_set vlans;
	char addrs[1024], routes[1024];
	bool filtered;
	bool filter_damaged;
	char filter_missing[PORT_MISSING_LEN]; /* when damaged: the element missing, if the records say */
	char filter_mac[MAC_STR_LEN];
	char filter_ips[1024];
	/* when filtered: its drop counts (NULL: none), or why its kind's could not be read ("") */
	const struct drops_port *drops;
	const char *drops_err;
	/* PORT_OVS: its port in the Open_vSwitch database; ovs_err: why it could not be read */
	bool ovs;
	struct ovs_port_state port;
	char ovs_err[ERR_MSG_LEN];
};

/* vif-openvswitch's database, opened for the first of its vifs and kept for the others. */
struct ovs_reader {
	const char *sock;
	deadline_t deadline;
	struct ovsdb *db;
	struct nm_err e; /* set once opening failed: no second try */
};

static void ovs_view(struct ovs_reader *o, struct vif_view *v)
{
	v->ovs = true;
	if (!o->db && !o->e.msg[0])
		(void)ovsdb_open(o->sock, o->deadline, &o->db, &o->e);
	if (!o->db) {
		snprintf(v->ovs_err, sizeof(v->ovs_err), "%s", o->e.msg);
		return;
	}
	struct nm_err e = { "" };
	if (ovs_port_query(o->db, v->dev, o->deadline, &v->port, &e) < 0)
		snprintf(v->ovs_err, sizeof(v->ovs_err), "%s", e.msg);
}

/* "20,30-32"; "" when none. */
static void trunks_text(const struct ovs_vlans *t, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned v = 0; v < OVS_VLAN_COUNT && at < n; v++) {
		unsigned w = v;
		int k;
		if (!ovs_vlans_has(t, v))
			continue;
		while (w + 1 < OVS_VLAN_COUNT && ovs_vlans_has(t, w + 1))
			w++;
		k = w == v ? snprintf(buf + at, n - at, "%s%u", at ? "," : "", v)
			   : snprintf(buf + at, n - at, "%s%u-%u", at ? "," : "", v, w);
		if (k > 0)
			at += (size_t)k;
		v = w;
	}
}

static void node(struct xs_handle *xs, const char *be, const char *name, char *buf, size_t n)
{
	char path[XS_PATH_LEN + 64];

	snprintf(path, sizeof(path), "%s/%s", be, name);
	if (xsw_read_opt(xs, path, buf, n, NULL) < 0)
		buf[0] = '\0';
}

static void append(char *buf, size_t n, const char *word)
{
	size_t len = strlen(buf);

	snprintf(buf + len, n - len, "%s%s", len ? " " : "", word);
}

/* The kernel's side: link, master, addresses, our routes, the port filter. */
static void kernel_view(struct rt_conn *sk, struct nft_conn *nft, struct vif_view *v)
{
	struct addr_set addrs = { 0 };
	struct route_set routes = { 0 };
	struct link_info m;
	struct port_state ps;
	char buf[INET6_ADDRSTRLEN + 8];

	v->exists = rt_link_get(sk, 0, v->dev, &v->link, NULL) == 0;
	if (v->exists && v->link.master && rt_link_get(sk, v->link.master, NULL, &m, NULL) == 0)
		snprintf(v->master, sizeof(v->master), "%s", m.name);
	if (v->exists && v->master[0]) {
		bool filtering = false;
		unsigned def;
		v->vlan_port = rt_bridge_vlans_on(sk, v->link.master, &filtering, &def, NULL) == 0 &&
			       filtering && rt_port_vlans(sk, v->link.ifindex, &v->vlans, NULL) == 0;
	}
	if (v->exists && addr_set_query(sk, v->link.ifindex, &addrs, NULL) == 0)
		for (size_t i = 0; i < addrs.n; i++)
			append(v->addrs, sizeof(v->addrs),
			       nl_addr2str(rtnl_addr_get_local(addrs.a[i]), buf, sizeof(buf)));
	if (v->exists && route_set_query(sk, v->link.ifindex, &routes, NULL) == 0)
		for (size_t i = 0; i < routes.n; i++)
			append(v->routes, sizeof(v->routes),
			       nl_addr2str(rtnl_route_get_dst(routes.r[i]), buf, sizeof(buf)));
	addr_set_free(&addrs);
	route_set_free(&routes);
	if (nft_port_query(nft, v->mode->port, v->dev, &ps, NULL) == 0 && ps.port) {
		char mac[MAC_STR_LEN];
		v->filtered = true;
		v->filter_damaged = ps.damaged;
		snprintf(v->filter_missing, sizeof(v->filter_missing), "%s", ps.missing);
		if (ps.filter.ips.n)
			snprintf(v->filter_mac, sizeof(v->filter_mac), "%s", mac_format(&ps.filter.mac, mac));
		prefix_list_format(&ps.filter.ips, v->filter_ips, sizeof(v->filter_ips));
	}
}

/* "10 pvid untagged, 20-22 tagged, 30 untagged"; "none" when it has none. */
static void vlans_text(const struct vlan_set *s, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned v = VLAN_MIN; v <= VLAN_MAX && at < n; v++) {
		unsigned w;
		bool u;
		int k;
		if (!vlan_set_has(s, v))
			continue;
		u = vlan_set_untagged(s, v);
		w = vlan_set_run_end(s, v);
		k = w == v ? snprintf(buf + at, n - at, "%s%u", at ? ", " : "", v)
			   : snprintf(buf + at, n - at, "%s%u-%u", at ? ", " : "", v, w);
		if (k > 0)
			at += (size_t)k;
		if (at < n) {
			k = snprintf(buf + at, n - at, "%s%s", v == s->pvid ? " pvid" : "",
				     u ? " untagged" : " tagged");
			if (k > 0)
				at += (size_t)k;
		}
		v = w;
	}
	if (!buf[0])
		snprintf(buf, n, "none");
}

/* "  ovs: bridge ovsbr0, tag 10, trunks 20,30, vlan_mode native-untagged, ofport 3" */
static void print_ovs_text(const struct vif_view *v, FILE *out)
{
	const struct ovs_port_state *s = &v->port;
	char tr[1024];

	if (v->ovs_err[0]) {
		fprintf(out, "  ovs: unknown (%s)\n", v->ovs_err);
		return;
	}
	if (!s->exists) {
		fprintf(out, "  ovs: no port\n");
		return;
	}
	fprintf(out, "  ovs: bridge %s", s->bridge[0] ? s->bridge : "-");
	if (s->tag >= 0)
		fprintf(out, ", tag %d", s->tag);
	trunks_text(&s->trunks, tr, sizeof(tr));
	if (tr[0])
		fprintf(out, ", trunks %s", tr);
	if (s->vlan_mode[0])
		fprintf(out, ", vlan_mode %s", s->vlan_mode);
	if (s->error[0])
		fprintf(out, ", error %s\n", s->error);
	else
		fprintf(out, ", ofport %lld\n", (long long)s->ofport);
}

/* "  dropped: 12 (mac 10, ipv4 2)" */
static void print_drops_text(const struct vif_view *v, FILE *out)
{
	char text[512];

	if (v->drops) {
		drops_text(&v->drops->d, text, sizeof(text));
		fprintf(out, "  dropped: %s\n", text);
	} else if (v->drops_err[0]) {
		fprintf(out, "  dropped: unknown (%s)\n", v->drops_err);
	} else {
		fprintf(out, "  dropped: not counted (the next online adds its counters)\n");
	}
}

static void print_text(const struct vif_view *v, FILE *out)
{
	fprintf(out, "%s (domain %u, vif %u): %s mode, hotplug-status %s\n", v->dev, v->domid,
		v->devid, v->mode->mode, v->status[0] ? v->status : "-");
	if (!v->exists) {
		fprintf(out, "  link: absent\n");
		return;
	}
	fprintf(out, "  link: %s, mtu %u%s%s\n", v->link.up ? "up" : "down", v->link.mtu,
		v->master[0] ? ", bridge " : "", v->master);
	if (v->vlan_port) {
		char vl[1024];
		vlans_text(&v->vlans, vl, sizeof(vl));
		fprintf(out, "  vlans: %s\n", vl);
	}
	if (v->ovs)
		print_ovs_text(v, out);
	fprintf(out, "  configured: mac %s, ip %s\n", v->mac[0] ? v->mac : "-", v->ip[0] ? v->ip : "-");
	fprintf(out, "  addresses: %s\n  routes: %s\n", v->addrs[0] ? v->addrs : "-",
		v->routes[0] ? v->routes : "-");
	if (!v->filtered)
		fprintf(out, "  anti-spoofing: none\n");
	else if (v->filter_damaged && v->filter_missing[0])
		fprintf(out, "  anti-spoofing: element %s missing (the next online puts it back)\n",
			v->filter_missing);
	else if (v->filter_damaged)
		fprintf(out, "  anti-spoofing: damaged records (the next online repairs them)\n");
	else if (v->filter_mac[0])
		fprintf(out, "  anti-spoofing: mac %s, ip %s\n", v->filter_mac, v->filter_ips);
	else
		fprintf(out, "  anti-spoofing: sends nothing\n");
	if (v->filtered)
		print_drops_text(v, out);
}

static void json_words(const char *label, const char *words, FILE *out)
{
	char copy[1024], *tok, *save = NULL;
	const char *sep = "";

	snprintf(copy, sizeof(copy), "%s", words);
	fprintf(out, ", \"%s\": [", label);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		fputs(sep, out);
		json_put_string(out, tok);
		sep = ", ";
	}
	fprintf(out, "]");
}

static void print_json(const struct vif_view *v, bool first, FILE *out)
{
	fprintf(out, "%s{\"vif\": ", first ? "" : ", ");
	json_put_string(out, v->dev);
	fprintf(out, ", \"domid\": %u, \"devid\": %u, \"mode\": \"%s\", \"hotplug_status\": ", v->domid,
		v->devid, v->mode->mode);
	json_put_string(out, v->status);
	fprintf(out, ", \"mac\": ");
	json_put_string(out, v->mac);
	json_words("ip", v->ip, out);
	fprintf(out, ", \"link\": ");
	if (v->exists) {
		fprintf(out, "{\"up\": %s, \"mtu\": %u, \"bridge\": ", v->link.up ? "true" : "false",
			v->link.mtu);
		json_put_string(out, v->master);
		fputc('}', out);
	} else
		fprintf(out, "null");
	if (v->vlan_port) {
		char vl[1024];
		vlan_set_format(&v->vlans, vl, sizeof(vl));
		fprintf(out, ", \"vlans\": \"%s\"", vl);
	}
	if (v->ovs && !v->ovs_err[0] && v->port.exists) {
		char tr[1024];
		trunks_text(&v->port.trunks, tr, sizeof(tr));
		fprintf(out, ", \"ovs\": {\"bridge\": ");
		json_put_string(out, v->port.bridge);
		fprintf(out, ", \"tag\": %d, \"trunks\": \"%s\", \"vlan_mode\": ", v->port.tag, tr);
		json_put_string(out, v->port.vlan_mode);
		fprintf(out, ", \"ofport\": %lld}", (long long)v->port.ofport);
	} else if (v->ovs) {
		fprintf(out, ", \"ovs\": null");
	}
	json_words("addresses", v->addrs, out);
	json_words("routes", v->routes, out);
	if (v->filtered) {
		fprintf(out, ", \"antispoof\": {\"mac\": \"%s\"", v->filter_mac);
		json_words("ip", v->filter_ips, out);
		fprintf(out, "}");
	} else {
		fprintf(out, ", \"antispoof\": null");
	}
	fprintf(out, ", \"drops\": ");
	if (v->drops)
		drops_json(&v->drops->d, out);
	else
		fprintf(out, "null");
	fprintf(out, "}");
}

struct walk {
	const struct applet_table *all;
	struct xs_handle *xs;
	struct rt_conn *sk;
	struct nft_conn *nft;
	bool json;
	FILE *out;
	unsigned shown;
	struct ovs_reader ovs;
	struct drops_table drops;
};

/* One backend, shown when its script is ours. */
static int show_vif(const char *be, unsigned domid, unsigned devid, void *arg)
{
	struct walk *w = arg;
	struct vif_view v = { .domid = domid, .devid = devid };
	char script[256];

	node(w->xs, be, "script", script, sizeof(script));
	if (!(v.mode = applet_of_script(w->all, script)))
		return 0;
	backend_ifname(w->xs, be, domid, devid, v.dev, sizeof(v.dev));
	node(w->xs, be, "hotplug-status", v.status, sizeof(v.status));
	node(w->xs, be, "ip", v.ip, sizeof(v.ip));
	node(w->xs, be, "mac", v.mac, sizeof(v.mac));
	kernel_view(w->sk, w->nft, &v);
	if (v.filtered) {
		v.drops = drops_table_find(&w->drops, v.mode->port, v.dev);
		v.drops_err = w->drops.err[v.mode->port];
	}
	if (v.mode->port == PORT_OVS)
		ovs_view(&w->ovs, &v);
	if (w->json)
		print_json(&v, w->shown == 0, w->out);
	else
		print_text(&v, w->out);
	w->shown++;
	return 0;
}

/* What is wrong with the call's arguments, in e; 0 when nothing is. */
static int refused(const struct invocation *inv, struct nm_err *e)
{
	char q[64];

	if (inv->rc < 0)
		return nm_fail(e, inv->rc, "%s", inv->err.msg);
	if (inv->command || inv->n_assign)
		return nm_fail(e, -EINVAL, "unexpected argument \"%s\"",
			       quote_value(inv->command ? inv->command : inv->assign[0], q, sizeof(q)));
	if ((inv->interval_ms || inv->count) && !inv->watch)
		return nm_fail(e, -EINVAL, "--interval and --count go with --watch");
	if (inv->watch && inv->json)
		return nm_fail(e, -EINVAL, "--watch shows rates as text: it does not go with --json");
	return 0;
}

int status_main(const struct applet *self, const struct applet_table *all, const struct invocation *inv,
		deadline_t deadline)
{
	bool json = inv->json;
	struct xs_handle *xs = NULL;
	struct rt_conn *sk = NULL;
	struct nft_conn nft;
	struct nm_err e = { "" };
	struct walk w = { .all = all, .nft = &nft, .json = json, .out = stdout };
	struct config conf;

	(void)self;
	if (refused(inv, &e) < 0) {
		fprintf(stderr, "xen-netmodes status: %s\n" STATUS_USAGE, e.msg);
		return 1;
	}
	if (inv->watch)
		return status_watch(inv->interval_ms ? inv->interval_ms : WATCH_INTERVAL_DEFAULT_MS, inv->count,
				    stdout);

	if (xsw_open(&xs, &e) < 0 || rt_open(&sk, &e) < 0) {
		fprintf(stderr, "xen-netmodes status: %s\n", e.msg);
		xsw_close(xs);
		return 1;
	}
	/* a defaults file that cannot be read leaves the built-in socket */
	if (config_load(inv->env.conf, &conf, &e) < 0)
		snprintf(conf.ovsdb_socket, sizeof(conf.ovsdb_socket), "%s", OVSDB_DEFAULT_SOCK);
	w.ovs = (struct ovs_reader){ .sock = conf.ovsdb_socket, .deadline = deadline };
	nft_conn_init(&nft);
	if (drops_table_read(&nft, &w.drops, &e) < 0)
		fprintf(stderr, "xen-netmodes status: %s\n", e.msg);
	if (json)
		printf("[");
	w.xs = xs;
	w.sk = sk;
	(void)backends_each(xs, show_vif, &w);
	if (json)
		printf("]\n");
	else if (w.shown == 0)
		printf("no vif uses a xen-netmodes script\n");
	ovsdb_close(w.ovs.db);
	drops_table_free(&w.drops);
	rt_close(sk);
	xsw_close(xs);
	nft_conn_close(&nft);
	return 0;
}
