/*
 * A port filter's --dry-run text: what its plan operations would send, in
 * nft(8) syntax.
 */
#ifndef NETMODES_NFT_PORT_DESCRIBE_H
#define NETMODES_NFT_PORT_DESCRIBE_H

#include <stdbool.h>
#include <stdio.h>

#include "netmodes/nft/port_types.h"

/*
 * Print what nft_port_set / nft_port_clear would do given state s, in nft(8)
 * syntax, one line per table object, rule or element, each prefixed "nft ".
 */
void nft_port_describe_set(const struct port_filter *f, const struct port_state *s, FILE *out);
void nft_port_describe_clear(const struct port_state *s, FILE *out);

/* The table's creation (its rules) or deletion. */
void nft_port_describe_table(enum port_kind kind, bool create, FILE *out);

#endif
