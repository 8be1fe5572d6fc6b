/*
 * xen-netmodes check VIF. The difference between the live state and what
 * the vif's configuration asks for is exactly what `online` would do now, so
 * check plans an online (as --dry-run does, changing nothing) and lists that
 * plan: one line per difference, in the same syntax as --dry-run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "../netmodes/dhcp_host.h"
#include "../netmodes/rtnl.h"
#include "backends.h"
#include "check.h"
#include "config.h"
#include "parse.h"
#include "request.h"
#include "xs.h"

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

static int check(struct xs_handle *xs, struct nl_sock *nl, const char *vif,
		 planner_lookup *lookup, int *ret_diffs, struct nm_err *e)
{
	struct vif_request r = { .cmd = VIF_ONLINE, .type = VIF_TYPE_VIF, .dry_run = true };
	struct vif_params params = { 0 };
	struct dhcp_settings dhcp;
	struct vif_outcome out = { 0 };
	struct plan p = { 0 };
	char path[XS_PATH_LEN + 32], script[256], status[32];
	const char *base;
	vif_planner *planner;
	int rc;

	if ((rc = find_backend(xs, vif, &r, e)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/script", r.backend);
	if ((rc = xsw_read_opt(xs, path, script, sizeof(script), e)) < 0)
		return rc;
	base = strrchr(script, '/') ? strrchr(script, '/') + 1 : script;
	if (!(planner = lookup(base)))
		return nm_fail(e, -EINVAL, "%s: its script \"%s\" is not a xen-netmodes mode", vif, script);
	r.prog = base;
	snprintf(r.dev, sizeof(r.dev), "vif%u.%u", r.domid, r.devid);
	if ((rc = request_read_xenstore(&r, xs, &params, e)) < 0 ||
	    (rc = config_dhcp_settings(NULL, &dhcp, e)) < 0)
		return rc;
	struct mode_ctx ctx = { .nl = nl, .xs = xs, .dhcp = &dhcp };
	if ((rc = planner(&r, &ctx, &p, &out, e)) < 0) {
		plan_free(&p);
		return rc;
	}
	for (size_t i = 0; i < p.n; i++) {
		char *text = NULL, *line, *save = NULL;
		size_t len;
		FILE *m = open_memstream(&text, &len);
		if (!m)
			continue;
		p.ops[i].type->describe(&p.ops[i], m);
		fclose(m);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			printf("%s: differs: %s\n", vif, line);
			(*ret_diffs)++;
		}
		free(text);
	}
	plan_free(&p);
	snprintf(path, sizeof(path), "%s/hotplug-status", r.backend);
	if (xsw_read_opt(xs, path, status, sizeof(status), NULL) < 0 || strcmp(status, "connected")) {
		printf("%s: differs: hotplug-status is \"%s\", not \"connected\"\n", vif, status);
		(*ret_diffs)++;
	}
	return 0;
}

int check_main(int argc, char **argv, planner_lookup *lookup)
{
	struct xs_handle *xs = NULL;
	struct nl_sock *nl = NULL;
	struct nm_err e = { "" };
	int diffs = 0, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: xen-netmodes check VIF\n");
		return 1;
	}
	rc = xsw_open(&xs, &e);
	if (!rc)
		rc = rt_open(&nl, &e);
	if (!rc)
		rc = check(xs, nl, argv[1], lookup, &diffs, &e);
	if (nl)
		rt_close(nl);
	xsw_close(xs);
	if (rc < 0) {
		fprintf(stderr, "xen-netmodes check: %s\n", e.msg);
		return 1;
	}
	if (!diffs)
		printf("%s: in place\n", argv[1]);
	return diffs ? 1 : 0;
}
