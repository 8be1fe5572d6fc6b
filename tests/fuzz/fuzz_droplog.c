/*
 * The drop log's text on arbitrary bytes: a record of /dev/kmsg (not
 * NUL-terminated, read no further than its length), and what it yields
 * written into the daemon's line, whole and into a buffer too small.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug/daemon/droplog_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *rec = malloc(size ? size : 1), line[512], small[24];
	struct drop_record r;
	struct drop_guest g = { .has_domain = true };
	struct port_drops d = { .present = true };

	if (!rec)
		return 0;
	memcpy(rec, data, size); /* its own allocation: ASan sees a read past size */
	if (drop_record_parse(rec, size, &r)) {
		if (!r.ifname[0] || strlen(r.ifname) >= IFNAMSIZ || (unsigned)r.kind >= DROP_KINDS ||
		    strchr(r.ifname, '/') || strchr(r.ifname, ' '))
			abort();
		memcpy(g.ifname, r.ifname, sizeof(g.ifname));
		g.has_domain = drop_vif_name(r.ifname, &g.domid, &g.devid);
		memcpy(g.name, r.ifname, sizeof(r.ifname));
		d.packets[r.kind] = r.usec;
		drop_line(&g, r.kind, &d, r.usec & 1, line, sizeof(line));
		if (strlen(line) >= sizeof(line) || !strstr(line, "dropping frames: "))
			abort();
		drop_line(&g, r.kind, &d, false, small, sizeof(small));
		if (strlen(small) != sizeof(small) - 1)
			abort();
	}
	free(rec);
	return 0;
}
