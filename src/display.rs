//! One-line, tcpdump-like renderings for logs: [`TcpHeader`], [`TcpSegment`], [`TcpOption`]
//! and [`MptcpOption`].
//!
//! Options use tcpdump's wording where it has one (`mss 1460`, `sackOK`, `TS val 1 ecr 0`,
//! `wscale 7`, `sack 1 {100:200}`, `tfo cookiereq`, `unknown-253 0x...`, MPTCP subtypes as
//! `mptcp capable`, `mptcp dss`, `mptcp add-addr`, ...) and plain words for the rest. Numbers
//! are the raw values on the wire: sequence numbers are absolute (tcpdump's `-S`), byte strings
//! are lowercase hex after `0x`. Reserved bits are shown only when they are not zero. The
//! rendering is for reading, not for parsing back: it leaves out the checksum, the padding and
//! widths of fields.

use crate::mptcp::{MpExperimental, MpFail, MpFastclose, MpPrio, MpTcpRst, RemoveAddr, Unassigned};
use crate::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, PocServiceProfile,
    QuickStartResponse, Sack, Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};
use std::fmt::{self, Display, Formatter};
use std::net::SocketAddr;

use crate::bytes::write_hex;
use crate::convert::flag_of_letter;
use crate::header::{Flags, TcpHeader, TcpSegment};
use crate::mptcp::{AddAddr, Dss, MpCapable, MpJoin, MptcpOption};
use crate::option::{AccEcnCounters, Granularity, TcpOption};

/// `0x` and the bytes in lowercase hex.
fn hex(f: &mut Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    f.write_str("0x")?;
    write_hex(f, bytes)
}

/// ` 0x...` when there are bytes, nothing otherwise.
fn opt_hex(f: &mut Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    if bytes.is_empty() {
        Ok(())
    } else {
        f.write_str(" ")?;
        hex(f, bytes)
    }
}

/// ` reserved N` when N is not zero.
fn reserved(f: &mut Formatter<'_>, value: impl Into<u64>) -> fmt::Result {
    match value.into() {
        0 => Ok(()),
        v => write!(f, " reserved {v}"),
    }
}

/// tcpdump's flag letters, in tcpdump's order.
const LETTERS: [char; 9] = ['F', 'S', 'R', 'P', '.', 'U', 'E', 'W', 'e'];

impl Flags {
    /// The flags as tcpdump prints them: one letter each (`F S R P . U E W e`, AE being `e`)
    /// in that order, or `none`. `FromStr` reads this form back.
    ///
    /// ```
    /// use tcpwire::Flags;
    /// assert_eq!((Flags::SYN | Flags::ACK).to_letters(), "S.");
    /// assert_eq!((Flags::PSH | Flags::ACK | Flags::FIN).to_letters(), "FP.");
    /// assert_eq!(Flags::EMPTY.to_letters(), "none");
    /// assert_eq!("FP.".parse::<Flags>(), Ok(Flags::FIN | Flags::PSH | Flags::ACK));
    /// ```
    pub fn to_letters(self) -> String {
        if self.is_empty() {
            return "none".into();
        }
        LETTERS
            .into_iter()
            .filter(|&l| flag_of_letter(l).is_some_and(|flag| self.contains(flag)))
            .collect()
    }
}

/// One line as tcpdump prints a TCP header, without addresses:
/// `src > dst: Flags [..], seq N, ack N, win N, urg N, options [..]`.
///
/// `ack` is shown when ACK is set or the number is not zero, `urg` likewise with URG,
/// `reserved N` after the flags when the reserved bits are not zero; the options are left out
/// when there are none.
///
/// ```
/// use tcpwire::TcpHeader;
/// let syn = tcpwire::from_hex(
///     "c35001bb 00000001 00000000 a002faf0 00000000 020405b4 0402080a 00000001 00000000 01030307",
/// )?;
/// assert_eq!(
///     TcpHeader::parse(&syn)?.to_string(),
///     "50000 > 443: Flags [S], seq 1, win 64240, \
///      options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Display for TcpHeader {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write_line(f, None)
    }
}

impl TcpHeader {
    /// The header line; `data_end` is the sequence number after the payload, when there is
    /// one (tcpdump's `seq first:end`).
    fn write_line(&self, f: &mut Formatter<'_>, data_end: Option<u32>) -> fmt::Result {
        write!(
            f,
            "{} > {}: Flags [{}]",
            self.src_port,
            self.dst_port,
            self.flags.to_letters()
        )?;
        if self.reserved != 0 {
            write!(f, ", reserved {}", self.reserved)?;
        }
        write!(f, ", seq {}", self.seq)?;
        if let Some(end) = data_end {
            write!(f, ":{end}")?;
        }
        if self.flags.ack() || self.ack_number != 0 {
            write!(f, ", ack {}", self.ack_number)?;
        }
        write!(f, ", win {}", self.window)?;
        if self.flags.urg() || self.urgent_pointer != 0 {
            write!(f, ", urg {}", self.urgent_pointer)?;
        }
        if !self.options.is_empty() {
            f.write_str(", options [")?;
            for (i, option) in self.options.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                Display::fmt(option, f)?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

/// The header's line (with `seq first:end` when there is a payload), then `, length N`, the
/// payload's length.
///
/// ```
/// use tcpwire::TcpSegment;
/// let segment = TcpSegment::builder()
///     .ports(50000, 80).seq(1).ack_number(7).psh().ack().window(502)
///     .payload(&b"GET /"[..])
///     .build()?;
/// assert_eq!(
///     segment.to_string(),
///     "50000 > 80: Flags [P.], seq 1:6, ack 7, win 502, length 5"
/// );
/// # Ok::<(), tcpwire::Error>(())
/// ```
impl Display for TcpSegment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let length = self.payload.len();
        let end = (length > 0).then(|| {
            // Sequence numbers wrap; a payload is far below 2^32 bytes.
            self.header
                .seq
                .wrapping_add(u32::try_from(length).unwrap_or(u32::MAX))
        });
        self.header.write_line(f, end)?;
        write!(f, ", length {length}")
    }
}

/// The option as tcpdump words it inside `options [..]`, e.g. `mss 1460`, `sackOK`,
/// `TS val 1 ecr 0`, `sack 2 {100:200}{300:400}`, `unknown-200 0x0102`, and for a malformed
/// option `malformed kind 5 len 7: ` and the reason.
///
/// ```
/// use tcpwire::option::Timestamps;
/// use tcpwire::{ParseMode, TcpOption};
/// assert_eq!(TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 0 }).to_string(), "TS val 1 ecr 0");
/// let bad = TcpOption::parse_lossless(&[2, 3, 5])?;
/// assert_eq!(
///     bad.to_string(),
///     "malformed kind 2 len 3: length 3 is not allowed here (allowed: 4)"
/// );
/// # Ok::<(), tcpwire::Error>(())
/// ```
impl Display for TcpOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            TcpOption::Eol => f.write_str("eol"),
            TcpOption::Nop => f.write_str("nop"),
            TcpOption::Mss(Mss { mss }) => write!(f, "mss {mss}"),
            TcpOption::WindowScale(WindowScale { shift }) => write!(f, "wscale {shift}"),
            TcpOption::SackPermitted => f.write_str("sackOK"),
            TcpOption::Sack(Sack { blocks }) => {
                write!(f, "sack {} ", blocks.len())?;
                for b in blocks {
                    write!(f, "{{{}:{}}}", b.left, b.right)?;
                }
                Ok(())
            }
            TcpOption::Echo(Echo { info }) => write!(f, "echo {info}"),
            TcpOption::EchoReply(EchoReply { info }) => write!(f, "echoreply {info}"),
            TcpOption::Timestamps(Timestamps { tsval, tsecr }) => {
                write!(f, "TS val {tsval} ecr {tsecr}")
            }
            TcpOption::PocPermitted => f.write_str("pocOK"),
            TcpOption::PocServiceProfile(PocServiceProfile { start, end, filler }) => {
                f.write_str("pocsp")?;
                if *start {
                    f.write_str(" start")?;
                }
                if *end {
                    f.write_str(" end")?;
                }
                match filler {
                    0 => Ok(()),
                    bits => write!(f, " filler {bits}"),
                }
            }
            TcpOption::Cc(Cc { count }) => write!(f, "cc {count}"),
            TcpOption::CcNew(CcNew { count }) => write!(f, "ccnew {count}"),
            TcpOption::CcEcho(CcEcho { count }) => write!(f, "ccecho {count}"),
            TcpOption::AltChecksumRequest(AltChecksumRequest { algorithm }) => {
                if algorithm.is_known() {
                    write!(f, "altsum-req {}", algorithm.name())
                } else {
                    write!(f, "altsum-req {}", algorithm.value())
                }
            }
            TcpOption::AltChecksumData(AltChecksumData { data }) => {
                f.write_str("altsum-data")?;
                opt_hex(f, data)
            }
            TcpOption::Snack(Snack {
                hole_offset,
                hole_size,
            }) => write!(f, "snack offset {hole_offset} size {hole_size}"),
            TcpOption::Md5Signature(Md5Signature { digest }) => {
                f.write_str("md5 ")?;
                hex(f, digest)
            }
            TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: before,
                rate_request,
                ttl_diff,
                nonce,
                nonce_reserved,
            }) => {
                write!(
                    f,
                    "qs-resp rate {rate_request} ttl-diff {ttl_diff} nonce 0x{nonce:08x}"
                )?;
                reserved(f, *before)?;
                match nonce_reserved {
                    0 => Ok(()),
                    bits => write!(f, " nonce-reserved {bits}"),
                }
            }
            TcpOption::UserTimeout(UserTimeout {
                granularity,
                timeout,
            }) => match granularity {
                Granularity::Seconds => write!(f, "uto {timeout}sec"),
                Granularity::Minutes => write!(f, "uto {timeout}min"),
            },
            TcpOption::TcpAo(TcpAo {
                key_id,
                rnext_key_id,
                mac,
            }) => {
                write!(f, "tcp-ao keyid {key_id} rnextkeyid {rnext_key_id} mac ")?;
                hex(f, mac)
            }
            TcpOption::Mptcp(m) => Display::fmt(m, f),
            TcpOption::FastOpen(FastOpen { cookie }) => fast_open(f, "tfo", cookie),
            TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { cookie, .. }) => {
                fast_open(f, "exp-tfo", cookie)
            }
            TcpOption::Eno(Eno { data }) => {
                f.write_str("eno")?;
                opt_hex(f, data)
            }
            TcpOption::AccEcnOrder0(c) => accecn(f, 0, c),
            TcpOption::AccEcnOrder1(c) => accecn(f, 1, c),
            TcpOption::Experiment(Experiment { kind, exid, data }) => {
                write!(f, "exp-{kind} exid 0x{exid:04x}")?;
                opt_hex(f, data)
            }
            TcpOption::Unknown(Unknown { kind, data }) => {
                write!(f, "unknown-{kind}")?;
                opt_hex(f, data)
            }
            TcpOption::Custom(c) => {
                if c.mptcp_subtype().is_some() {
                    f.write_str("mptcp ")?;
                }
                f.write_str(c.name())?;
                opt_hex(f, c.body())
            }
            TcpOption::Malformed(Malformed {
                kind,
                bytes,
                reason,
            }) => {
                write!(f, "malformed kind {kind}")?;
                if let Some(length) = bytes.get(1) {
                    write!(f, " len {length}")?;
                }
                write!(f, ": {reason}")
            }
        }
    }
}

/// `tfo cookiereq` for an empty cookie, else `tfo cookie 0x...`.
fn fast_open(f: &mut Formatter<'_>, name: &str, cookie: &[u8]) -> fmt::Result {
    if cookie.is_empty() {
        write!(f, "{name} cookiereq")
    } else {
        write!(f, "{name} cookie ")?;
        hex(f, cookie)
    }
}

/// `accecn0 ee0b N eceb N ee1b N`, the counters present in wire order.
fn accecn(f: &mut Formatter<'_>, order: u8, c: &AccEcnCounters) -> fmt::Result {
    write!(f, "accecn{order}")?;
    let named = [("ee0b", c.ee0b), ("eceb", c.eceb), ("ee1b", c.ee1b)];
    let in_order = if order == 0 {
        named
    } else {
        let [ee0b, eceb, ee1b] = named;
        [ee1b, eceb, ee0b]
    };
    for (name, value) in in_order {
        if let Some(v) = value {
            write!(f, " {name} {v}")?;
        }
    }
    Ok(())
}

/// `mptcp` and the subtype as tcpdump names it (`capable`, `join`, `dss`, `add-addr`,
/// `rem-addr`, `prio`, `fail`, `fast-close`, `tcprst`), then its fields, e.g.
/// `mptcp dss ack 123 seq 456 subseq 1 len 1440`.
///
/// ```
/// use tcpwire::mptcp::{Dss, MptcpOption};
/// let dss = MptcpOption::from(Dss::new().with_data_ack(123).with_mapping(456, 1, 1440, None));
/// assert_eq!(dss.to_string(), "mptcp dss ack 123 seq 456 subseq 1 len 1440");
/// assert_eq!(MptcpOption::mp_prio(true).to_string(), "mptcp prio backup");
/// ```
impl Display for MptcpOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("mptcp ")?;
        match self {
            MptcpOption::MpCapable(c) => mp_capable(f, c),
            MptcpOption::MpJoin(j) => mp_join(f, j),
            MptcpOption::Dss(d) => dss(f, d),
            MptcpOption::AddAddr(a) => add_addr(f, a),
            MptcpOption::RemoveAddr(RemoveAddr {
                reserved: bits,
                address_ids,
            }) => {
                f.write_str("rem-addr id")?;
                for id in address_ids.iter() {
                    write!(f, " {id}")?;
                }
                reserved(f, *bits)
            }
            MptcpOption::MpPrio(MpPrio {
                backup,
                reserved: bits,
                address_id,
            }) => {
                f.write_str(if *backup {
                    "prio backup"
                } else {
                    "prio non-backup"
                })?;
                if let Some(id) = address_id {
                    write!(f, " id {id}")?;
                }
                reserved(f, *bits)
            }
            MptcpOption::MpFail(MpFail {
                reserved: bits,
                dsn,
            }) => {
                write!(f, "fail seq {dsn}")?;
                reserved(f, *bits)
            }
            MptcpOption::MpFastclose(MpFastclose {
                reserved: bits,
                receiver_key,
            }) => {
                f.write_str("fast-close key ")?;
                hex(f, receiver_key)?;
                reserved(f, *bits)
            }
            MptcpOption::MpTcpRst(MpTcpRst {
                reserved: bits,
                transient,
                reason,
            }) => {
                f.write_str("tcprst")?;
                if *transient {
                    f.write_str(" transient")?;
                }
                if reason.is_known() {
                    write!(f, " reason {}", reason.name())?;
                } else {
                    write!(f, " reason {}", reason.value())?;
                }
                reserved(f, *bits)
            }
            MptcpOption::MpExperimental(MpExperimental { nibble, data }) => {
                f.write_str("experimental")?;
                if *nibble != 0 {
                    write!(f, " nibble {nibble}")?;
                }
                opt_hex(f, data)
            }
            MptcpOption::Unassigned(Unassigned {
                subtype,
                nibble,
                data,
            }) => {
                write!(f, "unknown-{subtype}")?;
                if *nibble != 0 {
                    write!(f, " nibble {nibble}")?;
                }
                opt_hex(f, data)
            }
        }
    }
}

/// `capable v1 flags 0x01 key 0x.. rkey 0x.. len N csum 0x..`, the fields present.
fn mp_capable(f: &mut Formatter<'_>, c: &MpCapable) -> fmt::Result {
    write!(
        f,
        "capable v{} flags 0x{:02x}",
        c.version,
        c.flags.to_byte()
    )?;
    if let Some(key) = &c.sender_key {
        f.write_str(" key ")?;
        hex(f, key)?;
    }
    if let Some(key) = &c.receiver_key {
        f.write_str(" rkey ")?;
        hex(f, key)?;
    }
    if let Some(len) = c.data_level_length {
        write!(f, " len {len}")?;
    }
    if let Some(csum) = c.checksum {
        write!(f, " csum 0x{csum:x}")?;
    }
    Ok(())
}

/// `join syn|synack|ack [backup] id N ...`, with tcpdump's field words.
fn mp_join(f: &mut Formatter<'_>, j: &MpJoin) -> fmt::Result {
    match j {
        MpJoin::Syn {
            backup,
            reserved: bits,
            address_id,
            receiver_token,
            sender_random,
        } => {
            f.write_str("join syn")?;
            if *backup {
                f.write_str(" backup")?;
            }
            write!(f, " id {address_id} token ")?;
            hex(f, receiver_token)?;
            f.write_str(" nonce ")?;
            hex(f, sender_random)?;
            reserved(f, *bits)
        }
        MpJoin::SynAck {
            backup,
            reserved: bits,
            address_id,
            sender_truncated_hmac,
            sender_random,
        } => {
            f.write_str("join synack")?;
            if *backup {
                f.write_str(" backup")?;
            }
            write!(f, " id {address_id} hmac ")?;
            hex(f, sender_truncated_hmac)?;
            f.write_str(" nonce ")?;
            hex(f, sender_random)?;
            reserved(f, *bits)
        }
        MpJoin::Ack {
            reserved: bits,
            sender_hmac,
        } => {
            f.write_str("join ack hmac ")?;
            hex(f, sender_hmac)?;
            reserved(f, *bits)
        }
    }
}

/// `dss [fin] [ack N] [seq N subseq N len N [csum 0x..]]`, as tcpdump.
fn dss(f: &mut Formatter<'_>, d: &Dss) -> fmt::Result {
    f.write_str("dss")?;
    if d.data_fin {
        f.write_str(" fin")?;
    }
    if let Some(ack) = d.data_ack {
        write!(f, " ack {ack}")?;
    }
    if let Some(m) = &d.mapping {
        write!(
            f,
            " seq {} subseq {} len {}",
            m.dsn, m.subflow_seq, m.data_level_length
        )?;
        if let Some(csum) = m.checksum {
            write!(f, " csum 0x{csum:x}")?;
        }
    }
    reserved(f, d.reserved)
}

/// `add-addr v0|v1 [echo] id N address[:port] [hmac 0x..]`.
fn add_addr(f: &mut Formatter<'_>, a: &AddAddr) -> fmt::Result {
    let (version, bits) = match a {
        AddAddr::V0 { .. } => (0, 0),
        AddAddr::V1 { reserved, .. } => (1, *reserved),
    };
    write!(f, "add-addr v{version}")?;
    if a.is_echo() {
        f.write_str(" echo")?;
    }
    write!(f, " id {} ", a.address_id())?;
    match a.port() {
        Some(port) => write!(f, "{}", SocketAddr::new(a.address(), port))?,
        None => write!(f, "{}", a.address())?,
    }
    if let AddAddr::V1 {
        truncated_hmac: Some(hmac),
        ..
    } = a
    {
        f.write_str(" hmac ")?;
        hex(f, hmac)?;
    }
    reserved(f, bits)
}
