#!/usr/bin/env python3
"""Makes corpus/signed/tcp-ao.pcap: TCP-AO signed connections, signed by scapy's scapy.contrib.tcpao
KDF and MAC functions (the kernel on the build machines has no TCP-AO), with the keys in
corpus/signed/tcp-ao.keys and the verdict every segment must get in
corpus/signed/tcp-ao.expected.

  python3 corpus/signed/make-tcp-ao-capture.py     (needs: pip install scapy cryptography)

The output is the same bytes on every run (fixed ISNs, timestamps, payloads).

Connections:
 1. IPv4, HMAC-SHA-1-96, options covered (timestamps): handshake, data, then a key rollover
    through RNextKeyID (the server asks for KeyID 2; the client moves to it; the server
    follows), data, FIN.
 2. IPv6, AES-128-CMAC-96, options excluded: the client's ISN sits just below 2^32, so its
    data crosses the sequence number wrap (SNE 1), and a segment from before the wrap is
    retransmitted after it (SNE 0 again).
 3. A peer with the wrong secret for KeyID 1: its SYN and the retransmission are invalid;
    the server answers with an unsigned RST.
 4. A SYN signed with KeyID 9, which no key has: no_key.
"""
import os
import struct

from scapy.contrib import tcpao
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.utils import wrpcap

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = [
    # (id, rnext, alg, peer, include options, secret)
    (1, 1, "HMAC-SHA-1-96", "10.80.0.0/16", True, b"tcpwire-ao-key-1"),
    (2, 2, "HMAC-SHA-1-96", "10.80.0.0/16", True, b"tcpwire-ao-key-2"),
    (5, 5, "AES-128-CMAC-96", "fd00:80::/32", False, b"tcpwire-ao-cmac"),
]
ALG_TEXT = {"HMAC-SHA-1-96": "hmac-sha-1-96", "AES-128-CMAC-96": "aes-128-cmac-96"}

frames = []  # (packet, expected verdict)
clock = [1_800_000_000.0]


def tick():
    clock[0] += 0.001
    return clock[0]


def ao_mac_offset(raw_tcp):
    doff = (raw_tcp[12] >> 4) * 4
    pos = 20
    while pos < doff:
        kind = raw_tcp[pos]
        if kind == 0:
            break
        if kind == 1:
            pos += 1
            continue
        if kind == 29:
            return pos + 4
        pos += raw_tcp[pos + 1]
    raise ValueError("no TCP-AO option")


def parse(raw):
    return Ether(raw)


def emit(ip, tcp, payload=b"", sign=None, expect="valid"):
    """sign: (alg, secret, key id, rnext, src isn, dst isn, sne, include options) or None."""
    options = list(tcp.options)
    if sign is not None:
        alg_name, secret, keyid, rnext, sisn, disn, sne, incl = sign
        options += [("NOP", None), ("NOP", None), ("AO", bytes([keyid, rnext]) + b"\x00" * 12)]
    tcp.options = options
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    p = parse(bytes(eth / ip / tcp / payload))
    if sign is not None:
        alg = tcpao.get_alg(alg_name)
        key = tcpao.calc_tcpao_traffic_key(p, alg, secret, sisn, disn)
        mac = tcpao.calc_tcpao_mac(p, alg, key, include_options=incl, sne=sne)
        raw = bytearray(bytes(p))
        tcp_at = len(raw) - len(bytes(p[TCP]))
        at = tcp_at + ao_mac_offset(bytes(p[TCP]))
        raw[at:at + 12] = mac
        p = parse(bytes(raw))
        del p[TCP].chksum  # the checksum covers the MAC
        p = parse(bytes(p))
    p.time = tick()
    frames.append((p, expect))


def seq32(n):
    return n & 0xFFFFFFFF


def connection_1():
    c, s = "10.80.1.1", "10.80.2.2"
    cp, sp = 40001, 179
    cisn, sisn = 0x1000_0000, 0x7000_0000
    k1 = ("HMAC-SHA-1-96", KEYS[0][5])
    k2 = ("HMAC-SHA-1-96", KEYS[1][5])
    ts = [1000]

    def t():
        ts[0] += 7
        return ("Timestamp", (ts[0], ts[0] - 3))

    def c2s(flags, seq, ack, payload=b"", key=k1, keyid=1, rnext=1, extra=()):
        opts = [t()] + list(extra)
        disn = 0 if flags == "S" else sisn
        emit(IP(src=c, dst=s, id=1), TCP(sport=cp, dport=sp, flags=flags, seq=seq, ack=ack, window=64240, options=opts),
             payload, (key[0], key[1], keyid, rnext, cisn, disn, 0, True))

    def s2c(flags, seq, ack, payload=b"", key=k1, keyid=1, rnext=1, extra=()):
        opts = [t()] + list(extra)
        emit(IP(src=s, dst=c, id=2), TCP(sport=sp, dport=cp, flags=flags, seq=seq, ack=ack, window=65160, options=opts),
             payload, (key[0], key[1], keyid, rnext, sisn, cisn, 0, True))

    c2s("S", cisn, 0, extra=[("MSS", 1460), ("WScale", 7)])
    s2c("SA", sisn, cisn + 1, extra=[("MSS", 1460), ("WScale", 7)])
    c2s("A", cisn + 1, sisn + 1)
    c2s("PA", cisn + 1, sisn + 1, b"OPEN" * 10)
    s2c("PA", sisn + 1, cisn + 41, b"OPEN-REPLY" * 3)
    # Rollover: the server asks for KeyID 2 (RNextKeyID 2) while still signing with 1.
    s2c("A", sisn + 31, cisn + 41, rnext=2)
    # The client moves to KeyID 2 and asks for 2 as well.
    c2s("PA", cisn + 41, sisn + 31, b"KEEPALIVE", key=k2, keyid=2, rnext=2)
    # The server follows.
    s2c("PA", sisn + 31, cisn + 50, b"UPDATE" * 5, key=k2, keyid=2, rnext=2)
    c2s("FA", cisn + 50, sisn + 61, key=k2, keyid=2, rnext=2)
    s2c("FA", sisn + 61, cisn + 51, key=k2, keyid=2, rnext=2)
    c2s("A", cisn + 51, sisn + 62, key=k2, keyid=2, rnext=2)


def connection_2():
    c, s = "fd00:80:1::1", "fd00:80:2::2"
    cp, sp = 40002, 179
    cisn, sisn = 0xFFFF_FE00, 0x2222_0000
    key = ("AES-128-CMAC-96", KEYS[2][5])

    def c2s(flags, seq, ack, payload=b"", sne=0):
        disn = 0 if flags == "S" else sisn
        emit(IPv6(src=c, dst=s), TCP(sport=cp, dport=sp, flags=flags, seq=seq32(seq), ack=seq32(ack), window=64000,
                                     options=[("Timestamp", (seq32(seq) >> 8, 5))]),
             payload, (key[0], key[1], 5, 5, cisn, disn, sne, False))

    def s2c(flags, seq, ack, sne=0):
        emit(IPv6(src=s, dst=c), TCP(sport=sp, dport=cp, flags=flags, seq=seq32(seq), ack=seq32(ack), window=64000,
                                     options=[("Timestamp", (9, seq32(ack) >> 8))]),
             b"", (key[0], key[1], 5, 5, sisn, cisn, sne, False))

    c2s("S", cisn, 0)
    s2c("SA", sisn, cisn + 1)
    c2s("A", cisn + 1, sisn + 1)
    chunk = bytes(range(200))
    seq = cisn + 1
    for _ in range(4):  # 0xFFFFFE01, 0xFFFFFEC9, 0xFFFFFF91, 0x100000059 (wrapped)
        c2s("PA", seq, sisn + 1, chunk, sne=seq >> 32)
        seq += len(chunk)
        s2c("A", sisn + 1, seq)
    # A retransmission from before the wrap, sent after it: SNE 0.
    c2s("PA", cisn + 1 + 400, sisn + 1, chunk, sne=0)
    c2s("PA", seq, sisn + 1, chunk, sne=seq >> 32)
    s2c("A", sisn + 1, seq + len(chunk))


def connection_3():
    c, s = "10.80.3.3", "10.80.2.2"
    cisn = 0x3333_0000
    for _ in range(2):
        emit(IP(src=c, dst=s), TCP(sport=40003, dport=179, flags="S", seq=cisn, window=64240, options=[("MSS", 1460)]),
             b"", ("HMAC-SHA-1-96", b"wrong-secret", 1, 1, cisn, 0, 0, True), expect="invalid")
    emit(IP(src=s, dst=c), TCP(sport=179, dport=40003, flags="RA", seq=0, ack=cisn + 1, window=0),
         b"", None, expect="unsigned")


def connection_4():
    c, s = "10.80.4.4", "10.80.2.2"
    emit(IP(src=c, dst=s), TCP(sport=40004, dport=179, flags="S", seq=0x4444_0000, window=64240, options=[("MSS", 1460)]),
         b"", ("HMAC-SHA-1-96", b"some-other-key", 9, 9, 0x4444_0000, 0, 0, True), expect="no_key")


def main():
    connection_1()
    connection_2()
    connection_3()
    connection_4()
    wrpcap(os.path.join(HERE, "tcp-ao.pcap"), [p for p, _ in frames])
    with open(os.path.join(HERE, "tcp-ao.keys"), "w") as f:
        f.write("# Master key tuples of tcp-ao.pcap, one `tcpwire pcap --ao-key` value per line\n")
        f.write("# (made by make-tcp-ao-capture.py).\n")
        for keyid, rnext, alg, peer, incl, secret in KEYS:
            f.write("id=%d,rnext=%d,alg=%s,peer=%s,options=%s,secret=%s\n" % (
                keyid, rnext, ALG_TEXT[alg], peer, "include" if incl else "exclude", secret.decode()))
    with open(os.path.join(HERE, "tcp-ao.expected"), "w") as f:
        f.write("# frame\tao verdict (tcp-ao.pcap with tcp-ao.keys; made by make-tcp-ao-capture.py)\n")
        for n, (_, expect) in enumerate(frames, 1):
            f.write("%d\t%s\n" % (n, expect))


if __name__ == "__main__":
    main()
