//! Canonical construction of headers and segments: [`TcpHeader::builder`] and
//! [`TcpSegment::builder`].
//!
//! The builder starts from these defaults (ports 0, sequence and
//! acknowledgment numbers 0, no flags, window 65535, checksum 0, urgent pointer 0, no options,
//! empty payload) and writes a *canonical* header:
//!
//! - the options are written in exactly the order given, none dropped, none added except the
//!   EOL described next;
//! - when the options' length is not a multiple of 4, the option area is padded to the next
//!   multiple of 4: if the list does not already end with [`TcpOption::Eol`], one EOL is
//!   appended, and the bytes after the EOL are zero ([`TcpHeader::padding`]). So parsing the
//!   built header gives back the list, plus that one EOL when padding was needed;
//! - the data offset is the smallest that holds the options;
//! - every option is validated, and more than 40 option bytes is
//!   [`Error::OptionsTooLong`]; nothing is truncated.
//!
//! ```
//! use tcpwire::option::{Mss, WindowScale};
//! use tcpwire::{TcpHeader, TcpOption};
//! // Window scale first, then MSS: kept in that order (3 + 4 = 7 bytes, then EOL).
//! let header = TcpHeader::builder().ports(50000, 443).syn().window_scale(7).mss(1460).build()?;
//! assert_eq!(header.data_offset, 7);
//! assert_eq!(
//!     header.options.as_slice(),
//!     &[TcpOption::WindowScale(WindowScale { shift: 7 }), TcpOption::Mss(Mss { mss: 1460 }), TcpOption::Eol]
//! );
//! assert_eq!(TcpHeader::parse(&header.to_bytes()?)?, header);
//! # Ok::<(), tcpwire::Error>(())
//! ```

use crate::option::{FastOpen, Malformed, Mss, Sack, Timestamps, WindowScale};
use std::marker::PhantomData;
use std::net::IpAddr;

use crate::bytes::InlineBytes;
use crate::error::Error;
use crate::header::{Flags, TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::mptcp::{AddAddr, Dss, MpCapable, MpJoin, MptcpOption};
use crate::option::{OptionList, SackBlock, TcpOption, MAX_OPTION_AREA};
use crate::registry::TcpRstReason;

/// A builder of a [`TcpHeader`] ([`TcpHeaderBuilder`]) or a [`TcpSegment`]
/// ([`TcpSegmentBuilder`]); see the [module docs](crate::builder) for what `build` guarantees.
///
/// Setters take and return the builder, so calls chain. Errors found while setting (a cookie
/// longer than 16 bytes) are kept and returned by `build`.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct Builder<T> {
    header: TcpHeader,
    payload: Vec<u8>,
    error: Option<Error>,
    target: PhantomData<fn() -> T>,
}

/// The builder of a [`TcpHeader`].
pub type TcpHeaderBuilder = Builder<TcpHeader>;
/// The builder of a [`TcpSegment`].
pub type TcpSegmentBuilder = Builder<TcpSegment>;

impl<T> Default for Builder<T> {
    fn default() -> Self {
        Self {
            header: TcpHeader {
                src_port: 0,
                dst_port: 0,
                seq: 0,
                ack_number: 0,
                data_offset: 5,
                reserved: 0,
                flags: Flags::EMPTY,
                window: 65535,
                checksum: 0,
                urgent_pointer: 0,
                options: OptionList::new(),
                padding: InlineBytes::new(),
            },
            payload: Vec::new(),
            error: None,
            target: PhantomData,
        }
    }
}

impl TcpHeader {
    /// A builder with the defaults (see [`crate::builder`]).
    pub fn builder() -> TcpHeaderBuilder {
        Builder::default()
    }
}

impl TcpSegment {
    /// A builder with the defaults and an empty payload (see [`crate::builder`]).
    pub fn builder() -> TcpSegmentBuilder {
        Builder::default()
    }
}

/// Starts from a header's fields and options , for building a
/// changed copy. A trailing EOL is left out, and the padding and data offset are recomputed by
/// `build`, so the copy is canonical.
impl From<TcpHeader> for TcpHeaderBuilder {
    fn from(mut header: TcpHeader) -> Self {
        if matches!(header.options.last(), Some(TcpOption::Eol)) {
            header.options.pop();
        }
        header.padding = InlineBytes::new();
        Self {
            header,
            ..Self::default()
        }
    }
}

/// Starts from a segment's header (as [`TcpHeaderBuilder`]'s `From`) and payload.
impl From<TcpSegment> for TcpSegmentBuilder {
    fn from(segment: TcpSegment) -> Self {
        let header = TcpHeaderBuilder::from(segment.header).header;
        Self {
            header,
            payload: segment.payload,
            ..Self::default()
        }
    }
}

/// One method per flag, setting it.
macro_rules! flag_setters {
    ($($(#[$doc:meta])* $name:ident = $flag:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self) -> Self {
                self.header.flags |= Flags::$flag;
                self
            }
        )*
    };
}

impl<T> Builder<T> {
    /// Source port (default 0).
    pub fn src_port(mut self, port: u16) -> Self {
        self.header.src_port = port;
        self
    }

    /// Destination port (default 0).
    pub fn dst_port(mut self, port: u16) -> Self {
        self.header.dst_port = port;
        self
    }

    /// Source and destination ports.
    pub fn ports(self, src: u16, dst: u16) -> Self {
        self.src_port(src).dst_port(dst)
    }

    /// Sequence number (default 0).
    pub fn seq(mut self, seq: u32) -> Self {
        self.header.seq = seq;
        self
    }

    /// Acknowledgment number, the header's `ack` field (default 0). It does not set the ACK
    /// flag: see [`ack`](Self::ack).
    pub fn ack_number(mut self, ack: u32) -> Self {
        self.header.ack_number = ack;
        self
    }

    /// The 3 reserved bits (default 0; more than 3 bits is an error at `build`).
    pub fn reserved(mut self, reserved: u8) -> Self {
        self.header.reserved = reserved;
        self
    }

    /// All nine flags at once, replacing those set so far.
    pub fn flags(mut self, flags: Flags) -> Self {
        self.header.flags = flags;
        self
    }

    flag_setters! {
        /// Sets FIN.
        fin = FIN;
        /// Sets SYN.
        syn = SYN;
        /// Sets RST.
        rst = RST;
        /// Sets PSH.
        psh = PSH;
        /// Sets ACK (the acknowledgment number is set by [`ack_number`](Self::ack_number)).
        ack = ACK;
        /// Sets URG.
        urg = URG;
        /// Sets ECE.
        ece = ECE;
        /// Sets CWR.
        cwr = CWR;
        /// Sets AE (the former NS bit).
        ae = AE;
    }

    /// Window (default 65535).
    pub fn window(mut self, window: u16) -> Self {
        self.header.window = window;
        self
    }

    /// Checksum field as given (default 0); `build_with_checksum` computes it instead.
    pub fn checksum(mut self, checksum: u16) -> Self {
        self.header.checksum = checksum;
        self
    }

    /// Urgent pointer (default 0).
    pub fn urgent_pointer(mut self, urgent_pointer: u16) -> Self {
        self.header.urgent_pointer = urgent_pointer;
        self
    }

    /// Appends any option. It is validated at `build`; [`TcpOption::Malformed`] is refused
    /// there (set [`TcpHeader`]'s fields directly to write malformed bytes).
    pub fn option(mut self, option: TcpOption) -> Self {
        self.header.options.push(option);
        self
    }

    /// Appends options in order.
    pub fn options(mut self, options: impl IntoIterator<Item = TcpOption>) -> Self {
        self.header.options.extend(options);
        self
    }

    /// Appends a No-Operation (kind 1).
    pub fn nop(self) -> Self {
        self.option(TcpOption::Nop)
    }

    /// Appends an End of Option List (kind 0). Options after it are refused at `build`.
    pub fn eol(self) -> Self {
        self.option(TcpOption::Eol)
    }

    /// Appends Maximum Segment Size (kind 2).
    pub fn mss(self, mss: u16) -> Self {
        self.option(TcpOption::Mss(Mss { mss }))
    }

    /// Appends Window Scale (kind 3), the shift as given (values over 14 are written as they
    /// are).
    pub fn window_scale(self, shift: u8) -> Self {
        self.option(TcpOption::WindowScale(WindowScale { shift }))
    }

    /// Appends SACK Permitted (kind 4).
    pub fn sack_permitted(self) -> Self {
        self.option(TcpOption::SackPermitted)
    }

    /// Appends a SACK option (kind 5) with these blocks (1 to 4, else an error at `build`).
    pub fn sack(self, blocks: &[SackBlock]) -> Self {
        self.option(TcpOption::Sack(Sack {
            blocks: blocks.iter().copied().collect(),
        }))
    }

    /// Appends Timestamps (kind 8).
    pub fn timestamps(self, tsval: u32, tsecr: u32) -> Self {
        self.option(TcpOption::Timestamps(Timestamps { tsval, tsecr }))
    }

    /// Appends TCP Fast Open (kind 34): an empty cookie is a cookie request; otherwise 4 to 16
    /// bytes (else an error at `build`).
    pub fn fast_open(mut self, cookie: &[u8]) -> Self {
        match InlineBytes::try_from(cookie) {
            Ok(cookie) => self.option(TcpOption::FastOpen(FastOpen { cookie })),
            Err(_) => {
                self.error.get_or_insert(Error::TooLong {
                    what: "TCP Fast Open cookie",
                    length: cookie.len(),
                    max: 16,
                });
                self
            }
        }
    }

    /// Appends any Multipath TCP option (kind 30): an [`MptcpOption`] or one of the subtype
    /// types that convert into it ([`MpCapable`], [`MpJoin`], [`Dss`], [`AddAddr`]). The
    /// methods below name the subtypes; this one also takes forms they leave out (reserved
    /// bits, the v0 MP_PRIO, MP_EXPERIMENTAL, unassigned subtypes).
    pub fn mptcp(self, option: impl Into<MptcpOption>) -> Self {
        self.option(TcpOption::Mptcp(option.into()))
    }

    /// Appends MP_CAPABLE (MPTCP subtype 0); its constructors name the handshake step.
    ///
    /// ```
    /// use tcpwire::{mptcp::{MpCapable, MpCapableFlags}, TcpHeader};
    /// // The Linux MPTCP v1 SYN: MSS, SACK permitted, timestamps, NOP, window scale, MP_CAPABLE.
    /// let h = TcpHeader::builder()
    ///     .ports(50000, 443).seq(1).syn()
    ///     .mss(1460).sack_permitted().timestamps(1, 0).nop().window_scale(7)
    ///     .mp_capable(MpCapable::syn(MpCapableFlags::HMAC_SHA256))
    ///     .build()?;
    /// assert_eq!(h.data_offset, 11);
    /// assert_eq!(&h.to_bytes()?[40..], [30, 4, 0x01, 0x01]);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn mp_capable(self, mp_capable: MpCapable) -> Self {
        self.mptcp(mp_capable)
    }

    /// Appends MP_JOIN (MPTCP subtype 1): [`MpJoin::syn`], [`MpJoin::syn_ack`] or
    /// [`MpJoin::ack`].
    pub fn mp_join(self, mp_join: MpJoin) -> Self {
        self.mptcp(mp_join)
    }

    /// Appends DSS (MPTCP subtype 2), built from [`Dss::new`].
    ///
    /// ```
    /// use tcpwire::{mptcp::Dss, TcpHeader};
    /// let h = TcpHeader::builder().ack().dss(Dss::new().with_data_ack(7)).build()?;
    /// assert_eq!(&h.to_bytes()?[20..], [30, 8, 0x20, 0x01, 0, 0, 0, 7]);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn dss(self, dss: Dss) -> Self {
        self.mptcp(dss)
    }

    /// Appends ADD_ADDR (MPTCP subtype 3): [`AddAddr::v1`], [`AddAddr::v1_echo`] or
    /// [`AddAddr::v0`].
    pub fn add_addr(self, add_addr: AddAddr) -> Self {
        self.mptcp(add_addr)
    }

    /// Appends REMOVE_ADDR (MPTCP subtype 4) with these address IDs (1 to 37, else an error at
    /// `build`).
    pub fn remove_addr(mut self, address_ids: &[u8]) -> Self {
        match MptcpOption::remove_addr(address_ids) {
            Ok(option) => self.mptcp(option),
            Err(error) => {
                self.error.get_or_insert(error);
                self
            }
        }
    }

    /// Appends MP_PRIO (MPTCP subtype 5) in its RFC 8684 form (length 3). The RFC 6824 form
    /// with an address ID is [`MptcpOption::mp_prio_v0`], through [`mptcp`](Self::mptcp).
    pub fn mp_prio(self, backup: bool) -> Self {
        self.mptcp(MptcpOption::mp_prio(backup))
    }

    /// Appends MP_FAIL (MPTCP subtype 6) at this data sequence number.
    pub fn mp_fail(self, dsn: u64) -> Self {
        self.mptcp(MptcpOption::mp_fail(dsn))
    }

    /// Appends MP_FASTCLOSE (MPTCP subtype 7) with the receiver's key.
    pub fn mp_fastclose(self, receiver_key: [u8; 8]) -> Self {
        self.mptcp(MptcpOption::mp_fastclose(receiver_key))
    }

    /// Appends MP_TCPRST (MPTCP subtype 8): T (transient) and the reason.
    pub fn mp_tcprst(self, transient: bool, reason: TcpRstReason) -> Self {
        self.mptcp(MptcpOption::mp_tcprst(transient, reason))
    }

    /// The header, canonical: options validated, EOL and zero padding appended as needed,
    /// minimal data offset.
    fn finish(self) -> Result<(TcpHeader, Vec<u8>), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut header = self.header;
        for option in &header.options {
            if let TcpOption::Malformed(Malformed { kind, .. }) = option {
                return Err(Error::Unencodable {
                    what: "malformed option",
                    detail: format!(
                        "kind {kind}: the builder writes well-formed options only (set the header's fields directly to write malformed bytes)"
                    ),
                });
            }
            option.validate()?;
        }
        let length: usize = header.options.iter().map(TcpOption::encoded_len).sum();
        if length > MAX_OPTION_AREA {
            return Err(Error::OptionsTooLong { length });
        }
        let short = (4 - length % 4) % 4;
        if short > 0 {
            let zeros = if matches!(header.options.last(), Some(TcpOption::Eol)) {
                short
            } else {
                header.options.push(TcpOption::Eol);
                short - 1
            };
            header.padding = InlineBytes::from_slice([0u8; 3].get(..zeros).unwrap_or_default())
                .unwrap_or_default();
        } else {
            header.padding = InlineBytes::new();
        }
        // At most 40 bytes of options: at most 15 words of header.
        header.data_offset = u8::try_from((FIXED_HEADER_LEN + length + short) / 4).unwrap_or(15);
        header.validate()?;
        Ok((header, self.payload))
    }
}

impl Builder<TcpHeader> {
    /// The header (see [`crate::builder`] for what is checked and added).
    pub fn build(self) -> Result<TcpHeader, Error> {
        self.finish().map(|(header, _)| header)
    }

    /// The header with its checksum computed for `payload` sent from `src` to `dst`.
    pub fn build_with_checksum(
        self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        payload: &[u8],
    ) -> Result<TcpHeader, Error> {
        let mut header = self.build()?;
        header.fill_checksum(src, dst, payload)?;
        Ok(header)
    }
}

impl Builder<TcpSegment> {
    /// The payload (default empty).
    pub fn payload(mut self, payload: impl Into<Vec<u8>>) -> Self {
        self.payload = payload.into();
        self
    }

    /// The segment (see [`crate::builder`] for what is checked and added).
    pub fn build(self) -> Result<TcpSegment, Error> {
        self.finish()
            .map(|(header, payload)| TcpSegment { header, payload })
    }

    /// The segment with its checksum computed for `src` and `dst`.
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
    /// let segment = tcpwire::TcpSegment::builder()
    ///     .ports(50000, 80).seq(1).ack_number(1).ack().psh()
    ///     .nop().nop().timestamps(100, 200)
    ///     .payload(&b"GET / HTTP/1.1\r\n\r\n"[..])
    ///     .build_with_checksum(src, dst)?;
    /// assert!(segment.verify_checksum(src, dst)?);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn build_with_checksum(
        self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
    ) -> Result<TcpSegment, Error> {
        let mut segment = self.build()?;
        segment.fill_checksum(src, dst)?;
        Ok(segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let h = TcpHeader::builder().build().unwrap();
        assert_eq!((h.src_port, h.dst_port, h.seq, h.ack_number), (0, 0, 0, 0));
        assert_eq!(h.flags, Flags::EMPTY);
        assert_eq!((h.window, h.checksum, h.urgent_pointer), (65535, 0, 0));
        assert_eq!((h.data_offset, h.reserved), (5, 0));
        assert!(h.options.is_empty() && h.padding.is_empty());
        let s = TcpSegment::builder().build().unwrap();
        assert_eq!(s.header, h);
        assert!(s.payload.is_empty());
    }

    #[test]
    fn every_flag_setter_sets_its_flag_only() {
        type Setter = fn(TcpHeaderBuilder) -> TcpHeaderBuilder;
        let cases: [(Setter, Flags); 9] = [
            (|b| b.fin(), Flags::FIN),
            (|b| b.syn(), Flags::SYN),
            (|b| b.rst(), Flags::RST),
            (|b| b.psh(), Flags::PSH),
            (|b| b.ack(), Flags::ACK),
            (|b| b.urg(), Flags::URG),
            (|b| b.ece(), Flags::ECE),
            (|b| b.cwr(), Flags::CWR),
            (|b| b.ae(), Flags::AE),
        ];
        for (set, flag) in cases {
            assert_eq!(set(TcpHeader::builder()).build().unwrap().flags, flag);
        }
        let all = cases
            .iter()
            .fold(TcpHeader::builder(), |b, (set, _)| set(b));
        assert_eq!(all.build().unwrap().flags, Flags::ALL);
    }

    #[test]
    fn ws_before_mss_order_is_kept_and_nothing_is_lost() {
        let h = TcpHeader::builder()
            .window_scale(7)
            .mss(1460)
            .build()
            .unwrap();
        let bytes = h.to_bytes().unwrap();
        assert_eq!(&bytes[20..], &[3, 3, 7, 2, 4, 5, 0xb4, 0]);
        let back = TcpHeader::parse(&bytes).unwrap();
        assert_eq!(
            back.options.as_slice(),
            &[
                TcpOption::WindowScale(WindowScale { shift: 7 }),
                TcpOption::Mss(Mss { mss: 1460 }),
                TcpOption::Eol
            ]
        );
    }

    #[test]
    fn padding_after_an_explicit_eol_is_zero_and_no_second_eol_is_added() {
        let h = TcpHeader::builder().mss(1460).eol().build().unwrap();
        assert_eq!(
            h.options.as_slice(),
            &[TcpOption::Mss(Mss { mss: 1460 }), TcpOption::Eol]
        );
        assert_eq!(h.padding.as_slice(), &[0, 0, 0]);
        assert_eq!(h.data_offset, 7);
        // An EOL that ends a word needs no padding.
        let h = TcpHeader::builder()
            .nop()
            .nop()
            .nop()
            .eol()
            .build()
            .unwrap();
        assert_eq!((h.data_offset, h.padding.len(), h.options.len()), (6, 0, 4));
    }

    #[test]
    fn refusals_are_typed() {
        assert_eq!(
            TcpHeader::builder()
                .timestamps(1, 2)
                .timestamps(1, 2)
                .timestamps(1, 2)
                .timestamps(1, 2)
                .mss(1)
                .build(),
            Err(Error::OptionsTooLong { length: 44 })
        );
        assert!(matches!(
            TcpHeader::builder().eol().mss(1).build(),
            Err(Error::Unencodable {
                what: "option list",
                ..
            })
        ));
        assert_eq!(
            TcpHeader::builder().fast_open(&[0; 17]).mss(1).build(),
            Err(Error::TooLong {
                what: "TCP Fast Open cookie",
                length: 17,
                max: 16
            })
        );
        assert!(matches!(
            TcpHeader::builder().fast_open(&[1, 2]).build(),
            Err(Error::Unencodable { .. })
        ));
        assert!(matches!(
            TcpHeader::builder()
                .sack(&[SackBlock::default(); 5])
                .build(),
            Err(Error::Unencodable { .. })
        ));
        assert!(matches!(
            TcpHeader::builder().reserved(8).build(),
            Err(Error::Unencodable {
                what: "reserved bits",
                ..
            })
        ));
        let malformed = TcpOption::parse_prefix(&[2, 3, 0], crate::ParseMode::Lossless)
            .unwrap()
            .0;
        assert!(malformed.is_malformed());
        assert!(matches!(
            TcpHeader::builder().option(malformed).build(),
            Err(Error::Unencodable {
                what: "malformed option",
                ..
            })
        ));
    }

    #[test]
    fn from_a_parsed_header_rebuilds_canonically() {
        // MSS, EOL, then non-zero padding: rebuilt as MSS alone in a 24-byte header.
        let mut bytes = vec![0u8; 28];
        bytes[12] = 7 << 4;
        bytes[20..28].copy_from_slice(&[2, 4, 5, 0xb4, 0, 9, 9, 9]);
        let parsed = TcpHeader::parse(&bytes).unwrap();
        let rebuilt = TcpHeaderBuilder::from(parsed.clone()).build().unwrap();
        assert_eq!(rebuilt.data_offset, 6);
        assert_eq!(
            rebuilt.options.as_slice(),
            &[TcpOption::Mss(Mss { mss: 1460 })]
        );
        assert_eq!(
            (rebuilt.src_port, rebuilt.window, rebuilt.flags),
            (parsed.src_port, parsed.window, parsed.flags)
        );
        let seg = TcpSegment {
            header: parsed,
            payload: b"x".to_vec(),
        };
        let rebuilt = TcpSegmentBuilder::from(seg).build().unwrap();
        assert_eq!(rebuilt.payload, b"x");
    }
}
