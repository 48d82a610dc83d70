#!/usr/bin/env python3
"""TCP-AO oracle for tcpwire's differential test: scapy's scapy.contrib.tcpao as the second
implementation (the kernel here has no TCP-AO).

Only scapy's KDF and MAC functions are used (calc_tcpao_traffic_key, calc_tcpao_mac):
scapy 2.8's sign_tcpao MACs the MAC a second time, so segments it signs verify nowhere.

  tcpao_oracle.py generate N SEED   scapy builds N segments (IPv4/IPv6, both algorithms,
                                    options included and excluded, SYN, SYN-ACK and data,
                                    sequence numbers around a wrap), writes each MAC into its
                                    TCP-AO option, prints one JSON object per line.
  tcpao_oracle.py check             reads such JSON lines (signed by someone else) on standard
                                    input; prints for each the traffic key and MAC scapy
                                    computes, and whether the MAC carried matches.

JSON fields: packet (hex, IP header first), alg (HMAC-SHA-1-96 | AES-128-CMAC-96), secret
(hex), src_isn, dst_isn, sne, include_options; check adds traffic_key, mac, match.
"""
import json
import random
import sys

from scapy.contrib import tcpao
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6

ALGS = ["HMAC-SHA-1-96", "AES-128-CMAC-96"]
AO_KIND = 29


def ao_mac_offset(raw_tcp):
    """Offset of the MAC in the TCP header bytes, and its length."""
    doff = (raw_tcp[12] >> 4) * 4
    pos = 20
    while pos < doff:
        kind = raw_tcp[pos]
        if kind == 0:
            break
        if kind == 1:
            pos += 1
            continue
        length = raw_tcp[pos + 1]
        if kind == AO_KIND:
            return pos + 4, length - 4
        pos += length
    raise ValueError("no TCP-AO option")


def parse(packet_bytes):
    return IPv6(packet_bytes) if packet_bytes[0] >> 4 == 6 else IP(packet_bytes)


def scapy_mac(p, case):
    alg = tcpao.get_alg(case["alg"])
    key = tcpao.calc_tcpao_traffic_key(
        p, alg, bytes.fromhex(case["secret"]), case["src_isn"], case["dst_isn"]
    )
    mac = tcpao.calc_tcpao_mac(
        p, alg, key, include_options=case["include_options"], sne=case["sne"]
    )
    return key, mac


def generate(count, seed):
    rng = random.Random(seed)
    for i in range(count):
        v6 = i % 2 == 1
        alg = ALGS[(i // 2) % 2]
        include_options = (i // 4) % 2 == 0
        kind = ["syn", "synack", "data"][(i // 8) % 3]
        secret = bytes(rng.randrange(256) for _ in range(rng.choice([16, 5, 20, 37])))
        src_isn = rng.choice([rng.randrange(1 << 32), 0xFFFFFF00 + rng.randrange(256)])
        dst_isn = rng.randrange(1 << 32)
        sne = 0
        seq = src_isn
        ack = 0
        flags = "S"
        if kind == "synack":
            flags = "SA"
            ack = (dst_isn + 1) & 0xFFFFFFFF
        elif kind == "data":
            flags = "PA"
            # Every other block of data segments crosses the wrap: the SNE counts wraps.
            if (i // 24) % 2 == 1:
                src_isn = 0xFFFFFF00 + rng.randrange(200)
                advance = 300 + rng.randrange(1 << 20)
            else:
                src_isn = rng.randrange(1 << 31)
                advance = rng.choice([1, 200, 1 << 30])
            seq = (src_isn + advance) & 0xFFFFFFFF
            sne = 1 if src_isn + advance >= 1 << 32 else 0
            ack = (dst_isn + 1 + rng.randrange(1000)) & 0xFFFFFFFF
        if kind == "syn":
            dst_isn_ctx = 0
        else:
            dst_isn_ctx = dst_isn
        options = []
        if rng.random() < 0.7:
            options.append(("Timestamp", (rng.randrange(1 << 32), rng.randrange(1 << 32))))
        if kind != "data":
            options = [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)] + options
        options.append(("NOP", None))
        options.append(("NOP", None))
        key_id, rnext = rng.randrange(256), rng.randrange(256)
        options.append(("AO", bytes([key_id, rnext]) + b"\x00" * 12))
        payload = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 3, 100])))
        if kind != "data":
            payload = b""
        sport, dport = rng.randrange(1, 65536), rng.choice([179, 443, 50000])
        if v6:
            ip = IPv6(src="2001:db8::%x" % rng.randrange(1, 65536), dst="2001:db8:1::%x" % rng.randrange(1, 65536))
        else:
            ip = IP(src="10.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(3)), dst="192.0.2.%d" % rng.randrange(1, 255))
        p = ip / TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags, window=rng.randrange(65536), options=options) / payload
        p = parse(bytes(p))  # fix lengths and checksum as the wire has them
        case = {
            "alg": alg,
            "secret": secret.hex(),
            "src_isn": src_isn,
            "dst_isn": dst_isn_ctx,
            "sne": sne,
            "include_options": include_options,
        }
        _, mac = scapy_mac(p, case)
        raw = bytearray(bytes(p))
        ip_len = len(raw) - len(bytes(p[TCP]))
        at, length = ao_mac_offset(bytes(p[TCP]))
        assert length == len(mac)
        raw[ip_len + at: ip_len + at + length] = mac
        p = parse(bytes(raw))
        # The checksum covers the MAC: recompute it.
        del p[TCP].chksum
        case["packet"] = bytes(p).hex()
        print(json.dumps(case))


def check():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        packet = bytes.fromhex(case["packet"])
        p = parse(packet)
        key, mac = scapy_mac(p, case)
        tcp = bytes(p[TCP])
        at, length = ao_mac_offset(tcp)
        carried = tcp[at: at + length]
        case.update(traffic_key=key.hex(), mac=mac.hex(), match=carried == mac)
        print(json.dumps(case))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        generate(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 2 and sys.argv[1] == "check":
        check()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
