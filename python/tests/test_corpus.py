"""Every corpus segment decoded in Python equals the Rust decode, field for field.

The Rust side is the `tcpwire pcap` NDJSON of the same capture (the binary, not a helper in the
extension): it is the crate's public JSON form, made by a separate program and serializer
(serde_json), so equality checks the native Python objects against the serde form end to end,
including addresses, timestamps, checksum verdicts, malformed-option entries and error lines.
"""

from __future__ import annotations

import re

import dpkt
import pytest

import tcpwire
from tcpwire.compat import dpkt_parse_opts

from conftest import CORPUS, rust_lines


def python_lines(path, mode):
    """The Python decode of a capture, as (segment dicts and error lines) in capture order."""
    it = tcpwire.from_pcap(str(path), mode=mode)
    segments = list(it)
    return segments, it.errors


def split(lines):
    segments = [line for line in lines if "error" not in line]
    errors = [(line["frame"], line["error"]) for line in lines if "error" in line]
    return segments, errors


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("mode", ["lossless", "strict"])
def test_capture_equals_rust_json(path, mode):
    rust_segments, rust_errors = split(rust_lines(path, strict=(mode == "strict")))
    segments, errors = python_lines(path, mode)
    assert len(segments) == len(rust_segments)
    for seg, line in zip(segments, rust_segments):
        assert seg.to_dict() == line, f"frame {line['frame']}"
        # The typed view agrees with the dict view.
        header = line["header"]
        assert (seg.header.src_port, seg.header.dst_port) == (header["src_port"], header["dst_port"])
        assert seg.header.flags.to_dict() == header["flags"]
        assert [o.to_dict() for o in seg.header.options] == header["options"]
        assert [o.name for o in seg.header.options] == [o["type"] for o in header["options"]]
    # Frames without a segment: the same frames, the same messages, in both modes (in strict
    # mode this is where the Rust strict parser erred).
    assert sorted(errors) == sorted(rust_errors)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_lossless_round_trip_and_strict_errors(path):
    for seg in tcpwire.from_pcap(str(path)):
        data = seg.segment_bytes
        lossless = tcpwire.TcpSegment.parse_lossless(data)
        assert lossless.to_bytes() == data
        assert lossless.header == seg.header
        assert tcpwire.TcpHeader.parse_prefix(data, "lossless")[0].to_bytes() == data[: seg.header.header_len]
        malformed = seg.to_dict().get("malformed", [])
        if malformed:
            # Strict parsing errs at the first malformed option: its kind and offset.
            with pytest.raises(tcpwire.ParseError) as raised:
                tcpwire.TcpSegment.parse(data)
            assert (raised.value.kind, raised.value.offset) == (malformed[0]["kind"], malformed[0]["offset"])
            assert raised.value.problem == malformed[0]["problem"]
            assert isinstance(raised.value, ValueError)
        else:
            assert tcpwire.TcpSegment.parse(data) == lossless


HEADER_FIELDS = [
    "src_port", "dst_port", "seq", "ack_number", "data_offset", "reserved", "window", "checksum",
    "urgent_pointer", "padding", "header_len", "has_malformed", "mss", "window_scale",
    "sack_permitted", "timestamps",
]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_parsed_header_equals_captured_value(path):
    """A parsed header reads its fields from its bytes; a captured one holds the Rust value made
    by the owned parser: every attribute, the options, the dict, equality and hash agree."""
    for seg in tcpwire.from_pcap(str(path)):
        for mode in ("lossless", "strict"):
            try:
                parsed = tcpwire.TcpSegment.parse_with(seg.segment_bytes, mode)
            except tcpwire.ParseError:
                assert mode == "strict" and seg.header.has_malformed
                continue
            header = parsed.header
            for field in HEADER_FIELDS:
                assert getattr(header, field) == getattr(seg.header, field), (seg.frame, field)
            assert header.flags == seg.header.flags
            assert header.options == seg.header.options
            assert [o.to_dict() for o in header.options] == [o.to_dict() for o in seg.header.options]
            assert header.to_dict() == seg.header.to_dict()
            assert header == seg.header and hash(header) == hash(seg.header)
            assert parsed.payload == seg.payload
            assert str(header) == str(seg.header) and repr(header) == repr(seg.header)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_strict_error_lines_name_kind_and_offset(path):
    """The strict error lines of the binary carry the same kind and offset as ParseError."""
    by_frame = {seg.frame: seg for seg in tcpwire.from_pcap(str(path))}
    for frame, message in split(rust_lines(path, strict=True))[1]:
        found = re.search(r"option kind (\d+) \(.*\) at header offset (\d+)", message)
        if not found or frame not in by_frame:
            continue
        with pytest.raises(tcpwire.ParseError) as raised:
            tcpwire.TcpSegment.parse(by_frame[frame].segment_bytes)
        assert (raised.value.kind, raised.value.offset) == (int(found[1]), int(found[2]))
        assert str(raised.value) in message


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_dpkt_parse_opts_equals_dpkt(path):
    compared = 0
    for seg in tcpwire.from_pcap(str(path)):
        try:
            tcp = dpkt.tcp.TCP(seg.segment_bytes)
        except (dpkt.UnpackError, dpkt.NeedData):
            continue
        assert dpkt_parse_opts(tcp.opts) == dpkt.tcp.parse_opts(tcp.opts), seg.frame
        compared += 1
    # dpkt's rule on every shape, not just the corpus's: cut-off options, zero lengths.
    for opts in [b"", b"\x02", b"\x02\x00", b"\x02\x01\x05", b"\x00\x01\x02\x04\x05", b"\x08\x0a\x00", b"\xfe\x28"]:
        assert dpkt_parse_opts(opts) == dpkt.tcp.parse_opts(opts), opts


def test_corpus_has_every_family():
    """The comparison above covers MPTCP, malformed options, strict errors and IPv6."""
    names, malformed, v6 = set(), 0, 0
    for path in CORPUS:
        for seg in tcpwire.from_pcap(str(path)):
            names.update(o.name for o in seg.header.options)
            names.update(o.to_dict().get("mptcp", "") for o in seg.header.options)
            malformed += seg.header.has_malformed
            v6 += seg.ip_version == 6
    assert {"mss", "timestamps", "sack", "mptcp", "mp_capable", "dss", "add_addr", "tcp_ao", "md5_signature", "malformed"} <= names
    assert malformed > 0 and v6 > 0
