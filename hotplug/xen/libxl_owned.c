#include "hotplug/xen/libxl_owned.h"

#include <stdio.h>

#include "hotplug/xen/xs.h"

#define DISABLE_UDEV_NODE "/local/domain/0/libxl/disable_udev"

bool libxl_runs_scripts(struct xs_handle *xs, unsigned domid)
{
	char path[32];

	snprintf(path, sizeof(path), "/libxl/%u", domid);
	return xsw_exists(xs, path) || xsw_exists(xs, DISABLE_UDEV_NODE);
}
