#!/usr/bin/env python3
"""Hostile and sound frames from a guest, and their receivers' counts: the
isolation suite's traffic (tests/integration/isolation_test.sh).

  hostile_frames.py send --iface IF --tag T [OPTIONS] KIND...
      Sends each KIND, built from the sender's own identity (IF's MAC, --ip4,
      --ip6, the EUI-64 link-local address of the MAC), once per destination
      where it has one (--to4, --to6), else once, from one CPU: the frames
      reach every receiver in the order they were sent. --report: prints
      each frame's kind once it is sent.
  hostile_frames.py listen [--iface IF]... [--local-proto P]... [--l3]
                           [--join GROUP%IF]... [--udp-port N]...
                           --until MARK[,MARK...] [--seconds N]
      Counts the marked frames that arrive, prints READY once it listens,
      and, once it has seen every --until marker (or after N seconds), the
      count of each marker as MARK=N and then DONE (or TIMEOUT).
  hostile_frames.py kinds
      Lists the kinds.

Every frame says what it is: "XNM-<T>-<KIND>" in its payload where it has
one, and in every IPv6 frame the flow label 0xA<t><kind> (t: the tag's
number), which a listener reads where the payload carries nothing of its own
(neighbour discovery, whose length and options are what is judged).

Receivers:
  --iface IF         link-layer: every frame IF receives (an ETH_P_ALL packet
                     socket; frames IF sends are not counted). On a bridge,
                     what the bridge hands its own stack, after its hooks.
  --local-proto P    link-layer, ethertype P, any interface but the --iface
                     ones: what a bridge's port hands dom0's stack itself,
                     not forwarding it (frames to link-local group addresses:
                     EAPOL, after the bridge's input hook; LLDP, and a BPDU
                     with STP on, with no hook of the bridge's at all), as an
                     802.1X or LLDP daemon reading that ethertype gets it.
  --l3               what the IP stack delivers to this host (raw sockets:
                     UDP over IPv4 and IPv6, ICMPv6), after every netfilter
                     hook; --join GROUP%IF makes the host a member of an IPv6
                     group on IF, as a router listening to it is.
  --udp-port N       a UDP socket on port N (both families), so that no
                     datagram sent there draws a port unreachable whose
                     quoted payload would be counted elsewhere.
"""
import argparse
import os
import re
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_IPV6 = 41
IPV6_FLOWINFO = 11  # linux/in6.h: deliver the flow label as a control message
BROADCAST = b"\xff" * 6
MARK_RE = re.compile(rb"XNM-[A-Z0-9]+-[A-Z0-9-]+")
TAGS = {"F": 1, "C": 2, "P": 3, "Q": 4}  # filtered, control; and their probes
FLOW_MAGIC = 0xA


# Encoding


def mac_bytes(text):
    b = bytes.fromhex(text.replace(":", ""))
    if len(b) != 6:
        raise ValueError(f"bad MAC {text}")
    return b


def ip4(text):
    return socket.inet_pton(socket.AF_INET, text)


def ip6(text):
    return socket.inet_pton(socket.AF_INET6, text)


def eui64_link_local(mac):
    """fe80:: and the MAC with its universal/local bit flipped, ff:fe in the middle."""
    return b"\xfe\x80" + b"\0" * 6 + bytes([mac[0] ^ 0x02]) + mac[1:3] + b"\xff\xfe" + mac[3:6]


def solicited_node(addr):
    return ip6("ff02::1:ff00:0")[:13] + addr[13:]


def mcast_mac6(addr):
    return b"\x33\x33" + addr[12:16]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, ethertype, payload, tags=()):
    """An Ethernet frame; tags: (TPID, TCI) pairs, outermost first."""
    head = dst + src
    for tpid, tci in tags:
        head += struct.pack("!HH", tpid, tci)
    frame = head + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def ipv4(src, dst, proto, payload):
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x584E, 0, 64, proto, 0, src, dst)
    head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
    return head + payload


def udp4(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_UDP, len(seg))
    seg = seg[:6] + struct.pack("!H", checksum(pseudo + seg) or 0xFFFF) + seg[8:]
    return ipv4(src, dst, socket.IPPROTO_UDP, seg)


def ipv6(src, dst, proto, upper, flow, exts=(), hlim=64):
    """An IPv6 packet: upper is the transport's bytes with a zero checksum
    (ICMPv6 at offset 2, UDP at 6), filled here; exts: (type, body) headers
    in order, each body without its next-header byte."""
    pseudo = src + dst + struct.pack("!I3xB", len(upper), proto)
    at = 2 if proto == socket.IPPROTO_ICMPV6 else 6
    c = checksum(pseudo + upper)
    if proto == socket.IPPROTO_UDP and c == 0:
        c = 0xFFFF
    upper = upper[:at] + struct.pack("!H", c) + upper[at + 2:]
    chain = b""
    types = [t for t, _ in exts] + [proto]
    for i, (_, body) in enumerate(exts):
        chain += bytes([types[i + 1]]) + body
    payload = chain + upper
    head = struct.pack("!IHBB16s16s", 6 << 28 | flow, len(payload), types[0], hlim, src, dst)
    return head + payload


HBH = 0
FRAG = 44
# Hop-by-hop options: a router alert (MLD, RFC 2711) padded to 8 octets; and padding alone.
HBH_ROUTER_ALERT = (HBH, b"\x00\x05\x02\x00\x00\x01\x00")
HBH_PAD = (HBH, b"\x00\x01\x04\x00\x00\x00\x00")
ATOMIC_FRAGMENT = (FRAG, b"\x00\x00\x00\x58\x4e\x4d\x00")


def udp6(src, dst, sport, dport, data, flow, exts=()):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return ipv6(src, dst, socket.IPPROTO_UDP, seg, flow, exts)


def icmp6(src, dst, typ, code, body, flow, exts=(), hlim=255):
    return ipv6(src, dst, socket.IPPROTO_ICMPV6, struct.pack("!BBH", typ, code, 0) + body, flow, exts, hlim)


def opt(typ, value):
    """An ND option: type, length in 8 octets, value padded."""
    raw = bytes([typ, 0]) + value
    raw += b"\0" * (-len(raw) % 8)
    return bytes([typ, len(raw) // 8]) + raw[2:]


def slla(mac):
    return opt(1, mac)


def tlla(mac):
    return opt(2, mac)


NONCE = opt(14, b"\x58\x4e\x4d\x6e\x63\x65")
NA_OVERRIDE = 0x20


def ns(target, options=b""):
    return struct.pack("!I16s", 0, target) + options


def na(target, flags, options=b""):
    return struct.pack("!B3x16s", flags, target) + options


def arp(htype, ptype, hlen, plen, op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + sha + spa + tha + tpa


# The kinds


class Sender:
    def __init__(self, a):
        self.a = a
        with open(f"/sys/class/net/{a.iface}/address") as f:
            self.mac = mac_bytes(f.read().strip())
        self.ll = eui64_link_local(self.mac)
        self.tag = a.tag
        self.frames = []

    def need(self, name):
        v = getattr(self.a, name.replace("-", "_"))
        if v is None:
            raise SystemExit(f"hostile_frames.py: {self.kind} needs --{name}")
        return v

    # identity
    def ip4(self):
        return ip4(self.need("ip4"))

    def ip6(self):
        return ip6(self.need("ip6"))

    def marker(self):
        return f"XNM-{self.tag}-{self.kind.upper()}".encode() + b"\0"

    def flow(self):
        return FLOW_MAGIC << 16 | TAGS[self.tag] << 12 | KIND_INDEX[self.kind]

    # destinations
    def each4(self, build, tags=(), src_mac=None):
        """build(dst) -> IPv4 packet, once for each --to4; the frame to the
        broadcast address for 255.255.255.255, else to --gw-mac."""
        for d in self.need("to4"):
            dm = BROADCAST if d == "255.255.255.255" else mac_bytes(self.need("gw-mac"))
            self.add(eth(dm, src_mac or self.mac, 0x0800, build(ip4(d)), tags))

    def each6(self, build):
        for d in self.need("to6"):
            a = ip6(d)
            dm = mcast_mac6(a) if a[0] == 0xFF else mac_bytes(self.need("gw-mac"))
            self.add(eth(dm, self.mac, 0x86DD, build(a)))

    def to6(self, dst, packet):
        """A packet to a fixed multicast group, on its group's MAC."""
        self.add(eth(mcast_mac6(dst), self.mac, 0x86DD, packet))

    def add(self, frame):
        self.frames.append((self.kind, frame))

    def udp4_own(self, dst):
        return udp4(self.ip4(), dst, 5999, self.a.dport, self.marker())

    def udp6_from(self, src):
        return lambda dst: udp6(src, dst, 5999, self.a.dport, self.marker(), self.flow())


KINDS = {}


def kind(*names):
    def reg(fn):
        for n in names:
            KINDS[n] = fn
        return fn

    return reg


# --- link layer: a source MAC not the port's; link-local group destinations


@kind("mac")
def k_mac(s):
    s.each4(s.udp4_own, src_mac=mac_bytes(s.need("spoof-mac")))


def llc_bpdu(s):
    # 802.3 length, LLC 42/42 UI, a configuration BPDU: the sender, priority 0, is the root
    bpdu = struct.pack("!HBBB8sI8sHHHHH", 0, 0, 0, 0, b"\0\0" + s.mac, 0, b"\0\0" + s.mac,
                       0x8001, 0, 20 * 256, 2 * 256, 15 * 256)
    body = b"\x42\x42\x03" + bpdu + s.marker()
    return body


@kind("bpdu")
def k_bpdu(s):
    body = llc_bpdu(s)
    s.add(eth(mac_bytes("01:80:c2:00:00:00"), s.mac, len(body), body))


@kind("lldp")
def k_lldp(s):
    tlv = lambda t, v: struct.pack("!H", t << 9 | len(v)) + v
    body = tlv(1, b"\x04" + s.mac) + tlv(2, b"\x07" + s.marker()) + tlv(3, b"\x00\x78") + tlv(0, b"")
    s.add(eth(mac_bytes("01:80:c2:00:00:0e"), s.mac, 0x88CC, body))


@kind("eapol")
def k_eapol(s):
    # EAPOL-Start, version 2; the marker after it
    s.add(eth(mac_bytes("01:80:c2:00:00:03"), s.mac, 0x888E, b"\x02\x01\x00\x00" + s.marker()))


@kind("grp-ip4")
def k_grp_ip4(s):
    # a sound IPv4 datagram, to the last link-local group address
    s.add(eth(mac_bytes("01:80:c2:00:00:0f"), s.mac, 0x0800,
              udp4(s.ip4(), ip4("255.255.255.255"), 5999, s.a.dport, s.marker())))


# --- tags: each around a sound IPv4 datagram from the port's MAC and address

TAGGINGS = {
    "vlan99": [(0x8100, 99)],
    "qinq99": [(0x88A8, 99)],
    "qinq": [(0x88A8, 99), (0x8100, 98)],
    "dot1q2": [(0x8100, 99), (0x8100, 98)],
    "prio": [(0x8100, 5 << 13)],  # VID 0, priority 5
    "ok-prio": [(0x8100, 5 << 13)],
}
for _name, _tags in TAGGINGS.items():
    kind(_name)(lambda s, _t=_tags: s.each4(s.udp4_own, tags=_t))


@kind("prio-src")
def k_prio_src(s):
    s.each4(lambda d: udp4(ip4(s.need("foreign4")), d, 5999, s.a.dport, s.marker()),
            tags=[(0x8100, 5 << 13)])


# --- ethertypes other than ARP, IPv4 and IPv6

ETHERTYPES = {"et-88b5": 0x88B5, "et-9000": 0x9000, "et-0842": 0x0842, "ipx": 0x8137, "rarp": 0x8035}
for _name, _et in ETHERTYPES.items():
    kind(_name)(lambda s, _e=_et: s.add(eth(BROADCAST, s.mac, _e, b"\0\0" + s.marker() + b"\0" * 40)))


@kind("llc")
def k_llc(s):
    # 802.3 with a length field: LLC NetBIOS (F0/F0 UI)
    body = b"\xf0\xf0\x03" + s.marker() + b"\0" * 40
    s.add(eth(BROADCAST, s.mac, len(body), body))


# --- ARP (to the broadcast address; the marker after the message)


def arp_frame(s, op=1, sha=None, spa=None, tpa=None, htype=1, ptype=0x0800, hlen=6, plen=4, raw=None):
    if raw is None:
        raw = arp(htype, ptype, hlen, plen, op, sha or s.mac, spa if spa is not None else s.ip4(),
                  b"\0" * 6, tpa or ip4(s.need("arp-target")))
    s.add(eth(BROADCAST, s.mac, 0x0806, raw + s.marker()))


kind("ok-arp")(lambda s: arp_frame(s))
kind("ok-arp-reply")(lambda s: arp_frame(s, op=2, tpa=s.ip4()))  # gratuitous, for its own address
kind("ok-arp-probe")(lambda s: arp_frame(s, spa=b"\0" * 4, tpa=s.ip4()))
kind("arp-mac")(lambda s: arp_frame(s, sha=mac_bytes(s.need("other-mac"))))
kind("arp-ip")(lambda s: arp_frame(s, op=2, spa=ip4(s.need("foreign4")), tpa=ip4(s.need("foreign4"))))
kind("inarp")(lambda s: arp_frame(s, op=8))
kind("arp-htype")(lambda s: arp_frame(s, htype=6))
kind("arp-ptype")(lambda s: arp_frame(s, ptype=0x86DD))


@kind("arp-plen16")
def k_arp_plen16(s):
    # 16-octet protocol addresses whose first four are the port's IPv4 address
    own = s.ip4() + b"\0" * 12
    arp_frame(s, raw=arp(1, 0x0800, 6, 16, 1, s.mac, own, b"\0" * 6, own))


@kind("arp-hlen")
def k_arp_hlen(s):
    arp_frame(s, raw=arp(1, 0x0800, 8, 4, 1, s.mac + b"\0\0", s.ip4(), b"\0" * 8, ip4(s.need("arp-target"))))


# --- IPv4


kind("ok-udp4", "end")(lambda s: s.each4(s.udp4_own))
kind("ip4-src")(lambda s: s.each4(lambda d: udp4(ip4(s.need("foreign4")), d, 5999, s.a.dport, s.marker())))
kind("dhcp-server")(lambda s: s.each4(lambda d: udp4(s.ip4(), d, 67, 68, s.marker())))


@kind("ok-dhcp")
def k_dhcp(s):
    # a DHCPDISCOVER: BOOTREQUEST from 0.0.0.0:68 to 255.255.255.255:67
    boot = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x584E4D31, 0, 0x8000, b"\0" * 4,
                       b"\0" * 4, b"\0" * 4, b"\0" * 4, s.mac, b"", b"")
    opts = b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\xff"
    pkt = udp4(b"\0" * 4, ip4("255.255.255.255"), 68, 67, boot + opts + s.marker())
    s.add(eth(BROADCAST, s.mac, 0x0800, pkt))


@kind("ip4-zero")
def k_ip4_zero(s):
    # 0.0.0.0 as source, but no DHCP discovery
    pkt = udp4(b"\0" * 4, ip4("255.255.255.255"), 5999, s.a.dport, s.marker())
    s.add(eth(BROADCAST, s.mac, 0x0800, pkt))


# --- IPv6: sources and transports

ALL_NODES = ip6("ff02::1")
ALL_ROUTERS = ip6("ff02::2")
MLDV2_ROUTERS = ip6("ff02::16")
ANY6 = b"\0" * 16

kind("ok-udp6", "end6")(lambda s: s.each6(s.udp6_from(s.ip6())))
kind("ip6-src")(lambda s: s.each6(s.udp6_from(ip6(s.need("foreign6")))))
kind("dhcp6-server")(lambda s: s.each6(lambda d: udp6(s.ip6(), d, 547, 546, s.marker(), s.flow())))


def echo(s, src, dst):
    return icmp6(src, dst, 128, 0, struct.pack("!HH", 0x584E, 1) + s.marker(), s.flow(), hlim=64)


kind("ok-echo6")(lambda s: s.each6(lambda d: echo(s, s.ip6(), d)))
# Node information query (RFC 4620), type 139; and 200, private experimentation
kind("icmp139")(lambda s: s.each6(
    lambda d: icmp6(s.ip6(), d, 139, 0, struct.pack("!HH8s", 2, 0, b"XNMnonce") + s.marker(), s.flow(), hlim=64)))
kind("icmp200")(lambda s: s.each6(lambda d: icmp6(s.ip6(), d, 200, 0, b"\0" * 4 + s.marker(), s.flow(), hlim=64)))
kind("ll-udp")(lambda s: s.to6(ALL_NODES, udp6(s.ll, ALL_NODES, 5999, s.a.dport, s.marker(), s.flow())))
kind("ll-echo")(lambda s: s.to6(ALL_NODES, echo(s, s.ll, ALL_NODES)))
kind("ip6-zero-udp")(lambda s: s.to6(ALL_NODES, udp6(ANY6, ALL_NODES, 5999, s.a.dport, s.marker(), s.flow())))


@kind("ra")
def k_ra(s):
    # hop limit 64, router lifetime 1800 s, and its source link-layer address
    body = struct.pack("!BBHII", 64, 0, 1800, 0, 0) + slla(s.mac)
    s.to6(ALL_NODES, icmp6(s.ll, ALL_NODES, 134, 0, body, s.flow()))


@kind("redirect")
def k_redirect(s):
    # "reach the router's address through me"
    target = s.ll
    body = struct.pack("!I16s16s", 0, target, ip6(s.need("router6"))) + tlla(s.mac)
    s.to6(ALL_NODES, icmp6(s.ll, ALL_NODES, 137, 0, body, s.flow()))


@kind("mld-query")
def k_mld_query(s):
    # an MLDv1 general query
    s.to6(ALL_NODES, icmp6(s.ll, ALL_NODES, 130, 0, struct.pack("!HH16s", 10000, 0, ANY6), s.flow(),
                           exts=[HBH_ROUTER_ALERT], hlim=1))


# --- MLD reports: as Linux sends them, hop limit 1 behind a router alert


def mldv2_report(s, src):
    group = solicited_node(s.ll)
    record = struct.pack("!BBH16s", 2, 0, 0, group)  # MODE_IS_EXCLUDE, no sources: joined
    body = struct.pack("!HH", 0, 1) + record
    s.to6(MLDV2_ROUTERS, icmp6(src, MLDV2_ROUTERS, 143, 0, body, s.flow(), exts=[HBH_ROUTER_ALERT], hlim=1))


kind("ok-mld")(lambda s: mldv2_report(s, s.ll))
kind("ok-mld-any")(lambda s: mldv2_report(s, ANY6))
kind("mld-fe80-1")(lambda s: mldv2_report(s, ip6("fe80::1")))  # a link-local source not its own


@kind("ok-mld1")
def k_mld1(s):
    # an MLDv1 report, to the group it reports
    group = solicited_node(s.ll)
    s.to6(group, icmp6(s.ll, group, 131, 0, struct.pack("!HH16s", 0, 0, group), s.flow(),
                       exts=[HBH_ROUTER_ALERT], hlim=1))


@kind("ok-mld-done")
def k_mld_done(s):
    group = solicited_node(s.ll)
    s.to6(ALL_ROUTERS, icmp6(s.ll, ALL_ROUTERS, 132, 0, struct.pack("!HH16s", 0, 0, group), s.flow(),
                             exts=[HBH_ROUTER_ALERT], hlim=1))


# --- neighbour discovery


def send_ns(s, src, target, options=b"", exts=()):
    group = solicited_node(target)
    s.to6(group, icmp6(src, group, 135, 0, ns(target, options), s.flow(), exts))


def send_na(s, src, target, options=b"", flags=NA_OVERRIDE, exts=()):
    s.to6(ALL_NODES, icmp6(src, ALL_NODES, 136, 0, na(target, flags, options), s.flow(), exts))


def ns_target(s):
    return ip6(s.need("ns-target"))


kind("ok-ns")(lambda s: send_ns(s, s.ll, ns_target(s), slla(s.mac)))
kind("ok-ns-global")(lambda s: send_ns(s, s.ip6(), ns_target(s), slla(s.mac)))
kind("ok-dad")(lambda s: send_ns(s, ANY6, s.ll))
kind("ok-dad-nonce")(lambda s: send_ns(s, ANY6, s.ll, NONCE))  # as Linux sends it (enhanced DAD)
kind("ns-fe80-1")(lambda s: send_ns(s, ip6("fe80::1"), ns_target(s), slla(s.mac)))
kind("ns-slla")(lambda s: send_ns(s, s.ll, ns_target(s), slla(mac_bytes(s.need("other-mac")))))
kind("ns-2opt")(lambda s: send_ns(s, s.ll, ns_target(s), slla(s.mac) + slla(s.mac)))
kind("ns-hbh")(lambda s: send_ns(s, s.ll, ns_target(s), slla(s.mac), exts=[HBH_PAD]))
kind("ns-dad-foreign")(lambda s: send_ns(s, ANY6, ns_target(s)))  # DAD for an address not its own
kind("ns-dad-slla")(lambda s: send_ns(s, ANY6, s.ll, slla(s.mac)))

kind("ok-na")(lambda s: send_na(s, s.ll, s.ip6(), tlla(s.mac)))
kind("ok-na-ll")(lambda s: send_na(s, s.ll, s.ll))
kind("na-fe80-1")(lambda s: send_na(s, ip6("fe80::1"), ip6("fe80::1"), tlla(s.mac)))
kind("na-router")(lambda s: send_na(s, s.ll, ip6(s.need("router6")), tlla(s.mac)))
kind("na-tlla")(lambda s: send_na(s, s.ll, s.ll, tlla(mac_bytes(s.need("other-mac")))))
kind("na-2opt")(lambda s: send_na(s, s.ll, s.ll, tlla(s.mac) + tlla(s.mac)))
kind("na-optlen")(lambda s: send_na(s, s.ll, s.ll, opt(2, s.mac + b"\0" * 8)))  # one option, 16 octets
kind("na-hbh")(lambda s: send_na(s, s.ll, s.ll, tlla(s.mac), exts=[HBH_PAD]))
kind("na-frag")(lambda s: send_na(s, s.ll, s.ll, tlla(s.mac), exts=[ATOMIC_FRAGMENT]))
kind("na-any")(lambda s: send_na(s, ANY6, s.ll, flags=NA_OVERRIDE))


def send_rs(s, src, options=b""):
    s.to6(ALL_ROUTERS, icmp6(src, ALL_ROUTERS, 133, 0, b"\0" * 4 + options, s.flow()))


kind("ok-rs")(lambda s: send_rs(s, s.ll, slla(s.mac)))
kind("ok-rs-any")(lambda s: send_rs(s, ANY6))
kind("rs-slla")(lambda s: send_rs(s, s.ll, slla(mac_bytes(s.need("other-mac")))))
kind("rs-fe80-1")(lambda s: send_rs(s, ip6("fe80::1"), slla(s.mac)))

KIND_INDEX = {k: i for i, k in enumerate(KINDS)}
KIND_BY_FLOW = {}
for _t, _n in TAGS.items():
    for _k, _i in KIND_INDEX.items():
        KIND_BY_FLOW[FLOW_MAGIC << 16 | _n << 12 | _i] = f"XNM-{_t}-{_k.upper()}"


def send(a):
    # One CPU: each frame is queued behind the one before it all the way to
    # every receiver, so a receiver that has the last has all the others.
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    s = Sender(a)
    for k in a.kinds:
        if k not in KINDS:
            raise SystemExit(f"hostile_frames.py: unknown kind {k}")
        s.kind = k
        KINDS[k](s)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
        sock.bind((a.iface, 0))
        for k, f in s.frames:
            sock.send(f)
            if a.report:
                print(k)


# Receiving


def identify(data, flow=None):
    """The frame's marker: its payload's, else its IPv6 flow label's (read
    from the frame when it is an Ethernet frame of IPv6, else given)."""
    m = MARK_RE.search(data)
    if m:
        return m.group().decode()
    if flow is None and len(data) >= 54 and data[12:14] == b"\x86\xdd":
        flow = struct.unpack("!I", data[14:18])[0]
    return KIND_BY_FLOW.get(flow & 0xFFFFF) if flow is not None else None


def listen(a):
    socks = {}  # socket -> how to read it
    ifaces = set(a.iface)
    for name in a.iface:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((name, 0))
        socks[s] = "link"
    for p in a.local_proto:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(int(p, 0)))
        socks[s] = "local"
    if a.l3:
        socks[socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)] = "ip"
        for proto in (socket.IPPROTO_UDP, socket.IPPROTO_ICMPV6):
            s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, proto)
            s.setsockopt(SOL_IPV6, IPV6_FLOWINFO, 1)
            socks[s] = "ip6"
        for j in a.join:
            group, _, dev = j.partition("%")
            mreq = ip6(group) + struct.pack("@I", socket.if_nametoindex(dev))
            next(s for s, how in socks.items() if how == "ip6").setsockopt(
                socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    sinks = []
    for port in a.udp_port:
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        u.bind(("::", port))
        sinks.append(u)
    for s in socks:
        s.setblocking(False)
    counts = {}
    until = set(a.until)

    def take(s, how):
        while True:
            try:
                if how in ("link", "local"):
                    data, addr = s.recvfrom(65535)
                    if addr[2] == PACKET_OUTGOING or (how == "local" and addr[0] in ifaces):
                        continue
                    mark = identify(data)
                elif how == "ip":
                    mark = identify(s.recv(65535), flow=0)
                else:
                    data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
                    flow = next((struct.unpack("!I", d[:4])[0] for lvl, t, d in anc
                                 if lvl == SOL_IPV6 and t == IPV6_FLOWINFO), 0)
                    mark = identify(data, flow=flow)
            except BlockingIOError:
                return
            if mark:
                counts[mark] = counts.get(mark, 0) + 1

    print("READY", flush=True)
    deadline = time.monotonic() + a.seconds
    done = False
    while not done:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(list(socks), [], [], left)
        for s in ready:
            take(s, socks[s])
        done = until <= set(counts)
    # The --until frames came last: what came before them is queued by now.
    for s, how in socks.items():
        take(s, how)
    for mark in sorted(counts):
        print(f"{mark}={counts[mark]}")
    print("DONE" if done else "TIMEOUT", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--iface", required=True)
    s.add_argument("--tag", required=True, choices=sorted(TAGS))
    s.add_argument("--ip4")
    s.add_argument("--ip6")
    s.add_argument("--foreign4")
    s.add_argument("--foreign6")
    s.add_argument("--spoof-mac")
    s.add_argument("--other-mac")
    s.add_argument("--router6")
    s.add_argument("--ns-target")
    s.add_argument("--arp-target")
    s.add_argument("--gw-mac")
    s.add_argument("--to4", type=lambda v: v.split(","))
    s.add_argument("--to6", type=lambda v: v.split(","))
    s.add_argument("--dport", type=int, default=5998)
    s.add_argument("--report", action="store_true", help="print each frame's kind as it is sent")
    s.add_argument("kinds", nargs="+")
    r = sub.add_parser("listen")
    r.add_argument("--iface", action="append", default=[])
    r.add_argument("--local-proto", action="append", default=[])
    r.add_argument("--l3", action="store_true")
    r.add_argument("--join", action="append", default=[])
    r.add_argument("--udp-port", action="append", type=int, default=[])
    r.add_argument("--until", required=True, type=lambda v: v.split(","))
    r.add_argument("--seconds", type=float, default=10)
    sub.add_parser("kinds")
    a = p.parse_args()
    if a.cmd == "send":
        send(a)
    elif a.cmd == "listen":
        listen(a)
    else:
        print("\n".join(KINDS))


if __name__ == "__main__":
    sys.exit(main())
