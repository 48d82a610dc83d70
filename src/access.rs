//! Typed accessors for the options of a [`TcpHeader`], and fitting the data offset and
//! padding after the options are edited.
//!
//! Every accessor looks at well-formed options only (a [`TcpOption::Malformed`] of kind 2 is
//! not an MSS) and, when an option appears more than once, returns the **first** occurrence,
//! in wire order. Use [`TcpHeader::options`] directly to see repeats.

use crate::option::{
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, Sack, TcpAo, Timestamps,
    UserTimeout, WindowScale,
};
use std::time::Duration;

use crate::bytes::InlineBytes;
use crate::error::Error;
use crate::header::{TcpHeader, FIXED_HEADER_LEN};
use crate::mptcp::{AddAddr, Dss, MpCapable, MpJoin, MptcpOption};
use crate::option::{Granularity, OptionList, SackBlock, TcpOption, MAX_OPTION_AREA};
use crate::registry::TcpOptionKind;

/// Accessors for the options. The first occurrence wins; malformed options are skipped.
///
/// ```
/// use tcpwire::TcpHeader;
/// // A Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
/// let syn = tcpwire::from_hex(
///     "c35001bb 00000001 00000000 a002faf0 00000000 020405b4 0402080a 00000001 00000000 01030307",
/// )?;
/// let h = TcpHeader::parse(&syn)?;
/// assert_eq!(h.mss(), Some(1460));
/// assert_eq!(h.window_scale(), Some(7));
/// assert!(h.sack_permitted());
/// assert_eq!(h.timestamps(), Some((1, 0)));
/// assert_eq!(h.sack_blocks(), None);
/// assert_eq!(h.mptcp().count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TcpHeader {
    /// The first option of this kind (malformed ones included: they carry their kind).
    pub fn option(&self, kind: TcpOptionKind) -> Option<&TcpOption> {
        self.options.iter().find(|o| o.option_kind() == kind)
    }

    /// Every option of this kind, in wire order (malformed ones included).
    pub fn options_of(&self, kind: TcpOptionKind) -> impl Iterator<Item = &TcpOption> {
        self.options.iter().filter(move |o| o.option_kind() == kind)
    }

    /// The maximum segment size (kind 2).
    pub fn mss(&self) -> Option<u16> {
        self.options.iter().find_map(|o| match o {
            TcpOption::Mss(Mss { mss }) => Some(*mss),
            _ => None,
        })
    }

    /// The window scale shift count (kind 3), as sent (values over 14 included).
    pub fn window_scale(&self) -> Option<u8> {
        self.options.iter().find_map(|o| match o {
            TcpOption::WindowScale(WindowScale { shift }) => Some(*shift),
            _ => None,
        })
    }

    /// Whether SACK is permitted (kind 4 present).
    pub fn sack_permitted(&self) -> bool {
        self.options
            .iter()
            .any(|o| matches!(o, TcpOption::SackPermitted))
    }

    /// The SACK blocks (kind 5), in wire order.
    pub fn sack_blocks(&self) -> Option<&[SackBlock]> {
        self.options.iter().find_map(|o| match o {
            TcpOption::Sack(Sack { blocks }) => Some(blocks.as_slice()),
            _ => None,
        })
    }

    /// The timestamps (kind 8) as `(tsval, tsecr)`.
    pub fn timestamps(&self) -> Option<(u32, u32)> {
        self.options.iter().find_map(|o| match o {
            TcpOption::Timestamps(Timestamps { tsval, tsecr }) => Some((*tsval, *tsecr)),
            _ => None,
        })
    }

    /// The User Timeout (kind 28), its unit applied.
    pub fn user_timeout(&self) -> Option<Duration> {
        self.options.iter().find_map(|o| match o {
            TcpOption::UserTimeout(UserTimeout {
                granularity,
                timeout,
            }) => Some(match granularity {
                Granularity::Seconds => Duration::from_secs(u64::from(*timeout)),
                Granularity::Minutes => Duration::from_secs(60 * u64::from(*timeout)),
            }),
            _ => None,
        })
    }

    /// The TCP Fast Open cookie, from kind 34 or an experiment option with ExID 0xF989; an
    /// empty cookie is a cookie request.
    pub fn fast_open_cookie(&self) -> Option<&[u8]> {
        self.options.iter().find_map(|o| match o {
            TcpOption::FastOpen(FastOpen { cookie })
            | TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { cookie, .. }) => {
                Some(cookie.as_slice())
            }
            _ => None,
        })
    }

    /// The TCP MD5 signature digest (kind 19).
    pub fn md5_signature(&self) -> Option<&[u8; 16]> {
        self.options.iter().find_map(|o| match o {
            TcpOption::Md5Signature(Md5Signature { digest }) => Some(digest),
            _ => None,
        })
    }

    /// The TCP Authentication Option (kind 29) as `(key_id, rnext_key_id, mac)`.
    pub fn tcp_ao(&self) -> Option<(u8, u8, &[u8])> {
        self.options.iter().find_map(|o| match o {
            TcpOption::TcpAo(TcpAo {
                key_id,
                rnext_key_id,
                mac,
            }) => Some((*key_id, *rnext_key_id, mac.as_slice())),
            _ => None,
        })
    }

    /// Every Multipath TCP option (kind 30), in wire order.
    pub fn mptcp(&self) -> impl Iterator<Item = &MptcpOption> {
        self.options.iter().filter_map(|o| match o {
            TcpOption::Mptcp(m) => Some(m),
            _ => None,
        })
    }

    /// The MP_CAPABLE option.
    pub fn mp_capable(&self) -> Option<&MpCapable> {
        self.mptcp().find_map(|m| match m {
            MptcpOption::MpCapable(c) => Some(c),
            _ => None,
        })
    }

    /// The MP_JOIN option.
    pub fn mp_join(&self) -> Option<&MpJoin> {
        self.mptcp().find_map(|m| match m {
            MptcpOption::MpJoin(j) => Some(j),
            _ => None,
        })
    }

    /// The DSS option.
    pub fn dss(&self) -> Option<&Dss> {
        self.mptcp().find_map(|m| match m {
            MptcpOption::Dss(d) => Some(d),
            _ => None,
        })
    }

    /// The ADD_ADDR option.
    pub fn add_addr(&self) -> Option<&AddAddr> {
        self.mptcp().find_map(|m| match m {
            MptcpOption::AddAddr(a) => Some(a),
            _ => None,
        })
    }
}

/// Editing the options: the data offset and padding follow.
///
/// Both methods lay the option area out as the [builder](crate::builder) does: when the
/// options' length is not a multiple of 4, one EOL is appended (unless the list already ends
/// with one) and zero bytes follow it to the next 4-byte boundary; the data offset is the
/// smallest that holds them. Padding from before is dropped. On an error the header is left
/// unchanged.
///
/// ```
/// use tcpwire::option::WindowScale;
/// use tcpwire::{TcpHeader, TcpOption};
/// let syn = tcpwire::from_hex("c35001bb0000000100000000600200000000000002040218")?;
/// let mut h = TcpHeader::parse(&syn)?;
/// h.options.push(TcpOption::WindowScale(WindowScale { shift: 7 }));
/// assert!(h.to_bytes().is_err()); // the data offset still says 4 option bytes
/// h.fit_data_offset()?;
/// assert_eq!((h.data_offset, h.options.len(), h.padding.as_slice()), (7, 3, &[][..]));
/// assert_eq!(TcpHeader::parse(&h.to_bytes()?)?, h);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TcpHeader {
    /// Replaces the options and fits the data offset and padding to them. More than 40 bytes
    /// of options is [`Error::OptionsTooLong`]. The options themselves are checked when the
    /// header is written ([`validate`](Self::validate)).
    ///
    /// ```
    /// use tcpwire::option::Mss;
    /// use tcpwire::{TcpHeader, TcpOption};
    /// let mut h = TcpHeader::default();
    /// h.set_options([TcpOption::Mss(Mss { mss: 1400 }), TcpOption::SackPermitted])?;
    /// assert_eq!(h.data_offset, 7);
    /// assert_eq!(h.options.last(), Some(&TcpOption::Eol));
    /// assert_eq!(h.padding.as_slice(), &[0]); // 4 + 2 + EOL + one zero
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn set_options(
        &mut self,
        options: impl IntoIterator<Item = TcpOption>,
    ) -> Result<(), Error> {
        let options: OptionList = options.into_iter().collect();
        let layout = Layout::of(&options)?;
        self.options = options;
        layout.apply(self);
        Ok(())
    }

    /// Fits the data offset and padding to the current options (see above). This is the fix
    /// for [`Error::OptionAreaMismatch`] after the options were edited in place. More than 40
    /// bytes of options is [`Error::OptionsTooLong`].
    pub fn fit_data_offset(&mut self) -> Result<(), Error> {
        Layout::of(&self.options)?.apply(self);
        Ok(())
    }
}

/// How an option list is laid out in the option area.
struct Layout {
    /// Whether an EOL is appended.
    push_eol: bool,
    /// Zero bytes after the EOL.
    zeros: usize,
    /// The data offset.
    data_offset: u8,
}

impl Layout {
    fn of(options: &[TcpOption]) -> Result<Layout, Error> {
        let length: usize = options.iter().map(TcpOption::encoded_len).sum();
        if length > MAX_OPTION_AREA {
            return Err(Error::OptionsTooLong { length });
        }
        let short = (4 - length % 4) % 4;
        let ends_with_eol = matches!(options.last(), Some(TcpOption::Eol));
        if short > 0 && !ends_with_eol {
            // A malformed option whose length cannot be trusted spans the rest of the option
            // area when parsed: nothing may follow it.
            if let Some(TcpOption::Malformed(Malformed { kind, reason, .. })) = options.last() {
                if reason.is_framing() {
                    return Err(Error::Unencodable {
                        what: "option list",
                        detail: format!(
                            "the malformed option of kind {kind} must end the option area, but its {length} bytes of options need padding to a multiple of 4"
                        ),
                    });
                }
            }
        }
        let push_eol = short > 0 && !ends_with_eol;
        let zeros = short - usize::from(push_eol);
        let data_offset = u8::try_from((FIXED_HEADER_LEN + length + short) / 4).unwrap_or(15);
        Ok(Layout {
            push_eol,
            zeros,
            data_offset,
        })
    }

    fn apply(self, header: &mut TcpHeader) {
        if self.push_eol {
            header.options.push(TcpOption::Eol);
        }
        header.padding = InlineBytes::from_slice([0u8; 3].get(..self.zeros).unwrap_or_default())
            .unwrap_or_default();
        header.data_offset = self.data_offset;
    }
}
