//! [`Flags`]: the nine control flags as a set, with their text, JSON and binary forms.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The nine TCP control flags (RFC 9293, AE from RFC 9768), as a set.
///
/// ```
/// use tcpwire::Flags;
/// let f = Flags::SYN | Flags::ACK;
/// assert!(f.syn() && f.ack() && !f.fin());
/// assert_eq!(f.to_string(), "SYN|ACK");
/// assert_eq!(f.bits(), 0x012);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Flags(pub(super) u16);

impl Flags {
    /// FIN: no more data from sender.
    pub const FIN: Flags = Flags(0x001);
    /// SYN: synchronize sequence numbers.
    pub const SYN: Flags = Flags(0x002);
    /// RST: reset the connection.
    pub const RST: Flags = Flags(0x004);
    /// PSH: push function.
    pub const PSH: Flags = Flags(0x008);
    /// ACK: the acknowledgment field is significant.
    pub const ACK: Flags = Flags(0x010);
    /// URG: the urgent pointer is significant.
    pub const URG: Flags = Flags(0x020);
    /// ECE: ECN-Echo.
    pub const ECE: Flags = Flags(0x040);
    /// CWR: congestion window reduced.
    pub const CWR: Flags = Flags(0x080);
    /// AE: Accurate ECN (RFC 9768); formerly NS, the ECN nonce sum (RFC 3540, historic).
    pub const AE: Flags = Flags(0x100);
    /// No flags.
    pub const EMPTY: Flags = Flags(0);
    /// All nine flags.
    pub const ALL: Flags = Flags(0x1ff);

    const NAMES: [(Flags, &'static str); 9] = [
        (Flags::SYN, "SYN"),
        (Flags::FIN, "FIN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
        (Flags::ECE, "ECE"),
        (Flags::CWR, "CWR"),
        (Flags::AE, "AE"),
    ];

    /// The flags as the low 9 bits: AE is bit 8, CWR bit 7, ..., FIN bit 0.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// The flags from the low 9 bits, or `None` if a higher bit is set.
    pub const fn from_bits(bits: u16) -> Option<Flags> {
        if bits & !Self::ALL.0 == 0 {
            Some(Flags(bits))
        } else {
            None
        }
    }

    /// The flags from the low 9 bits, ignoring higher bits.
    pub const fn from_bits_truncate(bits: u16) -> Flags {
        Flags(bits & Self::ALL.0)
    }

    /// Whether every flag in `other` is set.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Sets or clears the flags in `other`.
    pub fn set(&mut self, other: Flags, on: bool) {
        if on {
            self.0 |= other.0
        } else {
            self.0 &= !other.0
        }
    }

    /// Each set flag's upper-case name, in the `Display` order.
    pub fn iter_names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, n)| n)
    }

    /// Each set flag on its own, in the `Display` order (SYN, FIN, RST, PSH, ACK, URG, ECE,
    /// CWR, AE).
    ///
    /// ```
    /// use tcpwire::Flags;
    /// let set: Vec<Flags> = (Flags::ACK | Flags::SYN).iter().collect();
    /// assert_eq!(set, [Flags::SYN, Flags::ACK]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Flags> {
        Self::NAMES
            .into_iter()
            .map(|(f, _)| f)
            .filter(move |f| self.contains(*f))
    }

    /// The 12 bits after the data offset, as the IANA "TCP Header Flags" registry numbers
    /// them (bits 4..=15 of the header's 16-bit word at offset 12): the 3 `reserved` bits
    /// (bits 11..=9 of the result; only their low 3 bits are used), then AE (bit 8), CWR, ECE,
    /// URG, ACK, PSH, RST, SYN, FIN (bit 0).
    ///
    /// ```
    /// use tcpwire::Flags;
    /// assert_eq!((Flags::SYN | Flags::ACK).to_word12(0), 0x012);
    /// assert_eq!(Flags::AE.to_word12(0b101), 0xb00);
    /// assert_eq!(Flags::from_word12(0xb12), (Flags::SYN | Flags::ACK | Flags::AE, 0b101));
    /// ```
    pub const fn to_word12(self, reserved: u8) -> u16 {
        ((reserved as u16 & 0x7) << 9) | self.0
    }

    /// The flags and the 3 reserved bits from the 12 bits after the data offset (see
    /// [`to_word12`](Self::to_word12)); bits above the low 12 are ignored.
    pub const fn from_word12(word: u16) -> (Flags, u8) {
        (Flags(word & Self::ALL.0), ((word >> 9) & 0x7) as u8)
    }

    /// AE (former NS).
    pub const fn ae(self) -> bool {
        self.contains(Self::AE)
    }
    /// CWR.
    pub const fn cwr(self) -> bool {
        self.contains(Self::CWR)
    }
    /// ECE.
    pub const fn ece(self) -> bool {
        self.contains(Self::ECE)
    }
    /// URG.
    pub const fn urg(self) -> bool {
        self.contains(Self::URG)
    }
    /// ACK.
    pub const fn ack(self) -> bool {
        self.contains(Self::ACK)
    }
    /// PSH.
    pub const fn psh(self) -> bool {
        self.contains(Self::PSH)
    }
    /// RST.
    pub const fn rst(self) -> bool {
        self.contains(Self::RST)
    }
    /// SYN.
    pub const fn syn(self) -> bool {
        self.contains(Self::SYN)
    }
    /// FIN.
    pub const fn fin(self) -> bool {
        self.contains(Self::FIN)
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Flags {
    fn bitor_assign(&mut self, rhs: Flags) {
        self.0 |= rhs.0
    }
}

impl std::ops::BitAnd for Flags {
    type Output = Flags;
    fn bitand(self, rhs: Flags) -> Flags {
        Flags(self.0 & rhs.0)
    }
}

/// The set flags joined by `|` in the order tools print them (`SYN|ACK`, `FIN|ACK`, `PSH|ACK`): SYN,
/// FIN, RST, PSH, ACK, URG, ECE, CWR, AE. An empty set is `-`.
impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("-");
        }
        for (i, name) in self.iter_names().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({self})")
    }
}

/// The JSON shape of [`Flags`]: one boolean per flag.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Flags")]
struct FlagsRepr {
    ae: bool,
    cwr: bool,
    ece: bool,
    urg: bool,
    ack: bool,
    psh: bool,
    rst: bool,
    syn: bool,
    fin: bool,
}

/// One boolean per flag in human-readable formats; the 9 flag bits as a number (AE is bit 8)
/// in binary ones.
impl Serialize for Flags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.serialize_u16(self.0);
        }
        FlagsRepr {
            ae: self.ae(),
            cwr: self.cwr(),
            ece: self.ece(),
            urg: self.urg(),
            ack: self.ack(),
            psh: self.psh(),
            rst: self.rst(),
            syn: self.syn(),
            fin: self.fin(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Flags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            let bits = u16::deserialize(d)?;
            return if bits < 0x200 {
                Ok(Flags(bits))
            } else {
                Err(serde::de::Error::custom(format_args!(
                    "flag bits {bits:#x} are wider than the 9 flags"
                )))
            };
        }
        let r = FlagsRepr::deserialize(d)?;
        let mut f = Flags::EMPTY;
        for (on, flag) in [
            (r.ae, Flags::AE),
            (r.cwr, Flags::CWR),
            (r.ece, Flags::ECE),
            (r.urg, Flags::URG),
            (r.ack, Flags::ACK),
            (r.psh, Flags::PSH),
            (r.rst, Flags::RST),
            (r.syn, Flags::SYN),
            (r.fin, Flags::FIN),
        ] {
            f.set(flag, on);
        }
        Ok(f)
    }
}
