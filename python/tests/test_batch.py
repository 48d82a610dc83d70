"""`tcpwire.parse_batch`: the columnar batch path, checked segment for segment against the
per-segment API (`TcpSegment.parse_lossless(...).to_dict()`, the typed option objects) over
every corpus segment."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

import tcpwire

from conftest import CORPUS

pyarrow = pytest.importorskip("pyarrow")
numpy = pytest.importorskip("numpy")

SYN = bytes.fromhex(
    "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307"
)
FLAGS = ["syn", "fin", "rst", "psh", "ack", "urg", "ece", "cwr", "ae"]


def corpus_segments() -> List[bytes]:
    """The bytes (header and payload) of every TCP segment of every corpus capture."""
    out = []
    for path in CORPUS:
        out += [s.segment_bytes for s in tcpwire.from_pcap(str(path))]
    return out


SEGMENTS = corpus_segments()


def concat(segments: List[bytes]):
    offsets = numpy.zeros(len(segments) + 1, dtype=numpy.int64)
    numpy.cumsum([len(s) for s in segments], out=offsets[1:])
    return b"".join(segments), offsets


def unhex(text: Optional[str]) -> Optional[bytes]:
    return None if text is None else bytes.fromhex(text)


def expected_mptcp(option: Any, d: Dict[str, Any]) -> Dict[str, Any]:
    """The `mptcp_options` element an MPTCP option's dict (and its wire bytes) calls for."""
    raw = option.to_bytes()
    mapping = d.get("mapping") or {}
    flags = None
    if d["mptcp"] in ("mp_capable", "dss"):
        flags = raw[3]
    hmac = d.get("truncated_hmac") or d.get("sender_truncated_hmac") or d.get("sender_hmac")
    return {
        "length": len(raw),
        "subtype": d["subtype"],
        # The columns name an unassigned subtype (9-14) as MptcpSubtype::name() does, "unknown";
        # the option's JSON record says "unassigned".
        "subtype_name": "unknown" if d["mptcp"] == "unassigned" else d["mptcp"],
        "version": d.get("version"),
        "flags": flags,
        "sender_key": unhex(d.get("sender_key")),
        "receiver_key": unhex(d.get("receiver_key")),
        "token": unhex(d.get("receiver_token")),
        "nonce": unhex(d.get("sender_random")),
        "hmac": unhex(hmac),
        "backup": d.get("backup"),
        "address_id": d.get("address_id"),
        "address": d.get("address"),
        "port": d.get("port"),
        # ADD_ADDR version 0 (RFC 6824) has no echo bit: the column says false.
        "echo": d.get("echo", False) if d["mptcp"] == "add_addr" else None,
        "data_ack": None if d.get("data_ack") is None else int(d["data_ack"]),
        "dsn": int(mapping.get("dsn", d.get("dsn", 0))) if ("dsn" in mapping or "dsn" in d) else None,
        "subflow_seq": mapping.get("subflow_seq"),
        "data_level_length": mapping.get("data_level_length", d.get("data_level_length")),
        "checksum": mapping.get("checksum", d.get("checksum")),
        "data_fin": d.get("data_fin"),
        "address_ids": None if "address_ids" not in d else bytes(d["address_ids"]),
        "reason": raw[3] if d["mptcp"] == "mp_tcprst" else None,
        "transient": d.get("transient"),
    }


def check_row(row: Dict[str, Any], data: bytes) -> None:
    """One row of the batch against the per-segment API on the same bytes."""
    try:
        seg = tcpwire.TcpSegment.parse_lossless(data)
    except tcpwire.ParseError as e:
        assert row["error"] is not None and str(e) in row["error"], (row["error"], e)
        assert row["src_port"] is None and row["options"] is None
        return
    assert row["error"] is None
    h = seg.to_dict()["header"]
    for name in ["src_port", "dst_port", "seq", "data_offset", "reserved", "window", "checksum",
                 "urgent_pointer"]:
        assert row[name] == h[name], name
    assert row["ack_number"] == h["ack_number"]
    assert [row["flag_" + f] for f in FLAGS] == [h["flags"][f] for f in FLAGS]
    assert row["flags"] == str(seg.header.flags)
    assert row["payload_len"] == len(seg.payload)
    assert row["padding"] == seg.header.padding
    assert row["header_bytes"] == data[: seg.header.header_len] == seg.header.to_bytes()

    options = seg.header.options
    assert len(row["options"]) == len(options) == len(h["options"])
    offset = 20
    mptcp_rows = []
    first: Dict[str, Any] = {}
    for col, option, d in zip(row["options"], options, h["options"]):
        raw = option.to_bytes()
        assert (col["kind"], col["offset"], col["length"], col["raw"]) == (
            d["kind"], offset, len(raw), raw), (col, d)
        assert raw == data[offset: offset + len(raw)]
        offset += len(raw)
        if d["type"] == "malformed":
            assert col["problem"] == d["reason"]["problem"]
        else:
            assert col["problem"] is None
            if d["type"] not in ("unknown", "experiment"):
                assert col["name"] == d["type"], (col["name"], d)
        blocks = d.get("blocks") if d["type"] == "sack" else None
        expected = {
            "mss": d.get("mss"),
            "shift": d.get("shift"),
            "sack_blocks": blocks,
            "tsval": d.get("tsval"),
            "tsecr": d.get("tsecr"),
            "cookie": unhex(d.get("cookie")) if "fast_open" in d["type"] else None,
            # Experimental TCP Fast Open is experiment 0xF989 (RFC 7413), which its record implies.
            "exid": 0xF989 if d["type"] == "experimental_fast_open" else d.get("exid"),
            "mptcp_subtype": d.get("subtype") if d["type"] == "mptcp" else None,
        }
        assert {k: col[k] for k in expected} == expected, (col, d)
        if d["type"] == "mptcp":
            mptcp_rows.append((col["offset"], expected_mptcp(option, d)))
        for key, column in [("mss", "mss"), ("shift", "window_scale"), ("tsval", "tsval"),
                            ("tsecr", "tsecr"), ("sack_blocks", "sack_blocks"),
                            ("cookie", "fast_open_cookie")]:
            if expected[key] is not None:
                first.setdefault(column, expected[key])
    # Lossless: the fixed header, every option's raw bytes and the padding are the header again.
    rebuilt = data[:20] + b"".join(c["raw"] for c in row["options"]) + row["padding"]
    assert rebuilt == row["header_bytes"]
    for column in ["mss", "window_scale", "tsval", "tsecr", "sack_blocks", "fast_open_cookie"]:
        assert row[column] == first.get(column), column
    assert row["sack_permitted"] == any(d["type"] == "sack_permitted" for d in h["options"])

    assert [m["offset"] for m in row["mptcp_options"]] == [o for o, _ in mptcp_rows]
    for got, (_, want) in zip(row["mptcp_options"], mptcp_rows):
        assert {k: got[k] for k in want} == want, (got, want)
    assert row["mptcp_subtypes"] == [want["subtype_name"] for _, want in mptcp_rows]
    malformed = [d for d in h["options"] if d["type"] == "malformed"]
    assert [(m["kind"], m["problem"]) for m in row["malformed"]] == [
        (d["kind"], d["reason"]["problem"]) for d in malformed]


def test_corpus_columns_equal_the_per_segment_api():
    assert len(SEGMENTS) > 4000
    data, offsets = concat(SEGMENTS)
    table = tcpwire.parse_batch(data, offsets, batch_rows=1000)  # several record batches
    assert table.num_rows == len(SEGMENTS)
    assert "src" not in table.column_names and "file" not in table.column_names
    for i, row in enumerate(table.to_pylist()):
        check_row(row, SEGMENTS[i])


def test_the_three_ways_in_agree():
    data, offsets = concat(SEGMENTS)
    from_numpy = tcpwire.parse_batch(data, offsets)
    assert tcpwire.parse_batch(SEGMENTS).equals(from_numpy)
    assert tcpwire.parse_batch(bytearray(data), [int(o) for o in offsets]).equals(from_numpy)
    # One thread or two, any batch size: the same rows in the same order.
    for threads, rows in [(1, 100), (2, 1000), (3, 7)]:
        table = tcpwire.parse_batch(data, offsets, batch_rows=rows, threads=threads)
        assert table.equals(from_numpy)
    as_u8 = numpy.frombuffer(data, dtype=numpy.uint8)
    assert tcpwire.parse_batch(as_u8, offsets.astype(numpy.uint32)).equals(from_numpy)


def test_fixed_fields_to_numpy():
    table = tcpwire.parse_batch(SYN * 3, numpy.array([0, 40, 80, 120]))
    assert table.column("dst_port").to_numpy().tolist() == [443, 443, 443]
    assert table.column("seq").to_numpy().dtype == numpy.uint32


def test_malformed_segments_as_lossless_parsing_keeps_them():
    bad_length = SYN[:20] + bytes([8, 0, 0, 0])  # timestamps with length 0
    bad_length = bad_length[:12] + bytes([0x60]) + bad_length[13:]
    cut = SYN[:10]
    offset_beyond = SYN[:12] + bytes([0xF0]) + SYN[13:]  # data offset 60 > 40 bytes
    segments = [SYN, bad_length, cut, offset_beyond, b""]
    lossless = tcpwire.parse_batch(segments).to_pylist()
    for row, data in zip(lossless, segments):
        check_row(row, data)
    assert lossless[1]["error"] is None and lossless[1]["malformed"][0]["kind"] == 8
    assert [r["error"] is None for r in lossless] == [True, True, False, False, False]
    strict = tcpwire.parse_batch(segments, mode="strict").to_pylist()
    for row, data in zip(strict, segments):
        try:
            tcpwire.TcpSegment.parse(data)
            assert row["error"] is None
        except tcpwire.ParseError as e:
            assert str(e) in row["error"]
    assert "malformed option" in strict[1]["error"]


def test_strict_mode_over_the_corpus():
    table = tcpwire.parse_batch(SEGMENTS, mode="strict")
    errors = table.column("error").to_pylist()
    for error, data in zip(errors, SEGMENTS):
        try:
            tcpwire.TcpSegment.parse(data)
            assert error is None
        except tcpwire.ParseError as e:
            assert error is not None and str(e) in error


def test_empty_batch():
    for table in (tcpwire.parse_batch([]), tcpwire.parse_batch(b"", []),
                  tcpwire.parse_batch(b"", [0]), tcpwire.parse_batch(SYN, [40])):
        assert table.num_rows == 0
        assert table.schema == tcpwire.parse_batch([SYN]).schema


@pytest.mark.parametrize(
    "offsets, message",
    [
        ([0, 41], r"offsets\[1\] = 41 is outside the data's 40 bytes"),
        ([-1, 40], r"offsets\[0\] = -1 is outside"),
        ([0, 30, 20], r"offsets\[2\] = 20 is below offsets\[1\] = 30"),
        ([50], r"offsets\[0\] = 50 is outside"),
        ([0, 2**63 - 1], r"outside"),
        ([0, 2**64], r"within 64 bits"),
    ],
)
def test_offsets_out_of_range_raise_value_error(offsets, message):
    with pytest.raises(ValueError, match=message):
        tcpwire.parse_batch(SYN, offsets)


def test_bad_arguments():
    with pytest.raises(TypeError, match="segment 1: expected bytes"):
        tcpwire.parse_batch([SYN, "text"])
    with pytest.raises(ValueError, match="mode"):
        tcpwire.parse_batch([SYN], mode="loose")
    for rows in (0, 2**20 + 1):
        with pytest.raises(ValueError, match="batch_rows must be between 1 and 1048576"):
            tcpwire.parse_batch([SYN], batch_rows=rows)
        with pytest.raises(ValueError, match="batch_rows must be between 1 and 1048576"):
            tcpwire.parse_batch([SYN], batch_rows=rows, layout="narrow")
        with pytest.raises(ValueError, match="batch_rows must be between 1 and 1048576"):
            tcpwire.to_arrow(str(CORPUS[0]), batch_rows=rows)


NARROW_OPTION_FIELDS = ["kind", "offset", "length", "raw", "mptcp_subtype"]


def narrowed(full):
    """The full layout's table projected to the narrow layout's columns and option fields."""
    narrow = tcpwire.parse_batch([SYN], layout="narrow")
    rows = []
    for row in full.select(narrow.column_names).to_pylist():
        if row["options"] is not None:
            row["options"] = [{k: o[k] for k in NARROW_OPTION_FIELDS} for o in row["options"]]
        rows.append(row)
    return rows


@pytest.mark.parametrize("mode", ["lossless", "strict"])
def test_narrow_layout_is_a_projection_of_the_full_one(mode):
    malformed = [SYN[:10], b"", SYN[:12] + bytes([0x60]) + SYN[13:20] + bytes([8, 0, 0, 0])]
    segments = SEGMENTS + malformed
    data, offsets = concat(segments)
    full = tcpwire.parse_batch(data, offsets, mode=mode, batch_rows=999)
    narrow = tcpwire.parse_batch(data, offsets, mode=mode, batch_rows=999, layout="narrow")
    assert narrow.num_rows == len(segments)
    full_types = dict(zip(full.column_names, full.schema.types))
    for field in narrow.schema:
        if field.name != "options":
            assert field.type == full_types[field.name], field.name
    assert narrow.column("error").null_count == full.column("error").null_count
    assert narrow.to_pylist() == narrowed(full)
    assert tcpwire.parse_batch(segments, mode=mode, layout="narrow", threads=2).equals(narrow)


def test_narrow_empty_and_bad_layout():
    assert tcpwire.parse_batch([], layout="narrow").num_rows == 0
    with pytest.raises(ValueError, match="layout"):
        tcpwire.parse_batch([SYN], layout="wide")


def test_star_import_and_arrow_batches():
    namespace: Dict[str, Any] = {}
    exec("from tcpwire import *", namespace)
    assert "parse_batch" in namespace and "ArrowBatches" in namespace
    batches = tcpwire._tcpwire.segment_list_batches([SYN] * 3, "lossless", 2, 1, "full")
    assert isinstance(batches, tcpwire.ArrowBatches)
    assert (batches.num_rows, len(batches)) == (3, 2)
    # The Arrow C stream can be taken more than once (the batches are shared, not moved).
    assert pyarrow.table(batches).equals(pyarrow.table(batches))
