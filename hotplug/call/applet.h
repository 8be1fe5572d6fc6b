/*
 * One row of the applet table (hotplug/applets.c): a program this project
 * is, as its name, its usage text and what runs it. The table is passed
 * down to whatever reads it (status, check, the daemon and its watch), so
 * nothing below main includes the table itself.
 */
#ifndef HOTPLUG_CALL_APPLET_H
#define HOTPLUG_CALL_APPLET_H

#include <stdbool.h>
#include <stddef.h>

#include "netmodes/modes/modes.h"
#include "netmodes/modes/network.h"
#include "netmodes/nft/port_types.h"
#include "hotplug/call/deadline.h"
#include "hotplug/call/invocation.h"

enum applet_kind {
	APPLET_VIF,	/* a per-vif mode: online|offline|add|remove, maybe through the daemon */
	APPLET_NETWORK, /* a per-host call: start|stop|status */
	APPLET_TOOL,	/* anything else, with its own main */
};

struct applet;
struct applet_table;
typedef int applet_main(const struct applet *a, const struct applet_table *all,
			const struct invocation *inv, deadline_t deadline);
/*
 * Which applet makes the call (vif-setup's: the one $script names): that
 * row, or NULL when none does, with *ret_status the call's exit status.
 */
typedef const struct applet *applet_choose(const struct applet *a, const struct applet_table *all,
					   const struct invocation *inv, int *ret_status);

struct applet {
	const char *name;    /* what it is run as: "vif-bridge" */
	const char *summary; /* one line, for xen-netmodes --help */
	const char *usage;   /* what its --help prints */
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
	/* APPLET_TOOL: its main, or the applet it chooses to make the call */
	applet_main *main;
	applet_choose *choose;
	const char *default_script; /* the script chosen when none is named */
};

struct applet_table {
	const struct applet *rows;
	size_t n;
};

/* The row called name; NULL when none. */
const struct applet *applet_find(const struct applet_table *t, const char *name);

/* The per-vif mode a backend's script node names (a path or a bare name); NULL: not ours. */
const struct applet *applet_of_script(const struct applet_table *t, const char *script);

#endif
