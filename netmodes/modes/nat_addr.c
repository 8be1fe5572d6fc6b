#include "netmodes/modes/nat_addr.h"

#include <errno.h>
#include <stdio.h>

#define ROUTER_OFFSET 127

int nat_addresses(const struct prefix_list *ip, unsigned domid, unsigned handle,
		  struct prefix *ret_guest, struct prefix *ret_router, struct nm_err *e)
{
	struct prefix guest = { .family = AF_INET, .len = 32 }, router;
	char buf[PREFIX_STR_LEN];
	uint8_t *b = guest.addr.raw;

	if (ip->n) {
		if (ip->n != 1 || ip->p[0].family != AF_INET || ip->p[0].len != 32)
			return nm_fail(e, -EINVAL,
				       "vif-nat needs ip to be one IPv4 address, not \"%s\"",
				       prefix_list_format(ip, buf, sizeof(buf)));
		guest = ip->p[0];
	} else {
		if (domid > 65535 || handle + 1 > 255)
			return nm_fail(e, -ERANGE,
				       "no address can be derived for domain %u, vif %u: "
				       "10.%u.%u.%u leaves the octet range; set ip",
				       domid, handle, domid / 256, domid % 256, handle + 1);
		b[0] = 10;
		b[1] = (uint8_t)(domid / 256);
		b[2] = (uint8_t)(domid % 256);
		b[3] = (uint8_t)(handle + 1);
	}
	if (b[3] + ROUTER_OFFSET > 255)
		return nm_fail(e, -ERANGE,
			       "no router address for %u.%u.%u.%u: its last octet plus %d leaves "
			       "0..255; use a guest address whose last octet is at most %d",
			       b[0], b[1], b[2], b[3], ROUTER_OFFSET, 255 - ROUTER_OFFSET);
	router = guest;
	router.addr.raw[3] = (uint8_t)(b[3] + ROUTER_OFFSET);
	*ret_guest = guest;
	*ret_router = router;
	return 0;
}
