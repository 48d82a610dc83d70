//! Knobs for the generators: which option kinds, how many malformed options, what padding.

use quickcheck::{Arbitrary, Gen};

use super::header::{header_with, segment_with};
use super::option_with;
use crate::header::{TcpHeader, TcpSegment};
use crate::option::TcpOption;

/// Which option kinds the generators use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Kinds {
    /// Every option type: every IANA kind tcpwire decodes, experiments, unknown kinds.
    #[default]
    Any,
    /// The kinds nearly every stack sends: EOL, NOP, MSS, window scale, SACK permitted, SACK
    /// and timestamps (kinds 0, 1, 2, 3, 4, 5, 8).
    Common,
    /// MPTCP (kind 30), with NOP and EOL around it. Every generated header holds at least one
    /// kind-30 option; a generated single option is always kind 30.
    Mptcp,
}

impl Kinds {
    /// Whether an option of kind `kind` belongs to this set (malformed options count by their
    /// kind byte).
    ///
    /// ```
    /// use tcpwire::harness::Kinds;
    /// assert!(Kinds::Common.allows(8) && !Kinds::Common.allows(30));
    /// assert!(Kinds::Mptcp.allows(30) && Kinds::Mptcp.allows(1) && !Kinds::Mptcp.allows(2));
    /// ```
    pub fn allows(self, kind: u8) -> bool {
        match self {
            Kinds::Any => true,
            Kinds::Common => matches!(kind, 0..=5 | 8),
            Kinds::Mptcp => matches!(kind, 0 | 1 | 30),
        }
    }
}

/// How the generators shape a value: option kinds, share of malformed options, padding.
///
/// The plain `Arbitrary` impls use [`GenConfig::default`]: every kind, malformed options in
/// the generators' own mix (about one header in seven holds one), padding after EOL sometimes
/// garbage or longer than needed. Whatever the knobs, every generated value validates and
/// parsing its bytes (lossless) gives it back.
///
/// ```
/// use quickcheck::Gen;
/// use tcpwire::harness::{check_wellformed, ArbitraryWith, GenConfig, Kinds};
/// use tcpwire::TcpSegment;
///
/// let realistic = GenConfig::well_formed().kinds(Kinds::Common);
/// let mut g = Gen::new(100);
/// for _ in 0..100 {
///     let segment = TcpSegment::arbitrary_with(&mut g, &realistic);
///     assert!(segment.header.options.iter().all(|o| realistic.kinds.allows(o.kind())));
///     assert_eq!(check_wellformed(&segment.to_bytes().unwrap(), None), Ok(()));
/// }
/// // A header in four holds one malformed option.
/// let mostly_fine = GenConfig::new().malformed_percent(25);
/// # let _ = mostly_fine;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct GenConfig {
    /// The option kinds used.
    pub kinds: Kinds,
    /// The share (0..=100 %) of generated headers (or of single options) that hold exactly
    /// one malformed option, the others holding none; `None` is the generators' own mix,
    /// where a header can hold up to two.
    pub malformed_percent: Option<u8>,
    /// Padding as [`check_wellformed`](crate::harness::check_wellformed) wants it: after an
    /// EOL only zeros, fewer than 4 of them. When false, padding is sometimes garbage and
    /// sometimes whole words longer than needed.
    pub canonical_padding: bool,
}

impl GenConfig {
    /// The default: every kind, the generators' own mix of malformed options, any padding.
    pub const fn new() -> GenConfig {
        GenConfig {
            kinds: Kinds::Any,
            malformed_percent: None,
            canonical_padding: false,
        }
    }

    /// Well-formed values only: no malformed option, canonical padding; every kind. Each
    /// generated segment passes [`check_wellformed`](crate::harness::check_wellformed)
    /// (without addresses: the checksum field is random).
    pub const fn well_formed() -> GenConfig {
        GenConfig {
            kinds: Kinds::Any,
            malformed_percent: Some(0),
            canonical_padding: true,
        }
    }

    /// This profile with other option kinds.
    pub const fn kinds(mut self, kinds: Kinds) -> GenConfig {
        self.kinds = kinds;
        self
    }

    /// This profile with `percent` % (at most 100) of headers holding one malformed option.
    pub const fn malformed_percent(mut self, percent: u8) -> GenConfig {
        self.malformed_percent = Some(if percent > 100 { 100 } else { percent });
        self
    }

    /// This profile with canonical padding on or off.
    pub const fn canonical_padding(mut self, on: bool) -> GenConfig {
        self.canonical_padding = on;
        self
    }

    /// Whether `option` fits the profile (its kind, and no malformed option at 0 %).
    fn admits_option(&self, option: &TcpOption) -> bool {
        self.kinds.allows(option.kind())
            && !(self.malformed_percent == Some(0) && option.is_malformed())
    }

    /// Whether `header` fits the profile: its options do, its padding is canonical if asked,
    /// it holds a kind-30 option for [`Kinds::Mptcp`] and a malformed option at 100 %.
    fn admits_header(&self, header: &TcpHeader) -> bool {
        let padding = header.padding.as_slice();
        header.options.iter().all(|o| self.admits_option(o))
            && (!self.canonical_padding || (padding.len() < 4 && padding.iter().all(|&b| b == 0)))
            && (self.kinds != Kinds::Mptcp || header.options.iter().any(|o| o.kind() == 30))
            && (self.malformed_percent != Some(100) || header.has_malformed())
    }
}

/// Values the generators can shape with a [`GenConfig`].
pub trait ArbitraryWith: Arbitrary {
    /// A value shaped by `config`; valid, and parsing its bytes gives it back.
    fn arbitrary_with(g: &mut Gen, config: &GenConfig) -> Self;

    /// Whether the value fits `config`: the profile wrappers keep only the shrunk values that
    /// do. (A type without such rules keeps every shrink.)
    fn fits(&self, config: &GenConfig) -> bool {
        let _ = config;
        true
    }
}

impl ArbitraryWith for TcpOption {
    fn arbitrary_with(g: &mut Gen, config: &GenConfig) -> Self {
        option_with(g, config)
    }

    fn fits(&self, config: &GenConfig) -> bool {
        config.admits_option(self)
            && (config.kinds != Kinds::Mptcp || self.kind() == 30)
            && (config.malformed_percent != Some(100) || self.is_malformed())
    }
}

impl ArbitraryWith for TcpHeader {
    fn arbitrary_with(g: &mut Gen, config: &GenConfig) -> Self {
        header_with(g, config)
    }

    fn fits(&self, config: &GenConfig) -> bool {
        config.admits_header(self)
    }
}

impl ArbitraryWith for TcpSegment {
    fn arbitrary_with(g: &mut Gen, config: &GenConfig) -> Self {
        segment_with(g, config)
    }

    fn fits(&self, config: &GenConfig) -> bool {
        config.admits_header(&self.header)
    }
}

macro_rules! profile_wrapper {
    ($(#[$doc:meta])* $name:ident, $config:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name<T>(pub T);

        impl<T> $name<T> {
            /// The profile this wrapper generates with.
            pub const CONFIG: GenConfig = $config;

            /// The wrapped value.
            pub fn into_inner(self) -> T {
                self.0
            }
        }

        impl<T: ArbitraryWith> Arbitrary for $name<T> {
            fn arbitrary(g: &mut Gen) -> Self {
                $name(T::arbitrary_with(g, &Self::CONFIG))
            }

            /// The value's own shrinks that stay in the profile.
            fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
                Box::new(
                    self.0
                        .shrink()
                        .filter(|v| v.fits(&Self::CONFIG))
                        .map($name),
                )
            }
        }
    };
}

profile_wrapper!(
    /// A value from [`GenConfig::well_formed`]: any kind, no malformed option, canonical
    /// padding. As a quickcheck argument: `fn prop(h: WellFormed<TcpHeader>) -> bool`.
    WellFormed,
    GenConfig::well_formed()
);

profile_wrapper!(
    /// A realistic value: well-formed, with the common kinds only (EOL, NOP, MSS, window
    /// scale, SACK permitted, SACK, timestamps).
    CommonKinds,
    GenConfig::well_formed().kinds(Kinds::Common)
);

profile_wrapper!(
    /// A well-formed value whose options are MPTCP (with NOP and EOL around them); a header
    /// holds at least one MPTCP option.
    MptcpOnly,
    GenConfig::well_formed().kinds(Kinds::Mptcp)
);
