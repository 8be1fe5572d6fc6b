/*
 * The end of a one-shot call's nftables connection, without making the
 * toolstack wait for the kernel's release of what the call deleted.
 */
#ifndef HOTPLUG_NFT_RELEASE_H
#define HOTPLUG_NFT_RELEASE_H

#include "netmodes/nft/nft_conn.h"

/*
 * Closes c for good, as nft_conn_close does. When the last close of its
 * socket would wait for the kernel (nft_conn_release_fd), a child process
 * that holds nothing else makes that close once the caller has let go, so
 * the caller's exit does not wait. For a process that exits soon after:
 * the toolstack waits for that exit, no one for the child's.
 */
void nft_conn_close_detached(struct nft_conn *c);

#endif
