#include "hotplug/vif/request.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "netmodes/netaddr.h"
#include "netmodes/vlan_spec.h"
#include "hotplug/call/parse.h"
#include "hotplug/call/invocation.h"

const char *vif_command_name(enum vif_command c)
{
	static const char *const names[] = { "online", "offline", "add", "remove" };

	return names[c];
}

static int parse_command(const char *s, enum vif_command *ret, struct nm_err *e)
{
	static const enum vif_command all[] = { VIF_ONLINE, VIF_OFFLINE, VIF_ADD, VIF_REMOVE };
	char q[64];

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(s, vif_command_name(all[i]))) {
			*ret = all[i];
			return 0;
		}
	}
	return nm_fail(e, -EINVAL, "invalid command \"%s\": expected online, offline, add or remove",
		       quote_value(s, q, sizeof(q)));
}

/* Files a VAR=VAL argument into params; only the parameters a vif script knows. */
static int take_assignment(const char *arg, struct vif_params *params, struct nm_err *e)
{
	const char *key, *val;
	size_t klen;
	char q[64];
	struct {
		const char *name;
		const char **slot;
	} known[] = {
		{ "type_if", &params->type_if },
		{ "bridge", &params->bridge },
		{ "ip", &params->ip },
		{ "netdev", &params->netdev },
		{ "dhcp", &params->dhcp },
	};

	if (parse_assignment(arg, &key, &klen, &val, e) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) == klen && !strncmp(key, known[i].name, klen)) {
			*known[i].slot = val;
			return 0;
		}
	}
	return nm_fail(e, -EINVAL,
		       "unknown parameter \"%s\": expected type_if, bridge, ip, netdev or dhcp",
		       quote_value(arg, q, sizeof(q)));
}

/* vifD.N-emu names its backend, which the shell scripts rely on when XENBUS_PATH is missing. */
static int backend_from_tap_name(struct vif_request *r, struct nm_err *e)
{
	unsigned d, id;
	char rel[64], tail[8];

	if (sscanf(r->dev, "vif%u.%u%7s", &d, &id, tail) != 3 || strcmp(tail, "-emu"))
		return nm_fail(e, -EINVAL, "cannot find the backend of %s: XENBUS_PATH is not set",
			       r->dev);
	snprintf(rel, sizeof(rel), "backend/vif/%u/%u", d, id);
	return parse_xenbus_path(rel, r->backend, sizeof(r->backend), &r->domid, &r->devid, e);
}

static int resolve_device(struct vif_request *r, char **envp, struct nm_err *e)
{
	const char *xenbus = env_get(envp, "XENBUS_PATH");
	char name[IFNAMSIZ + 8];

	if (r->type == VIF_TYPE_TAP) {
		const char *iface = env_get(envp, "INTERFACE");
		if (!iface || !*iface)
			return nm_fail(e, -EINVAL, "INTERFACE is not set for a tap device");
		if (parse_ifname(iface, "INTERFACE", r->dev, e) < 0)
			return -EINVAL;
		if (!xenbus || !*xenbus)
			return backend_from_tap_name(r, e);
	}
	if (parse_xenbus_path(xenbus, r->backend, sizeof(r->backend), &r->domid, &r->devid, e) < 0)
		return -EINVAL;
	if (r->type == VIF_TYPE_VIF) {
		const char *vif = env_get(envp, "vif");
		if (!vif || !*vif) {
			snprintf(name, sizeof(name), "vif%u.%u", r->domid, r->devid);
			vif = name;
		}
		if (parse_ifname(vif, "vif", r->dev, e) < 0)
			return -EINVAL;
	}
	return 0;
}

int request_from_invocation(struct vif_request *r, const struct invocation *inv,
			    struct vif_params *params, struct nm_err *e)
{
	char **envp = inv->envp;
	const char *s;
	char q[64];

	memset(params, 0, sizeof(*params));
	r->dry_run = inv->dry_run;
	if (inv->rc < 0) {
		*e = inv->err;
		return inv->rc;
	}
	params->type_if = env_get(envp, "type_if");
	params->bridge = env_get(envp, "bridge");
	params->ip = env_get(envp, "ip");
	params->netdev = env_get(envp, "netdev");
	params->dhcp = env_get(envp, "dhcp");
	for (unsigned i = 0; i < inv->n_assign; i++)
		if (take_assignment(inv->assign[i], params, e) < 0)
			return -EINVAL;
	s = env_get(envp, "UDEV_CALL");
	r->udev_call = s && *s;
	script_dir_of(inv->argv[0], r->script_dir, sizeof(r->script_dir));

	if (!inv->command)
		return nm_fail(e, -EINVAL, "missing command: expected online, offline, add or remove");
	if (parse_command(inv->command, &r->cmd, e) < 0)
		return -EINVAL;
	if (!params->type_if || !*params->type_if || !strcmp(params->type_if, "vif"))
		r->type = VIF_TYPE_VIF;
	else if (!strcmp(params->type_if, "tap"))
		r->type = VIF_TYPE_TAP;
	else
		return nm_fail(e, -EINVAL, "unknown interface type \"%s\": expected vif or tap",
			       quote_value(params->type_if, q, sizeof(q)));
	/* The toolstack calls every script for both kinds; each kind has its own commands. */
	if ((r->type == VIF_TYPE_VIF) != (r->cmd == VIF_ONLINE || r->cmd == VIF_OFFLINE))
		return 1;
	return resolve_device(r, envp, e);
}

/*
 * The backend's node names, listed by one request: a node not among them is
 * not asked for (most of the optional ones are absent, and each request is
 * a round trip to xenstored). names NULL: not listed, every node is read.
 */
struct node_list {
	char **names;
	unsigned n;
};

static bool listed_absent(const struct node_list *l, const char *node)
{
	if (!l->names)
		return false;
	for (unsigned i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], node))
			return false;
	return true;
}

/* Reads backend node `node` (absent: ""), prefixing any error with its path. */
static int read_node(struct vif_request *r, struct xs_handle *xs, const struct node_list *l,
		     const char *node, char *buf, size_t n, struct nm_err *e)
{
	char path[XS_PATH_LEN + 32];

	int rc;

	if (listed_absent(l, node)) {
		buf[0] = '\0';
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", r->backend, node);
	rc = xsw_read_opt(xs, path, buf, n, e);
	return rc == -E2BIG ? nm_fail(e, rc, "backend node %s: value too long (at most %zu bytes) or not text",
				      node, n - 1)
			    : rc;
}

/* Prefixes e's reason with where the value came from. */
static int from(const char *where, int rc, struct nm_err *e)
{
	struct nm_err inner = *e;

	return nm_fail(e, rc, "%s: %s", where, inner.msg);
}

/*
 * The bridge value: a name, or (with no vlan node) a name with
 * vif-openvswitch's VLAN suffix, BRIDGE[.PVID][:VLAN...].
 */
static int take_bridge(struct vif_request *r, const char *v, struct nm_err *e)
{
	struct vlan_set set;
	char base[IFNAMSIZ];
	int rc = r->has_vlans ? 0 : vlan_bridge_parse(v, base, &set, e);

	if (rc < 0)
		return rc;
	if (rc == 1 && strchr(v, ':')) {
		/* No device's name has a ':': the suffix is meant. */
		memcpy(r->bridge, base, sizeof(base));
		r->vlans = set;
		r->has_vlans = true;
		return 0;
	}
	if (rc == 1) {
		memcpy(r->bridge_base, base, sizeof(base));
		r->vlans = set;
	}
	if (parse_ifname(v, "bridge", r->bridge, e) < 0) {
		r->bridge_base[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

static int read_backend(struct vif_request *r, struct xs_handle *xs, const struct node_list *l,
			const struct vif_params *params, struct nm_err *e)
{
	char v[1024];
	int rc;

	if ((rc = read_node(r, xs, l, "frontend", v, sizeof(v), e)) < 0)
		return rc;
	if (*v && parse_frontend_path(v, r->domid, r->frontend, sizeof(r->frontend), e) < 0)
		return from("backend node frontend", -EINVAL, e);

	if ((rc = read_node(r, xs, l, "mac", v, sizeof(v), e)) < 0)
		return rc;
	r->has_mac = *v;
	if (*v && parse_mac(v, &r->mac, e) < 0)
		return from("backend node mac", -EINVAL, e);

	/* Before the bridge: a vlan node makes the bridge value a plain name. */
	if ((rc = read_node(r, xs, l, "vlan", v, sizeof(v), e)) < 0)
		return rc;
	if (*v) {
		if (vlan_spec_parse(v, &r->vlans, e) < 0)
			return from("backend node vlan", -EINVAL, e);
		r->has_vlans = true;
	}

	if ((rc = read_node(r, xs, l, "bridge", v, sizeof(v), e)) < 0)
		return rc;
	if (*v) {
		if (take_bridge(r, v, e) < 0)
			return from("backend node bridge", -EINVAL, e);
	} else if (params->bridge && *params->bridge && take_bridge(r, params->bridge, e) < 0) {
		return from("parameter bridge", -EINVAL, e);
	}

	if ((rc = read_node(r, xs, l, "ip", v, sizeof(v), e)) < 0)
		return rc;
	if (*v) {
		if (parse_prefix_list(v, &r->ips, e) < 0)
			return from("backend node ip", -EINVAL, e);
	} else if (params->ip && parse_prefix_list(params->ip, &r->ips, e) < 0) {
		return from("parameter ip", -EINVAL, e);
	}

	if ((rc = read_node(r, xs, l, "vifname", v, sizeof(v), e)) < 0)
		return rc;
	if (*v) {
		if (r->type == VIF_TYPE_TAP)
			strncat(v, "-emu", sizeof(v) - strlen(v) - 1);
		if (parse_ifname(v, "vifname", r->vifname, e) < 0)
			return from("backend node vifname", -EINVAL, e);
	}

	if ((rc = read_node(r, xs, l, "mtu", v, sizeof(v), e)) < 0)
		return rc;
	if (*v && parse_mtu(v, &r->mtu, e) < 0)
		return from("backend node mtu", -EINVAL, e);

	/* libxl passes gatewaydev as $netdev too; the node is the source of truth. */
	if ((rc = read_node(r, xs, l, "gatewaydev", v, sizeof(v), e)) < 0)
		return rc;
	if (*v) {
		if (parse_ifname(v, "gatewaydev", r->netdev, e) < 0)
			return from("backend node gatewaydev", -EINVAL, e);
	} else if (params->netdev && *params->netdev &&
		   parse_ifname(params->netdev, "netdev", r->netdev, e) < 0) {
		return from("parameter netdev", -EINVAL, e);
	}
	return 0;
}

/*
 * vif-openvswitch's external_ids, as its script finds them: the backend's
 * frontend-id, that domain's vm path, and the name and uuid under it. Any
 * of them absent leaves its value "" (the key is then written empty, as
 * the script writes an empty read).
 */
static int read_vm_ids(struct vif_request *r, struct xs_handle *xs, const struct node_list *l,
		       struct nm_err *e)
{
	char fid[16], path[XS_PATH_LEN + 32], vm[XS_PATH_LEN], q[64];
	unsigned long id;
	char *end;
	int rc;

	if ((rc = read_node(r, xs, l, "frontend-id", fid, sizeof(fid), e)) < 0)
		return rc;
	if (!*fid)
		return 0;
	id = strtoul(fid, &end, 10);
	if (*end || fid[0] < '0' || fid[0] > '9' || id > 0x7fff)
		return nm_fail(e, -EINVAL, "backend node frontend-id: \"%s\" is not a domain id",
			       quote_value(fid, q, sizeof(q)));
	snprintf(path, sizeof(path), "/local/domain/%lu/vm", id);
	if ((rc = xsw_read_opt(xs, path, vm, sizeof(vm), e)) < 0)
		return rc == -E2BIG ? nm_fail(e, rc, "%s: value too long or not text", path) : rc;
	if (vm[0] != '/')
		return 0;
	snprintf(path, sizeof(path), "%s/name", vm);
	if ((rc = xsw_read_opt(xs, path, r->vm_name, sizeof(r->vm_name), e)) < 0)
		return rc == -E2BIG ? nm_fail(e, rc, "%s: value too long or not text", path) : rc;
	snprintf(path, sizeof(path), "%s/uuid", vm);
	if ((rc = xsw_read_opt(xs, path, r->vm_uuid, sizeof(r->vm_uuid), e)) < 0)
		return rc == -E2BIG ? nm_fail(e, rc, "%s: value too long or not text", path) : rc;
	return 0;
}

int request_read_xenstore(struct vif_request *r, struct xs_handle *xs,
			  const struct vif_params *params, struct nm_err *e)
{
	struct node_list l = { NULL, 0 };
	int rc;

	/* A backend that cannot be listed is read node by node, as before. */
	l.names = xs_directory(xs, XBT_NULL, r->backend, &l.n);
	rc = read_backend(r, xs, &l, params, e);
	if (rc == 0 && r->want_vm_ids)
		rc = read_vm_ids(r, xs, &l, e);

	free(l.names);
	return rc;
}
