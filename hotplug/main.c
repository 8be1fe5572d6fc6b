/*
 * xen-netmodes: one binary, many names. The toolstack runs it as the
 * script it replaces (a link named vif-bridge...); run as xen-netmodes,
 * its first argument names the applet.
 */
#include <stdio.h>
#include <string.h>

#include "hotplug/applets.h"
#include "hotplug/call/deadline.h"
#include "hotplug/dispatch.h"
#include "hotplug/call/invocation.h"
#include "hotplug/call/log.h"
#include "hotplug/usage.h"

extern char **environ;

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The names make and make install link to this binary, one per line. */
static int list_links(void)
{
	for (size_t i = 0; i < n_applets; i++)
		if (applets[i].linked)
			printf("%s\n", applets[i].name);
	return 0;
}

int main(int argc, char **argv)
{
	/* The call's one deadline starts with the process. */
	deadline_t deadline = deadline_in(call_budget_ms(environ));
	const struct applet *a = applet_find(base_name(argv[0]));
	struct invocation inv;

	if (!a || !a->linked) {
		if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			usage_print("xen-netmodes", argc < 2 ? stderr : stdout);
			return argc < 2 ? 1 : 0;
		}
		if (!strcmp(argv[1], "--list"))
			return list_links();
		if (!(a = applet_find(argv[1]))) {
			fprintf(stderr, "xen-netmodes: unknown applet \"%s\"\n", argv[1]);
			usage_print("xen-netmodes", stderr);
			return 1;
		}
		argc--;
		argv++;
	}
	(void)invocation_parse(argc, argv, environ, a->accept, &inv);
	log_set_dir(inv.log_dir);
	/* Help before anything else: it reads nothing, and changes nothing. */
	if (inv.help) {
		usage_print(a->name, stdout);
		return 0;
	}
	return applet_run(a, &inv, deadline);
}
