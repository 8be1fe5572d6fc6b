/*
 * Shared by the unit tests of nftables objects against this kernel, each in
 * a network namespace of its own: the namespace, entered by cmocka's group
 * setup, and its nftables connection, dropped by the group teardown; a
 * plan's --dry-run text.
 */
#ifndef TESTS_NFT_NETNS_H
#define TESTS_NFT_NETNS_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/nft/nft_conn.h"
#include "netmodes/plan.h"

static struct nft_conn nft = NFT_CONN_INIT; /* the namespace's, opened on first use */

/* The group setup: a new network namespace, nothing in it but lo. */
static int netns_setup(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The group teardown. */
static int netns_teardown(void **state)
{
	(void)state;
	nft_conn_drop(&nft);
	return 0;
}

/* The plan's --dry-run text (static storage); not every test prints one. */
__attribute__((unused)) static const char *describe(const struct plan *p)
{
	static char buf[32768];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	buf[0] = '\0';
	if (!f)
		return "fmemopen failed";
	plan_describe(p, f);
	fclose(f);
	return buf;
}

#endif
