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

use std::fmt::{self, Display, Formatter};

use crate::convert::flag_of_letter;
use crate::element::TextForm;
use crate::header::{Flags, TcpHeader, TcpSegment};
use crate::mptcp::MptcpOption;
use crate::option::TcpOption;

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
        self.write_text(f)
    }
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
        TextForm::text(self, 30, f)
    }
}
