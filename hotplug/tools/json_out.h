/* JSON's strings for status --json: whatever xenstore or the kernel hold, the output stays JSON. */
#ifndef HOTPLUG_TOOLS_JSON_OUT_H
#define HOTPLUG_TOOLS_JSON_OUT_H

#include <stdio.h>

/* s in double quotes, with JSON's escapes for '"', '\\' and every control byte. */
void json_put_string(FILE *out, const char *s);

#endif
