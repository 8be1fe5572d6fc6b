#include "hotplug/daemon/watch_rules.h"

#include <stdbool.h>
#include <string.h>

#include <xen/io/xenbus.h>

static bool is(const char *v, const char *want)
{
	return v && !strcmp(v, want);
}

/* Whether a backend's state node holds a xenbus state from lo to hi, written as the kernel writes it. */
static bool state_in(const char *v, enum xenbus_state lo, enum xenbus_state hi)
{
	if (!v || v[0] < '0' || v[0] > '9' || v[1])
		return false;
	return v[0] - '0' >= (int)lo && v[0] - '0' <= (int)hi;
}

struct watch_verdict watch_decide(const struct vif_nodes *n, enum watch_cmd last)
{
	/* set up, waiting for the frontend, or connected */
	bool coming = is(n->online, "1") &&
		      state_in(n->state, XenbusStateInitWait, XenbusStateConnected);
	/* closing or closed */
	bool going = is(n->online, "0") && state_in(n->state, XenbusStateClosing, XenbusStateClosed);
	bool connected = is(n->hotplug_status, "connected");

	if (coming) {
		if (last == WATCH_ONLINE || connected || is(n->hotplug_status, "error"))
			return (struct watch_verdict){ WATCH_NONE, WATCH_ONLINE };
		return (struct watch_verdict){ WATCH_ONLINE, WATCH_ONLINE };
	}
	if (going) {
		if (last == WATCH_ONLINE || (last == WATCH_NONE && connected))
			return (struct watch_verdict){ WATCH_OFFLINE, WATCH_OFFLINE };
		return (struct watch_verdict){ WATCH_NONE, last };
	}
	return (struct watch_verdict){ WATCH_NONE, last };
}
