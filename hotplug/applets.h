/*
 * Every program this project is, one row each: the per-vif modes, the
 * per-host calls and the tools. main, status, check, the daemon and its
 * watch, --help and the build (the links make and make install create:
 * `xen-netmodes --list`) all read this table. Adding a mode is its
 * planner in netmodes/ and one row here.
 */
#ifndef HOTPLUG_APPLETS_H
#define HOTPLUG_APPLETS_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/modes/modes.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/port_filter.h"
#include "hotplug/call/deadline.h"
#include "hotplug/call/invocation.h"

enum applet_kind {
	APPLET_VIF,	/* a per-vif mode: online|offline|add|remove, maybe through the daemon */
	APPLET_NETWORK, /* a per-host call: start|stop|status */
	APPLET_TOOL,	/* anything else, with its own main */
};

struct applet;
typedef int applet_main(const struct applet *a, const struct invocation *inv, deadline_t deadline);

struct applet {
	const char *name;    /* what it is run as: "vif-bridge" */
	const char *summary; /* one line, for xen-netmodes --help */
	enum applet_kind kind;
	bool linked;	 /* a link of this name is installed beside the scripts (else: xen-netmodes NAME) */
	unsigned accept; /* enum inv_accept */
	/* APPLET_VIF */
	vif_planner *plan;
	enum port_kind port; /* the table its vifs are filtered in */
	const char *mode;    /* status's name for it: "bridge" */
	/* APPLET_NETWORK */
	network_planner *net_plan;
	network_status *net_status;
	unsigned net_keys; /* enum network_keys */
	/* APPLET_TOOL */
	applet_main *main;
};

extern const struct applet applets[];
extern const size_t n_applets;

/* The row called name; NULL when none. */
const struct applet *applet_find(const char *name);

/* The per-vif mode a backend's script node names (a path or a bare name); NULL: not ours. */
const struct applet *applet_of_script(const char *script);

#endif
