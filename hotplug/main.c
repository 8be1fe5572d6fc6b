/* One binary, many names: the toolstack runs it as the script it replaces. */
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "daemon.h"
#include "daemon_client.h"
#include "deadline.h"
#include "invocation.h"
#include "log.h"
#include "network_flow.h"
#include "status.h"
#include "usage.h"
#include "vif_flow.h"
#include "vif_setup.h"

extern char **environ;

struct applet {
	const char *name;
	vif_planner *planner; /* per-vif modes */
	int (*main)(const char *name, const struct invocation *inv, deadline_t deadline); /* the others */
	unsigned accept; /* enum inv_accept */
};

static int vif_setup_main(const char *name, const struct invocation *inv, deadline_t deadline);
static int xen_netmodesd_main(const char *name, const struct invocation *inv, deadline_t deadline);

static int network_route_main(const char *name, const struct invocation *inv, deadline_t deadline)
{
	(void)deadline;
	return network_flow_run(name, network_route_plan, network_route_status, 0, inv);
}

static int network_nat_main(const char *name, const struct invocation *inv, deadline_t deadline)
{
	(void)deadline;
	return network_flow_run(name, network_nat_plan, network_nat_status, NET_KEY_DHCP, inv);
}

static int network_bridge_main(const char *name, const struct invocation *inv, deadline_t deadline)
{
	(void)deadline;
	return network_flow_run(name, network_bridge_plan, network_bridge_status,
				NET_KEY_BRIDGE | NET_ANTISPOOF_OFF, inv);
}

static int xen_netmodes_cleanup_main(const char *name, const struct invocation *inv,
				     deadline_t deadline)
{
	(void)deadline;
	return cleanup_main(name, inv);
}

static const struct applet applets[] = {
	{ "vif-bridge", bridge_plan, NULL, INV_DAEMON },
	{ "vif-route", route_plan, NULL, INV_DAEMON },
	{ "vif-nat", nat_plan, NULL, INV_DAEMON },
	{ "network-bridge", NULL, network_bridge_main, INV_JSON },
	{ "network-route", NULL, network_route_main, INV_JSON },
	{ "network-nat", NULL, network_nat_main, INV_JSON },
	{ "vif-setup", NULL, vif_setup_main, INV_DAEMON },
	{ "xen-netmodes-cleanup", NULL, xen_netmodes_cleanup_main, 0 },
	{ "xen-netmodesd", NULL, xen_netmodesd_main, 0 },
};

#define N_APPLETS (sizeof(applets) / sizeof(applets[0]))

static const struct applet *find_applet(const char *name)
{
	for (size_t i = 0; i < N_APPLETS; i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

/*
 * A per-vif call goes to xen-netmodesd when one is listening, and is made
 * here only when the daemon never took it; all of it by deadline.
 */
static int run_vif_mode(const struct applet *a, const struct invocation *inv, deadline_t deadline)
{
	struct nm_err e = { "" };
	int status;

	if (inv->rc < 0) {
		vif_flow_refused(a->name, inv->err.msg, inv);
		return 1;
	}
	switch ((status = daemon_client_call(a->name, inv, deadline, &e))) {
	case DAEMON_LOCAL:
		if (inv->daemon != DAEMON_ALWAYS || inv->dry_run)
			return vif_flow_run(a->name, a->planner, inv, deadline);
		vif_flow_refused(a->name, "xen-netmodesd did not make the call (XEN_NETMODES_DAEMON=yes)",
				 inv);
		return 1;
	case DAEMON_LOST: /* the daemon is gone: no one else reports it */
		vif_flow_refused(a->name, e.msg, inv);
		return 1;
	case DAEMON_LATE: /* the daemon may still make it, and reports it then */
		log_init(a->name);
		log_line(LOG_ERR, "%s", e.msg);
		return 1;
	default:
		return status;
	}
}

static int run_applet(const struct applet *a, const struct invocation *inv, deadline_t deadline)
{
	return a->planner ? run_vif_mode(a, inv, deadline) : a->main(a->name, inv, deadline);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static vif_planner *planner_of(const char *name)
{
	const struct applet *a = find_applet(name);

	return a ? a->planner : NULL;
}

#ifdef XNM_DAEMON_BUILD
static const char *vif_mode(const char *name, vif_planner **planner)
{
	const struct applet *a = find_applet(name);

	if (!a || !a->planner)
		return NULL;
	*planner = a->planner;
	return a->name;
}
#endif

static int xen_netmodesd_main(const char *name, const struct invocation *inv, deadline_t deadline)
{
	(void)name;
	(void)deadline;
#ifdef XNM_DAEMON_BUILD
	return daemon_main(inv->argc, inv->argv, vif_mode);
#else
	/* Its threads share one xenstore connection: only the thread-safe shared libxenstore will do. */
	(void)inv;
	fprintf(stderr, "xen-netmodesd: this is the one-shot program; the daemon is the "
			"xen-netmodesd program beside it\n");
	return 1;
#endif
}

static bool is_vif_mode(const char *name)
{
	const struct applet *a = find_applet(name);

	return a && a->planner;
}

/* udev's path: $script names the vif script, vif-bridge by default. */
static int vif_setup_main(const char *name, const struct invocation *inv, deadline_t deadline)
{
	const char *applet;
	char dir[PATH_MAX], path[PATH_MAX];
	struct nm_err e = { "" };

	script_dir_of(inv->argv[0], dir, sizeof(dir));
	if (vif_setup_resolve(getenv("script"), dir, is_vif_mode, &applet, path, sizeof(path),
			      &e) < 0) {
		vif_flow_refused(name, e.msg, inv);
		return 1;
	}
	if (applet)
		return run_applet(find_applet(applet), inv, deadline);
	inv->argv[0] = path;
	execv(path, inv->argv);
	log_init(name);
	log_line(LOG_ERR, "cannot run %s: %s", path, strerror(errno));
	return 1;
}

static int usage(FILE *out, int status)
{
	usage_print("xen-netmodes", out);
	return status;
}

int main(int argc, char **argv)
{
	/* The call's one deadline starts with the process. */
	deadline_t deadline = deadline_in(call_budget_ms(environ));
	const struct applet *a = find_applet(base_name(argv[0]));
	struct invocation inv;

	if (!a) {
		if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
			return usage(argc < 2 ? stderr : stdout, argc < 2 ? 1 : 0);
		if (!strcmp(argv[1], "status"))
			return status_main(argc - 1, argv + 1);
		if (!strcmp(argv[1], "check"))
			return check_main(argc - 1, argv + 1, planner_of);
		if (!(a = find_applet(argv[1]))) {
			fprintf(stderr, "xen-netmodes: unknown applet \"%s\"\n", argv[1]);
			return usage(stderr, 1);
		}
		argc--;
		argv++;
	}
	(void)invocation_parse(argc, argv, environ, a->accept, &inv);
	/* Help before anything else: it reads nothing, and changes nothing. */
	if (inv.help) {
		usage_print(a->name, stdout);
		return 0;
	}
	return run_applet(a, &inv, deadline);
}
