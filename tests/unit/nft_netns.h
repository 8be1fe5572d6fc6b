/*
 * Shared by the unit tests of nftables objects against this kernel, each in
 * a network namespace of its own: the namespace, entered by cmocka's group
 * setup, and its nftables connection, dropped by the group teardown; a
 * plan's --dry-run text; a command run in the namespace, and its output.
 */
#ifndef TESTS_NFT_NETNS_H
#define TESTS_NFT_NETNS_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Runs cmd through the shell (nft(8), ip(8) in the namespace); 0, or says which failed. */
__attribute__((unused)) static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "failed: %s\n", cmd);
	return rc;
}

/* A command's output (static storage; "" when it failed). */
__attribute__((unused)) static const char *output(const char *cmd)
{
	static char buf[16384];
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!p)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	if (pclose(p) != 0)
		buf[0] = '\0';
	return buf;
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
