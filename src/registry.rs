//! IANA registries as open enums: a named variant per assigned value, and `Other` for any
//! other number, so every byte round-trips.
//!
//! Each value has exactly one spelling: `Other` holds an [`OtherValue`], which only
//! `from_value` makes, and only for numbers without a name. So `TcpOptionKind::from(2)` is
//! always `Mss`, and two values of an open enum are equal exactly when their numbers are.
//!
//! ```
//! use tcpwire::TcpOptionKind;
//! assert_eq!(TcpOptionKind::from(2), TcpOptionKind::Mss);
//! let other = TcpOptionKind::from(200);
//! assert!(matches!(other, TcpOptionKind::Other(v) if v.value() == 200));
//! assert_eq!(other.value(), 200);
//! ```
//!
//! Sources: IANA "Transmission Control Protocol (TCP) Parameters" registry (TCP Option Kind
//! Numbers, TCP Alternate Checksum Numbers) and "Multipath TCP" registry (MPTCP Option
//! Subtypes, MPTCP MP_TCPRST Reason Codes), as of 2026.
//!
//! In human-readable serde formats a known value is its snake_case name and an unknown one its
//! number; either is accepted back. In binary formats it is the number.

/// A number that has no name in its registry (the payload of an open enum's `Other`). It can
/// only be made by an open enum's `from_value`, which gives named numbers their variant, so an
/// `Other` never holds an assigned value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OtherValue(u8);

impl OtherValue {
    /// The number.
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl std::fmt::Display for OtherValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Defines an open enum over `u8`: named variants, `Other(u8)` for the rest, conversions, names,
/// descriptions, `Display` and serde.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, $iana:literal, $snake:literal, $desc:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $value, "`: ", $desc)] $variant, )*
            /// A value with no name in the registry, kept as its number.
            Other(OtherValue),
        }

        impl $name {
            /// Every named variant, in registry order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The number on the wire.
            pub const fn value(self) -> u8 {
                match self {
                    $( $name::$variant => $value, )*
                    $name::Other(v) => v.0,
                }
            }

            /// The variant for a number: its name when assigned, else `Other`.
            pub const fn from_value(v: u8) -> Self {
                match v {
                    $( $value => $name::$variant, )*
                    other => $name::Other(OtherValue(other)),
                }
            }

            /// The IANA registry's name (e.g. `Maximum_Segment_Size`), or `unassigned`.
            pub const fn iana_name(self) -> &'static str {
                match self {
                    $( $name::$variant => $iana, )*
                    $name::Other(_) => "unassigned",
                }
            }

            /// The snake_case name used in JSON and tables (e.g. `mss`), or `unknown`.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $snake, )*
                    $name::Other(_) => "unknown",
                }
            }

            /// A short description, from the registry.
            pub const fn description(self) -> &'static str {
                match self {
                    $( $name::$variant => $desc, )*
                    $name::Other(_) => "not assigned by IANA",
                }
            }

            /// Whether the value has a name in the registry.
            pub const fn is_known(self) -> bool {
                !matches!(self, $name::Other(_))
            }

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $snake => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        impl From<u8> for $name {
            fn from(v: u8) -> Self {
                Self::from_value(v)
            }
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                v.value()
            }
        }

        /// The description and the number, e.g. `Maximum Segment Size (2)`.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} ({})", self.description(), self.value())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() && self.is_known() {
                    s.serialize_str(self.name())
                } else {
                    s.serialize_u8(self.value())
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " name or number 0..=255"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::from_name(v).ok_or_else(|| {
                            E::custom(format_args!(
                                concat!("unknown ", stringify!($name), " name {:?}: a snake_case name such as {:?}, or a number 0..=255"),
                                v,
                                $name::KNOWN.first().map_or("", |k| k.name())
                            ))
                        })
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        u8::try_from(v).map($name::from_value).map_err(|_| {
                            E::custom(format_args!(concat!(stringify!($name), " {} is above 255"), v))
                        })
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        u8::try_from(v).map($name::from_value).map_err(|_| {
                            E::custom(format_args!(concat!(stringify!($name), " {} is not in 0..=255"), v))
                        })
                    }
                }
                if d.is_human_readable() {
                    d.deserialize_any(V)
                } else {
                    d.deserialize_u8(V)
                }
            }
        }

        #[cfg(feature = "quickcheck")]
        impl quickcheck::Arbitrary for $name {
            fn arbitrary(g: &mut quickcheck::Gen) -> Self {
                $name::from_value(u8::arbitrary(g))
            }
        }
    };
}

open_enum! {
    /// TCP option kind numbers (IANA "TCP Option Kind Numbers").
    pub enum TcpOptionKind {
        Eol = 0, "End_of_Option_List", "eol", "End of Option List";
        Nop = 1, "No_Operation", "nop", "No-Operation";
        Mss = 2, "Maximum_Segment_Size", "mss", "Maximum Segment Size";
        WindowScale = 3, "Window_Scale", "window_scale", "Window Scale";
        SackPermitted = 4, "SACK_Permitted", "sack_permitted", "SACK Permitted";
        Sack = 5, "SACK", "sack", "SACK";
        Echo = 6, "Echo", "echo", "Echo (obsoleted by option 8)";
        EchoReply = 7, "Echo_Reply", "echo_reply", "Echo Reply (obsoleted by option 8)";
        Timestamps = 8, "Timestamps", "timestamps", "Timestamps";
        PocPermitted = 9, "Partial_Order_Connection_Permitted", "poc_permitted", "Partial Order Connection Permitted (obsolete)";
        PocServiceProfile = 10, "Partial_Order_Service_Profile", "poc_service_profile", "Partial Order Service Profile (obsolete)";
        Cc = 11, "CC", "cc", "CC (obsolete)";
        CcNew = 12, "CC_NEW", "cc_new", "CC.NEW (obsolete)";
        CcEcho = 13, "CC_ECHO", "cc_echo", "CC.ECHO (obsolete)";
        AltChecksumRequest = 14, "TCP_Alternate_Checksum_Request", "alt_checksum_request", "TCP Alternate Checksum Request (obsolete)";
        AltChecksumData = 15, "TCP_Alternate_Checksum_Data", "alt_checksum_data", "TCP Alternate Checksum Data (obsolete)";
        Skeeter = 16, "Skeeter", "skeeter", "Skeeter";
        Bubba = 17, "Bubba", "bubba", "Bubba";
        TrailerChecksum = 18, "Trailer_Checksum_Option", "trailer_checksum", "Trailer Checksum Option";
        Md5Signature = 19, "MD5_Signature_Option", "md5_signature", "MD5 Signature Option (obsoleted by option 29)";
        ScpsCapabilities = 20, "SCPS_Capabilities", "scps_capabilities", "SCPS Capabilities";
        Snack = 21, "Selective_Negative_Acknowledgements", "snack", "Selective Negative Acknowledgements";
        RecordBoundaries = 22, "Record_Boundaries", "record_boundaries", "Record Boundaries";
        CorruptionExperienced = 23, "Corruption_experienced", "corruption_experienced", "Corruption experienced";
        Snap = 24, "SNAP", "snap", "SNAP";
        Unassigned25 = 25, "Unassigned_25", "unassigned_25", "Unassigned (released 2000-12-18)";
        CompressionFilter = 26, "TCP_Compression_Filter", "compression_filter", "TCP Compression Filter";
        QuickStartResponse = 27, "Quick_Start_Response", "quick_start_response", "Quick-Start Response";
        UserTimeout = 28, "User_Timeout_Option", "user_timeout", "User Timeout Option";
        TcpAo = 29, "TCP_Authentication_Option", "tcp_ao", "TCP Authentication Option (TCP-AO)";
        Mptcp = 30, "Multipath_TCP", "mptcp", "Multipath TCP (MPTCP)";
        Reserved31 = 31, "Reserved_31", "reserved_31", "Reserved (known unauthorized use without proper IANA assignment)";
        Reserved32 = 32, "Reserved_32", "reserved_32", "Reserved (known unauthorized use without proper IANA assignment)";
        Reserved33 = 33, "Reserved_33", "reserved_33", "Reserved (known unauthorized use without proper IANA assignment)";
        FastOpen = 34, "TCP_Fast_Open_Cookie", "fast_open", "TCP Fast Open Cookie";
        Eno = 69, "Encryption_Negotiation", "eno", "Encryption Negotiation (TCP-ENO)";
        Reserved70 = 70, "Reserved_70", "reserved_70", "Reserved (known unauthorized use without proper IANA assignment)";
        Reserved76 = 76, "Reserved_76", "reserved_76", "Reserved (known unauthorized use without proper IANA assignment)";
        Reserved77 = 77, "Reserved_77", "reserved_77", "Reserved (known unauthorized use without proper IANA assignment)";
        Reserved78 = 78, "Reserved_78", "reserved_78", "Reserved (known unauthorized use without proper IANA assignment)";
        AccEcnOrder0 = 172, "Accurate_ECN_Order_0", "accecn_order0", "Accurate ECN Order 0 (AccECN0)";
        Reserved173 = 173, "Reserved_173", "reserved_173", "Reserved";
        AccEcnOrder1 = 174, "Accurate_ECN_Order_1", "accecn_order1", "Accurate ECN Order 1 (AccECN1)";
        Experiment1 = 253, "RFC3692_style_Experiment_1", "experiment1", "RFC3692-style Experiment 1";
        Experiment2 = 254, "RFC3692_style_Experiment_2", "experiment2", "RFC3692-style Experiment 2";
    }
}

open_enum! {
    /// TCP alternate checksum algorithms (IANA "TCP Alternate Checksum Numbers", RFC 1146).
    pub enum AltChecksumAlgorithm {
        TcpChecksum = 0, "TCP_checksum", "tcp_checksum", "TCP checksum";
        Fletcher8 = 1, "Checksum_8_bit_Fletcher_s_algorithm", "fletcher_8bit", "8-bit Fletcher's algorithm";
        Fletcher16 = 2, "Checksum_16_bit_Fletcher_s_algorithm", "fletcher_16bit", "16-bit Fletcher's algorithm";
        RedundantChecksumAvoidance = 3, "Redundant_Checksum_Avoidance", "redundant_checksum_avoidance", "Redundant Checksum Avoidance";
    }
}

open_enum! {
    /// MPTCP option subtypes (IANA "MPTCP Option Subtypes", RFC 8684 s3). The subtype is a
    /// 4-bit field: values above 15 never come from the wire.
    pub enum MptcpSubtype {
        MpCapable = 0, "MP_CAPABLE", "mp_capable", "Multipath Capable";
        MpJoin = 1, "MP_JOIN", "mp_join", "Join Connection";
        Dss = 2, "DSS", "dss", "Data Sequence Signal (Data ACK and Data Sequence Mapping)";
        AddAddr = 3, "ADD_ADDR", "add_addr", "Add Address";
        RemoveAddr = 4, "REMOVE_ADDR", "remove_addr", "Remove Address";
        MpPrio = 5, "MP_PRIO", "mp_prio", "Change Subflow Priority";
        MpFail = 6, "MP_FAIL", "mp_fail", "Fallback";
        MpFastclose = 7, "MP_FASTCLOSE", "mp_fastclose", "Fast Close";
        MpTcpRst = 8, "MP_TCPRST", "mp_tcprst", "Subflow Reset";
        MpExperimental = 15, "Reserved_for_Private_Use", "mp_experimental", "Reserved for Private Use";
    }
}

open_enum! {
    /// MP_TCPRST reason codes (IANA "MPTCP MP_TCPRST Reason Codes", RFC 8684 s3.6).
    pub enum TcpRstReason {
        Unspecified = 0, "Unspecified_error", "unspecified", "Unspecified error";
        MptcpSpecific = 1, "MPTCP_specific_error", "mptcp_specific", "MPTCP-specific error";
        LackOfResources = 2, "Lack_of_resources", "lack_of_resources", "Lack of resources";
        AdministrativelyProhibited = 3, "Administratively_prohibited", "administratively_prohibited", "Administratively prohibited";
        TooMuchOutstandingData = 4, "Too_much_outstanding_data", "too_much_outstanding_data", "Too much outstanding data";
        UnacceptablePerformance = 5, "Unacceptable_performance", "unacceptable_performance", "Unacceptable performance";
        MiddleboxInterference = 6, "Middlebox_interference", "middlebox_interference", "Middlebox interference";
    }
}
