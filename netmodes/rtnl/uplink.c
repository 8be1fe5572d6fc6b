#include "netmodes/rtnl/uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "netmodes/rtnl/rtnl.h"

/* Parsing */

static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	snprintf(dst, len, "%.*s", (int)nla_len(a), (const char *)nla_data(a));
	dst[strcspn(dst, "\n")] = '\0'; /* kernel strings carry none; a crafted one prints on one line */
}

static void parse_vlan(struct nlattr *data, struct uplink *u)
{
	struct nlattr *tb[IFLA_VLAN_MAX + 1];

	if (!data || nla_parse_nested(tb, IFLA_VLAN_MAX, data, NULL) < 0)
		return;
	if (tb[IFLA_VLAN_ID] && nla_len(tb[IFLA_VLAN_ID]) >= 2)
		u->vlan_id = nla_get_u16(tb[IFLA_VLAN_ID]);
	if (tb[IFLA_VLAN_PROTOCOL] && nla_len(tb[IFLA_VLAN_PROTOCOL]) >= 2)
		u->vlan_proto = ntohs(nla_get_u16(tb[IFLA_VLAN_PROTOCOL]));
}

int uplink_parse(const struct nlmsghdr *nlh, struct uplink *ret)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh; /* libnl's parsers take no const */
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1] = { 0 };
	struct uplink u = { 0 };

	if (nlh->nlmsg_type != RTM_NEWLINK || !nlmsg_valid_hdr(h, sizeof(struct ifinfomsg)) ||
	    nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return -EINVAL;
	u.ifindex = ((const struct ifinfomsg *)nlmsg_data(h))->ifi_index;
	if (tb[IFLA_IFNAME])
		copy_str(u.name, sizeof(u.name), tb[IFLA_IFNAME]);
	if (tb[IFLA_MASTER] && nla_len(tb[IFLA_MASTER]) >= 4)
		u.master = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINKINFO] && nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 &&
	    info[IFLA_INFO_KIND])
		copy_str(u.kind, sizeof(u.kind), info[IFLA_INFO_KIND]);
	if (!strcmp(u.kind, "vlan")) {
		parse_vlan(info[IFLA_INFO_DATA], &u);
		/* A parent in another namespace has an index that means nothing here. */
		if (tb[IFLA_LINK] && nla_len(tb[IFLA_LINK]) >= 4 && !tb[IFLA_LINK_NETNSID])
			u.parent = (int)nla_get_u32(tb[IFLA_LINK]);
	}
	*ret = u;
	return 0;
}

/* Queries */

static int take_link(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	return h->nlmsg_type != RTM_NEWLINK || uplink_parse(h, arg) == 0 ? NL_OK : -EIO;
}

static int get_one(struct rt_conn *sk, int ifindex, const char *name, struct uplink *ret,
		   struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = name ? 0 : ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_ACK);
	struct nm_err inner = { "" };
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0)) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	rc = rt_dump(sk, msg, take_link, NULL, ret, &inner);
	nlmsg_free(msg);
	if (rc == -ENODEV)
		return name ? nm_fail(e, rc, "no such device %s", name)
			    : nm_fail(e, rc, "no such device (index %d)", ifindex);
	if (rc < 0)
		return nm_fail(e, rc, "cannot read link %s: %s", name ? name : "", inner.msg);
	return ret->ifindex ? 0 : nm_fail(e, -ENODEV, "no such device %s", name ? name : "");
}

static int take_slave(struct nl_msg *msg, void *arg)
{
	struct uplink *u = arg, s;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	/* Filtered by the kernel too, with strict checking; older ones send every link. */
	if (h->nlmsg_type != RTM_NEWLINK || uplink_parse(h, &s) < 0 || s.master != u->ifindex)
		return NL_OK;
	if (u->n_slaves < UPLINK_MAX_SLAVES)
		snprintf(u->slaves[u->n_slaves], IFNAMSIZ, "%s", s.name);
	u->n_slaves++;
	return NL_OK;
}

static void forget_slaves(void *arg)
{
	((struct uplink *)arg)->n_slaves = 0;
}

static int get_slaves(struct rt_conn *sk, struct uplink *u, struct nm_err *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	int rc;

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_MASTER, (uint32_t)u->ifindex) < 0) {
		nlmsg_free(msg);
		return nm_fail(e, -ENOMEM, "out of memory");
	}
	rc = rt_dump(sk, msg, take_slave, forget_slaves, u, e);
	nlmsg_free(msg);
	return rc;
}

int uplink_query(struct rt_conn *sk, int ifindex, const char *name, struct uplink *ret,
		 struct nm_err *e)
{
	struct uplink u, other;
	int rc = get_one(sk, ifindex, name, &u, e);

	if (rc < 0)
		return rc;
	/* The master or the parent may go away meanwhile: then it is shown as "?". */
	if (u.master) {
		snprintf(u.master_name, sizeof(u.master_name), "?");
		if (get_one(sk, u.master, NULL, &other, NULL) == 0) {
			snprintf(u.master_name, sizeof(u.master_name), "%s", other.name);
			snprintf(u.master_kind, sizeof(u.master_kind), "%s", other.kind);
		}
	}
	if (u.parent) {
		snprintf(u.parent_name, sizeof(u.parent_name), "?");
		if (get_one(sk, u.parent, NULL, &other, NULL) == 0)
			snprintf(u.parent_name, sizeof(u.parent_name), "%s", other.name);
	}
	if ((rc = get_slaves(sk, &u, e)) < 0)
		return rc;
	*ret = u;
	return 0;
}

/* Refusals */

int uplink_check_free(const struct uplink *u, bool bridge_ok, struct nm_err *e)
{
	const char *m = u->master_name[0] ? u->master_name : "?", *k = u->master_kind;

	if (!u->master)
		return 0;
	if (!strcmp(k, "bond") || !strcmp(k, "team"))
		return nm_fail(e, -EBUSY, "%s is a slave of %s %s: give netdev=%s instead (its slaves "
					  "stay with it)", u->name, k, m, m);
	if (!strcmp(k, "bridge") && bridge_ok)
		return nm_fail(e, -EBUSY, "%s is a port of bridge %s: give netdev=%s instead", u->name,
			       m, m);
	if (!strcmp(k, "bridge"))
		return nm_fail(e, -EBUSY, "%s is a port of bridge %s already: attach the guests to %s "
					  "itself (bridge=%s), or release %s first (ip link set dev %s "
					  "nomaster)", u->name, m, m, m, u->name, u->name);
	return nm_fail(e, -EBUSY, "%s is enslaved to %s%s%s%s: release it first (ip link set dev %s "
				  "nomaster)", u->name, m, k[0] ? " (" : "", k, k[0] ? ")" : "", u->name);
}

int uplink_port_name(const char *netdev, char ret[IFNAMSIZ], struct nm_err *e)
{
	size_t len = strlen(netdev);

	if (len + 1 >= IFNAMSIZ)
		return nm_fail(e, -ENAMETOOLONG, "cannot rename %s to p%s: %zu characters, and a "
						 "device name has at most %d; give the uplink a "
						 "shorter name", netdev, netdev, len + 1, IFNAMSIZ - 1);
	snprintf(ret, IFNAMSIZ, "p%s", netdev);
	return 0;
}

/* Status */

static const char *vlan_proto_name(uint16_t proto)
{
	return proto == ETH_P_8021AD ? "802.1ad" : "802.1Q";
}

/* A bridge's are its ports; a bond's (and any other master's) its slaves. */
static const char *lower_word(const struct uplink *u)
{
	return strcmp(u->kind, "bridge") ? "slaves" : "ports";
}

static bool has_lowers(const struct uplink *u)
{
	return u->n_slaves || !strcmp(u->kind, "bond") || !strcmp(u->kind, "team") ||
	       !strcmp(u->kind, "bridge");
}

/* A name as a JSON string: a device name may hold '"' or '\\'. */
static void json_str(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void print_text(const struct uplink *u, FILE *out)
{
	fprintf(out, "  uplink: ");
	if (!u) {
		fprintf(out, "missing\n");
		return;
	}
	fprintf(out, "%s", u->kind[0] ? u->kind : "device");
	if (!strcmp(u->kind, "vlan")) {
		fprintf(out, " %u", u->vlan_id);
		if (u->vlan_proto == ETH_P_8021AD)
			fprintf(out, " (%s)", vlan_proto_name(u->vlan_proto));
		fprintf(out, " on %s", u->parent ? u->parent_name : "a device of another namespace");
	}
	if (has_lowers(u)) {
		fprintf(out, ", %s%s", u->n_slaves ? "" : "no ", lower_word(u));
		for (size_t i = 0; i < u->n_slaves && i < UPLINK_MAX_SLAVES; i++)
			fprintf(out, " %s", u->slaves[i]);
		if (u->n_slaves > UPLINK_MAX_SLAVES)
			fprintf(out, " and %zu more", u->n_slaves - UPLINK_MAX_SLAVES);
	}
	fprintf(out, "\n");
}

static void print_json(const struct uplink *u, FILE *out)
{
	fprintf(out, ", \"uplink\": ");
	if (!u) {
		fprintf(out, "null");
		return;
	}
	fprintf(out, "{\"kind\": ");
	json_str(u->kind[0] ? u->kind : "device", out);
	if (!strcmp(u->kind, "vlan")) {
		fprintf(out, ", \"vlan_id\": %u, \"protocol\": \"%s\", \"parent\": ", u->vlan_id,
			vlan_proto_name(u->vlan_proto));
		if (u->parent)
			json_str(u->parent_name, out);
		else
			fprintf(out, "null");
	}
	if (has_lowers(u)) {
		fprintf(out, ", \"%s\": [", lower_word(u));
		for (size_t i = 0; i < u->n_slaves && i < UPLINK_MAX_SLAVES; i++) {
			fprintf(out, "%s", i ? ", " : "");
			json_str(u->slaves[i], out);
		}
		fprintf(out, "]");
	}
	fprintf(out, "}");
}

void uplink_print(const struct uplink *u, bool json, FILE *out)
{
	(json ? print_json : print_text)(u, out);
}

void uplink_status(struct rt_conn *sk, const char *name, bool json, FILE *out)
{
	struct uplink u;

	uplink_print(uplink_query(sk, 0, name, &u, NULL) == 0 ? &u : NULL, json, out);
}
