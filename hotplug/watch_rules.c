#include "watch_rules.h"

#include <stdbool.h>
#include <string.h>

static bool is(const char *v, const char *want)
{
	return v && !strcmp(v, want);
}

struct watch_verdict watch_decide(const struct vif_nodes *n, enum watch_cmd last)
{
	bool coming = is(n->online, "1") &&
		      (is(n->state, "2") || is(n->state, "3") || is(n->state, "4"));
	bool going = is(n->online, "0") && (is(n->state, "5") || is(n->state, "6"));
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
