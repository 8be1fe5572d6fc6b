#include "netmodes/modes/vif_claim.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netmodes/rtnl/links.h"

void claim_alias(unsigned domid, unsigned devid, char ret[CLAIM_LEN])
{
	snprintf(ret, CLAIM_LEN, CLAIM_PREFIX "backend/vif/%u/%u", domid, devid);
}

/* SYSFS/class/net/NAME/ifindex is l's: the entry describes this very device. */
static bool sysfs_is(const char *sysfs, const struct link_info *l)
{
	char path[PATH_MAX], buf[32];
	FILE *f;
	bool same = false;

	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", sysfs, l->name);
	if (!(f = fopen(path, "re")))
		return false;
	if (fgets(buf, sizeof(buf), f))
		same = strtol(buf, NULL, 10) == l->ifindex;
	fclose(f);
	return same;
}

/* The last component of the device link's target, "" when there is no link. */
static void device_of(const char *sysfs, const char *name, char *ret, size_t n)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t len;
	const char *base;

	ret[0] = '\0';
	snprintf(path, sizeof(path), "%s/class/net/%s/device", sysfs, name);
	len = readlink(path, target, sizeof(target) - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	len = (ssize_t)strlen(base);
	if ((size_t)len >= n)
		len = (ssize_t)n - 1;
	memcpy(ret, base, (size_t)len);
	ret[len] = '\0';
}

/* The device l's own sysfs entry links to, "" when none (or the entry is not l's). */
static void own_device(const char *sysfs, const struct link_info *l, char *ret, size_t n)
{
	ret[0] = '\0';
	if (sysfs_is(sysfs, l))
		device_of(sysfs, l->name, ret, n);
}

/* "vif-D-N", netback's name for backend/vif/D/N. */
static bool netback_device(const char *dev, unsigned *domid, unsigned *devid)
{
	int end = 0;

	return sscanf(dev, "vif-%u-%u%n", domid, devid, &end) == 2 && !dev[end];
}

/* The claim's "xen-netmodes:backend/vif/D/N", digits only. */
static bool claim_of(const char *alias, unsigned *domid, unsigned *devid)
{
	char d[8], n[8];
	int end = 0;

	if (strncmp(alias, CLAIM_PREFIX, strlen(CLAIM_PREFIX)) ||
	    sscanf(alias + strlen(CLAIM_PREFIX), "backend/vif/%7[0-9]/%7[0-9]%n", d, n, &end) != 2 ||
	    alias[strlen(CLAIM_PREFIX) + (size_t)end])
		return false;
	*domid = (unsigned)strtoul(d, NULL, 10);
	*devid = (unsigned)strtoul(n, NULL, 10);
	return true;
}

void claim_read(const char *sysfs, const struct link_info *l, unsigned domid, unsigned devid,
		struct vif_claim *ret)
{
	char ours[CLAIM_LEN], dev[128], want[32];
	unsigned d, n;

	memset(ret, 0, sizeof(*ret));
	own_device(sysfs, l, dev, sizeof(dev));
	if (dev[0]) {
		ret->by_device = true;
		snprintf(want, sizeof(want), "vif-%u-%u", domid, devid);
		if (!strcmp(dev, want)) {
			ret->state = CLAIM_OURS;
		} else {
			ret->state = CLAIM_OTHER;
			if (netback_device(dev, &d, &n))
				snprintf(ret->owner, sizeof(ret->owner), "backend/vif/%u/%u", d, n);
			else
				snprintf(ret->owner, sizeof(ret->owner), "device %s", dev);
		}
		return;
	}
	claim_alias(domid, devid, ours);
	if (!strcmp(l->alias, ours))
		ret->state = CLAIM_OURS;
	else if (!strncmp(l->alias, CLAIM_PREFIX, strlen(CLAIM_PREFIX))) {
		ret->state = CLAIM_OTHER;
		snprintf(ret->owner, sizeof(ret->owner), "%s", l->alias + strlen(CLAIM_PREFIX));
	}
}

bool claim_owner(const char *sysfs, const struct link_info *l, unsigned *domid, unsigned *devid)
{
	char dev[128];

	own_device(sysfs, l, dev, sizeof(dev));
	if (dev[0])
		return netback_device(dev, domid, devid);
	return claim_of(l->alias, domid, devid);
}
