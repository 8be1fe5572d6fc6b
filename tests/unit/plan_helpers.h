/*
 * Shared by the plan tests: a private network namespace of the test's own
 * (the real kernel, set up with ip(8)), and a plan's --dry-run text.
 */
#ifndef TESTS_PLAN_HELPERS_H
#define TESTS_PLAN_HELPERS_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodes/modes/modes.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/rtnl/rtnl.h"

struct rt_conn;

static struct rt_conn *sk;
static struct nft_conn nft = NFT_CONN_INIT; /* the namespace's, opened on first use */

/* Enters a new network namespace and runs the ip(8) commands given, one per string. */
static int enter_netns(const char *const *setup)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return -1;
	}
	for (; setup && *setup; setup++) {
		if (system(*setup) != 0) {
			fprintf(stderr, "setup failed: %s\n", *setup);
			return -1;
		}
	}
	return rt_open(&sk, NULL);
}

static int leave_netns(void **state)
{
	(void)state;
	rt_close(sk);
	nft_conn_drop(&nft);
	return 0;
}

/* The call environment the planners get: the run directory the suite set up. */
static const struct call_env *test_env(void)
{
	static struct call_env env;
	const char *dir = getenv("XEN_NETMODES_RUN_DIR");

	env = (struct call_env){ .run_dir = dir ? dir : CALLENV_RUN_DIR,
				 .lock_dir = CALLENV_LOCK_DIR,
				 .mounts = CALLENV_MOUNTS };
	return &env;
}

/* The plan's --dry-run text (static storage). */
static const char *describe(const struct plan *p)
{
	static char buf[16384];
	FILE *f;

	buf[0] = '\0';
	f = fmemopen(buf, sizeof(buf), "w");
	if (!f)
		return "fmemopen failed";
	plan_describe(p, f);
	fclose(f);
	return buf;
}

/* Plans r with planner; the dry-run text, or the error message when planning fails. */
static const char *plan_text(vif_planner *planner, const struct vif_request *r, int *ret_rc)
{
	static char msg[ERR_MSG_LEN];
	struct mode_ctx c = { .nl = sk, .nft = &nft, .env = test_env() };
	struct plan p = { 0 };
	struct vif_outcome out = { 0 };
	struct nm_err e = { "" };
	const char *text;

	*ret_rc = planner(r, &c, &p, &out, &e);
	if (*ret_rc < 0) {
		snprintf(msg, sizeof(msg), "%s", e.msg);
		text = msg;
	} else {
		text = describe(&p);
	}
	plan_free(&p);
	return text;
}

#endif
