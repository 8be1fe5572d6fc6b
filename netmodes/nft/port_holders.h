/*
 * Who uses an anti-spoofing table (nft_port.h): the ports its ports set
 * names. network-route and network-nat share the inet table with every
 * routed and NAT vif; a stop deletes it only when no port is left in it.
 */
#ifndef NETMODES_PORT_HOLDERS_H
#define NETMODES_PORT_HOLDERS_H

#include <stddef.h>

#include "netmodes/err.h"
#include "netmodes/nft/nft_port.h"

#define PORT_HOLDERS_MAX 64

struct port_holders {
	size_t n;			       /* every port in the set */
	char name[PORT_HOLDERS_MAX][IFNAMSIZ]; /* PORT_HOLDERS_MAX of them at most, in name order */
};

/*
 * Lists the kind's ports set (one dump, read-only): none when the table
 * or the set is absent. Returns 0 or -errno with e set.
 */
int port_holders_list(struct nft_conn *nft, enum port_kind kind, struct port_holders *ret,
		      struct nm_err *e);

#endif
