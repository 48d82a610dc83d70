//! Segment authentication: kind 19, MD5 Signature (RFC 2385), and kind 29, the TCP
//! Authentication Option (RFC 5925).

use crate::bytes::InlineBytes;
use crate::element::{
    at_most, exactly, put, put_head, put_opaque, put_slice, Borrowed, OptionBody,
};
use crate::error::{LengthSet, MalformedReason};

/// Kind 19, MD5 Signature (RFC 2385), length 18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Md5Signature {
    /// The 16-byte digest.
    pub digest: [u8; 16],
}

impl OptionBody for Md5Signature {
    const NAME_FOR_ERRORS: &'static str = "MD5 signature option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::exactly(18)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, Self::lengths(kind)).map(|digest| Self { digest })
    }

    fn encoded_len(&self) -> usize {
        18
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, kind, &self.digest)
    }
}

/// Kind 29, TCP Authentication Option (RFC 5925), length 4 + MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TcpAo {
    /// KeyID of the MKT used.
    pub key_id: u8,
    /// RNextKeyID: the key the sender would like to receive with.
    pub rnext_key_id: u8,
    /// The message authentication code.
    pub mac: InlineBytes<36>,
}

impl OptionBody for TcpAo {
    const NAME_FOR_ERRORS: &'static str = "TCP-AO option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(4, 40)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        TcpAoView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        4 + self.mac.len()
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_head(out, kind, self.encoded_len())?;
        put_slice(put(out, [self.key_id, self.rnext_key_id])?, &self.mac)
    }
}

/// [`TcpAo`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TcpAoView<'a> {
    key_id: u8,
    rnext_key_id: u8,
    mac: &'a [u8],
}

impl<'a> TcpAoView<'a> {
    /// KeyID of the MKT used.
    pub fn key_id(&self) -> u8 {
        self.key_id
    }

    /// RNextKeyID: the key the sender would like to receive with.
    pub fn rnext_key_id(&self) -> u8 {
        self.rnext_key_id
    }

    /// The message authentication code.
    pub fn mac(&self) -> &'a [u8] {
        self.mac
    }
}

impl<'a> Borrowed<'a> for TcpAoView<'a> {
    type Owned = TcpAo;

    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        let allowed = TcpAo::lengths(kind);
        match body {
            [key_id, rnext_key_id, mac @ ..] => Ok(Self {
                key_id: *key_id,
                rnext_key_id: *rnext_key_id,
                mac: at_most::<36>(mac, allowed)?,
            }),
            _ => Err(MalformedReason::BadLength {
                length: crate::element::length_of(body),
                allowed,
            }),
        }
    }

    fn to_owned_value(self) -> TcpAo {
        TcpAo {
            key_id: self.key_id,
            rnext_key_id: self.rnext_key_id,
            mac: InlineBytes::from_bounded(self.mac),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl Generate for Md5Signature {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let mut digest = [0u8; 16];
            fill(g, &mut digest);
            (room >= 18).then_some(Self { digest })
        }
    }

    /// MACs of RFC 5926's 12 bytes, 16, or any length that fits.
    impl Generate for TcpAo {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let room = room.checked_sub(4)?.min(36);
            let len = match below(g, 3) {
                0 => 12.min(room),
                1 => 16.min(room),
                _ => length_in(g, 0, room),
            };
            Some(Self {
                key_id: u8::arbitrary(g),
                rnext_key_id: u8::arbitrary(g),
                mac: inline_bytes(g, len),
            })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::hex;

impl<S: Schema> RecordForm<S> for Md5Signature {
    fn to_record(&self, r: &mut Record<S>) {
        r.digest = bytes(&self.digest);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            digest: f.array(r.digest.take(), "digest")?,
        })
    }
}

impl TextForm for Md5Signature {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("md5 ")?;
        hex(f, &self.digest)
    }
}

impl<S: Schema> RecordForm<S> for TcpAo {
    fn to_record(&self, r: &mut Record<S>) {
        r.key_id = Some(self.key_id);
        r.rnext_key_id = Some(self.rnext_key_id);
        r.mac = bytes(self.mac.as_slice());
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            key_id: f.need(r.key_id.take(), "key_id")?,
            rnext_key_id: f.need(r.rnext_key_id.take(), "rnext_key_id")?,
            mac: f.inline(r.mac.take(), "mac")?,
        })
    }
}

impl TextForm for TcpAo {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tcp-ao keyid {} rnextkeyid {} mac ",
            self.key_id, self.rnext_key_id
        )?;
        hex(f, &self.mac)
    }
}
