/*
 * status --watch's options: --interval and --count, alone and with "=",
 * read by invocation_parse for the applets that take them (INV_WATCH),
 * every bad value refused with its reason. No kernel involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug/call/invocation.h"
#include "hotplug/call/watch_opts.h"

static void expect_interval(const char *s, unsigned want)
{
	unsigned ms = 7;
	struct nm_err e = { "" };

	if (parse_watch_interval(s, &ms, &e) != 0)
		fail_msg("\"%s\" refused: %s", s, e.msg);
	assert_int_equal(ms, want);
}

static void expect_bad_interval(const char *s, const char *want)
{
	unsigned ms = 7;
	struct nm_err e = { "" };

	assert_int_equal(parse_watch_interval(s, &ms, &e), -EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", s, e.msg, want);
	assert_int_equal(ms, 7);
}

static void test_interval(void **state)
{
	(void)state;
	expect_interval("2", 2000);
	expect_interval("1", 1000);
	expect_interval("0.5", 500);
	expect_interval("0.1", 100);
	expect_interval("1.25", 1250);
	expect_interval("0.125", 125);
	expect_interval("86400", 86400000);
	expect_bad_interval("", "needs a value");
	expect_bad_interval("0", "invalid --interval \"0\": expected seconds from 0.1 to 86400");
	expect_bad_interval("0.05", "from 0.1");
	expect_bad_interval("86401", "to 86400");
	expect_bad_interval("99999999999999999999", "to 86400");
	expect_bad_interval("1.2345", "invalid --interval \"1.2345\"");
	expect_bad_interval("02", "invalid");
	expect_bad_interval("-1", "invalid");
	expect_bad_interval("+1", "invalid");
	expect_bad_interval("1.", "invalid");
	expect_bad_interval(".5", "invalid");
	expect_bad_interval("1s", "invalid");
	expect_bad_interval(" 1", "invalid");
	expect_bad_interval("1e3", "invalid");
	expect_bad_interval("nan", "invalid");
	expect_bad_interval("\x01", "\\x01");
}

static void test_count(void **state)
{
	(void)state;
	unsigned n = 7;
	struct nm_err e = { "" };

	assert_int_equal(parse_watch_count("3", &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(parse_watch_count("0", &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "1 or more"));
	assert_int_equal(parse_watch_count("", &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--count needs a value"));
	assert_int_equal(parse_watch_count("x", &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "invalid --count \"x\""));
	assert_int_equal(parse_watch_count("-1", &n, &e), -EINVAL);
	assert_int_equal(parse_watch_count("1000000001", &n, &e), -EINVAL);
	assert_int_equal(n, 3);
}

static struct invocation parse(unsigned accept, const char *a1, const char *a2, const char *a3,
			       const char *a4)
{
	const char *argv[] = { "status", a1, a2, a3, a4, NULL };
	char *envp[] = { NULL };
	int argc = 1;
	struct invocation inv;

	while (argv[argc])
		argc++;
	(void)invocation_parse(argc, (char **)argv, envp, accept, &inv);
	return inv;
}

static void test_invocation(void **state)
{
	(void)state;
	struct invocation inv = parse(INV_WATCH, "--watch", "--interval", "0.5", "--count=3");

	assert_int_equal(inv.rc, 0);
	assert_true(inv.watch);
	assert_int_equal(inv.interval_ms, 500);
	assert_int_equal(inv.count, 3);
	assert_null(inv.command);
	assert_int_equal(inv.n_assign, 0);
	inv = parse(INV_WATCH, "--watch", NULL, NULL, NULL);
	assert_int_equal(inv.rc, 0);
	assert_int_equal(inv.interval_ms, 0);
	assert_int_equal(inv.count, 0);
	inv = parse(INV_WATCH, "--interval=2", "--count", "1", NULL);
	assert_int_equal(inv.rc, 0);
	assert_int_equal(inv.interval_ms, 2000);
	assert_int_equal(inv.count, 1);
	/* a value missing at the end, a bad one, an empty one */
	inv = parse(INV_WATCH, "--watch", "--interval", NULL, NULL);
	assert_int_equal(inv.rc, -EINVAL);
	assert_non_null(strstr(inv.err.msg, "--interval needs a value"));
	inv = parse(INV_WATCH, "--watch", "--count", "zero", NULL);
	assert_int_equal(inv.rc, -EINVAL);
	assert_non_null(strstr(inv.err.msg, "invalid --count \"zero\""));
	inv = parse(INV_WATCH, "--interval=", NULL, NULL, NULL);
	assert_int_equal(inv.rc, -EINVAL);
	/* the value's word is the value, not the command */
	inv = parse(INV_WATCH, "--count", "2", "extra", NULL);
	assert_int_equal(inv.count, 2);
	assert_string_equal(inv.command, "extra");
	/* a longer flag is not --count */
	inv = parse(INV_WATCH, "--counts", NULL, NULL, NULL);
	assert_string_equal(inv.command, "--counts");
	/* the others do not take them: a word, and a VAR=VAL */
	inv = parse(INV_DAEMON, "--watch", "--interval=2", NULL, NULL);
	assert_false(inv.watch);
	assert_string_equal(inv.command, "--watch");
	assert_int_equal(inv.n_assign, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_invocation),
	};

	return cmocka_run_group_tests_name("watch_opts", tests, NULL, NULL);
}
