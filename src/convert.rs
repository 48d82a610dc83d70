//! Conversions users reach for: `From` the MPTCP option types into [`TcpOption`],
//! `TryFrom<&[u8]>` (strict parsing) for headers, segments and options, and `FromStr` for
//! [`Flags`] and the registry's open enums.

use crate::option::Sack;
use std::fmt;
use std::str::FromStr;

use crate::codec::CustomOption;
use crate::error::Error;
use crate::header::{Flags, TcpHeader, TcpSegment};
use crate::mptcp::{AddAddr, Dss, MpCapable, MpJoin, MptcpOption};
use crate::option::{SackBlock, SackBlocks, TcpOption};
use crate::registry::{AltChecksumAlgorithm, MptcpSubtype, TcpOptionKind, TcpRstReason};

// ---------------------------------------------------------------------------------------------
// From: option parts into options

/// An MP_CAPABLE option is a [`TcpOption`] of kind 30 (through [`MptcpOption`]); so are
/// [`MpJoin`], [`Dss`] and [`AddAddr`].
///
/// ```
/// use tcpwire::{TcpOption, mptcp::{Dss, MpCapable, MpCapableFlags}};
/// let syn = TcpOption::from(MpCapable::syn(MpCapableFlags::HMAC_SHA256));
/// assert_eq!(syn.to_bytes()?, [30, 4, 0x01, 0x01]);
/// let dss: TcpOption = Dss::new().with_data_ack(7).into();
/// assert_eq!(dss.to_bytes()?, [30, 8, 0x20, 0x01, 0, 0, 0, 7]);
/// # Ok::<(), tcpwire::Error>(())
/// ```
impl From<MpCapable> for TcpOption {
    fn from(value: MpCapable) -> Self {
        TcpOption::Mptcp(value.into())
    }
}

/// An MP_JOIN option is a [`TcpOption`] of kind 30.
impl From<MpJoin> for TcpOption {
    fn from(value: MpJoin) -> Self {
        TcpOption::Mptcp(value.into())
    }
}

/// A DSS option is a [`TcpOption`] of kind 30.
impl From<Dss> for TcpOption {
    fn from(value: Dss) -> Self {
        TcpOption::Mptcp(value.into())
    }
}

/// An ADD_ADDR option is a [`TcpOption`] of kind 30.
impl From<AddAddr> for TcpOption {
    fn from(value: AddAddr) -> Self {
        TcpOption::Mptcp(value.into())
    }
}

/// A SACK option holding this one block.
///
/// ```
/// use tcpwire::{SackBlock, TcpOption};
/// let sack = TcpOption::from(SackBlock { left: 100, right: 200 });
/// assert_eq!(sack.to_bytes()?, [5, 10, 0, 0, 0, 100, 0, 0, 0, 200]);
/// # Ok::<(), tcpwire::Error>(())
/// ```
impl From<SackBlock> for TcpOption {
    fn from(block: SackBlock) -> Self {
        let mut blocks = SackBlocks::new();
        blocks.push(block);
        TcpOption::Sack(Sack { blocks })
    }
}

/// A codec-decoded option is a [`TcpOption::Custom`].
impl From<CustomOption> for TcpOption {
    fn from(option: CustomOption) -> Self {
        TcpOption::Custom(option)
    }
}

/// The MPTCP option inside a [`TcpOption::Mptcp`]; any other option is given back as the error.
///
/// ```
/// use tcpwire::{mptcp::MptcpOption, TcpOption};
/// let option = TcpOption::from(MptcpOption::mp_prio(true));
/// assert_eq!(MptcpOption::try_from(option), Ok(MptcpOption::mp_prio(true)));
/// assert_eq!(MptcpOption::try_from(TcpOption::Nop), Err(TcpOption::Nop));
/// ```
impl TryFrom<TcpOption> for MptcpOption {
    type Error = TcpOption;
    fn try_from(option: TcpOption) -> Result<Self, TcpOption> {
        match option {
            TcpOption::Mptcp(m) => Ok(m),
            other => Err(other),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TryFrom<&[u8]>: strict parsing

/// Strict parsing, as [`TcpHeader::parse`]: bytes after the header (the payload) are ignored.
///
/// ```
/// use tcpwire::TcpHeader;
/// let bytes = tcpwire::from_hex("01bbc350 00000001 00000002 5010 0200 00000000")?;
/// let header = TcpHeader::try_from(bytes.as_slice())?;
/// assert_eq!((header.src_port, header.ack_number), (443, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TryFrom<&[u8]> for TcpHeader {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        TcpHeader::parse(bytes)
    }
}

/// Strict parsing, as [`TcpSegment::parse`].
impl TryFrom<&[u8]> for TcpSegment {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        TcpSegment::parse(bytes)
    }
}

/// Strict parsing of exactly one option, as [`TcpOption::parse`].
///
/// ```
/// use tcpwire::option::Mss;
/// use tcpwire::TcpOption;
/// assert_eq!(TcpOption::try_from(&[2, 4, 5, 0xb4][..])?, TcpOption::Mss(Mss { mss: 1460 }));
/// assert!(TcpOption::try_from(&[2, 4, 5][..]).is_err());
/// # Ok::<(), tcpwire::Error>(())
/// ```
impl TryFrom<&[u8]> for TcpOption {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        TcpOption::parse(bytes)
    }
}

// ---------------------------------------------------------------------------------------------
// FromStr

/// A string that names no value of the type it was parsed as (see the `FromStr` impls of
/// [`Flags`] and the [`registry`](crate::registry) enums). The message quotes the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseNameError {
    what: &'static str,
    input: String,
    token: Option<String>,
    expected: &'static str,
}

impl ParseNameError {
    /// What was being parsed, e.g. `"TCP flags"` or `"TcpOptionKind"`.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The whole input.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The part of the input that was not understood (the input itself for a single name).
    pub fn token(&self) -> &str {
        self.token.as_deref().unwrap_or(&self.input)
    }
}

impl fmt::Display for ParseNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.token {
            Some(token) => write!(
                f,
                "{} {:?}: {token:?} is not {}",
                self.what, self.input, self.expected
            ),
            None => write!(f, "{} {:?} is not {}", self.what, self.input, self.expected),
        }
    }
}

impl std::error::Error for ParseNameError {}

/// Flag names in `Display` order, with the former name of AE.
const FLAG_NAMES: [(&str, Flags); 10] = [
    ("SYN", Flags::SYN),
    ("FIN", Flags::FIN),
    ("RST", Flags::RST),
    ("PSH", Flags::PSH),
    ("ACK", Flags::ACK),
    ("URG", Flags::URG),
    ("ECE", Flags::ECE),
    ("CWR", Flags::CWR),
    ("AE", Flags::AE),
    ("NS", Flags::AE),
];

/// The flag of one letter: tcpdump's (`F S R P . U E W e`) or an upper-case initial (`A` ACK,
/// `C` CWR, `N` AE).
pub(crate) fn flag_of_letter(letter: char) -> Option<Flags> {
    Some(match letter {
        'F' => Flags::FIN,
        'S' => Flags::SYN,
        'R' => Flags::RST,
        'P' => Flags::PSH,
        '.' | 'A' => Flags::ACK,
        'U' => Flags::URG,
        'E' => Flags::ECE,
        'W' | 'C' => Flags::CWR,
        'e' | 'N' => Flags::AE,
        _ => return None,
    })
}

/// Parses what [`Flags`]' `Display` prints, and tcpdump's form.
///
/// - Names, in any case, separated by `|`, `,`, `+` or whitespace: `SYN|ACK`, `syn, ack`
///   (`NS` is taken as AE, its former name).
/// - Letters, case-sensitive, several in one token: tcpdump's `F S R P . U E W e` (so `S.` is
///   SYN|ACK and `e` is AE) and the upper-case initials `A` (ACK), `C` (CWR), `N` (AE), so `SA`
///   is SYN|ACK too. A token that is a name is read as a name: `AE` is the AE flag.
/// - No flags: `-` (what `Display` prints) or `none` (what tcpdump prints).
/// - The whole may be in brackets, as tcpdump prints it: `[S.]`.
///
/// ```
/// use tcpwire::Flags;
/// let syn_ack = Flags::SYN | Flags::ACK;
/// assert_eq!("SYN|ACK".parse::<Flags>()?, syn_ack);
/// assert_eq!("syn, ack".parse::<Flags>()?, syn_ack);
/// assert_eq!("[S.]".parse::<Flags>()?, syn_ack);
/// assert_eq!("SA".parse::<Flags>()?, syn_ack);
/// assert_eq!("-".parse::<Flags>()?, Flags::EMPTY);
/// let err = "SYN|SYX".parse::<Flags>().unwrap_err();
/// assert_eq!(err.token(), "SYX");
/// # Ok::<(), tcpwire::ParseNameError>(())
/// ```
impl FromStr for Flags {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Flags, ParseNameError> {
        let error = |token: Option<&str>| ParseNameError {
            what: "TCP flags",
            input: s.to_owned(),
            token: token.map(str::to_owned),
            expected: "a flag name (SYN, ACK, ...) or tcpdump letters (S, ., ...)",
        };
        let trimmed = s.trim();
        let inner = trimmed
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(trimmed)
            .trim();
        if inner == "-" || inner.eq_ignore_ascii_case("none") {
            return Ok(Flags::EMPTY);
        }
        let mut flags = Flags::EMPTY;
        let mut any = false;
        for token in inner
            .split(|c: char| c == '|' || c == ',' || c == '+' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            any = true;
            if let Some((_, flag)) = FLAG_NAMES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(token))
            {
                flags |= *flag;
                continue;
            }
            for letter in token.chars() {
                flags |= flag_of_letter(letter).ok_or_else(|| error(Some(token)))?;
            }
        }
        if any {
            Ok(flags)
        } else {
            Err(error(None))
        }
    }
}

/// `FromStr` for each open enum of the registry.
macro_rules! open_enum_from_str {
    ($($name:ident: $example:literal),* $(,)?) => {$(
        /// Parses the snake_case name (`Display` of [`name`](Self::name)), the IANA name, or
        /// the number (decimal or `0x` hex, 0..=255), names in any case; also what `Display`
        /// prints, the description then the number in parentheses. Unnamed numbers give
        /// `Other`.
        impl FromStr for $name {
            type Err = ParseNameError;
            fn from_str(s: &str) -> Result<$name, ParseNameError> {
                parse_open_enum(
                    s,
                    stringify!($name),
                    concat!("a name such as \"", $example, "\" or a number 0..=255"),
                    $name::KNOWN,
                    |v| ($name::name(v), $name::iana_name(v), $name::description(v)),
                    $name::from_value,
                )
            }
        }
    )*};
}

open_enum_from_str!(
    TcpOptionKind: "mss",
    AltChecksumAlgorithm: "tcp_checksum",
    MptcpSubtype: "dss",
    TcpRstReason: "unspecified",
);

/// The names of an open enum value: snake_case, IANA, description.
type Names = (&'static str, &'static str, &'static str);

fn parse_open_enum<T: Copy>(
    s: &str,
    what: &'static str,
    expected: &'static str,
    known: &[T],
    names: impl Fn(T) -> Names,
    from_value: impl Fn(u8) -> T,
) -> Result<T, ParseNameError> {
    let error = || ParseNameError {
        what,
        input: s.to_owned(),
        token: None,
        expected,
    };
    let trimmed = s.trim();
    if let Some(value) = parse_u8(trimmed) {
        return Ok(from_value(value));
    }
    if let Some(v) = known.iter().copied().find(|&v| {
        let (snake, iana, _) = names(v);
        snake.eq_ignore_ascii_case(trimmed) || iana.eq_ignore_ascii_case(trimmed)
    }) {
        return Ok(v);
    }
    // The `Display` form: "Description (n)", accepted when the description is n's.
    let (description, number) = trimmed
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once(" ("))
        .ok_or_else(error)?;
    let value = parse_u8(number).map(&from_value).ok_or_else(error)?;
    if names(value).2.eq_ignore_ascii_case(description.trim()) {
        Ok(value)
    } else {
        Err(error())
    }
}

/// A number 0..=255, decimal or `0x` hex.
fn parse_u8(s: &str) -> Option<u8> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) if hex.bytes().all(|b| b.is_ascii_hexdigit()) => u8::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        None => None,
    }
}
