/*
 * The OVSDB client and the Open vSwitch port operations, against a real
 * ovsdb-server and ovs-vswitchd (Debian's openvswitch-switch) that the test
 * starts in a directory and a network namespace of its own
 * (tests/ovs/start.sh). This kernel has no openvswitch module: the bridges
 * use the userspace datapath (datapath_type=netdev), where ovs-vswitchd
 * still opens each port's device, numbers it (ofport) and reports what
 * failed (error), and moves cur_cfg once it has applied a change. The test
 * sets up and inspects with ovs-vsctl (tests/ovs/vsctl.sh); the code under
 * test only speaks OVSDB. Needs root (namespaces).
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "netmodes/ovs/ovs_port.h"
#include "netmodes/ovs/ovsdb.h"

#define OVS_SCRIPTS "tests/ovs"
/* A call's work budget, as hotplug/ gives one (CALL_WORK_MS is 3 s). */
#define WORK_MS 3000

static char dir[64];
static char sock[128];

/* Runs a shell command line; its exit status. */
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* ovs-vsctl ARGS against the test's database: its output, the last newline cut ("" when none). */
static const char *vsctl(const char *fmt, ...)
{
	static char out[4096];
	char args[768], cmd[1024];
	size_t len;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), OVS_SCRIPTS "/vsctl.sh %s %s 2>&1", dir, args);
	assert_non_null(f = popen(cmd, "r"));
	len = fread(out, 1, sizeof(out) - 1, f);
	pclose(f);
	out[len] = '\0';
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	return out;
}

static long long vsctl_int(const char *fmt, const char *arg)
{
	return strtoll(vsctl(fmt, arg), NULL, 10);
}

static char *describe(const struct plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	plan_describe(p, f);
	fclose(f);
	return text;
}

static const struct ovs_port_spec plain = {
	.bridge = "br0", .tag = -1, .vm_name = "g1",
	.vm_uuid = "5d2a8e3c-0b6f-4c53-9a5e-6f0e2b1c7d48", .attached_mac = "00:16:3e:5a:01:02",
};

static struct ovs_port_spec spec_for(const char *br, const char *dev)
{
	struct ovs_port_spec s = plain;

	s.bridge = br;
	s.dev = dev;
	return s;
}

/* Plans and applies one add-port of s by deadline; returns apply's rc, e its reason. */
static int add_port(struct plan *p, const struct ovs_port_spec *s, uint64_t deadline, struct nm_err *e)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(op_ovs_add_port(p, sock, deadline, s), 0);
	return plan_apply(p, NULL, e);
}

static int del_port(const char *dev, struct nm_err *e)
{
	struct plan p = { 0 };
	int rc;

	assert_int_equal(op_ovs_del_port(&p, sock, ovsdb_now_ms() + WORK_MS, dev), 0);
	rc = plan_apply(&p, NULL, e);
	plan_free(&p);
	return rc;
}

static void assert_no_port(const char *dev)
{
	assert_string_equal(vsctl("--if-exists get port %s name", dev), "");
	assert_string_equal(vsctl("--if-exists get interface %s name", dev), "");
}

static void assert_synced(void)
{
	assert_int_equal(vsctl_int("get open_vswitch . cur_cfg%s", ""),
			 vsctl_int("get open_vswitch . next_cfg%s", ""));
}

static int group_setup(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/xnm-ovs-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/db.sock", dir);
	if (run(OVS_SCRIPTS "/start.sh %s", dir) != 0) {
		fprintf(stderr, "cannot start Open vSwitch in %s (run from the source tree's top)\n", dir);
		return -1;
	}
	/* the vifs, as netback makes them (a veth stands in), and two bridges */
	for (int i = 1; i <= 8; i++)
		if (run("ip link add vif%d.0 type veth peer name peer%d", i, i) != 0)
			return -1;
	if (run(OVS_SCRIPTS "/vsctl.sh %s add-br br0 -- set bridge br0 datapath_type=netdev "
			    "-- add-br br1 -- set bridge br1 datapath_type=netdev",
		dir) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	run(OVS_SCRIPTS "/stop.sh %s", dir);
	run("rm -rf %s", dir);
	return 0;
}

/* --- the stream's framing, pure --- */

static void test_frame_len(void **state)
{
	static const struct {
		const char *in;
		long len;
	} cases[] = {
		{ "{}", 2 },
		{ "  \n{\"a\":1}{\"b\"", 10 },
		{ "[1,[2,3]]x", 9 },
		{ "{\"s\":\"}]\\\"{\"}", 13 },
		{ "{\"s\":\"\\\\\"}", 10 },
		{ "{\"a\":[1,2", 0 },
		{ "{\"s\":\"}", 0 },
		{ "", 0 },
		{ "   ", 0 },
		{ "x{}", -1 },
		{ "\"str\"", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long got = ovsdb_frame_len(cases[i].in, strlen(cases[i].in));
		if (got != cases[i].len)
			fail_msg("frame of '%s': %ld, not %ld", cases[i].in, got, cases[i].len);
	}
}

/* --- describe: the --dry-run lines --- */

static void test_describe(void **state)
{
	struct ovs_vlans trunks = { { 0 } };
	struct ovs_port_spec s = spec_for("ovsbr0", "vif1.0");
	struct plan p = { 0 };
	char *text;

	(void)state;
	assert_int_equal(op_ovs_add_port(&p, sock, 0, &s), 0);
	s.tag = 10;
	ovs_vlans_add(&trunks, 30);
	ovs_vlans_add(&trunks, 20);
	s.trunks = &trunks;
	s.vm_name = "my \"vm\"\n";
	s.vm_uuid = NULL;
	assert_int_equal(op_ovs_add_port(&p, sock, 0, &s), 0);
	s.vm_name = s.attached_mac = NULL;
	s.tag = 0;
	s.trunks = NULL;
	assert_int_equal(op_ovs_add_port(&p, sock, 0, &s), 0);
	s.trunks = &trunks;
	s.vlan_mode = "native-untagged";
	assert_int_equal(op_ovs_add_port(&p, sock, 0, &s), 0);
	assert_int_equal(op_ovs_del_port(&p, sock, 0, "vif1.0"), 0);
	text = describe(&p);
	assert_string_equal(
		text,
		"ovs-vsctl --if-exists del-port vif1.0 -- add-port ovsbr0 vif1.0 -- set interface "
		"vif1.0 external-ids:xen-vm-name=g1 "
		"external-ids:xen-vm-uuid=\"5d2a8e3c-0b6f-4c53-9a5e-6f0e2b1c7d48\" "
		"external-ids:attached-mac=\"00:16:3e:5a:01:02\"\n"
		"ovs-vsctl --if-exists del-port vif1.0 -- add-port ovsbr0 vif1.0 tag=10 trunks=20,30 "
		"-- set interface vif1.0 external-ids:xen-vm-name=\"my \\\"vm\\\"\\u000a\" "
		"external-ids:attached-mac=\"00:16:3e:5a:01:02\"\n"
		"ovs-vsctl --if-exists del-port vif1.0 -- add-port ovsbr0 vif1.0 tag=0\n"
		"ovs-vsctl --if-exists del-port vif1.0 -- add-port ovsbr0 vif1.0 tag=0 trunks=20,30 "
		"vlan_mode=native-untagged\n"
		"ovs-vsctl --if-exists del-port vif1.0\n");
	free(text);
	plan_free(&p);
}

/* --- add-port against the real servers --- */

static void test_add_plain(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif1.0");
	struct nm_err e = { "" };
	struct ovs_port_state st;
	struct ovsdb *db;
	struct plan p;
	uint64_t t0 = ovsdb_now_ms();

	(void)state;
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	print_message("# add-port (connect, read, transact, ovs-vswitchd applied, ofport read): %llu ms\n",
		      (unsigned long long)(ovsdb_now_ms() - t0));
	assert_string_equal(vsctl("port-to-br vif1.0%s", ""), "br0");
	assert_true(vsctl_int("get interface %s ofport", "vif1.0") > 0);
	assert_string_equal(vsctl("get interface %s error", "vif1.0"), "[]");
	assert_string_equal(vsctl("get interface %s type", "vif1.0"), "\"\"");
	assert_string_equal(vsctl("get port %s tag", "vif1.0"), "[]");
	assert_string_equal(vsctl("get port %s trunks", "vif1.0"), "[]");
	assert_string_equal(vsctl("get interface %s external-ids", "vif1.0"),
			    "{attached-mac=\"00:16:3e:5a:01:02\", xen-vm-name=g1, "
			    "xen-vm-uuid=\"5d2a8e3c-0b6f-4c53-9a5e-6f0e2b1c7d48\"}");
	assert_synced();

	/* the queries see it as ovs-vsctl does */
	assert_int_equal(ovsdb_open(sock, ovsdb_now_ms() + WORK_MS, &db, &e), 0);
	assert_int_equal(ovs_port_query(db, "vif1.0", 0, &st, &e), 0);
	assert_true(st.exists && st.has_iface);
	assert_string_equal(st.bridge, "br0");
	assert_int_equal(st.tag, -1);
	assert_true(ovs_vlans_empty(&st.trunks));
	assert_int_equal(st.ofport, vsctl_int("get interface %s ofport", "vif1.0"));
	assert_string_equal(st.error, "");
	assert_string_equal(st.vm_name, "g1");
	assert_string_equal(st.vm_uuid, plain.vm_uuid);
	assert_string_equal(st.attached_mac, plain.attached_mac);
	ovsdb_close(db);

	/* undo takes it away again, and only it */
	assert_int_equal(p.ops[0].type->undo(&p.ops[0], &e), 0);
	assert_no_port("vif1.0");
	plan_free(&p);
}

static void test_add_tag_trunks(void **state)
{
	struct ovs_vlans trunks = { { 0 } };
	struct ovs_port_spec s = spec_for("br0", "vif2.0");
	struct nm_err e = { "" };
	struct ovs_port_state st;
	struct ovsdb *db;
	struct plan p;

	(void)state;
	ovs_vlans_add(&trunks, 20);
	ovs_vlans_add(&trunks, 30);
	s.tag = 10;
	s.trunks = &trunks;
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("get port %s tag", "vif2.0"), "10");
	assert_string_equal(vsctl("get port %s trunks", "vif2.0"), "[20, 30]");
	assert_string_equal(vsctl("get port %s vlan_mode", "vif2.0"), "[]");
	assert_true(vsctl_int("get interface %s ofport", "vif2.0") > 0);

	assert_int_equal(ovsdb_open(sock, ovsdb_now_ms() + WORK_MS, &db, &e), 0);
	assert_int_equal(ovs_port_query(db, "vif2.0", 0, &st, &e), 0);
	assert_int_equal(st.tag, 10);
	assert_true(ovs_vlans_has(&st.trunks, 20) && ovs_vlans_has(&st.trunks, 30));
	assert_false(ovs_vlans_has(&st.trunks, 10));
	assert_string_equal(st.vlan_mode, "");
	ovsdb_close(db);
	/* OVS's reading of a tag and trunks with vlan_mode empty (ovs_port.h): an access port */
	assert_int_equal(run("grep -q 'port vif2.0: ignoring trunks in favor of implicit vlan' "
			     "%s/ovs-vswitchd.log",
			     dir),
			 0);

	/* a native VLAN with trunks, when the mode says so */
	s.vlan_mode = "native-untagged";
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("get port %s vlan_mode", "vif2.0"), "native-untagged");
	assert_string_equal(vsctl("get port %s tag", "vif2.0"), "10");
	assert_string_equal(vsctl("get port %s trunks", "vif2.0"), "[20, 30]");
	assert_int_equal(ovsdb_open(sock, ovsdb_now_ms() + WORK_MS, &db, &e), 0);
	assert_int_equal(ovs_port_query(db, "vif2.0", 0, &st, &e), 0);
	assert_string_equal(st.vlan_mode, "native-untagged");
	ovsdb_close(db);
	s.vlan_mode = NULL;

	/* a tag alone, and trunks alone */
	s.trunks = NULL;
	s.tag = 0;
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("get port %s tag", "vif2.0"), "0");
	assert_string_equal(vsctl("get port %s trunks", "vif2.0"), "[]");
	s.trunks = &trunks;
	s.tag = -1;
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("get port %s tag", "vif2.0"), "[]");
	assert_string_equal(vsctl("get port %s trunks", "vif2.0"), "[20, 30]");

	assert_int_equal(del_port("vif2.0", &e), 0);
	assert_no_port("vif2.0");
	assert_synced();
}

/* A stale port of the same name, on the same bridge and on another, is replaced. */
static void test_stale_replaced(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif3.0");
	struct nm_err e = { "" };
	struct plan p;
	char old[64];

	(void)state;
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s add-port br0 vif3.0 tag=5 -- set interface "
					 "vif3.0 external-ids:foo=bar",
			     dir),
			 0);
	snprintf(old, sizeof(old), "%s", vsctl("get port %s _uuid", "vif3.0"));
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	plan_free(&p);
	assert_string_not_equal(vsctl("get port %s _uuid", "vif3.0"), old);
	assert_string_equal(vsctl("get port %s tag", "vif3.0"), "[]");
	assert_string_equal(vsctl("--if-exists get interface %s external-ids:foo", "vif3.0"), "");
	assert_string_equal(vsctl("port-to-br %s", "vif3.0"), "br0");
	assert_true(vsctl_int("get interface %s ofport", "vif3.0") > 0);
	/* one Interface of that name, the new port's: the old one is gone */
	snprintf(old, sizeof(old), "%s", vsctl("get port %s interfaces", "vif3.0"));
	assert_string_equal(vsctl("--bare --columns=_uuid find interface name=%s", "vif3.0"),
			    strtok(old, "[]"));

	/* on another bridge */
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s --if-exists del-port vif3.0 -- add-port br1 "
					 "vif3.0 tag=7",
			     dir),
			 0);
	assert_string_equal(vsctl("port-to-br %s", "vif3.0"), "br1");
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("port-to-br %s", "vif3.0"), "br0");
	assert_string_equal(vsctl("list-ports %s", "br1"), "");
	assert_string_equal(vsctl("get port %s tag", "vif3.0"), "[]");
	assert_true(vsctl_int("get interface %s ofport", "vif3.0") > 0);
	assert_synced();
	assert_int_equal(del_port("vif3.0", &e), 0);
}

/*
 * The --dry-run line is ovs-vsctl's own syntax: run through the shell by
 * ovs-vsctl, it makes the same rows the step makes.
 */
static void test_describe_feeds_back(void **state)
{
	static const char *const cols[] = { "get port vif2.0 tag", "get port vif2.0 trunks",
					    "get port vif2.0 vlan_mode", "get interface vif2.0 type",
					    "get interface vif2.0 external-ids" };
	struct ovs_vlans trunks = { { 0 } };
	struct ovs_port_spec s = spec_for("br0", "vif2.0");
	char by_vsctl[5][256];
	struct nm_err e = { "" };
	struct plan p = { 0 };
	char *text;

	(void)state;
	ovs_vlans_add(&trunks, 20);
	ovs_vlans_add(&trunks, 4095);
	s.tag = 10;
	s.trunks = &trunks;
	s.vlan_mode = "native-tagged";
	assert_int_equal(op_ovs_add_port(&p, sock, ovsdb_now_ms() + WORK_MS, &s), 0);
	text = describe(&p);
	text[strcspn(text, "\n")] = '\0';
	assert_int_equal(strncmp(text, "ovs-vsctl ", 10), 0);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s %s", dir, text + 10), 0);
	free(text);
	for (size_t i = 0; i < 5; i++)
		snprintf(by_vsctl[i], sizeof(by_vsctl[i]), "%s", vsctl("%s", cols[i]));
	assert_int_equal(plan_apply(&p, NULL, &e), 0);
	plan_free(&p);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(vsctl("%s", cols[i]), by_vsctl[i]);
	assert_int_equal(del_port("vif2.0", &e), 0);
}

/* No such bridge: the step fails with that, and the transaction changed nothing. */
static void test_missing_bridge(void **state)
{
	struct ovs_port_spec s = spec_for("nobr", "vif4.0");
	struct nm_err e = { "" };
	long long next;
	struct plan p;
	char old[64];

	(void)state;
	/* a stale port the failed step must not have removed */
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s add-port br0 vif4.0", dir), 0);
	snprintf(old, sizeof(old), "%s", vsctl("get port %s _uuid", "vif4.0"));
	next = vsctl_int("get open_vswitch . next_cfg%s", "");
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), -ENODEV);
	plan_free(&p);
	assert_string_equal(e.msg, "add Open vSwitch port: no such Open vSwitch bridge nobr");
	assert_string_equal(vsctl("get port %s _uuid", "vif4.0"), old);
	assert_string_equal(vsctl("port-to-br %s", "vif4.0"), "br0");
	assert_int_equal(vsctl_int("get open_vswitch . next_cfg%s", ""), next);
	assert_int_equal(del_port("vif4.0", &e), 0);
}

/* ovs-vswitchd cannot open the device: the step fails with its error, and takes its port back. */
static void test_device_error(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif9.9");
	struct nm_err e = { "" };
	struct plan p;

	(void)state;
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), -EIO);
	plan_free(&p);
	assert_string_equal(e.msg, "add Open vSwitch port: ovs-vswitchd cannot add vif9.9 to br0: "
				   "could not open network device vif9.9 (No such device)");
	assert_no_port("vif9.9");
}

/* A failed later step undoes the add: exactly its port goes, the others stay. */
static int fail_apply(struct op *op, struct nm_err *e)
{
	(void)op;
	return nm_fail(e, -EIO, "a later step failed");
}

static void fail_describe(const struct op *op, FILE *out)
{
	(void)op;
	fputs("fail\n", out);
}

static const struct op_type fail_type = { .name = "later", .apply = fail_apply,
					  .describe = fail_describe };

static void test_undo_exact(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif5.0");
	struct nm_err e = { "" };
	struct plan p = { 0 };

	(void)state;
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s add-port br0 vif6.0", dir), 0);
	assert_int_equal(op_ovs_add_port(&p, sock, ovsdb_now_ms() + WORK_MS, &s), 0);
	assert_int_equal(plan_add(&p, &fail_type, NULL), 0);
	assert_int_equal(plan_apply(&p, NULL, &e), -EIO);
	assert_string_equal(e.msg, "later: a later step failed");
	plan_free(&p);
	assert_no_port("vif5.0");
	assert_string_equal(vsctl("list-ports %s", "br0"), "vif6.0");

	/* the name taken over by someone else's port since: undo leaves that one */
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s --if-exists del-port vif5.0 -- add-port br1 "
					 "vif5.0",
			     dir),
			 0);
	assert_int_equal(p.ops[0].type->undo(&p.ops[0], &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("port-to-br %s", "vif5.0"), "br1");
	assert_int_equal(del_port("vif5.0", &e), 0);
	assert_int_equal(del_port("vif6.0", &e), 0);
}

static void test_del(void **state)
{
	struct nm_err e = { "" };
	long long next = vsctl_int("get open_vswitch . next_cfg%s", "");

	(void)state;
	/* none: fine, and no transaction at all */
	assert_int_equal(del_port("vif7.0", &e), 0);
	assert_int_equal(vsctl_int("get open_vswitch . next_cfg%s", ""), next);
	/* on either bridge: gone with its interface, applied */
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s add-port br1 vif7.0", dir), 0);
	assert_int_equal(del_port("vif7.0", &e), 0);
	assert_no_port("vif7.0");
	assert_synced();
}

static void test_queries(void **state)
{
	struct ovs_bridge_state b;
	struct ovs_port_state st;
	struct nm_err e = { "" };
	struct ovsdb *db;

	(void)state;
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s add-port br0 vif8.0 -- add-port br0 vif7.0 "
					 "-- add-port br0 patch-to-somewhere-long -- set interface "
					 "patch-to-somewhere-long type=internal",
			     dir),
			 0);
	assert_int_equal(ovsdb_open(sock, ovsdb_now_ms() + WORK_MS, &db, &e), 0);
	assert_int_equal(ovs_bridge_query(db, "br0", 0, &b, &e), 0);
	assert_true(b.exists);
	assert_int_equal(b.n_ports, 4);
	assert_string_equal(b.ports[0], "br0");
	assert_string_equal(b.ports[1], "patch-to-somewhere-long");
	assert_string_equal(b.ports[2], "vif7.0");
	assert_string_equal(b.ports[3], "vif8.0");
	ovs_bridge_state_free(&b);
	assert_int_equal(ovs_bridge_query(db, "br1", 0, &b, &e), 0);
	assert_true(b.exists);
	assert_int_equal(b.n_ports, 1);
	ovs_bridge_state_free(&b);
	assert_int_equal(ovs_bridge_query(db, "nobr", 0, &b, &e), 0);
	assert_false(b.exists);
	assert_int_equal(b.n_ports, 0);
	assert_int_equal(ovs_port_query(db, "nope", 0, &st, &e), 0);
	assert_false(st.exists);
	ovsdb_close(db);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s del-port vif8.0 -- del-port vif7.0 -- del-port "
					 "patch-to-somewhere-long",
			     dir),
			 0);
}

/* --- ovsdb-server not there, and deadlines --- */

/*
 * The online's session: the plan's read (ovs_port_read) kept for the
 * add-port step, its Port rows the step's guard. A stale port read then is
 * replaced; one that changed since is read again; the interface's outcome
 * comes from the wait's monitor (a device error too); a read no step takes
 * is released.
 */
static void test_add_on_read(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif8.0"), bad = spec_for("br0", "vif9.8");
	struct ovs_port_state st;
	struct ovs_port_read rd = { 0 };
	struct nm_err e = { "" };
	struct plan p = { 0 };
	bool br = false;

	(void)state;
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s add-port br0 vif8.0 tag=5", dir), 0);
	assert_int_equal(ovs_port_read(sock, "br0", "vif8.0", ovsdb_now_ms() + WORK_MS, &br, &st,
				       &rd, &e),
			 0);
	assert_true(br);
	assert_true(st.exists);
	assert_int_equal(st.tag, 5);
	assert_non_null(rd.db);
	assert_int_equal(op_ovs_add_port_on(&p, sock, ovsdb_now_ms() + WORK_MS, &s, &rd), 0);
	assert_null(rd.db);
	assert_null(rd.guard);
	assert_int_equal(plan_apply(&p, NULL, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("get port %s tag", "vif8.0"), "[]");
	assert_true(vsctl_int("get interface %s ofport", "vif8.0") > 0);
	assert_synced();

	/* the port moved to br1 after the read: the guard fails, the step reads again */
	assert_int_equal(ovs_port_read(sock, "br0", "vif8.0", ovsdb_now_ms() + WORK_MS, &br, &st,
				       &rd, &e),
			 0);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s del-port vif8.0 -- add-port br1 vif8.0", dir),
			 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(op_ovs_add_port_on(&p, sock, ovsdb_now_ms() + WORK_MS, &s, &rd), 0);
	assert_int_equal(plan_apply(&p, NULL, &e), 0);
	plan_free(&p);
	assert_string_equal(vsctl("port-to-br %s", "vif8.0"), "br0");
	assert_string_equal(vsctl("list-ports %s", "br1"), "");
	assert_true(vsctl_int("get interface %s ofport", "vif8.0") > 0);
	assert_synced();
	assert_int_equal(del_port("vif8.0", &e), 0);

	/* no such device: the monitor brings ovs-vswitchd's error, the port is taken back */
	assert_int_equal(ovs_port_read(sock, "br0", "vif9.8", ovsdb_now_ms() + WORK_MS, &br, &st,
				       &rd, &e),
			 0);
	assert_false(st.exists);
	memset(&p, 0, sizeof(p));
	assert_int_equal(op_ovs_add_port_on(&p, sock, ovsdb_now_ms() + WORK_MS, &bad, &rd), 0);
	assert_int_equal(plan_apply(&p, NULL, &e), -EIO);
	plan_free(&p);
	assert_string_equal(e.msg, "add Open vSwitch port: ovs-vswitchd cannot add vif9.8 to br0: "
				   "could not open network device vif9.8 (No such device)");
	assert_no_port("vif9.8");

	/* a bridge that does not exist; a read no step takes, released */
	assert_int_equal(ovs_port_read(sock, "nobr", "vif8.0", ovsdb_now_ms() + WORK_MS, &br, &st,
				       &rd, &e),
			 0);
	assert_false(br);
	ovs_port_read_release(&rd);
	assert_null(rd.db);
	assert_int_equal(ovs_port_read(sock, NULL, "vif8.0", ovsdb_now_ms() + WORK_MS, NULL, &st,
				       NULL, &e),
			 0);
	assert_false(st.exists);
}

static void test_no_server(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif1.0");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[96], want[256];
	struct nm_err e = { "" };
	struct ovsdb *db = NULL;
	struct plan p = { 0 };
	int fd;

	(void)state;
	/* no socket */
	snprintf(path, sizeof(path), "%s/none.sock", dir);
	assert_int_equal(ovsdb_open(path, ovsdb_now_ms() + WORK_MS, &db, &e), -ENOENT);
	assert_null(db);
	snprintf(want, sizeof(want), "cannot reach ovsdb-server at %s: No such file or directory", path);
	assert_string_equal(e.msg, want);

	/* a socket nobody listens on */
	snprintf(path, sizeof(path), "%s/deaf.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(op_ovs_add_port(&p, path, ovsdb_now_ms() + WORK_MS, &s), 0);
	assert_int_equal(op_ovs_del_port(&p, path, ovsdb_now_ms() + WORK_MS, "vif1.0"), 0);
	assert_int_equal(plan_apply(&p, NULL, &e), -ECONNREFUSED);
	snprintf(want, sizeof(want), "add Open vSwitch port: cannot reach ovsdb-server at %s: "
				     "Connection refused",
		 path);
	assert_string_equal(e.msg, want);
	/* the removal alike */
	assert_int_equal(p.ops[1].type->apply(&p.ops[1], &e), -ECONNREFUSED);
	plan_free(&p);
	close(fd);
	unlink(path);
}

/*
 * The server's echo requests are answered while a call waits: on a remote
 * with a 1 s inactivity probe, ovsdb-server sends one after 1 s of silence
 * and drops a connection that has not answered 1 s later. A wait of 3 s
 * ends by its deadline, the connection still up; notifications (a
 * monitor's updates) arriving before a reply are skipped by the call.
 */
static void test_echo_and_notifications(void **state)
{
	struct nm_err e = { "" };
	struct ovs_bridge_state b;
	struct ovsdb *db;
	char probe[96];
	json_t *msg = NULL, *initial = NULL;

	(void)state;
	snprintf(probe, sizeof(probe), "%s/probe.sock", dir);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s -- --id=@m create Manager "
					 "target=\\\"punix:%s\\\" inactivity_probe=1000 "
					 "-- add Open_vSwitch . manager_options @m >/dev/null",
			     dir, probe),
			 0);
	for (int i = 0; i < 50 && access(probe, F_OK) != 0; i++)
		usleep(20000);
	assert_int_equal(ovsdb_open(probe, ovsdb_now_ms() + WORK_MS, &db, &e), 0);
	assert_int_equal(ovsdb_call(db, "monitor",
				    json_pack("[s, s, {s:{s:[s]}}]", OVS_DB_NAME, "bridges", "Bridge",
					      "columns", "name"),
				    ovsdb_now_ms() + WORK_MS, &initial, &e),
			 0);
	json_decref(initial);
	assert_int_equal(ovsdb_recv(db, ovsdb_now_ms() + 3000, &msg, &e), -ETIMEDOUT);
	assert_null(msg);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s --no-wait add-br br9", dir), 0);
	assert_int_equal(ovs_bridge_query(db, "br9", ovsdb_now_ms() + WORK_MS, &b, &e), 0);
	assert_true(b.exists);
	ovs_bridge_state_free(&b);
	/* the update came before that reply, and was passed over */
	assert_int_equal(ovsdb_recv(db, ovsdb_now_ms() + 200, &msg, &e), -ETIMEDOUT);
	ovsdb_close(db);
	assert_int_equal(run(OVS_SCRIPTS "/vsctl.sh %s --no-wait del-br br9 -- clear Open_vSwitch . "
					 "manager_options",
			     dir),
			 0);
}

/* A JSON-RPC error, and an operation's error, in the words of ovsdb-server. */
static void test_server_errors(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif1.0");
	struct nm_err e = { "" };
	json_t *results = NULL;
	struct ovsdb *db;
	struct plan p;
	size_t failed;

	(void)state;
	assert_int_equal(ovsdb_open(sock, ovsdb_now_ms() + WORK_MS, &db, &e), 0);
	assert_int_equal(ovsdb_transact(db, "Nope", json_array(), ovsdb_now_ms() + WORK_MS, &results,
					&failed, &e),
			 -EIO);
	assert_string_equal(e.msg, "ovsdb-server: unknown database: transact request specifies unknown "
				   "database Nope");
	assert_int_equal(failed, SIZE_MAX);
	assert_int_equal(ovsdb_transact(db, OVS_DB_NAME,
					json_pack("[{s:s}, {s:s, s:s}]", "op", "abort", "op", "select",
						  "table", "Bridge"),
					ovsdb_now_ms() + WORK_MS, &results, &failed, &e),
			 -EIO);
	assert_int_equal(failed, 0);
	assert_string_equal(e.msg, "ovsdb-server: aborted: aborted by request");
	ovsdb_close(db);

	s.tag = 5000;
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), -EIO);
	plan_free(&p);
	assert_string_equal(e.msg, "add Open vSwitch port: ovsdb-server: constraint violation: 5000 is "
				   "not in the valid range 0 to 4095 (inclusive)");
	assert_no_port("vif1.0");
}

static pid_t pid_of(const char *daemon)
{
	char path[128];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pid", dir, daemon);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	return (pid_t)pid;
}

/* ovs-vswitchd stopped: cur_cfg never moves, the step fails by its deadline and takes its port back. */
static void test_deadline_vswitchd(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif1.0");
	pid_t vswitchd = pid_of("ovs-vswitchd");
	struct nm_err e = { "" };
	uint64_t t0, took;
	struct plan p;

	(void)state;
	assert_int_equal(kill(vswitchd, SIGSTOP), 0);
	t0 = ovsdb_now_ms();
	assert_int_equal(add_port(&p, &s, t0 + 500, &e), -ETIMEDOUT);
	took = ovsdb_now_ms() - t0;
	plan_free(&p);
	assert_int_equal(kill(vswitchd, SIGCONT), 0);
	print_message("# gave up after %llu ms (deadline 500 ms): %s\n", (unsigned long long)took, e.msg);
	assert_true(took >= 500 && took < 500 + 1000);
	assert_non_null(strstr(e.msg, "add Open vSwitch port: ovs-vswitchd did not apply the change "
				      "within "));
	assert_non_null(strstr(e.msg, "is ovs-vswitchd running?"));
	assert_no_port("vif1.0");

	/* once it runs again, the same step goes through */
	assert_int_equal(add_port(&p, &s, ovsdb_now_ms() + WORK_MS, &e), 0);
	assert_true(vsctl_int("get interface %s ofport", "vif1.0") > 0);
	assert_int_equal(p.ops[0].type->undo(&p.ops[0], &e), 0);
	plan_free(&p);
}

/* ovsdb-server stopped: the socket takes the connection, nothing answers; the deadline ends it. */
static void test_deadline_server(void **state)
{
	struct ovs_port_spec s = spec_for("br0", "vif1.0");
	pid_t server = pid_of("ovsdb-server");
	struct nm_err e = { "" };
	uint64_t t0, took;
	struct plan p;
	char want[256];

	(void)state;
	assert_int_equal(kill(server, SIGSTOP), 0);
	t0 = ovsdb_now_ms();
	assert_int_equal(add_port(&p, &s, t0 + 300, &e), -ETIMEDOUT);
	took = ovsdb_now_ms() - t0;
	plan_free(&p);
	assert_int_equal(kill(server, SIGCONT), 0);
	assert_true(took >= 300 && took < 300 + 1000);
	snprintf(want, sizeof(want), "add Open vSwitch port: ovsdb-server at %s: no answer to transact "
				     "within ",
		 sock);
	assert_memory_equal(e.msg, want, strlen(want));
	assert_no_port("vif1.0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_add_plain),
		cmocka_unit_test(test_add_tag_trunks),
		cmocka_unit_test(test_stale_replaced),
		cmocka_unit_test(test_describe_feeds_back),
		cmocka_unit_test(test_missing_bridge),
		cmocka_unit_test(test_device_error),
		cmocka_unit_test(test_undo_exact),
		cmocka_unit_test(test_del),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_add_on_read),
		cmocka_unit_test(test_no_server),
		cmocka_unit_test(test_echo_and_notifications),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_deadline_vswitchd),
		cmocka_unit_test(test_deadline_server),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
