//! Differential testing: your own decoder and encoder against tcpwire, field by field.

use crate::option::{Mss, Sack, Timestamps, WindowScale};
use std::collections::BTreeMap;
use std::fmt;

use crate::bytes::to_hex;
use crate::header::TcpSegment;
use crate::option::{ParseMode, TcpOption};

use super::{compare, ByteDifference, Mismatch};

/// A field of a TCP segment that two decoders can be compared on.
///
/// Option fields follow the first well-formed option of their kind; options tcpwire keeps as
/// malformed do not count (a decoder that reads an MSS from a 3-byte MSS option disagrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// Source port ([`Value::Number`]).
    SrcPort,
    /// Destination port.
    DstPort,
    /// Sequence number.
    Seq,
    /// Acknowledgment number.
    AckNumber,
    /// The raw 4-bit data offset.
    DataOffset,
    /// The 3 reserved bits.
    Reserved,
    /// The 9 flag bits, AE to FIN, as one number (`0x012` is SYN+ACK).
    Flags,
    /// Window.
    Window,
    /// Checksum field.
    Checksum,
    /// Urgent pointer.
    UrgentPointer,
    /// The kind byte of every option in wire order, EOL, NOP and malformed ones included
    /// ([`Value::Numbers`]).
    OptionKinds,
    /// The MSS value ([`Value::Number`]), or [`Value::Absent`].
    Mss,
    /// The window-scale shift count, or absent.
    WindowScale,
    /// Whether a SACK-permitted option is present ([`Value::Bool`]).
    SackPermitted,
    /// The SACK blocks as `[left0, right0, left1, right1, ...]`, or absent.
    Sack,
    /// The timestamps as `[tsval, tsecr]`, or absent.
    Timestamps,
    /// The subtype of every MPTCP option in wire order ([`Value::Numbers`]).
    MptcpSubtypes,
    /// Whether some option is malformed ([`Value::Bool`]).
    HasMalformed,
    /// Payload length ([`Value::Number`]).
    PayloadLen,
    /// The payload ([`Value::Bytes`]).
    Payload,
}

impl Field {
    /// The fields of the fixed header.
    pub const FIXED: [Field; 10] = [
        Field::SrcPort,
        Field::DstPort,
        Field::Seq,
        Field::AckNumber,
        Field::DataOffset,
        Field::Reserved,
        Field::Flags,
        Field::Window,
        Field::Checksum,
        Field::UrgentPointer,
    ];

    /// The options most decoders read: MSS, window scale, SACK permitted, SACK, timestamps.
    pub const COMMON_OPTIONS: [Field; 5] = [
        Field::Mss,
        Field::WindowScale,
        Field::SackPermitted,
        Field::Sack,
        Field::Timestamps,
    ];

    /// Every field.
    pub const ALL: [Field; 20] = [
        Field::SrcPort,
        Field::DstPort,
        Field::Seq,
        Field::AckNumber,
        Field::DataOffset,
        Field::Reserved,
        Field::Flags,
        Field::Window,
        Field::Checksum,
        Field::UrgentPointer,
        Field::OptionKinds,
        Field::Mss,
        Field::WindowScale,
        Field::SackPermitted,
        Field::Sack,
        Field::Timestamps,
        Field::MptcpSubtypes,
        Field::HasMalformed,
        Field::PayloadLen,
        Field::Payload,
    ];

    /// The field's snake_case name, as in reports.
    pub fn name(self) -> &'static str {
        match self {
            Field::SrcPort => "src_port",
            Field::DstPort => "dst_port",
            Field::Seq => "seq",
            Field::AckNumber => "ack_number",
            Field::DataOffset => "data_offset",
            Field::Reserved => "reserved",
            Field::Flags => "flags",
            Field::Window => "window",
            Field::Checksum => "checksum",
            Field::UrgentPointer => "urgent_pointer",
            Field::OptionKinds => "option_kinds",
            Field::Mss => "mss",
            Field::WindowScale => "window_scale",
            Field::SackPermitted => "sack_permitted",
            Field::Sack => "sack",
            Field::Timestamps => "timestamps",
            Field::MptcpSubtypes => "mptcp_subtypes",
            Field::HasMalformed => "has_malformed",
            Field::PayloadLen => "payload_len",
            Field::Payload => "payload",
        }
    }

    /// tcpwire's value of this field in `segment`.
    pub fn of(self, segment: &TcpSegment) -> Value {
        let h = &segment.header;
        let first = |f: &dyn Fn(&TcpOption) -> Option<Value>| {
            h.options.iter().find_map(f).unwrap_or(Value::Absent)
        };
        match self {
            Field::SrcPort => h.src_port.into(),
            Field::DstPort => h.dst_port.into(),
            Field::Seq => h.seq.into(),
            Field::AckNumber => h.ack_number.into(),
            Field::DataOffset => h.data_offset.into(),
            Field::Reserved => h.reserved.into(),
            Field::Flags => h.flags.bits().into(),
            Field::Window => h.window.into(),
            Field::Checksum => h.checksum.into(),
            Field::UrgentPointer => h.urgent_pointer.into(),
            Field::OptionKinds => {
                Value::Numbers(h.options.iter().map(|o| u64::from(o.kind())).collect())
            }
            Field::Mss => first(&|o| match o {
                TcpOption::Mss(Mss { mss }) => Some((*mss).into()),
                _ => None,
            }),
            Field::WindowScale => first(&|o| match o {
                TcpOption::WindowScale(WindowScale { shift }) => Some((*shift).into()),
                _ => None,
            }),
            Field::SackPermitted => h
                .options
                .iter()
                .any(|o| matches!(o, TcpOption::SackPermitted))
                .into(),
            Field::Sack => first(&|o| match o {
                TcpOption::Sack(Sack { blocks }) => Some(Value::Numbers(
                    blocks
                        .iter()
                        .flat_map(|b| [u64::from(b.left), u64::from(b.right)])
                        .collect(),
                )),
                _ => None,
            }),
            Field::Timestamps => first(&|o| match o {
                TcpOption::Timestamps(Timestamps { tsval, tsecr }) => {
                    Some(Value::Numbers(vec![u64::from(*tsval), u64::from(*tsecr)]))
                }
                _ => None,
            }),
            Field::MptcpSubtypes => Value::Numbers(
                h.options
                    .iter()
                    .filter_map(|o| match o {
                        TcpOption::Mptcp(m) => Some(u64::from(u8::from(m.subtype()))),
                        _ => None,
                    })
                    .collect(),
            ),
            Field::HasMalformed => h.has_malformed().into(),
            Field::PayloadLen => {
                Value::Number(u64::try_from(segment.payload.len()).unwrap_or(u64::MAX))
            }
            Field::Payload => Value::Bytes(segment.payload.clone()),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One field's value, in a form any decoder can give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// Not present (an option the header does not carry). Also what an unset field of a
    /// [`View`] reads as.
    #[default]
    Absent,
    /// A flag.
    Bool(bool),
    /// A number (ports, sequence numbers, MSS, ...).
    Number(u64),
    /// A list of numbers (option kinds, SACK edges, timestamps).
    Numbers(Vec<u64>),
    /// Bytes (the payload).
    Bytes(Vec<u8>),
}

macro_rules! value_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Number(u64::from(v))
            }
        }
    )*};
}
value_from_number!(u8, u16, u32, u64);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<Vec<u64>> for Value {
    fn from(v: Vec<u64>) -> Value {
        Value::Numbers(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

/// `None` is [`Value::Absent`].
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Absent, Into::into)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Absent => f.write_str("absent"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Numbers(ns) => write!(f, "{ns:?}"),
            Value::Bytes(b) if b.is_empty() => f.write_str("(no bytes)"),
            Value::Bytes(b) => f.write_str(&to_hex(b)),
        }
    }
}

/// A decoder's view of one segment: the values it decoded, by field. Fields it does not set
/// read as [`Value::Absent`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View(BTreeMap<Field, Value>);

static ABSENT: Value = Value::Absent;

impl View {
    /// An empty view.
    pub fn new() -> View {
        View::default()
    }

    /// Sets a field (`None` sets it absent).
    pub fn set(&mut self, field: Field, value: impl Into<Value>) -> &mut View {
        self.0.insert(field, value.into());
        self
    }

    /// This view with a field set.
    pub fn with(mut self, field: Field, value: impl Into<Value>) -> View {
        self.set(field, value);
        self
    }

    /// A field's value ([`Value::Absent`] when not set).
    pub fn get(&self, field: Field) -> &Value {
        self.0.get(&field).unwrap_or(&ABSENT)
    }

    /// tcpwire's view of `segment`: every [`Field`].
    pub fn of(segment: &TcpSegment) -> View {
        View(Field::ALL.iter().map(|&f| (f, f.of(segment))).collect())
    }
}

/// One way the two sides disagree on a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// Your decoder and tcpwire decode a field to different values.
    Field {
        /// The field.
        field: Field,
        /// Your decoder's value.
        yours: Value,
        /// tcpwire's value.
        tcpwire: Value,
    },
    /// One side decoded the segment and the other refused it; each side's error, if it had one.
    Acceptance {
        /// Your decoder's error, or `None` when it decoded the segment.
        yours: Option<String>,
        /// tcpwire's error, or `None` when it parsed the segment.
        tcpwire: Option<String>,
    },
    /// Your encoder, given tcpwire's value of the segment, wrote other bytes.
    Encoding(ByteDifference),
    /// Your encoder failed on tcpwire's value of the segment.
    EncoderFailed(String),
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |e: &Option<String>| {
            e.as_deref()
                .map_or("decoded it".to_string(), |e| format!("refused it ({e})"))
        };
        match self {
            Difference::Field {
                field,
                yours,
                tcpwire,
            } => write!(f, "{field}: yours {yours}, tcpwire {tcpwire}"),
            Difference::Acceptance { yours, tcpwire } => {
                write!(f, "your decoder {}, tcpwire {}", side(yours), side(tcpwire))
            }
            Difference::Encoding(d) => {
                write!(f, "your encoder: {}", Mismatch::BytesDiffer(d.clone()))
            }
            Difference::EncoderFailed(e) => write!(f, "your encoder failed: {e}"),
        }
    }
}

/// A segment the two sides disagree on, and every way they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The segment's bytes.
    pub segment: Vec<u8>,
    /// The differences (at least one).
    pub differences: Vec<Difference>,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 80;
        let hex = to_hex(self.segment.get(..SHOWN).unwrap_or(&self.segment));
        let more = if self.segment.len() > SHOWN {
            "..."
        } else {
            ""
        };
        write!(f, "segment {hex}{more} ({} bytes): ", self.segment.len())?;
        for (i, d) in self.differences.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Disagreement {}

/// The outcome of a [`Differential`] run over many segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffReport {
    /// Segments compared.
    pub checked: u64,
    /// Segments the two sides agreed on.
    pub agreed: u64,
    /// The first [`DiffReport::MAX_KEPT`] disagreements (all are counted in `checked - agreed`).
    pub disagreements: Vec<Disagreement>,
}

impl DiffReport {
    /// The most disagreements a report keeps.
    pub const MAX_KEPT: usize = 20;

    /// Whether every segment agreed.
    pub fn is_clean(&self) -> bool {
        self.checked == self.agreed
    }

    fn record(&mut self, outcome: Result<(), Disagreement>) {
        self.checked += 1;
        match outcome {
            Ok(()) => self.agreed += 1,
            Err(d) if self.disagreements.len() < Self::MAX_KEPT => self.disagreements.push(d),
            Err(_) => {}
        }
    }
}

/// `checked N, agreed N, disagreed N`, then the kept disagreements, one a line.
impl fmt::Display for DiffReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "checked {}, agreed {}, disagreed {}",
            self.checked,
            self.agreed,
            self.checked - self.agreed
        )?;
        for d in &self.disagreements {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

type Decoder<'a> = Box<dyn FnMut(&[u8]) -> Result<View, String> + 'a>;
type Encoder<'a> = Box<dyn FnMut(&TcpSegment) -> Result<Vec<u8>, String> + 'a>;

/// Compares your own TCP decoder (and, if you have one, encoder) with tcpwire.
///
/// - **Decoder**: a closure from segment bytes to a [`View`] (the fields it decoded, set with
///   [`View::with`]) or an error. On each segment, tcpwire's value of every chosen [`Field`]
///   is compared with yours; an unset field is [`Value::Absent`], so a decoder that misses an
///   option is caught. When both refuse a segment, they agree.
/// - **Encoder**: a closure from tcpwire's parsed [`TcpSegment`] to bytes (convert it to your
///   type and encode that). Its bytes must equal the segment's; a difference is located by
///   field or option.
///
/// tcpwire parses losslessly by default, so a segment with a malformed option is decoded (the
/// option kept as [`TcpOption::Malformed`]); with [`ParseMode::Strict`] it is refused, which
/// suits a decoder that rejects malformed options.
///
/// Segments come from you ([`check`](Self::check), [`check_all`](Self::check_all)), from the
/// generators (`check_generated`, feature `quickcheck`) or from a capture file
/// (`check_capture`, feature `capture`).
///
/// ```
/// use tcpwire::harness::{Differential, Field, View};
///
/// // A decoder under test: ports, window and MSS (it reads MSS from the first option only).
/// fn my_decode(b: &[u8]) -> Result<View, String> {
///     let word = |i: usize| b.get(i..i + 2).and_then(|w| w.try_into().ok()).map(u16::from_be_bytes);
///     let port = word(0).ok_or("too short")?;
///     let mut view = View::new()
///         .with(Field::SrcPort, port)
///         .with(Field::DstPort, word(2))
///         .with(Field::Window, word(14));
///     if b.get(20..22) == Some(&[2, 4]) {
///         view.set(Field::Mss, word(22));
///     }
///     Ok(view)
/// }
///
/// let mut diff = Differential::new(&[Field::SrcPort, Field::DstPort, Field::Window, Field::Mss])
///     .decoder(my_decode);
/// // MSS first: both agree.
/// let syn = tcpwire::from_hex("c35001bb0000000100000000600220000000000002040218").unwrap();
/// assert_eq!(diff.check(&syn), Ok(()));
/// // MSS after a NOP word: my decoder misses it, and the report says so.
/// let nop_first = tcpwire::from_hex("c35001bb000000010000000070022000000000000101010102040218").unwrap();
/// let report = diff.check_all([syn, nop_first]);
/// assert_eq!((report.checked, report.agreed), (2, 1));
/// assert!(report.disagreements[0].to_string().ends_with("mss: yours absent, tcpwire 536"));
/// ```
pub struct Differential<'a> {
    fields: Vec<Field>,
    mode: ParseMode,
    decoder: Option<Decoder<'a>>,
    encoder: Option<Encoder<'a>>,
}

impl fmt::Debug for Differential<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Differential")
            .field("fields", &self.fields)
            .field("mode", &self.mode)
            .field("decoder", &self.decoder.is_some())
            .field("encoder", &self.encoder.is_some())
            .finish()
    }
}

impl<'a> Differential<'a> {
    /// A comparison on these fields, with neither decoder nor encoder yet (lossless parsing).
    pub fn new(fields: &[Field]) -> Differential<'a> {
        Differential {
            fields: fields.to_vec(),
            mode: ParseMode::Lossless,
            decoder: None,
            encoder: None,
        }
    }

    /// The decoder under test.
    pub fn decoder<E: fmt::Display>(
        mut self,
        mut decode: impl FnMut(&[u8]) -> Result<View, E> + 'a,
    ) -> Differential<'a> {
        self.decoder = Some(Box::new(move |b| decode(b).map_err(|e| e.to_string())));
        self
    }

    /// The encoder under test: given tcpwire's value of a segment, it must write the
    /// segment's bytes.
    pub fn encoder<E: fmt::Display>(
        mut self,
        mut encode: impl FnMut(&TcpSegment) -> Result<Vec<u8>, E> + 'a,
    ) -> Differential<'a> {
        self.encoder = Some(Box::new(move |s| encode(s).map_err(|e| e.to_string())));
        self
    }

    /// How tcpwire parses (lossless unless set).
    pub fn mode(mut self, mode: ParseMode) -> Differential<'a> {
        self.mode = mode;
        self
    }

    /// Compares the two sides on one segment (header and payload).
    pub fn check(&mut self, segment: &[u8]) -> Result<(), Disagreement> {
        let ours = TcpSegment::parse_with(segment, self.mode);
        let mut differences = Vec::new();
        if let Some(decode) = self.decoder.as_mut() {
            match (decode(segment), &ours) {
                (Ok(view), Ok(ours)) => differences.extend(self.fields.iter().filter_map(|&f| {
                    let tcpwire = f.of(ours);
                    let yours = view.get(f);
                    (*yours != tcpwire).then(|| Difference::Field {
                        field: f,
                        yours: yours.clone(),
                        tcpwire,
                    })
                })),
                (Err(_), Err(_)) => {}
                (yours, ours) => differences.push(Difference::Acceptance {
                    yours: yours.err(),
                    tcpwire: ours.as_ref().err().map(ToString::to_string),
                }),
            }
        }
        if let (Some(encode), Ok(ours)) = (self.encoder.as_mut(), &ours) {
            match encode(ours) {
                Ok(written) => {
                    if let Err(Mismatch::BytesDiffer(d)) = compare(&ours.header, segment, &written)
                    {
                        differences.push(Difference::Encoding(d));
                    }
                }
                Err(e) => differences.push(Difference::EncoderFailed(e)),
            }
        }
        if differences.is_empty() {
            Ok(())
        } else {
            Err(Disagreement {
                segment: segment.to_vec(),
                differences,
            })
        }
    }

    /// Compares the two sides on every segment.
    pub fn check_all<B: AsRef<[u8]>>(
        &mut self,
        segments: impl IntoIterator<Item = B>,
    ) -> DiffReport {
        let mut report = DiffReport::default();
        for segment in segments {
            report.record(self.check(segment.as_ref()));
        }
        report
    }

    /// Compares the two sides on `count` segments from the generators, shaped by `config`
    /// (e.g. [`GenConfig::well_formed`](super::GenConfig::well_formed) for what real stacks
    /// send).
    #[cfg(feature = "quickcheck")]
    pub fn check_generated(&mut self, count: usize, config: &super::GenConfig) -> DiffReport {
        use super::ArbitraryWith;
        let mut g = quickcheck::Gen::new(100);
        let mut report = DiffReport::default();
        for _ in 0..count {
            let segment = TcpSegment::arbitrary_with(&mut g, config);
            // Generated values are valid, so writing them cannot fail.
            if let Ok(bytes) = segment.to_bytes() {
                report.record(self.check(&bytes));
            }
        }
        report
    }

    /// Compares the two sides on every TCP segment of a capture (whole segments only: those
    /// cut short by the snap length are left out).
    #[cfg(feature = "capture")]
    pub fn check_capture(
        &mut self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<DiffReport, crate::capture::CaptureError> {
        use crate::capture::{find_tcp, CaptureReader, Decapsulated};
        let mut report = DiffReport::default();
        for frame in CaptureReader::open(path)? {
            let frame = frame?;
            if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
                if !tcp.truncated {
                    report.record(self.check(tcp.segment));
                }
            }
        }
        Ok(report)
    }
}
