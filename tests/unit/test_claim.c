/*
 * Whose a device is (netmodes/modes/vif_claim.c): a netback device's sysfs
 * `device` link decides, else the claim in its alias. The sysfs trees here
 * are the test's own, shaped as the kernel's: class/net/NAME/{ifindex,device}.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "netmodes/rtnl/links.h"
#include "netmodes/modes/vif_claim.h"

static char root[] = "/tmp/xnm-sysfs.XXXXXX";

/* class/net/NAME with ifindex, and a device link to TARGET when it is not NULL. */
static void sysfs_dev(const char *name, int ifindex, const char *target)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/class", root);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/class/net", root);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/class/net/%s", root, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", root, name);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%d\n", ifindex);
	fclose(f);
	if (target) {
		snprintf(path, sizeof(path), "%s/class/net/%s/device", root, name);
		assert_int_equal(symlink(target, path), 0);
	}
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	sysfs_dev("vif1.0", 7, "../../../vif-1-0");
	sysfs_dev("web0", 8, "../../../devices/xen-backend/vif-3-1");
	sysfs_dev("eth0", 2, "../../../0000:00:03.0");
	sysfs_dev("veth0", 9, NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct link_info dev_link(const char *name, int ifindex, const char *alias)
{
	struct link_info l = { .ifindex = ifindex };

	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.alias, sizeof(l.alias), "%s", alias);
	return l;
}

static void test_device_link_decides(void **state)
{
	struct link_info l = dev_link("vif1.0", 7, "xen-netmodes:backend/vif/2/0");
	struct vif_claim c;

	(void)state;
	claim_read(root, &l, 1, 0, &c); /* netback's word beats an alias */
	assert_int_equal(c.state, CLAIM_OURS);
	assert_true(c.by_device);
	claim_read(root, &l, 2, 0, &c);
	assert_int_equal(c.state, CLAIM_OTHER);
	assert_string_equal(c.owner, "backend/vif/1/0");
	l = dev_link("web0", 8, "");
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_OTHER);
	assert_string_equal(c.owner, "backend/vif/3/1");
	claim_read(root, &l, 3, 1, &c);
	assert_int_equal(c.state, CLAIM_OURS);
	/* A host's own NIC under a guest's vifname is never a guest's. */
	l = dev_link("eth0", 2, "xen-netmodes:backend/vif/1/0");
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_OTHER);
	assert_string_equal(c.owner, "device 0000:00:03.0");
}

static void test_alias_without_device_link(void **state)
{
	struct link_info l = dev_link("veth0", 9, "");
	struct vif_claim c;

	(void)state;
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_NONE);
	l = dev_link("veth0", 9, "xen-netmodes:backend/vif/1/0");
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_OURS);
	assert_false(c.by_device);
	claim_read(root, &l, 1, 1, &c);
	assert_int_equal(c.state, CLAIM_OTHER);
	assert_string_equal(c.owner, "backend/vif/1/0");
	l = dev_link("veth0", 9, "uplink to the lab"); /* someone's alias, no claim */
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_NONE);
}

/* An entry whose ifindex is another device's (a rename, another namespace's sysfs) says nothing. */
static void test_sysfs_of_another_device(void **state)
{
	struct link_info l = dev_link("vif1.0", 70, "xen-netmodes:backend/vif/2/0");
	struct vif_claim c;

	(void)state;
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_OTHER);
	assert_false(c.by_device);
	assert_string_equal(c.owner, "backend/vif/2/0");
	l = dev_link("nosuch0", 3, "");
	claim_read(root, &l, 1, 0, &c);
	assert_int_equal(c.state, CLAIM_NONE);
}

static void test_alias_text(void **state)
{
	char a[CLAIM_LEN];

	(void)state;
	claim_alias(4294967295u, 65535, a);
	assert_string_equal(a, "xen-netmodes:backend/vif/4294967295/65535");
}

/* Whose a device is with no backend asking: the drop log's question. */
static void test_owner(void **state)
{
	/* no claim: not ours, malformed, another backend type, a domid no domain has */
	const char *bad[] = { "", "uplink to the lab", "xen-netmodes:", "xen-netmodes:backend/vif/1",
			      "xen-netmodes:backend/vif/1/0/x", "xen-netmodes:backend/vif/-1/0",
			      "xen-netmodes:backend/vif/1/ 0", "xen-netmodes:backend/vbd/1/0",
			      "xen-netmodes:backend/vif/12345678/0" };
	struct link_info l = dev_link("vif1.0", 7, "xen-netmodes:backend/vif/2/0");
	unsigned d = 99, n = 99;

	(void)state;
	assert_true(claim_owner(root, &l, &d, &n)); /* netback's word beats an alias */
	assert_int_equal(d, 1);
	assert_int_equal(n, 0);
	l = dev_link("web0", 8, "");
	assert_true(claim_owner(root, &l, &d, &n));
	assert_int_equal(d, 3);
	assert_int_equal(n, 1);
	l = dev_link("eth0", 2, "xen-netmodes:backend/vif/1/0"); /* a host's NIC */
	assert_false(claim_owner(root, &l, &d, &n));
	l = dev_link("veth0", 9, "xen-netmodes:backend/vif/12/3");
	assert_true(claim_owner(root, &l, &d, &n));
	assert_int_equal(d, 12);
	assert_int_equal(n, 3);
	l = dev_link("vif1.0", 70, "xen-netmodes:backend/vif/5/1"); /* another device's sysfs entry */
	assert_true(claim_owner(root, &l, &d, &n));
	assert_int_equal(d, 5);
	assert_int_equal(n, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		l = dev_link("veth0", 9, bad[i]);
		assert_false(claim_owner(root, &l, &d, &n));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_link_decides),
		cmocka_unit_test(test_alias_without_device_link),
		cmocka_unit_test(test_sysfs_of_another_device),
		cmocka_unit_test(test_alias_text),
		cmocka_unit_test(test_owner),
	};

	return cmocka_run_group_tests_name("whose device", tests, setup, teardown);
}
