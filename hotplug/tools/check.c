/*
 * xen-netmodes check VIF. The difference between the live state and what
 * the vif's configuration asks for is exactly what `online` would do now, so
 * check plans an online through the path online itself takes (as --dry-run
 * does, changing nothing) and lists that plan: one line per difference, in
 * the same syntax as --dry-run. Then, for a filtered vif, the frames its
 * filter dropped, by kind (one request to the kernel).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "netmodes/nft/nft_conn.h"
#include "netmodes/nft/port_drops.h"
#include "netmodes/rtnl/rtnl.h"
#include "hotplug/xen/backends.h"
#include "hotplug/tools/check.h"
#include "hotplug/tools/drops_text.h"
#include "hotplug/call/parse.h"
#include "hotplug/vif/vif_flow.h"
#include "hotplug/xen/xs.h"

struct by_name {
	struct xs_handle *xs;
	const char *vif;
	char rel[64];
};

static int match_vifname(const char *be, unsigned domid, unsigned devid, void *arg)
{
	struct by_name *b = arg;
	char node[XS_PATH_LEN + 32], v[IFNAMSIZ + 1];

	snprintf(node, sizeof(node), "%s/vifname", be);
	if (xsw_read(b->xs, node, v, sizeof(v), NULL) < 0 || strcmp(v, b->vif))
		return 0;
	snprintf(b->rel, sizeof(b->rel), "backend/vif/%u/%u", domid, devid);
	return 1;
}

/* The backend of vif: vifD.N names it, else the backend whose vifname it is. */
static int find_backend(struct xs_handle *xs, const char *vif, struct vif_request *r,
			struct nm_err *e)
{
	struct by_name b = { .xs = xs, .vif = vif };
	char tail[2];
	unsigned d, n;

	if (sscanf(vif, "vif%u.%u%1s", &d, &n, tail) == 2)
		snprintf(b.rel, sizeof(b.rel), "backend/vif/%u/%u", d, n);
	else if (!backends_each(xs, match_vifname, &b))
		return nm_fail(e, -ENOENT, "no vif backend is %s", vif);
	return parse_xenbus_path(b.rel, r->backend, sizeof(r->backend), &r->domid, &r->devid, e);
}

/* Lists the plan's lines as differences; returns how many. */
static unsigned list_plan(const struct plan *p, const char *vif)
{
	unsigned diffs = 0;

	for (size_t i = 0; i < p->n; i++) {
		char *text = NULL, *line, *save = NULL;
		size_t len;
		FILE *m = open_memstream(&text, &len);
		if (!m)
			continue;
		p->ops[i].type->describe(&p->ops[i], m);
		fclose(m);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			printf("%s: differs: %s\n", vif, line);
			diffs++;
		}
		free(text);
	}
	return diffs;
}

/* The port check found: where its filter is and its device. */
struct checked_port {
	enum port_kind kind;
	char dev[IFNAMSIZ];
};

/* "vif1.0: dropped: 12 (mac 10, ipv4 2)", when the port has drop counts. Returns 0 or -errno with e set. */
static int show_drops(struct nft_conn *nft, const struct checked_port *port, const char *vif,
		      struct nm_err *e)
{
	struct port_drops d;
	char text[512];
	int rc;

	if ((rc = nft_port_drops(nft, port->kind, port->dev, &d, e)) < 0) {
		struct nm_err why = *e;
		return nm_fail(e, rc, "%s: its drop counts: %s", vif, why.msg);
	}
	if (d.present) {
		drops_text(&d, text, sizeof(text));
		printf("%s: dropped: %s\n", vif, text);
	}
	return 0;
}

/*
 * Plans the online libxl would run for the vif, through the path online
 * takes, and lists it. A part of the vif's state its mode could not read
 * (an ovsdb-server that does not answer) leaves the rest listed and fails
 * the check, e saying which part and why.
 */
static int check(const struct applet_table *all, const struct flow_conns *lent,
		 const struct invocation *self, const char *vif, deadline_t deadline,
		 unsigned *ret_diffs, struct checked_port *ret_port, struct nm_err *e)
{
	struct xs_handle *xs = lent->xs;
	struct vif_request r = { 0 };
	const struct applet *a;
	struct invocation inv;
	struct plan p = { 0 };
	char path[XS_PATH_LEN + 32], script[256], status[32], xenbus[XS_PATH_LEN + 16], dev[32];
	char *argv[3] = { NULL, "online", NULL };
	char *envp[3 + 256] = { xenbus, dev };
	size_t n = 2;
	bool unread;
	int rc;

	if ((rc = find_backend(xs, vif, &r, e)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/script", r.backend);
	if ((rc = xsw_read_opt(xs, path, script, sizeof(script), e)) < 0)
		return rc;
	if (!(a = applet_of_script(all, script)))
		return nm_fail(e, -EINVAL, "%s: its script \"%s\" is not a xen-netmodes mode", vif, script);
	ret_port->kind = a->port;
	backend_ifname(xs, r.backend, r.domid, r.devid, ret_port->dev, sizeof(ret_port->dev));
	/* As libxl calls it: its backend and device; the rest of check's own environment. */
	snprintf(xenbus, sizeof(xenbus), "XENBUS_PATH=backend/vif/%u/%u", r.domid, r.devid);
	snprintf(dev, sizeof(dev), "vif=vif%u.%u", r.domid, r.devid);
	for (char **v = self->envp; v && *v && n < sizeof(envp) / sizeof(envp[0]) - 1; v++)
		if (strncmp(*v, "XENBUS_PATH=", 12) && strncmp(*v, "vif=", 4))
			envp[n++] = *v;
	argv[0] = (char *)a->name;
	(void)invocation_parse(2, argv, envp, 0, &inv);
	inv.dry_run = true;
	rc = vif_flow_plan(a->name, a->plan, &inv, deadline, lent, &p, e);
	if (rc >= 0)
		*ret_diffs += list_plan(&p, vif);
	plan_free(&p);
	if (rc < 0)
		return rc;
	unread = rc == 1;
	snprintf(path, sizeof(path), "%s/hotplug-status", r.backend);
	if (xsw_read_opt(xs, path, status, sizeof(status), NULL) < 0 || strcmp(status, "connected")) {
		printf("%s: differs: hotplug-status is \"%s\", not \"connected\"\n", vif, status);
		(*ret_diffs)++;
	}
	if (unread) {
		struct nm_err why = *e;
		fflush(stdout);
		return nm_fail(e, -EIO, "%s: %s", vif, why.msg);
	}
	return 0;
}

int check_main(const struct applet *self, const struct applet_table *all, const struct invocation *inv,
	       deadline_t deadline)
{
	struct xs_handle *xs = NULL;
	struct rt_conn *nl = NULL;
	struct nft_conn nft;
	struct nm_err e = { "" };
	unsigned diffs = 0;
	struct checked_port port = { 0 };
	int rc;

	(void)self;
	if (inv->rc < 0 || !inv->command || inv->n_assign) {
		fprintf(stderr, "usage: xen-netmodes check VIF\n");
		return 1;
	}
	nft_conn_init(&nft);
	rc = xsw_open(&xs, &e);
	if (!rc)
		rc = rt_open(&nl, &e);
	if (!rc)
		rc = check(all, &(const struct flow_conns){ xs, nl, &nft }, inv, inv->command, deadline,
			   &diffs, &port, &e);
	if (!rc) {
		if (!diffs)
			printf("%s: in place\n", inv->command);
		rc = show_drops(&nft, &port, inv->command, &e);
	}
	if (nl)
		rt_close(nl);
	xsw_close(xs);
	nft_conn_close(&nft);
	if (rc < 0) {
		fprintf(stderr, "xen-netmodes check: %s\n", e.msg);
		return 1;
	}
	return diffs ? 1 : 0;
}
