#include "hotplug/call/applet.h"

#include <string.h>

const struct applet *applet_find(const struct applet_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

const struct applet *applet_of_script(const struct applet_table *t, const char *script)
{
	const char *slash = strrchr(script, '/');
	const struct applet *a = applet_find(t, slash ? slash + 1 : script);

	return a && a->kind == APPLET_VIF ? a : NULL;
}
