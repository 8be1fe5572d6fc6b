/*
 * How a port filter is written as elements of the anti-spoofing sets (see
 * port_filter.h), and read back: pure, no socket. A port is
 *
 *   ports   { NAME comment "N records v2" }          N: the records below
 *   macs    { NAME . MAC }                           when it has addresses
 *   addrs4, addrs6 { NAME . ADDR }, nets4, nets6 { NAME . PREFIX } (intervals)
 *   addrs6  { NAME . fe80::EUI-64 }                  its MAC's link-local address
 *   vlans   { NAME . FIRST-LAST }                    each run of VLANs it may send tagged
 *   records { NAME . 0 comment "mac MAC", NAME . 1 comment "ip PREFIX", ...,
 *             NAME . K comment "vlan FIRST-LAST", ... }
 *
 * every key starting with the name, zero padded to IFNAMSIZ. The records
 * alone say what the port owns; reading them back needs their comments only.
 */
#ifndef NETMODES_NFT_PORT_CODEC_H
#define NETMODES_NFT_PORT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libnftnl/set.h>

#include "netmodes/netaddr.h"
#include "netmodes/nft/port_drops.h"
#include "netmodes/nft/port_types.h"
#include "netmodes/nft/port_rules.h"

/* The longest key: a name and an IPv6 address */
#define PORT_KEY_MAX 48
#define PORT_COMMENT_LEN 64
/* a port's records: its mac, its prefixes and its runs of tagged VLANs; none when it may send nothing */
#define PORT_MAX_RECORDS (1 + MAX_PREFIXES + PORT_MAX_VLAN_RUNS)
/* ports, macs, the link-local address, one element per record but the mac's, a count per drop kind */
#define PORT_MAX_ELEMS (3 + 2 * (MAX_PREFIXES + PORT_MAX_VLAN_RUNS) + 1 + DROP_KINDS)

struct port_elem {
	enum port_set set;
	uint8_t key[PORT_KEY_MAX], key_end[PORT_KEY_MAX]; /* key_end: intervals only */
	char text[PREFIX_STR_LEN];	   /* the field after the name, as nft(8) writes it */
	char comment[PORT_COMMENT_LEN]; /* "" when none */
};

/* Whether s can name a port: 1..IFNAMSIZ-1 of [A-Za-z0-9_.-]. */
bool port_ifname_ok(const char *s);

/* Encoding */

/* el, emptied, in set with ifname as the key's first field (all the key of SET_PORTS). */
struct port_elem *port_elem_new(struct port_elem *el, enum port_set set, const char *ifname);

/* el as ifname's record number i, saying what (no comment: ""). */
void port_elem_record(struct port_elem *el, const char *ifname, uint32_t i, const char *what);

/* el as ifname's drop count of kind k (port_drops.h), made at zero. */
void port_elem_drops(struct port_elem *el, const char *ifname, enum port_drop_kind k);

/* The elements f owns into out (PORT_MAX_ELEMS): its records first, the ports element last. */
size_t port_elems(const struct port_filter *f, struct port_elem *out);

/*
 * Whether a change from s to f (NULL: a clear) leaves the port's drop
 * counts as they are: a filter replacing one whose elements are whole.
 */
bool port_keeps_drops(const struct port_state *s, const struct port_filter *f);

/* Removes set's elements from els[0..n), in order; returns how many are left. */
size_t port_elems_drop_set(struct port_elem *els, size_t n, enum port_set set);

/* The link-local address (fe80::/64 and the modified EUI-64 of mac, RFC 4291) a MAC makes. */
void port_mac_link_local(const struct mac_addr *mac, struct prefix *ret);

/* How many runs of VLANs alike (consecutive) s has. */
unsigned port_vlan_runs(const struct vlan_set *s);

/* The set object alone, to carry elements or name the set a GET lists. NULL: no memory. */
struct nftnl_set *port_set_obj(enum port_kind kind, enum port_set set);

/*
 * The set object carrying the elements of els that belong to set, with
 * their comments when with_comments. NULL: no memory.
 */
struct nftnl_set *port_elems_obj(enum port_kind kind, enum port_set set,
				 const struct port_elem *els, size_t n, bool with_comments);

/* Decoding */

/* The comments of elements in the order they came ("" for none); n counts them all. */
struct port_comments {
	char text[PORT_MAX_ELEMS][PORT_COMMENT_LEN];
	size_t n;
};

/* Adds el's comment to c: "" when it has none, or none that reads as one. */
void port_comments_take(struct port_comments *c, struct nftnl_set_elem *el);

/*
 * How many records the port's ports element (the one comment in ports)
 * says it has. Returns 0, or -EBADMSG when that is not one comment
 * "N records v2" with N a count port_elems can write (an earlier
 * version's "N records" included: its elements differ).
 */
int port_decode_count(const struct port_comments *ports, unsigned *ret_nrec);

/*
 * The filter of f->kind and f->ifname (set by the caller) from the comments
 * of its records 0..nrec-1, in order: its mac, prefixes and VLANs into f. Returns 0,
 * or -EBADMSG when any is missing or reads as nothing port_elems writes.
 */
int port_decode_records(const struct port_comments *records, unsigned nrec,
			struct port_filter *f);

/*
 * Whether el, an element of set, is keyed by ifname; when it is, and its
 * key fits, out gets it (set, key and key_end; no text or comment).
 */
bool port_elem_owned(struct nftnl_set_elem *el, enum port_set set, const char *ifname,
		     struct port_elem *out);

#endif
