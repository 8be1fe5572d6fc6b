/*
 * NAT mode's table, "ip xen-netmodes-nat", owned by the project:
 *
 *   chain postrouting { type nat hook postrouting priority srcnat;
 *                       ip saddr RANGE oifname NETDEV masquerade }
 *   chain forward { type filter hook forward priority filter;
 *                   iifname NETDEV ip daddr RANGE ct state new counter drop }
 *
 * Guests reach the LAN behind dom0's address; the LAN opens nothing toward
 * them. Created and deleted in one batch each; no other table is touched.
 */
#ifndef NETMODES_NFT_NAT_H
#define NETMODES_NFT_NAT_H

#include <stdbool.h>
#include <stdio.h>

#include "netmodes/err.h"
#include "netmodes/netaddr.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/plan.h"

#define NFT_NAT_TABLE "xen-netmodes-nat"

/* 1, 0, or -errno with e set. */
int nft_nat_exists(struct nft_conn *nft, struct nm_err *e);

/*
 * Plan operation: create (range, netdev) or delete the table on nft; each
 * undoes the other.
 */
int op_nat_table(struct plan *p, struct nft_conn *nft, bool create, const struct prefix *range,
		 const char *netdev);

#endif
