//! Subtype 3, ADD_ADDR: an address the sender can be reached at (v0 or v1 layout).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nom::combinator::cond;
use nom::{IResult, Parser};

use crate::element::{check_bits, put};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::number::{array, be_u16, be_u8};

use super::*;

/// ADD_ADDR (subtype 3) in the layout its bytes select (see the module docs): `version` 0 when
/// the low nibble of byte 2 is the IP version (4 with length 8 or 10, 6 with 20 or 22), else 1.
///
/// In JSON it is flat: `"version"`, for v1 `"echo"` and `"reserved"`, then `"address_id"`,
/// `"address"`, `"port"` (when present) and for v1 without echo `"truncated_hmac"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddAddr {
    /// RFC 6824: the nibble is the IP version (derived from `address`); no HMAC.
    V0 {
        /// The address ID.
        address_id: u8,
        /// The address (IPv4: length 8/10, IPv6: 20/22).
        address: IpAddr,
        /// The port, when the length has room for it.
        port: Option<u16>,
    },
    /// RFC 8684: the nibble is 3 reserved bits and E (echo). E is set exactly when there is
    /// no truncated HMAC.
    V1 {
        /// The 3 reserved bits before E.
        reserved: u8,
        /// The address ID.
        address_id: u8,
        /// The address.
        address: IpAddr,
        /// The port, when the length has room for it.
        port: Option<u16>,
        /// The rightmost 64 bits of the HMAC; `None` is an echo (E = 1).
        truncated_hmac: Option<[u8; 8]>,
    },
}

/// The three layouts with their reserved bits zero. Arguments come in wire order.
///
/// ```
/// use std::net::Ipv4Addr;
/// use tcpwire::mptcp::AddAddr;
/// let a = AddAddr::v1(2, Ipv4Addr::new(192, 0, 2, 7), Some(8080), [0xaa; 8]);
/// assert_eq!((a.encoded_len(), a.nibble()), (18, 0));
/// let echo = AddAddr::v1_echo(2, Ipv4Addr::new(192, 0, 2, 7), Some(8080));
/// assert_eq!((echo.encoded_len(), echo.nibble()), (10, 1));
/// ```
impl AddAddr {
    /// RFC 8684 (v1), E = 0: an address announced with the rightmost 64 bits of its HMAC.
    pub fn v1(
        address_id: u8,
        address: impl Into<IpAddr>,
        port: Option<u16>,
        truncated_hmac: [u8; 8],
    ) -> Self {
        Self::V1 {
            reserved: 0,
            address_id,
            address: address.into(),
            port,
            truncated_hmac: Some(truncated_hmac),
        }
    }

    /// RFC 8684 (v1), E = 1: the echo acknowledging a received ADD_ADDR (no HMAC).
    pub fn v1_echo(address_id: u8, address: impl Into<IpAddr>, port: Option<u16>) -> Self {
        Self::V1 {
            reserved: 0,
            address_id,
            address: address.into(),
            port,
            truncated_hmac: None,
        }
    }

    /// RFC 6824 (v0): the nibble is the IP version, no HMAC.
    pub fn v0(address_id: u8, address: impl Into<IpAddr>, port: Option<u16>) -> Self {
        Self::V0 {
            address_id,
            address: address.into(),
            port,
        }
    }
}

impl AddAddr {
    /// The address ID.
    pub fn address_id(&self) -> u8 {
        match self {
            Self::V0 { address_id, .. } | Self::V1 { address_id, .. } => *address_id,
        }
    }

    /// The advertised address.
    pub fn address(&self) -> IpAddr {
        match self {
            Self::V0 { address, .. } | Self::V1 { address, .. } => *address,
        }
    }

    /// The advertised port, if any.
    pub fn port(&self) -> Option<u16> {
        match self {
            Self::V0 { port, .. } | Self::V1 { port, .. } => *port,
        }
    }

    /// Whether this is a v1 echo (E = 1): the acknowledgement of a received ADD_ADDR.
    pub fn is_echo(&self) -> bool {
        matches!(
            self,
            Self::V1 {
                truncated_hmac: None,
                ..
            }
        )
    }

    /// The low nibble of byte 2 as on the wire.
    pub fn nibble(&self) -> u8 {
        match self {
            Self::V0 {
                address: IpAddr::V4(_),
                ..
            } => 4,
            Self::V0 {
                address: IpAddr::V6(_),
                ..
            } => 6,
            Self::V1 {
                reserved,
                truncated_hmac,
                ..
            } => (reserved << 1) | u8::from(truncated_hmac.is_none()),
        }
    }

    /// Bytes on the wire, Kind and Length included.
    pub fn encoded_len(&self) -> usize {
        let address_len = match self.address() {
            IpAddr::V4(_) => 4,
            IpAddr::V6(_) => 16,
        };
        let hmac_len = match self {
            Self::V1 {
                truncated_hmac: Some(_),
                ..
            } => 8,
            _ => 0,
        };
        4 + address_len + 2 * usize::from(self.port().is_some()) + hmac_len
    }

    fn validate(&self) -> Result<(), Error> {
        match self {
            Self::V0 { .. } => Ok(()),
            Self::V1 { reserved, .. } => {
                check_bits("ADD_ADDR", "reserved", u64::from(*reserved), 3)
            }
        }
    }
}

/// The ADD_ADDR lengths allowed for a nibble: v1's for its E bit, and v0's when the nibble is
/// an IP version.
pub const fn add_addr_lengths(nibble: u8) -> LengthSet {
    let v1 = if nibble & 1 != 0 {
        LengthSet::of(&[8, 10, 20, 22])
    } else {
        LengthSet::of(&[16, 18, 28, 30])
    };
    match nibble {
        4 => v1.with(8).with(10),
        6 => v1.with(20).with(22),
        _ => v1,
    }
}

fn parse_add_addr(length: u8, nibble: u8, body: Body<'_>) -> Result<AddAddr, MalformedReason> {
    let allowed = add_addr_lengths(nibble);
    check_length(length, allowed)?;
    let v0 = matches!((nibble, length), (4, 8 | 10) | (6, 20 | 22));
    let echo = nibble & 1 != 0;
    let hmac_len: u8 = if v0 || echo { 0 } else { 8 };
    // What is left after Kind, Length, byte 2 and the address ID: 4 or 16 address bytes,
    // maybe 2 port bytes, then the HMAC.
    let rest = length.saturating_sub(4 + hmac_len);
    let ipv6 = rest >= 16;
    let has_port = rest % 4 == 2;
    let parser = (
        be_u8,
        ip_address(ipv6),
        cond(has_port, be_u16),
        cond(hmac_len == 8, array::<8>),
    )
        .map(|(address_id, address, port, truncated_hmac)| {
            if v0 {
                AddAddr::V0 {
                    address_id,
                    address,
                    port,
                }
            } else {
                AddAddr::V1 {
                    reserved: nibble >> 1,
                    address_id,
                    address,
                    port,
                    truncated_hmac,
                }
            }
        });
    whole(body, parser, length, allowed)
}

/// An IPv6 (16 bytes) or IPv4 (4 bytes) address.
fn ip_address<'a>(
    ipv6: bool,
) -> impl Parser<Body<'a>, Output = IpAddr, Error = nom::error::Error<Body<'a>>> {
    move |input: Body<'a>| -> IResult<Body<'a>, IpAddr> {
        if ipv6 {
            array::<16>
                .map(|a| IpAddr::V6(Ipv6Addr::from(a)))
                .parse(input)
        } else {
            array::<4>
                .map(|a| IpAddr::V4(Ipv4Addr::from(a)))
                .parse(input)
        }
    }
}

impl Subtype for AddAddr {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        parse_add_addr(length, nibble, body)
    }

    fn encoded_len(&self) -> usize {
        AddAddr::encoded_len(self)
    }

    fn validate(&self) -> Result<(), Error> {
        AddAddr::validate(self)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, self.encoded_len(), 3, self.nibble())?;
        let out = put(out, [self.address_id()])?;
        let mut out = match self.address() {
            IpAddr::V4(v4) => put(out, v4.octets())?,
            IpAddr::V6(v6) => put(out, v6.octets())?,
        };
        if let Some(port) = self.port() {
            out = put(out, port.to_be_bytes())?;
        }
        match self {
            AddAddr::V1 {
                truncated_hmac: Some(hmac),
                ..
            } => put(out, *hmac),
            _ => Some(out),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

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
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};
use std::net::SocketAddr;

use crate::record::bytes;
use crate::text::{hex, reserved};

impl<S: Schema> RecordForm<S> for AddAddr {
    fn to_record(&self, r: &mut Record<S>) {
        let (address_id, address, port) = match self {
            AddAddr::V0 {
                address_id,
                address,
                port,
            } => {
                r.version = Some(0);
                (address_id, address, port)
            }
            AddAddr::V1 {
                reserved,
                address_id,
                address,
                port,
                truncated_hmac,
            } => {
                r.version = Some(1);
                r.echo = Some(truncated_hmac.is_none());
                r.reserved = Some(u16::from(*reserved));
                r.truncated_hmac = truncated_hmac.as_ref().and_then(|h| bytes(h));
                (address_id, address, port)
            }
        };
        r.address_id = Some(*address_id);
        r.address = Some(*address);
        r.port = *port;
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let address_id = f.need(r.address_id.take(), "address_id")?;
        let address = f.need(r.address.take(), "address")?;
        let port = r.port.take();
        match f.need(r.version.take(), "version")? {
            0 => Ok(AddAddr::V0 {
                address_id,
                address,
                port,
            }),
            1 => {
                let echo = f.need(r.echo.take(), "echo")?;
                let reserved = f.need(r.reserved.take(), "reserved")?;
                let truncated_hmac = f.opt_array(r.truncated_hmac.take(), "truncated_hmac")?;
                if echo != truncated_hmac.is_none() {
                    return Err(f.err(format_args!(
                        "with echo {echo} there must {} a truncated_hmac",
                        if echo { "not be" } else { "be" }
                    )));
                }
                Ok(AddAddr::V1 {
                    reserved: f.narrow(reserved, "reserved")?,
                    address_id,
                    address,
                    port,
                    truncated_hmac,
                })
            }
            v => Err(f.err(format_args!("field `version` {v} is not 0 or 1"))),
        }
    }
}

/// `add-addr v0|v1 [echo] id N address[:port] [hmac 0x..]`.
impl TextForm for AddAddr {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (version, bits) = match self {
            AddAddr::V0 { .. } => (0, 0),
            AddAddr::V1 { reserved, .. } => (1, *reserved),
        };
        write!(f, "add-addr v{version}")?;
        if self.is_echo() {
            f.write_str(" echo")?;
        }
        write!(f, " id {} ", self.address_id())?;
        match self.port() {
            Some(port) => write!(f, "{}", SocketAddr::new(self.address(), port))?,
            None => write!(f, "{}", self.address())?,
        }
        if let AddAddr::V1 {
            truncated_hmac: Some(hmac),
            ..
        } = self
        {
            f.write_str(" hmac ")?;
            hex(f, hmac)?;
        }
        reserved(f, bits)
    }
}
