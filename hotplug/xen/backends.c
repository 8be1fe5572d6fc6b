#include "hotplug/xen/backends.h"

#include <stdio.h>
#include <stdlib.h>

#include <xenstore.h>

#include "netmodes/modes/vif.h"
#include "hotplug/xen/xs.h"

int backends_each(struct xs_handle *xs,
		  int (*fn)(const char *be, unsigned domid, unsigned devid, void *arg), void *arg)
{
	unsigned nd = 0;
	char **doms = xs_directory(xs, XBT_NULL, VIF_BACKENDS, &nd);
	int rc = 0;

	for (unsigned i = 0; doms && i < nd && !rc; i++) {
		char path[XS_PATH_LEN], be[XS_PATH_LEN + 16], **devs;
		unsigned ndev = 0;
		snprintf(path, sizeof(path), VIF_BACKENDS "/%s", doms[i]);
		devs = xs_directory(xs, XBT_NULL, path, &ndev);
		for (unsigned j = 0; devs && j < ndev && !rc; j++) {
			snprintf(be, sizeof(be), "%s/%s", path, devs[j]);
			rc = fn(be, (unsigned)strtoul(doms[i], NULL, 10),
				(unsigned)strtoul(devs[j], NULL, 10), arg);
		}
		free(devs);
	}
	free(doms);
	return rc;
}

void backend_ifname(struct xs_handle *xs, const char *be, unsigned domid, unsigned devid, char *buf,
		    size_t n)
{
	char path[XS_PATH_LEN + 32];

	snprintf(path, sizeof(path), "%s/vifname", be);
	if (xsw_read_opt(xs, path, buf, n, NULL) < 0 || !buf[0])
		snprintf(buf, n, "vif%u.%u", domid, devid);
}
