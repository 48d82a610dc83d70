//! Subtype 1, MP_JOIN: a new subflow joining a connection, in three forms by length.

use nom::Parser;

use crate::element::{check_bits, put};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::number::{array, be_u8};

use super::*;

/// MP_JOIN lengths: SYN 12, SYN/ACK 16, ACK 24.
pub const MP_JOIN_LENGTHS: LengthSet = LengthSet::of(&[12, 16, 24]);

/// MP_JOIN (subtype 1): one form per handshake step, chosen by the length alone. In JSON the
/// form is `"form"`: `"syn"`, `"syn_ack"` or `"ack"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MpJoin {
    /// Length 12, sent on the SYN.
    Syn {
        /// B: the subflow is a backup path.
        backup: bool,
        /// The 3 reserved bits before B.
        reserved: u8,
        /// The sender's address ID.
        address_id: u8,
        /// The receiver's token (identifies the connection).
        receiver_token: [u8; 4],
        /// The sender's random number (nonce).
        sender_random: [u8; 4],
    },
    /// Length 16, sent on the SYN/ACK.
    SynAck {
        /// B: the subflow is a backup path.
        backup: bool,
        /// The 3 reserved bits before B.
        reserved: u8,
        /// The sender's address ID.
        address_id: u8,
        /// The leftmost 64 bits of the sender's HMAC.
        sender_truncated_hmac: [u8; 8],
        /// The sender's random number (nonce).
        sender_random: [u8; 4],
    },
    /// Length 24, sent on the third ACK.
    Ack {
        /// The 12 reserved bits after the subtype.
        reserved: u16,
        /// The sender's full 160-bit HMAC.
        sender_hmac: [u8; 20],
    },
}

impl MpJoin {
    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        match self {
            Self::Syn { .. } => 12,
            Self::SynAck { .. } => 16,
            Self::Ack { .. } => 24,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        match self {
            Self::Syn { reserved, .. } | Self::SynAck { reserved, .. } => {
                check_bits("MP_JOIN", "reserved", u64::from(*reserved), 3)
            }
            Self::Ack { reserved, .. } => {
                check_bits("MP_JOIN", "reserved", u64::from(*reserved), 12)
            }
        }
    }
}

/// The three forms with their reserved bits zero. Arguments come in wire order.
impl MpJoin {
    /// Length 12, on the SYN.
    pub fn syn(
        backup: bool,
        address_id: u8,
        receiver_token: [u8; 4],
        sender_random: [u8; 4],
    ) -> Self {
        Self::Syn {
            backup,
            reserved: 0,
            address_id,
            receiver_token,
            sender_random,
        }
    }

    /// Length 16, on the SYN/ACK.
    pub fn syn_ack(
        backup: bool,
        address_id: u8,
        sender_truncated_hmac: [u8; 8],
        sender_random: [u8; 4],
    ) -> Self {
        Self::SynAck {
            backup,
            reserved: 0,
            address_id,
            sender_truncated_hmac,
            sender_random,
        }
    }

    /// Length 24, on the third ACK.
    pub fn ack(sender_hmac: [u8; 20]) -> Self {
        Self::Ack {
            reserved: 0,
            sender_hmac,
        }
    }
}

fn parse_mp_join(length: u8, nibble: u8, body: Body<'_>) -> Result<MpJoin, MalformedReason> {
    check_length(length, MP_JOIN_LENGTHS)?;
    let backup = nibble & 1 != 0;
    let reserved = nibble >> 1;
    let join = match length {
        12 => whole(
            body,
            (be_u8, array::<4>, array::<4>).map(|(address_id, receiver_token, sender_random)| {
                MpJoin::Syn {
                    backup,
                    reserved,
                    address_id,
                    receiver_token,
                    sender_random,
                }
            }),
            length,
            MP_JOIN_LENGTHS,
        )?,
        16 => whole(
            body,
            (be_u8, array::<8>, array::<4>).map(
                |(address_id, sender_truncated_hmac, sender_random)| MpJoin::SynAck {
                    backup,
                    reserved,
                    address_id,
                    sender_truncated_hmac,
                    sender_random,
                },
            ),
            length,
            MP_JOIN_LENGTHS,
        )?,
        _ => whole(
            body,
            (be_u8, array::<20>).map(|(low, sender_hmac)| MpJoin::Ack {
                reserved: (u16::from(nibble) << 8) | u16::from(low),
                sender_hmac,
            }),
            length,
            MP_JOIN_LENGTHS,
        )?,
    };
    Ok(join)
}

impl Subtype for MpJoin {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        parse_mp_join(length, nibble, body)
    }

    fn encoded_len(&self) -> usize {
        MpJoin::encoded_len(self)
    }

    fn validate(&self) -> Result<(), Error> {
        MpJoin::validate(self)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let len = self.encoded_len();
        match self {
            MpJoin::Syn {
                backup,
                reserved,
                address_id,
                receiver_token,
                sender_random,
            } => {
                let out = put_mptcp_head(out, len, 1, (reserved << 1) | u8::from(*backup))?;
                let out = put(put(out, [*address_id])?, *receiver_token)?;
                put(out, *sender_random)
            }
            MpJoin::SynAck {
                backup,
                reserved,
                address_id,
                sender_truncated_hmac,
                sender_random,
            } => {
                let out = put_mptcp_head(out, len, 1, (reserved << 1) | u8::from(*backup))?;
                let out = put(put(out, [*address_id])?, *sender_truncated_hmac)?;
                put(out, *sender_random)
            }
            MpJoin::Ack {
                reserved,
                sender_hmac,
            } => {
                let out = put_mptcp_head(out, len, 1, reserved_high_nibble(*reserved))?;
                put(put(out, [reserved_low_byte(*reserved)])?, *sender_hmac)
            }
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for MpJoin {
        fn arbitrary(g: &mut Gen) -> Self {
            match u8::arbitrary(g) % 3 {
                0 => MpJoin::Syn {
                    backup: flag(g),
                    reserved: bits(g, 3),
                    address_id: u8::arbitrary(g),
                    receiver_token: <[u8; 4]>::arbitrary(g),
                    sender_random: <[u8; 4]>::arbitrary(g),
                },
                1 => MpJoin::SynAck {
                    backup: flag(g),
                    reserved: bits(g, 3),
                    address_id: u8::arbitrary(g),
                    sender_truncated_hmac: <[u8; 8]>::arbitrary(g),
                    sender_random: <[u8; 4]>::arbitrary(g),
                },
                _ => MpJoin::Ack {
                    reserved: reserved12(g),
                    sender_hmac: <[u8; 20]>::arbitrary(g),
                },
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};
use std::borrow::Cow;

use crate::record::bytes;
use crate::text::{hex, reserved};

impl<S: Schema> RecordForm<S> for MpJoin {
    fn to_record(&self, r: &mut Record<S>) {
        let syn = |r: &mut Record<S>, backup: bool, reserved: u8, address_id: u8, random: &[u8]| {
            r.backup = Some(backup);
            r.reserved = Some(u16::from(reserved));
            r.address_id = Some(address_id);
            r.sender_random = bytes(random);
        };
        match self {
            MpJoin::Syn {
                backup,
                reserved,
                address_id,
                receiver_token,
                sender_random,
            } => {
                r.form = Some(Cow::Borrowed("syn"));
                r.receiver_token = bytes(receiver_token);
                syn(r, *backup, *reserved, *address_id, sender_random);
            }
            MpJoin::SynAck {
                backup,
                reserved,
                address_id,
                sender_truncated_hmac,
                sender_random,
            } => {
                r.form = Some(Cow::Borrowed("syn_ack"));
                r.sender_truncated_hmac = bytes(sender_truncated_hmac);
                syn(r, *backup, *reserved, *address_id, sender_random);
            }
            MpJoin::Ack {
                reserved,
                sender_hmac,
            } => {
                r.form = Some(Cow::Borrowed("ack"));
                r.reserved = Some(*reserved);
                r.sender_hmac = bytes(sender_hmac);
            }
        }
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let form = f.need(r.form.take(), "form")?;
        let reserved = f.need(r.reserved.take(), "reserved")?;
        Ok(match form.as_ref() {
            "syn" => MpJoin::Syn {
                backup: f.need(r.backup.take(), "backup")?,
                reserved: f.narrow(reserved, "reserved")?,
                address_id: f.need(r.address_id.take(), "address_id")?,
                receiver_token: f.array(r.receiver_token.take(), "receiver_token")?,
                sender_random: f.array(r.sender_random.take(), "sender_random")?,
            },
            "syn_ack" => MpJoin::SynAck {
                backup: f.need(r.backup.take(), "backup")?,
                reserved: f.narrow(reserved, "reserved")?,
                address_id: f.need(r.address_id.take(), "address_id")?,
                sender_truncated_hmac: f
                    .array(r.sender_truncated_hmac.take(), "sender_truncated_hmac")?,
                sender_random: f.array(r.sender_random.take(), "sender_random")?,
            },
            "ack" => MpJoin::Ack {
                reserved,
                sender_hmac: f.array(r.sender_hmac.take(), "sender_hmac")?,
            },
            other => {
                return Err(f.err(format_args!(
                    "field `form` {other:?} is not \"syn\", \"syn_ack\" or \"ack\""
                )))
            }
        })
    }
}

/// `join syn|synack|ack [backup] id N ...`, with tcpdump's field words.
impl TextForm for MpJoin {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // SYN and SYN/ACK: the form, the backup flag, the ID, the token or HMAC, the nonce.
        let syn = |f: &mut std::fmt::Formatter<'_>,
                   form: &str,
                   backup: bool,
                   address_id: u8,
                   (word, first): (&str, &[u8]),
                   random: &[u8],
                   bits: u8| {
            write!(f, "join {form}")?;
            if backup {
                f.write_str(" backup")?;
            }
            write!(f, " id {address_id} {word} ")?;
            hex(f, first)?;
            f.write_str(" nonce ")?;
            hex(f, random)?;
            reserved(f, bits)
        };
        match self {
            MpJoin::Syn {
                backup,
                reserved: bits,
                address_id,
                receiver_token,
                sender_random,
            } => syn(
                f,
                "syn",
                *backup,
                *address_id,
                ("token", receiver_token),
                sender_random,
                *bits,
            ),
            MpJoin::SynAck {
                backup,
                reserved: bits,
                address_id,
                sender_truncated_hmac,
                sender_random,
            } => syn(
                f,
                "synack",
                *backup,
                *address_id,
                ("hmac", sender_truncated_hmac),
                sender_random,
                *bits,
            ),
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
}
