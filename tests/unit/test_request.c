/* The argv and environment half of a request, as libxl, xend and udev pass them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug/vif/request.h"


static const char *libxl_env[] = { "script=/etc/xen/scripts/vif-bridge", "XENBUS_TYPE=vif",
				   "XENBUS_PATH=backend/vif/3/1", "XENBUS_BASE_PATH=backend",
				   "netdev=", "vif=vif3.1", NULL };

/* Parses argv (NULL-terminated) with envp; returns the status, fills r, params and e. */
static int parse(const char *const *argv, const char *const *envp, struct vif_request *r,
		 struct vif_params *params, struct nm_err *e)
{
	static struct invocation inv; /* params point into argv, not into inv */
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(r, 0, sizeof(*r));
	(void)invocation_parse(argc, (char **)argv, (char **)envp, INV_DAEMON, &inv);
	return request_from_invocation(r, &inv, params, e);
}

static void test_libxl_online(void **state)
{
	const char *argv[] = { "/etc/xen/scripts/vif-bridge", "online", "type_if=vif", NULL };
	struct vif_request r;
	struct vif_params p;
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(parse(argv, libxl_env, &r, &p, &e), 0);
	assert_int_equal(r.cmd, VIF_ONLINE);
	assert_int_equal(r.type, VIF_TYPE_VIF);
	assert_string_equal(r.backend, "/local/domain/0/backend/vif/3/1");
	assert_int_equal(r.domid, 3);
	assert_int_equal(r.devid, 1);
	assert_string_equal(r.dev, "vif3.1");
	assert_string_equal(r.script_dir, "/etc/xen/scripts");
	assert_false(r.dry_run);
	assert_false(r.udev_call);
	assert_string_equal(p.netdev, "");
	assert_null(p.bridge);
}

/* The shell scripts' rule: each command belongs to one device kind; the other exits 0. */
static void test_commands_and_kinds(void **state)
{
	static const struct {
		const char *cmd, *type;
		int rc;
	} cases[] = {
		{ "online", "vif", 0 }, { "offline", "vif", 0 }, { "add", "vif", 1 }, { "remove", "vif", 1 },
		{ "online", "tap", 1 }, { "offline", "tap", 1 }, { "add", "tap", 0 }, { "remove", "tap", 0 },
	};
	const char *env[] = { "XENBUS_PATH=backend/vif/3/1", "INTERFACE=vif3.1-emu", "vif=vif3.1", NULL };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char type[32];
		const char *argv[] = { "vif-bridge", cases[i].cmd, type, NULL };
		struct vif_request r;
		struct vif_params p;
		struct nm_err e = { "" };
		snprintf(type, sizeof(type), "type_if=%s", cases[i].type);
		assert_int_equal(parse(argv, env, &r, &p, &e), cases[i].rc);
		if (cases[i].rc == 0)
			assert_string_equal(r.dev, !strcmp(cases[i].type, "tap") ? "vif3.1-emu" : "vif3.1");
	}
}

static void test_precedence_and_flags(void **state)
{
	const char *argv[] = { "vif-bridge", "bridge=br1", "online", "--dry-run", "ip=10.0.0.1", NULL };
	const char *env[] = { "XENBUS_PATH=backend/vif/3/1", "bridge=br0", "ip=10.9.9.9", "netdev=eth1",
			      "UDEV_CALL=1", NULL };
	struct vif_request r;
	struct vif_params p;
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(parse(argv, env, &r, &p, &e), 0);
	assert_string_equal(p.bridge, "br1");
	assert_string_equal(p.ip, "10.0.0.1");
	assert_string_equal(p.netdev, "eth1");
	assert_true(r.dry_run);
	assert_true(r.udev_call);
	assert_string_equal(r.dev, "vif3.1"); /* no vif in env: from XENBUS_PATH */
	assert_string_equal(r.script_dir, XEN_SCRIPT_DIR);
}

static void test_dry_run_env(void **state)
{
	static const struct {
		const char *value;
		int rc;
		bool dry;
	} cases[] = { { "XEN_NETMODES_DRY_RUN=1", 0, true },	 { "XEN_NETMODES_DRY_RUN=yes", 0, true },
		      { "XEN_NETMODES_DRY_RUN=true", 0, true },	 { "XEN_NETMODES_DRY_RUN=0", 0, false },
		      { "XEN_NETMODES_DRY_RUN=no", 0, false },	 { "XEN_NETMODES_DRY_RUN=false", 0, false },
		      { "XEN_NETMODES_DRY_RUN=", 0, false },	 { "XEN_NETMODES_DRY_RUN=bogus", -EINVAL, true },
		      { "XEN_NETMODES_DRY_RUN=2", -EINVAL, true } };
	const char *argv[] = { "vif-bridge", "online", NULL };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *env[] = { "XENBUS_PATH=backend/vif/3/1", cases[i].value, NULL };
		struct vif_request r;
		struct vif_params p;
		struct nm_err e = { "" };
		assert_int_equal(parse(argv, env, &r, &p, &e), cases[i].rc);
		/* an invalid value may have been meant as a dry run: reported as one (nothing written) */
		assert_int_equal(r.dry_run, cases[i].dry);
		if (cases[i].rc) {
			char want[256];
			snprintf(want, sizeof(want),
				 "invalid XEN_NETMODES_DRY_RUN \"%s\": expected 1, yes or true (a dry run) "
				 "or 0, no, false or empty (a real run)",
				 strchr(cases[i].value, '=') + 1);
			assert_string_equal(e.msg, want);
		}
	}
}

static void test_errors(void **state)
{
	static const struct {
		const char *argv[5];
		const char *env[3];
		const char *msg;
	} cases[] = {
		{ { "vif-bridge", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "missing command: expected online, offline, add or remove" },
		{ { "vif-bridge", "start", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "invalid command \"start\": expected online, offline, add or remove" },
		{ { "vif-bridge", "online", "offline", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "unexpected argument \"offline\"" },
		{ { "vif-bridge", "online", "foo=1", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "unknown parameter \"foo=1\": expected type_if, bridge, ip, netdev or dhcp" },
		{ { "vif-bridge", "online", "1x=1", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "invalid argument \"1x=1\": expected VAR=VALUE" },
		{ { "vif-bridge", "online", "type_if=ioemu", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "unknown interface type \"ioemu\": expected vif or tap" },
		{ { "vif-bridge", "online", NULL }, { "vif=vif3.1", NULL }, "XENBUS_PATH is not set" },
		{ { "vif-bridge", "online", NULL }, { "XENBUS_PATH=backend/vif/3/1", "vif=vif 3", NULL },
		  "invalid vif \"vif 3\": only letters, digits, '_', '.' and '-' are allowed" },
		{ { "vif-bridge", "add", "type_if=tap", NULL }, { "XENBUS_PATH=backend/vif/3/1", NULL },
		  "INTERFACE is not set for a tap device" },
		{ { "vif-bridge", "add", "type_if=tap", NULL }, { "INTERFACE=tap0", NULL },
		  "cannot find the backend of tap0: XENBUS_PATH is not set" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vif_request r;
		struct vif_params p;
		struct nm_err e = { "" };
		assert_int_equal(parse(cases[i].argv, cases[i].env, &r, &p, &e), -EINVAL);
		assert_string_equal(e.msg, cases[i].msg);
	}
}

static void test_tap_backend_from_name(void **state)
{
	const char *argv[] = { "vif-bridge", "add", "type_if=tap", NULL };
	const char *env[] = { "INTERFACE=vif3.1-emu", NULL };
	struct vif_request r;
	struct vif_params p;
	struct nm_err e = { "" };

	(void)state;
	assert_int_equal(parse(argv, env, &r, &p, &e), 0);
	assert_string_equal(r.backend, "/local/domain/0/backend/vif/3/1");
	assert_int_equal(r.domid, 3);
	assert_int_equal(r.devid, 1);
	assert_string_equal(r.dev, "vif3.1-emu");
}

static void test_env_get(void **state)
{
	const char *env[] = { "vifname=web0", "vif=vif1.0", "vif2=x", "empty=", NULL };

	(void)state;
	assert_string_equal(env_get((char **)env, "vif"), "vif1.0");
	assert_string_equal(env_get((char **)env, "vifname"), "web0");
	assert_string_equal(env_get((char **)env, "empty"), "");
	assert_null(env_get((char **)env, "vi"));
	assert_null(env_get(NULL, "vif"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libxl_online),	     cmocka_unit_test(test_commands_and_kinds),
		cmocka_unit_test(test_precedence_and_flags), cmocka_unit_test(test_dry_run_env),
		cmocka_unit_test(test_errors),		     cmocka_unit_test(test_tap_backend_from_name),
		cmocka_unit_test(test_env_get),
	};

	return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
