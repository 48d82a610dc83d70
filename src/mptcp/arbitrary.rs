//! quickcheck: valid values of every subtype and length form.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use quickcheck::{Arbitrary, Gen};

use super::*;

/// A value of at most `bits` bits.
fn bits(g: &mut Gen, bits: u32) -> u8 {
    u8::arbitrary(g) & ((1u16 << bits) - 1) as u8
}

fn reserved12(g: &mut Gen) -> u16 {
    u16::arbitrary(g) & 0x0fff
}

fn flag(g: &mut Gen) -> bool {
    bool::arbitrary(g)
}

/// Some or None, even odds.
fn maybe<T>(g: &mut Gen, f: impl FnOnce(&mut Gen) -> T) -> Option<T> {
    if flag(g) {
        Some(f(g))
    } else {
        None
    }
}

/// `min..=MAX_MPTCP_DATA` random bytes.
fn data(g: &mut Gen, min: usize) -> InlineBytes<MAX_MPTCP_DATA> {
    let len = min + usize::arbitrary(g) % (MAX_MPTCP_DATA + 1 - min);
    let bytes = <[u8; MAX_MPTCP_DATA]>::arbitrary(g);
    InlineBytes::from_slice(bytes.get(..len).unwrap_or_default()).unwrap_or_default()
}

/// A 64-bit value, or a 32-bit one when `eight_bytes` is false.
fn sequence_number(g: &mut Gen, eight_bytes: bool) -> u64 {
    if eight_bytes {
        u64::arbitrary(g)
    } else {
        u64::from(u32::arbitrary(g))
    }
}

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

impl Arbitrary for Dss {
    fn arbitrary(g: &mut Gen) -> Self {
        let dsn_8_bytes = flag(g);
        let data_ack_8_bytes = flag(g);
        Dss {
            reserved: bits(g, 7),
            data_fin: flag(g),
            dsn_8_bytes,
            data_ack_8_bytes,
            data_ack: maybe(g, |g| sequence_number(g, data_ack_8_bytes)),
            mapping: maybe(g, |g| DssMapping {
                dsn: sequence_number(g, dsn_8_bytes),
                subflow_seq: u32::arbitrary(g),
                // Infinite mappings (0) often enough to be seen.
                data_level_length: if u8::arbitrary(g) % 8 == 0 {
                    0
                } else {
                    u16::arbitrary(g)
                },
                checksum: maybe(g, u16::arbitrary),
            }),
        }
    }
}

impl Arbitrary for AddAddr {
    fn arbitrary(g: &mut Gen) -> Self {
        let address = if flag(g) {
            IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::arbitrary(g)))
        } else {
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::arbitrary(g)))
        };
        let address_id = u8::arbitrary(g);
        let port = maybe(g, u16::arbitrary);
        if flag(g) {
            AddAddr::V0 {
                address_id,
                address,
                port,
            }
        } else {
            AddAddr::V1 {
                reserved: bits(g, 3),
                address_id,
                address,
                port,
                truncated_hmac: maybe(g, <[u8; 8]>::arbitrary),
            }
        }
    }
}

/// Valid values only: `validate` passes and parsing the encoding gives the value back.
/// Every subtype (and subtypes 9..=14) and every length form is generated, reserved bits
/// random.
impl Arbitrary for MptcpOption {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 11 {
            0 => MptcpOption::MpCapable(MpCapable::arbitrary(g)),
            1 => MptcpOption::MpJoin(MpJoin::arbitrary(g)),
            2 => MptcpOption::Dss(Dss::arbitrary(g)),
            3 => MptcpOption::AddAddr(AddAddr::arbitrary(g)),
            4 => MptcpOption::RemoveAddr(RemoveAddr {
                reserved: bits(g, 4),
                address_ids: data(g, 1),
            }),
            5 => MptcpOption::MpPrio(MpPrio {
                backup: flag(g),
                reserved: bits(g, 3),
                address_id: maybe(g, u8::arbitrary),
            }),
            6 => MptcpOption::MpFail(MpFail {
                reserved: reserved12(g),
                dsn: u64::arbitrary(g),
            }),
            7 => MptcpOption::MpFastclose(MpFastclose {
                reserved: reserved12(g),
                receiver_key: <[u8; 8]>::arbitrary(g),
            }),
            8 => MptcpOption::MpTcpRst(MpTcpRst {
                reserved: bits(g, 3),
                transient: flag(g),
                reason: TcpRstReason::arbitrary(g),
            }),
            9 => MptcpOption::MpExperimental(MpExperimental {
                nibble: bits(g, 4),
                data: data(g, 0),
            }),
            _ => MptcpOption::Unassigned(Unassigned {
                subtype: 9 + u8::arbitrary(g) % 6,
                nibble: bits(g, 4),
                data: data(g, 0),
            }),
        }
    }
}
