"""Lossless parsing never raises on a usable fixed header: the corpus's option areas with
random bytes written over them, 1,000,000 segments. The mutation is numpy (vectorised, well
under a second); the parsing goes through the batch call, and every result must write back the
exact input bytes. A sample also goes through the per-segment and strict paths."""

from __future__ import annotations

import numpy as np

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


def test_lossless_never_raises_on_a_million_mutated_segments():
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
                # The options read from the bytes equal those of the owned value.
                rebuilt = tcpwire.TcpHeader.from_dict(lossless.header.to_dict())
                assert lossless.header.options == rebuilt.options, data.hex()
                assert lossless.header == rebuilt and lossless.header.padding == rebuilt.padding
                repr(lossless.header.options)
    assert parsed >= TOTAL
    # The mutations reach the malformed paths, and not only them.
    assert 0.05 * parsed < malformed < 0.95 * parsed
