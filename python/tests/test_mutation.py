"""Lossless parsing never raises on a usable fixed header: the corpus's option areas with
random bytes written over them, 1,000,000 segments. The mutation is numpy (vectorised, well
under a second); the parsing goes through the batch call, and every result must write back the
exact input bytes. A sample also goes through the per-segment and strict paths."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import tcpwire

from conftest import CORPUS

TOTAL = 1_000_000
# Half of the written bytes are drawn from values that steer the parsers into their branches:
# every decoded kind, MPTCP subtype nibbles, and Length bytes around the rules.
INTERESTING = np.array(
    [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 15, 16, 18, 19, 20, 24, 27, 28, 29, 30, 34, 40, 69,
     172, 174, 200, 253, 254, 255, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xF0,
     0x11, 0x21, 0x31, 0x81, 0xF9, 0x89],
    dtype=np.uint8,
)


def seed_headers():
    """The distinct headers with options in the corpus, grouped by length."""
    groups = {}
    for path in CORPUS:
        for seg in tcpwire.from_pcap(str(path)):
            length = seg.header.header_len
            if length > 20:
                groups.setdefault(length, set()).add(bytes(seg.segment_bytes[:length]))
    return {length: sorted(headers) for length, headers in groups.items()}


def mutated(rng, headers, count):
    length = len(headers[0])
    seeds = np.frombuffer(b"".join(headers), dtype=np.uint8).reshape(-1, length)
    rows = seeds[rng.integers(0, len(seeds), count)].copy()
    writes = 3
    positions = rng.integers(20, length, (count, writes))
    random_values = rng.integers(0, 256, (count, writes), dtype=np.uint8)
    steered = INTERESTING[rng.integers(0, len(INTERESTING), (count, writes))]
    values = np.where(rng.random((count, writes)) < 0.5, random_values, steered)
    rows[np.arange(count)[:, None], positions] = values
    flat = rows.tobytes()
    return [flat[i * length:(i + 1) * length] for i in range(count)]


def raw_ipv4_pcap(path, segments):
    """A pcap of link type RAW (101): each segment after a 20-byte IPv4 header."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 101))
    for data in segments:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), 0, 0, 64, 6, 0, bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
        out += struct.pack("<IIII", 0, 0, 20 + len(data), 20 + len(data)) + ip + data
    path.write_bytes(bytes(out))


def agree_with_the_owned_parser(segments, tmp_path):
    path = tmp_path / "mutated.pcap"
    raw_ipv4_pcap(path, segments)
    for mode in ("lossless", "strict"):
        it = tcpwire.from_pcap(str(path), mode=mode)
        captured = {seg.frame: seg for seg in it}
        failed = {frame for frame, _ in it.errors}
        assert len(captured) + len(failed) == len(segments)
        for frame, data in enumerate(segments, 1):
            if frame in failed:
                with pytest.raises(tcpwire.ParseError):
                    tcpwire.TcpSegment.parse_with(data, mode)
                continue
            owned, parsed = captured[frame].header, tcpwire.TcpSegment.parse_with(data, mode).header
            assert parsed == owned and parsed.options == owned.options, data.hex()
            assert (parsed.padding, parsed.has_malformed, parsed.flags) == (owned.padding, owned.has_malformed, owned.flags)


def test_lossless_never_raises_on_a_million_mutated_segments(tmp_path):
    rng = np.random.default_rng(17)
    groups = seed_headers()
    assert sum(len(h) for h in groups.values()) > 100
    lengths = sorted(groups)
    per_length = TOTAL // len(lengths) + 1
    parsed = malformed = 0
    for length in lengths:
        for start in range(0, per_length, 100_000):
            batch = mutated(rng, groups[length], min(100_000, per_length - start))
            segments = tcpwire.parse_many(batch, "lossless")
            for data, seg in zip(batch, segments):
                assert seg is not None, data.hex()
                assert seg.to_bytes() == data, data.hex()
                malformed += seg.header.has_malformed
            parsed += len(batch)
            # The per-segment and strict paths on a sample of the same bytes.
            for data in batch[:2_000]:
                lossless = tcpwire.TcpSegment.parse_lossless(data)
                try:
                    strict = tcpwire.TcpSegment.parse(data)
                except tcpwire.ParseError as e:
                    assert lossless.header.has_malformed and e.kind is not None and e.offset >= 20
                else:
                    assert strict == lossless and not lossless.header.has_malformed
                repr(lossless.header.options)
            # The per-segment objects read fields and options from the bytes; a capture's
            # headers come from the owned parser: both agree on the sample, in both modes.
            agree_with_the_owned_parser(batch[:2_000], tmp_path)
    assert parsed >= TOTAL
    # The mutations reach the malformed paths, and not only them.
    assert 0.05 * parsed < malformed < 0.95 * parsed
