/* xen-netmodesd's pure parts: the wire format, the watch's rules, the call environment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug/daemon/daemon_proto.h"
#include "hotplug/call/invocation.h"
#include "hotplug/daemon/watch_rules.h"

static char *argv3[] = { "/etc/xen/scripts/vif-bridge", "online", "type_if=vif", NULL };
static char *env2[] = { "XENBUS_PATH=backend/vif/3/1", "vif=vif3.1", NULL };

static void test_request_round_trip(void **state)
{
	char buf[4096];
	struct dproto_request r;
	size_t len = dproto_pack_request(buf, sizeof(buf), 30000, "vif-bridge", 3, argv3, env2);

	(void)state;
	assert_true(len > 12);
	assert_int_equal(dproto_unpack_request(buf, len, &r), 0);
	assert_string_equal(r.prog, "vif-bridge");
	assert_int_equal(r.argc, 3);
	assert_string_equal(r.argv[0], argv3[0]);
	assert_string_equal(r.argv[2], "type_if=vif");
	assert_null(r.argv[3]);
	assert_string_equal(r.envp[0], env2[0]);
	assert_string_equal(r.envp[1], "vif=vif3.1");
	assert_null(r.envp[2]);
}

static void test_request_malformed(void **state)
{
	char buf[4096], copy[4096];
	struct dproto_request r;
	size_t len = dproto_pack_request(buf, sizeof(buf), 30000, "vif-bridge", 3, argv3, env2);
	uint32_t big = DPROTO_MAX_ARGS + 1, zero = 0;

	(void)state;
	/* every cut short of the whole is refused: a missing string or NUL */
	for (size_t n = 0; n < len; n++) {
		memcpy(copy, buf, len);
		assert_int_equal(dproto_unpack_request(copy, n, &r), -EBADMSG);
	}
	memcpy(copy, buf, len);
	copy[len] = 'x'; /* a byte left over */
	assert_int_equal(dproto_unpack_request(copy, len + 1, &r), -EBADMSG);
	memcpy(copy, buf, len);
	copy[0] = 'Y'; /* wrong magic */
	assert_int_equal(dproto_unpack_request(copy, len, &r), -EBADMSG);
	memcpy(copy, buf, len);
	memcpy(copy + 4, &big, 4); /* too many arguments */
	assert_int_equal(dproto_unpack_request(copy, len, &r), -EBADMSG);
	memcpy(copy, buf, len);
	memcpy(copy + 4, &zero, 4); /* no argv[0] */
	assert_int_equal(dproto_unpack_request(copy, len, &r), -EBADMSG);
}

static void test_request_too_big(void **state)
{
	char small[32], *many[DPROTO_MAX_ARGS + 2];

	(void)state;
	assert_int_equal(dproto_pack_request(small, sizeof(small), 30000, "vif-bridge", 3, argv3, env2), 0);
	for (int i = 0; i <= DPROTO_MAX_ARGS; i++)
		many[i] = "x";
	many[DPROTO_MAX_ARGS + 1] = NULL;
	assert_int_equal(dproto_pack_request(small, sizeof(small), 30000, "p", DPROTO_MAX_ARGS + 1, many, NULL),
			 0);
}

static void test_reply(void **state)
{
	char buf[DPROTO_MAX_REPLY], big[DPROTO_MAX_REPLY + 100];
	const char *text;
	size_t len, text_len;
	int status;

	(void)state;
	len = dproto_pack_reply(buf, sizeof(buf), 1, "vif-bridge: bad mac\n", 20);
	assert_int_equal(dproto_unpack_reply(buf, len, &status, &text, &text_len), 0);
	assert_int_equal(status, 1);
	assert_int_equal(text_len, 20);
	assert_memory_equal(text, "vif-bridge: bad mac\n", 20);
	len = dproto_pack_reply(buf, sizeof(buf), DPROTO_NOT_SERVED, "", 0);
	assert_int_equal(dproto_unpack_reply(buf, len, &status, &text, &text_len), 0);
	assert_int_equal(status, DPROTO_NOT_SERVED);
	memset(big, 'a', sizeof(big));
	len = dproto_pack_reply(buf, sizeof(buf), 0, big, sizeof(big)); /* cut to fit */
	assert_int_equal(len, DPROTO_MAX_REPLY);
	buf[4] = 7; /* status 7 is no exit status of ours, but a valid byte: kept */
	assert_int_equal(dproto_unpack_reply(buf, len, &status, &text, &text_len), 0);
	memcpy(buf + 4, &(int32_t){ 300 }, 4);
	assert_int_equal(dproto_unpack_reply(buf, len, &status, &text, &text_len), -EBADMSG);
	assert_int_equal(dproto_unpack_reply("XNMr", 4, &status, &text, &text_len), -EBADMSG);
}

static struct watch_verdict decide(const char *online, const char *state, const char *status,
				   enum watch_cmd last)
{
	struct vif_nodes n = { online, state, status };

	return watch_decide(&n, last);
}

static void test_watch_coming(void **state)
{
	(void)state;
	/* netback's InitWait with online=1: bring it up, once */
	assert_int_equal(decide("1", "2", "", WATCH_NONE).run, WATCH_ONLINE);
	assert_int_equal(decide("1", "2", NULL, WATCH_NONE).run, WATCH_ONLINE);
	assert_int_equal(decide("1", "4", "", WATCH_OFFLINE).run, WATCH_ONLINE);
	assert_int_equal(decide("1", "2", "", WATCH_ONLINE).run, WATCH_NONE);
	/* already connected (by a client, before a daemon restart): remembered, not redone */
	assert_int_equal(decide("1", "4", "connected", WATCH_NONE).run, WATCH_NONE);
	assert_int_equal(decide("1", "4", "connected", WATCH_NONE).now, WATCH_ONLINE);
	/* a failed call is the toolstack's to retry */
	assert_int_equal(decide("1", "2", "error", WATCH_NONE).run, WATCH_NONE);
	/* state 1 (the vif does not exist yet), or no online node: nothing */
	assert_int_equal(decide("1", "1", "", WATCH_NONE).run, WATCH_NONE);
	assert_int_equal(decide(NULL, "2", "", WATCH_NONE).run, WATCH_NONE);
	assert_int_equal(decide("yes", "2", "", WATCH_NONE).run, WATCH_NONE);
	assert_int_equal(decide("1", "04", "", WATCH_NONE).run, WATCH_NONE);
	assert_int_equal(decide("1", "4 ", "", WATCH_NONE).run, WATCH_NONE);
}

static void test_watch_going(void **state)
{
	(void)state;
	assert_int_equal(decide("0", "5", "connected", WATCH_ONLINE).run, WATCH_OFFLINE);
	assert_int_equal(decide("0", "6", "connected", WATCH_NONE).run, WATCH_OFFLINE);
	assert_int_equal(decide("0", "6", "connected", WATCH_NONE).now, WATCH_OFFLINE);
	/* once only: Closing then Closed */
	assert_int_equal(decide("0", "6", "connected", WATCH_OFFLINE).run, WATCH_NONE);
	/* never brought up: nothing to take down */
	assert_int_equal(decide("0", "5", "", WATCH_NONE).run, WATCH_NONE);
	/* online=0 but still connected state: not going yet */
	assert_int_equal(decide("0", "4", "connected", WATCH_ONLINE).run, WATCH_NONE);
	assert_int_equal(decide("0", "4", "connected", WATCH_ONLINE).now, WATCH_ONLINE);
}

/* A call's environment comes from the envp it is given, never from the process's. */
static void test_callenv(void **state)
{
	char *argv[] = { "vif-bridge", "online", NULL };
	char *env[] = { "XEN_NETMODES_RUN_DIR=/tmp/x", "XEN_NETMODES_CONFIG=no",
			"XEN_NETMODES_LOCK_DIR=/tmp/locks", "XEN_NETMODES_FAIL_AT=3", NULL };
	char *empty[] = { "XEN_NETMODES_RUN_DIR=", NULL };
	struct invocation inv;

	(void)state;
	setenv("XEN_NETMODES_MOUNTS", "/tmp/mounts", 1);
	(void)invocation_parse(2, argv, env, INV_DAEMON, &inv);
	assert_string_equal(inv.env.run_dir, "/tmp/x");
	assert_string_equal(inv.env.lock_dir, "/tmp/locks");
	assert_string_equal(inv.env.conf, "/etc/xen/xen-netmodes.conf"); /* a prefix of another name is not it */
	assert_string_equal(inv.env.mounts, "/proc/self/mounts"); /* not the process's */
	assert_string_equal(inv.env.fail_at, "3");
	assert_null(inv.env.event_at);
	(void)invocation_parse(2, argv, empty, INV_DAEMON, &inv);
	assert_string_equal(inv.env.run_dir, "/run/xen-netmodes");
	assert_string_equal(inv.env.lock_dir, "/var/run/xen-hotplug");
	unsetenv("XEN_NETMODES_MOUNTS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip), cmocka_unit_test(test_request_malformed),
		cmocka_unit_test(test_request_too_big),	   cmocka_unit_test(test_reply),
		cmocka_unit_test(test_watch_coming),	   cmocka_unit_test(test_watch_going),
		cmocka_unit_test(test_callenv),
	};

	return cmocka_run_group_tests_name("daemon", tests, NULL, NULL);
}
