"""The typed classes: constructors, repr, equality, dict and byte forms, errors, the builder,
checksums, the batch and Arrow paths."""

from __future__ import annotations

import ast
import ipaddress
import types
from pathlib import Path

import pytest

import tcpwire

from conftest import CORPUS, rust_lines

# A Linux SYN (the crate's own example): MSS 1460, SACK permitted, timestamps, NOP, wscale 7.
SYN = bytes.fromhex("c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307")


def corpus_options():
    """Up to three options of each shape (type, MPTCP subtype, length) in the corpus."""
    seen = {}
    for path in CORPUS:
        for seg in tcpwire.from_pcap(str(path)):
            for option in seg.header.options:
                shape = (option.name, option.to_dict().get("mptcp"), option.encoded_len)
                kept = seen.setdefault(shape, [])
                if len(kept) < 3 and option not in kept:
                    kept.append(option)
    return [option for kept in seen.values() for option in kept]


OPTIONS = corpus_options()

# The fields each class declares in the stubs, with their annotations as written.
STUB_FIELDS = {
    c.name: {f.target.id: ast.unparse(f.annotation) for f in c.body if isinstance(f, ast.AnnAssign)}
    for c in ast.parse((Path(tcpwire.__file__).parent / "_tcpwire.pyi").read_text()).body
    if isinstance(c, ast.ClassDef)
}


def test_parse_gives_typed_classes():
    seg = tcpwire.TcpSegment.parse(SYN)
    options = seg.header.options
    assert [type(o) for o in options] == [tcpwire.Mss, tcpwire.SackPermitted, tcpwire.Timestamps, tcpwire.Nop, tcpwire.WindowScale]
    assert all(isinstance(o, tcpwire.TcpOption) for o in options)
    assert options[0].mss == 1460 and options[2].tsval == 1 and options[2].tsecr == 0 and options[4].shift == 7
    assert repr(options[0]) == "Mss(mss=1460)"
    assert repr(options[2]) == "Timestamps(tsval=1, tsecr=0)"
    assert str(options[2]) == "TS val 1 ecr 0"
    assert options[0].to_dict() == {"kind": 2, "type": "mss", "mss": 1460}
    assert seg.header.flags.syn and not seg.header.flags.ack
    assert (seg.header.mss, seg.header.window_scale, seg.header.timestamps) == (1460, 7, (1, 0))
    assert repr(seg.header).startswith("<TcpHeader 50000 > 443: Flags [S], seq 1")
    assert seg.to_bytes() == SYN
    with pytest.raises(AttributeError):
        options[0].tsval  # noqa: B018 (the access is the test)


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: f"{o.name}-{o.encoded_len}-{o.to_bytes().hex()[:24]}")
def test_every_corpus_option_rebuilds(option):
    record = option.to_dict()
    assert tcpwire.TcpOption.from_dict(record) == option
    assert type(tcpwire.TcpOption.from_dict(record)) is type(option)
    assert tcpwire.TcpOption.parse_lossless(option.to_bytes()) == option
    assert hash(tcpwire.TcpOption.parse_lossless(option.to_bytes())) == hash(option)
    # The class's constructor takes the fields its repr shows.
    fields = {k: v for k, v in record.items() if k not in ("type", "mptcp")}
    if record["type"] not in ("unknown", "experiment", "experimental_fast_open", "malformed"):
        fields.pop("kind")
    if record.get("mptcp") != "unassigned":
        fields.pop("subtype", None)
    assert type(option)(**fields) == option
    assert eval(repr(option), vars(tcpwire)) == option  # noqa: S307 (our own repr)
    if record["type"] == "mptcp":
        assert isinstance(option, tcpwire.Mptcp) and option.subtype == record["subtype"]
    for name in ("dsn", "data_ack", "digest", "mac", "receiver_key", "sender_key"):
        if name in record:
            value = getattr(option, name)
            assert isinstance(value, (int, bytes)), (name, value)
    # Every field is an attribute of its class (a getter, not the __getattr__ fallback), and a
    # fresh object (the field picked alone) gives what the record's dict gives.
    getters = {n for klass in type(option).__mro__ for n, v in vars(klass).items() if isinstance(v, types.GetSetDescriptorType)}
    fresh = tcpwire.TcpOption.parse_lossless(option.to_bytes())
    for name in record:
        if name not in ("type", "mptcp"):
            assert name in getters, name
        assert getattr(fresh, name) == getattr(option, name), name
    # A field this form leaves out reads as None, and the stubs say it may.
    for klass in type(option).__mro__:
        for name in STUB_FIELDS.get(klass.__name__, {}):
            if name not in record:
                assert getattr(fresh, name) is None and getattr(option, name) is None, name
                assert STUB_FIELDS[klass.__name__][name].startswith("Optional["), (klass.__name__, name)
    with pytest.raises(AttributeError, match="has no field"):
        fresh.no_such_field


def test_getters_are_the_stubs_fields():
    """The fields each class declares in the stubs are its getters, and no others."""
    checked = 0
    for name, klass in vars(tcpwire).items():
        if isinstance(klass, type) and issubclass(klass, tcpwire.TcpOption) and klass is not tcpwire.TcpOption:
            own = {n for n, v in vars(klass).items() if isinstance(v, types.GetSetDescriptorType)}
            if klass is tcpwire.Mptcp:
                own -= {"subtype"}
            assert own == set(STUB_FIELDS[name]), name
            checked += 1
    assert checked == 42


def test_typed_attributes_of_bytes_and_64_bit_numbers():
    fail = tcpwire.MpFail(dsn=2**63 + 5, reserved=0)
    assert fail.dsn == 2**63 + 5 and fail.to_dict()["dsn"] == str(2**63 + 5)
    md5 = tcpwire.Md5Signature(digest=bytes(range(16)))
    assert md5.digest == bytes(range(16)) and md5.to_dict()["digest"] == bytes(range(16)).hex()
    assert md5.to_bytes() == bytes([19, 18]) + bytes(range(16))
    with pytest.raises(ValueError):
        tcpwire.Mss(mss=70000)
    with pytest.raises(ValueError):
        tcpwire.Mss(shift=3)


def test_strict_errors_name_kind_and_offset():
    bad = bytearray(SYN)
    bad[21] = 3  # MSS with Length 3
    with pytest.raises(tcpwire.ParseError) as raised:
        tcpwire.TcpSegment.parse(bytes(bad))
    assert (raised.value.kind, raised.value.offset, raised.value.problem) == (2, 20, "bad_length")
    assert "option kind 2 (mss) at header offset 20" in str(raised.value)
    seg = tcpwire.TcpSegment.parse_lossless(bytes(bad))
    assert seg.to_bytes() == bytes(bad) and seg.header.has_malformed
    assert isinstance(seg.header.options[0], tcpwire.Malformed)
    with pytest.raises(tcpwire.ParseError) as short:
        tcpwire.TcpSegment.parse_lossless(SYN[:12])
    assert short.value.kind is None and short.value.offset is None
    with pytest.raises(ValueError):
        tcpwire.TcpSegment.parse_with(SYN, "sloppy")


def test_builder_makes_the_crate_example_and_checksums():
    built = (
        tcpwire.Builder().ports(50000, 443).seq(1).syn().window(64240)
        .mss(1460).sack_permitted().timestamps(1, 0).nop().window_scale(7).build()
    )
    assert built.to_bytes() == SYN
    src, dst = "10.0.0.1", ipaddress.ip_address("10.0.0.2")
    syn = bytes.fromhex("c350005000000001000000005002200000000000")
    assert tcpwire.checksum_compute(src, dst, syn) == 0xB83E
    assert not tcpwire.checksum_verify(src, dst, syn)
    fixed = syn[:16] + (0xB83E).to_bytes(2, "big") + syn[18:]
    assert tcpwire.checksum_verify(src, dst, fixed)
    seg = tcpwire.Builder().ports(1, 2).ack().ack_number(5).mp_prio(True).payload(b"hi").build_with_checksum("2001:db8::1", "2001:db8::2")
    assert seg.verify_checksum("2001:db8::1", "2001:db8::2")
    assert seg.checksum_for("2001:db8::1", "2001:db8::2") == seg.header.checksum
    assert seg.header.options[0] == tcpwire.MpPrio(backup=True, reserved=0) and seg.payload == b"hi"
    with pytest.raises(tcpwire.EncodeError):
        seg.checksum_for("10.0.0.1", "2001:db8::2")
    again = tcpwire.Builder(seg).window(7).build()
    assert again.header.window == 7 and again.header.options == seg.header.options
    with pytest.raises(tcpwire.EncodeError):
        tcpwire.Builder().fast_open(bytes(17)).build()


def test_flags():
    f = tcpwire.Flags.SYN | tcpwire.Flags.ACK
    assert (f.syn, f.ack, f.fin, int(f), f.bits) == (True, True, False, 0x12, 0x12)
    assert tcpwire.Flags.SYN in f and f == tcpwire.Flags(0x12) and f != tcpwire.Flags.SYN
    assert f.to_dict()["syn"] is True and tcpwire.Flags.AE.ae
    with pytest.raises(ValueError):
        tcpwire.Flags(0x200)


def test_header_and_segment_dicts_round_trip():
    seg = tcpwire.TcpSegment.parse(SYN + b"data")
    assert tcpwire.TcpSegment.from_dict(seg.to_dict()) == seg
    assert tcpwire.TcpHeader.from_dict(seg.header.to_dict()) == seg.header
    assert seg.to_dict()["payload"] == b"data".hex()
    header, rest = tcpwire.TcpHeader.parse_prefix(SYN + b"data")
    assert header == seg.header and rest == b"data" and len(seg) == len(SYN) + 4


def test_parse_many():
    out = tcpwire.parse_many([SYN, SYN[:10], SYN + b"x"], "lossless")
    assert out[1] is None and out[0].to_bytes() == SYN and out[2].payload == b"x"


def test_to_arrow_matches_the_ndjson():
    pyarrow = pytest.importorskip("pyarrow")
    path = next(p for p in CORPUS if p.name == "mptcp-ipv4-multipath.pcap")
    table = tcpwire.to_arrow(str(path))
    assert isinstance(table, pyarrow.Table)
    lines = rust_lines(path, strict=False)
    assert table.num_rows == len(lines) == 110
    assert table.column("src_port").to_pylist() == [line["header"]["src_port"] for line in lines]
    assert table.column("checksum_verdict").to_pylist() == [line["checksum"] for line in lines]


def test_capture_errors():
    with pytest.raises(tcpwire.CaptureError):
        tcpwire.from_pcap(__file__)
    with pytest.raises(ValueError):
        tcpwire.from_pcap(str(CORPUS[0]), errors="ignore")


def test_field_less_options_are_shared_and_frozen():
    """EOL, NOP, SACK-permitted and POC-permitted have no fields: one shared object each."""
    a, b = tcpwire.TcpSegment.parse(SYN), tcpwire.TcpSegment.parse(SYN)
    assert a.header.options[3] is b.header.options[3]  # NOP
    assert a.header.options[1] is b.header.options[1]  # SACK permitted
    assert a.header.options[3] == tcpwire.Nop() and hash(a.header.options[3]) == hash(tcpwire.Nop())
    with pytest.raises(AttributeError):
        a.header.options[3].kind = 2
    assert tcpwire.TcpOption.parse(b"\x00") is tcpwire.TcpOption.parse(b"\x00")
    assert tcpwire.TcpOption.parse(b"\x09\x02").to_dict() == {"kind": 9, "type": "poc_permitted"}


def test_payload_is_the_bytes_after_the_header():
    data = SYN + b"GET / HTTP/1.1\r\n"
    seg = tcpwire.TcpSegment.parse(data)
    assert seg.payload == b"GET / HTTP/1.1\r\n" and seg.payload is seg.payload
    assert len(seg) == len(data) and seg.to_bytes() == data
    assert seg == tcpwire.TcpSegment(seg.header, b"GET / HTTP/1.1\r\n")
    assert hash(seg) == hash(tcpwire.TcpSegment(seg.header, b"GET / HTTP/1.1\r\n"))
    assert tcpwire.TcpSegment.parse(SYN).payload == b""

    class Frame(bytes):
        pass

    assert tcpwire.TcpSegment.parse(Frame(data)).payload == b"GET / HTTP/1.1\r\n"
    with pytest.raises(TypeError):
        tcpwire.TcpSegment.parse(bytearray(data))


def test_every_stub_field_is_in_some_record():
    """A field the stubs declare is one the record has, for each class the corpus holds."""
    seen = {}
    for option in OPTIONS:
        for klass in type(option).__mro__:
            seen.setdefault(klass.__name__, set()).update(option.to_dict())
    for name, fields in STUB_FIELDS.items():
        if name in seen and name != "TcpOption":
            assert set(fields) <= seen[name], (name, set(fields) - seen[name])


def test_custom_option_keeps_the_type_name():
    custom = tcpwire.TcpOption.from_dict({"type": "custom", "name": "acme", "bytes": "fd04abcd"})
    assert type(custom) is tcpwire.Custom
    assert custom.name == "custom" and custom.to_dict()["name"] == "acme"
    assert custom.bytes == bytes.fromhex("fd04abcd") and custom.mptcp_subtype is None
    assert custom.to_bytes() == bytes.fromhex("fd04abcd")


def test_values_read_from_an_option_are_its_own_copies():
    sack = tcpwire.TcpOption.parse(bytes.fromhex("050a0000000100000002"))
    record = sack.to_dict()
    sack.blocks.append("x")
    sack.to_dict()["blocks"].append("y")
    repr(sack)
    sack.blocks.append("z")
    assert sack.to_dict() == record and sack.blocks == [{"left": 1, "right": 2}]


def test_pickle_and_copy():
    """Every value class pickles (multiprocessing, caches) and copies as itself (immutable)."""
    import copy
    import pickle

    built = tcpwire.Builder().ports(50000, 443).seq(1).syn().mss(1460).nop().window_scale(7).build()
    values = [built, built.header, built.header.flags, tcpwire.TcpSegment(built.header, b"xyz")]
    for path in CORPUS:
        for seg in tcpwire.from_pcap(str(path)):
            parsed = tcpwire.TcpSegment.parse_lossless(seg.segment_bytes)
            values += [parsed, parsed.header, seg.header, *parsed.header.options]
            back = pickle.loads(pickle.dumps(seg))
            assert back.to_dict() == seg.to_dict() and back.timestamp_ns == seg.timestamp_ns
            assert (back.payload, back.segment_bytes, back.malformed) == (seg.payload, seg.segment_bytes, seg.malformed)
            assert copy.deepcopy(seg) is seg
    for value in values:
        back = pickle.loads(pickle.dumps(value))
        assert type(back) is type(value) and back == value, repr(value)
        if isinstance(value, tcpwire.TcpSegment):
            assert back.to_bytes() == value.to_bytes() and back.payload == value.payload
        assert copy.copy(value) is value and copy.deepcopy(value) is value
        if not isinstance(value, tcpwire.Flags):
            assert bytes(value) == value.to_bytes()
    assert pickle.loads(pickle.dumps(tcpwire.Nop())) is tcpwire.TcpOption.parse(b"\x01")
