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
#include "log.h"
#include "network_flow.h"
#include "status.h"
#include "vif_flow.h"
#include "vif_setup.h"

extern char **environ;

struct applet {
	const char *name;
	vif_planner *planner; /* per-vif modes */
	int (*main)(const char *name, int argc, char **argv); /* the others */
	const char *summary;
};

static int vif_setup_main(const char *name, int argc, char **argv);
static int xen_netmodesd_main(const char *name, int argc, char **argv);

static int network_route_main(const char *name, int argc, char **argv)
{
	return network_flow_run(name, network_route_plan, network_route_status, 0, argc, argv,
				environ);
}

static int network_nat_main(const char *name, int argc, char **argv)
{
	return network_flow_run(name, network_nat_plan, network_nat_status, NET_KEY_DHCP, argc, argv,
				environ);
}

static int network_bridge_main(const char *name, int argc, char **argv)
{
	return network_flow_run(name, network_bridge_plan, network_bridge_status,
				NET_KEY_BRIDGE | NET_ANTISPOOF_OFF, argc, argv, environ);
}

static const struct applet applets[] = {
	{ "vif-bridge", bridge_plan, NULL, "attach a guest's vif to a bridge, with anti-spoofing" },
	{ "vif-route", route_plan, NULL, "route a guest's addresses to its vif, with anti-spoofing" },
	{ "vif-nat", nat_plan, NULL, "give a guest a private address behind NAT, with DHCP" },
	{ "network-bridge", NULL, network_bridge_main, "move the host's network onto a bridge" },
	{ "network-route", NULL, network_route_main, "prepare the host for routed guests" },
	{ "network-nat", NULL, network_nat_main, "prepare the host for NAT guests" },
	{ "vif-setup", NULL, vif_setup_main, "run the vif script named by $script" },
	{ "xen-netmodes-cleanup", NULL, cleanup_main, "forget a removed vif backend, for udev" },
	{ "xen-netmodesd", NULL, xen_netmodesd_main, "serve the per-vif modes from a resident process" },
};

#define N_APPLETS (sizeof(applets) / sizeof(applets[0]))

static const struct applet *find_applet(const char *name)
{
	for (size_t i = 0; i < N_APPLETS; i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

/* A per-vif call goes to xen-netmodesd when one is listening, else it is made here. */
static int run_applet(const struct applet *a, int argc, char **argv)
{
	int status;

	if (!a->planner)
		return a->main(a->name, argc, argv);
	if ((status = daemon_client_call(a->name, argc, argv, environ)) >= 0)
		return status;
	if (status == DAEMON_REQUIRED) {
		vif_flow_refused(a->name, "xen-netmodesd did not make the call (XEN_NETMODES_DAEMON=yes)",
				 argc, argv, environ);
		return 1;
	}
	return vif_flow_run(a->name, a->planner, argc, argv, environ);
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

static int xen_netmodesd_main(const char *name, int argc, char **argv)
{
	(void)name;
#ifdef XNM_DAEMON_BUILD
	return daemon_main(argc, argv, vif_mode);
#else
	/* Its threads share one xenstore connection: only the thread-safe shared libxenstore will do. */
	(void)argc;
	(void)argv;
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
static int vif_setup_main(const char *name, int argc, char **argv)
{
	const char *applet;
	char dir[PATH_MAX], path[PATH_MAX];
	struct nm_err e = { "" };

	script_dir_of(argv[0], dir, sizeof(dir));
	if (vif_setup_resolve(getenv("script"), dir, is_vif_mode, &applet, path, sizeof(path),
			      &e) < 0) {
		vif_flow_refused(name, e.msg, argc, argv, environ);
		return 1;
	}
	if (applet)
		return run_applet(find_applet(applet), argc, argv);
	argv[0] = path;
	execv(path, argv);
	log_init(name);
	log_line(LOG_ERR, "cannot run %s: %s", path, strerror(errno));
	return 1;
}

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: xen-netmodes APPLET [ARGS...]   or run as APPLET itself\n"
		     "       xen-netmodes status [--json]      every vif this project manages\n"
		     "       xen-netmodes check VIF            what differs from its configuration\n\n");
	for (size_t i = 0; i < N_APPLETS; i++)
		fprintf(out, "  %-16s %s\n", applets[i].name, applets[i].summary);
	fprintf(out, "\nPer-vif applets take: online|offline|add|remove [type_if=vif|tap] "
		     "[VAR=VAL...] [--dry-run]\n"
		     "network-* applets take: start|stop|status [VAR=VAL...] [--dry-run] [--json]\n");
	return status;
}

int main(int argc, char **argv)
{
	const struct applet *a = find_applet(base_name(argv[0]));

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
	return run_applet(a, argc, argv);
}
