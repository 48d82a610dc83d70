//! Subtype 0, MP_CAPABLE: version and algorithm negotiation, keys (RFC 6824, RFC 8684).

use serde::{Deserialize, Serialize};

use crate::element::{check_bits, put, unencodable};
use crate::error::{Error, LengthSet, MalformedReason};

use super::*;

/// MP_CAPABLE lengths of version 0 (RFC 6824): SYN and SYN/ACK 12, third ACK 20.
pub const MP_CAPABLE_V0_LENGTHS: LengthSet = LengthSet::of(&[12, 20]);
/// MP_CAPABLE lengths of version 1 (RFC 8684): SYN 4, SYN/ACK 12, third ACK 20, ACK with data
/// 22, or 24 with a checksum. Versions 2..=15 are held to these too.
pub const MP_CAPABLE_V1_LENGTHS: LengthSet = LengthSet::of(&[4, 12, 20, 22, 24]);

/// The MP_CAPABLE lengths allowed for a version.
pub const fn mp_capable_lengths(version: u8) -> LengthSet {
    if version == 0 {
        MP_CAPABLE_V0_LENGTHS
    } else {
        MP_CAPABLE_V1_LENGTHS
    }
}

/// MP_CAPABLE (subtype 0). Each field after the flags is present when the length reaches it
/// (4: none; 12: sender's key; 20: + receiver's key; 22: + data-level length; 24: + checksum),
/// so each present field requires the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpCapable {
    /// The MPTCP version (4 bits): 0 is RFC 6824, 1 is RFC 8684.
    pub version: u8,
    /// The 8 flag bits A..H.
    pub flags: MpCapableFlags,
    /// The sender's key (length >= 12).
    pub sender_key: Option<[u8; 8]>,
    /// The receiver's key (length >= 20).
    pub receiver_key: Option<[u8; 8]>,
    /// Data-level length of the data in this segment (v1, length >= 22).
    pub data_level_length: Option<u16>,
    /// The DSS checksum of that data (v1, length 24).
    pub checksum: Option<u16>,
}

/// The flag byte of MP_CAPABLE: A B C D E F G H, high bit first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MpCapableFlags {
    /// A: the sender requires DSS checksums.
    pub checksum_required: bool,
    /// B: extensibility (reserved for a future version).
    pub extensibility: bool,
    /// C (v1): do not open subflows to the source address and port of this SYN. In v0 this
    /// was a crypto-algorithm bit; it keeps this name.
    pub no_subflows_to_source: bool,
    /// H: HMAC-SHA256 (v1); the same bit is HMAC-SHA1 in v0.
    pub hmac_sha256: bool,
    /// D, E, F, G: the other crypto-algorithm bits, as a 4-bit number (D is bit 3).
    pub other_algorithms: u8,
}

impl MpCapableFlags {
    /// The flag byte as on the wire.
    pub fn to_byte(self) -> u8 {
        (u8::from(self.checksum_required) << 7)
            | (u8::from(self.extensibility) << 6)
            | (u8::from(self.no_subflows_to_source) << 5)
            | ((self.other_algorithms & 0x0f) << 1)
            | u8::from(self.hmac_sha256)
    }

    /// The flags of a wire byte.
    pub fn from_byte(b: u8) -> Self {
        Self {
            checksum_required: b & 0x80 != 0,
            extensibility: b & 0x40 != 0,
            no_subflows_to_source: b & 0x20 != 0,
            hmac_sha256: b & 0x01 != 0,
            other_algorithms: (b >> 1) & 0x0f,
        }
    }
}

impl MpCapableFlags {
    /// Only H set (flag byte 0x01): HMAC-SHA256, what Linux sends (in v0 the same bit is
    /// HMAC-SHA1).
    pub const HMAC_SHA256: Self = Self {
        checksum_required: false,
        extensibility: false,
        no_subflows_to_source: false,
        hmac_sha256: true,
        other_algorithms: 0,
    };
}

/// The common forms, by handshake step. Arguments come in wire order.
///
/// ```
/// use tcpwire::mptcp::{MpCapable, MpCapableFlags};
/// let syn = MpCapable::syn(MpCapableFlags::HMAC_SHA256);
/// assert_eq!((syn.version, syn.encoded_len()), (1, 4));
/// let ack = MpCapable::ack(MpCapableFlags::HMAC_SHA256, [1; 8], [2; 8]);
/// assert_eq!(ack.encoded_len(), 20);
/// ```
impl MpCapable {
    /// Version 1, length 4: the SYN, without a key.
    pub fn syn(flags: MpCapableFlags) -> Self {
        Self {
            version: 1,
            flags,
            sender_key: None,
            receiver_key: None,
            data_level_length: None,
            checksum: None,
        }
    }

    /// Version 1, length 12: the SYN/ACK, with the sender's (the listener's) key.
    pub fn syn_ack(flags: MpCapableFlags, sender_key: [u8; 8]) -> Self {
        Self {
            sender_key: Some(sender_key),
            ..Self::syn(flags)
        }
    }

    /// Version 1, length 20: the third ACK, with both keys.
    pub fn ack(flags: MpCapableFlags, sender_key: [u8; 8], receiver_key: [u8; 8]) -> Self {
        Self {
            receiver_key: Some(receiver_key),
            ..Self::syn_ack(flags, sender_key)
        }
    }

    /// Version 1, length 22 (or 24 with a checksum): the first ACK that carries data, with both
    /// keys and the data-level length of that data.
    pub fn ack_with_data(
        flags: MpCapableFlags,
        sender_key: [u8; 8],
        receiver_key: [u8; 8],
        data_level_length: u16,
        checksum: Option<u16>,
    ) -> Self {
        Self {
            data_level_length: Some(data_level_length),
            checksum,
            ..Self::ack(flags, sender_key, receiver_key)
        }
    }

    /// Version 0 (RFC 6824), length 12: the SYN or SYN/ACK, with the sender's key.
    pub fn v0_syn(flags: MpCapableFlags, sender_key: [u8; 8]) -> Self {
        Self {
            version: 0,
            ..Self::syn_ack(flags, sender_key)
        }
    }

    /// Version 0 (RFC 6824), length 20: the third ACK, with both keys.
    pub fn v0_ack(flags: MpCapableFlags, sender_key: [u8; 8], receiver_key: [u8; 8]) -> Self {
        Self {
            version: 0,
            ..Self::ack(flags, sender_key, receiver_key)
        }
    }
}

impl MpCapable {
    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        4 + 8 * usize::from(self.sender_key.is_some())
            + 8 * usize::from(self.receiver_key.is_some())
            + 2 * usize::from(self.data_level_length.is_some())
            + 2 * usize::from(self.checksum.is_some())
    }

    fn validate(&self) -> Result<(), Error> {
        const WHAT: &str = "MP_CAPABLE";
        check_bits(WHAT, "version", u64::from(self.version), 4)?;
        check_bits(
            WHAT,
            "other_algorithms",
            u64::from(self.flags.other_algorithms),
            4,
        )?;
        let chain = [
            self.sender_key.is_some(),
            self.receiver_key.is_some(),
            self.data_level_length.is_some(),
            self.checksum.is_some(),
        ];
        if chain.windows(2).any(|w| matches!(w, [false, true])) {
            return unencodable(
                WHAT,
                "a field is present after an absent one (sender key, receiver key, data-level length, checksum come in this order)".into(),
            );
        }
        let allowed = mp_capable_lengths(self.version);
        let len = self.encoded_len();
        match u8::try_from(len) {
            Ok(l) if allowed.contains(l) => Ok(()),
            _ => unencodable(
                WHAT,
                format!(
                    "version {} with length {len}; allowed: {allowed}",
                    self.version
                ),
            ),
        }
    }
}

/// Read with plain slice splits, as DSS is (see `dss.rs`): MP_CAPABLE opens every MPTCP
/// connection and subflow, and its layout is fixed by the length alone.
#[inline]
fn parse_mp_capable(length: u8, version: u8, body: Body<'_>) -> Result<MpCapable, MalformedReason> {
    let allowed = mp_capable_lengths(version);
    check_length(length, allowed)?;
    let bad = MalformedReason::BadLength { length, allowed };
    let Some((&flags, mut rest)) = body.split_first() else {
        return Err(bad);
    };
    let mut take_if = |present: bool, n: usize| -> Result<Option<&[u8]>, MalformedReason> {
        if !present {
            return Ok(None);
        }
        let (bytes, after) = rest.split_at_checked(n).ok_or(bad)?;
        rest = after;
        Ok(Some(bytes))
    };
    let key = |b: &[u8]| <[u8; 8]>::try_from(b).unwrap_or_default();
    let word = |b: &[u8]| u16::from_be_bytes(<[u8; 2]>::try_from(b).unwrap_or_default());
    let sender_key = take_if(length >= 12, 8)?.map(key);
    let receiver_key = take_if(length >= 20, 8)?.map(key);
    let data_level_length = take_if(length >= 22, 2)?.map(word);
    let checksum = take_if(length >= 24, 2)?.map(word);
    if !rest.is_empty() {
        return Err(bad);
    }
    Ok(MpCapable {
        version,
        flags: MpCapableFlags::from_byte(flags),
        sender_key,
        receiver_key,
        data_level_length,
        checksum,
    })
}

impl Subtype for MpCapable {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        parse_mp_capable(length, nibble, body)
    }

    fn encoded_len(&self) -> usize {
        MpCapable::encoded_len(self)
    }

    fn validate(&self) -> Result<(), Error> {
        MpCapable::validate(self)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, self.encoded_len(), 0, self.version)?;
        let mut out = put(out, [self.flags.to_byte()])?;
        if let Some(key) = self.sender_key {
            out = put(out, key)?;
        }
        if let Some(key) = self.receiver_key {
            out = put(out, key)?;
        }
        if let Some(length) = self.data_level_length {
            out = put(out, length.to_be_bytes())?;
        }
        if let Some(checksum) = self.checksum {
            out = put(out, checksum.to_be_bytes())?;
        }
        Some(out)
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for MpCapable {
        fn arbitrary(g: &mut Gen) -> Self {
            // Mostly the two specified versions; sometimes any other nibble.
            let version = *g.choose(&[0, 1, 1, 0, 1, 2, 15]).unwrap_or(&1);
            let version = if version == 2 { bits(g, 4) } else { version };
            let length = *g
                .choose(if version == 0 {
                    &[12u8, 20][..]
                } else {
                    &[4u8, 12, 20, 22, 24][..]
                })
                .unwrap_or(&12);
            MpCapable {
                version,
                flags: MpCapableFlags::from_byte(u8::arbitrary(g)),
                sender_key: (length >= 12).then(|| <[u8; 8]>::arbitrary(g)),
                receiver_key: (length >= 20).then(|| <[u8; 8]>::arbitrary(g)),
                data_level_length: (length >= 22).then(|| u16::arbitrary(g)),
                checksum: (length >= 24).then(|| u16::arbitrary(g)),
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::hex;

impl<S: Schema<Flags = MpCapableFlags>> RecordForm<S> for MpCapable {
    fn to_record(&self, r: &mut Record<S>) {
        r.version = Some(self.version);
        r.flags = Some(self.flags);
        r.sender_key = self.sender_key.as_ref().and_then(|k| bytes(k));
        r.receiver_key = self.receiver_key.as_ref().and_then(|k| bytes(k));
        r.data_level_length = self.data_level_length;
        r.checksum = self.checksum;
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            version: f.need(r.version.take(), "version")?,
            flags: f.need(r.flags.take(), "flags")?,
            sender_key: f.opt_array(r.sender_key.take(), "sender_key")?,
            receiver_key: f.opt_array(r.receiver_key.take(), "receiver_key")?,
            data_level_length: r.data_level_length.take(),
            checksum: r.checksum.take(),
        })
    }
}

/// `capable v1 flags 0x01 key 0x.. rkey 0x.. len N csum 0x..`, the fields present.
impl TextForm for MpCapable {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "capable v{} flags 0x{:02x}",
            self.version,
            self.flags.to_byte()
        )?;
        if let Some(key) = &self.sender_key {
            f.write_str(" key ")?;
            hex(f, key)?;
        }
        if let Some(key) = &self.receiver_key {
            f.write_str(" rkey ")?;
            hex(f, key)?;
        }
        if let Some(len) = self.data_level_length {
            write!(f, " len {len}")?;
        }
        if let Some(csum) = self.checksum {
            write!(f, " csum 0x{csum:x}")?;
        }
        Ok(())
    }
}
