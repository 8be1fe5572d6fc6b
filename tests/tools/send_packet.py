#!/usr/bin/env python3
"""Sends one packet a hostile guest might: the isolation tests' traffic.

  send_packet.py garp IFACE IP         gratuitous ARP reply claiming IP for IFACE's MAC
  send_packet.py ra IFACE              router advertisement to all nodes (ff02::1)
  send_packet.py udp SPORT DST DPORT   one UDP datagram from port SPORT (a DHCP server's: 67)
  send_packet.py spoof IFACE KIND [SECONDS]
                                       a broadcast UDP datagram from another's MAC (KIND mac)
                                       or from IFACE's MAC and another's IPv4 address (ip4),
                                       once, or every 0.1 s for SECONDS
"""
import socket
import struct
import sys
import time


def garp(iface, ip):
    with open(f"/sys/class/net/{iface}/address") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    addr = socket.inet_aton(ip)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, mac, addr, b"\xff" * 6, addr)
    frame = b"\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((iface, 0))
        s.send(frame)


def ra(iface):
    # type 134, code 0, checksum (the kernel's), hop limit 64, no flags,
    # router lifetime 1800 s, reachable and retransmit timers unset
    msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    with socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6) as s:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
        s.sendto(msg, ("ff02::1", 0, 0, socket.if_nametoindex(iface)))


def udp(sport, dst, dport):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", int(sport)))
        s.sendto(b"hostile", (dst, int(dport)))


def ip4_checksum(header):
    total = sum(struct.unpack("!10H", header))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def spoof(iface, kind, seconds="0"):
    with open(f"/sys/class/net/{iface}/address") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    if kind == "mac":
        src_mac, src_ip = bytes.fromhex("00163e0000ee"), "192.0.2.238"
    elif kind == "ip4":
        src_mac, src_ip = mac, "192.0.2.239"
    else:
        raise SystemExit(f"send_packet.py spoof: no kind {kind}")
    payload = b"XNM-spoofed"
    udp_part = struct.pack("!HHHH", 9, 9, 8 + len(payload), 0) + payload
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp_part), 0, 0, 64, 17, 0,
                         socket.inet_aton(src_ip), socket.inet_aton("255.255.255.255"))
    header = header[:10] + struct.pack("!H", ip4_checksum(header)) + header[12:]
    frame = b"\xff" * 6 + src_mac + struct.pack("!H", 0x0800) + header + udp_part
    end = time.monotonic() + float(seconds)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((iface, 0))
        while True:
            s.send(frame)
            if time.monotonic() >= end:
                break
            time.sleep(0.1)


if __name__ == "__main__":
    {"garp": garp, "ra": ra, "udp": udp, "spoof": spoof}[sys.argv[1]](*sys.argv[2:])
