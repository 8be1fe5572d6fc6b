/* NAT mode's addresses: the guest's, and the router address dom0 takes on its vif. */
#ifndef NETMODES_NAT_ADDR_H
#define NETMODES_NAT_ADDR_H

#include "netmodes/err.h"
#include "netmodes/netaddr.h"

/*
 * The guest's address: the one IPv4 address in ip, else derived as the
 * shell script does, 10.(domid / 256).(domid % 256).(handle + 1). The
 * router's: the guest's with 127 added to the last octet. Where the script
 * would produce an octet past 255 this fails with -ERANGE and a message
 * saying which address and what to set instead. Both results are /32.
 */
int nat_addresses(const struct prefix_list *ip, unsigned domid, unsigned handle,
		  struct prefix *ret_guest, struct prefix *ret_router, struct nm_err *e);

#endif
