//! Registers a codec for an experimental option and prints segments carrying it as JSON.
//!
//! The option: kind 253 (RFC 3692-style experiment) with RFC 6994 ExID 0x0ED0, laid out like
//! TCP Extended Data Offset (draft-ietf-tcpm-tcp-edo): 4 bytes "EDO supported" on a SYN; 6
//! bytes carrying the header length, or 8 bytes with the segment length too, on other
//! segments. tcpwire alone decodes it as a generic experiment (ExID and bytes); with the codec
//! registered in a `Parser` it comes out as the codec's own value.
//!
//! `cargo run --example custom_codec` (it checks its own results and fails if one is wrong).

use tcpwire::option::Experiment;
use tcpwire::{CustomOption, FieldValue, OptionCodec, Parser, TcpOption, TcpSegment};

/// The experiment identifier (RFC 6994) of the example option.
pub const EXID_EDO: u16 = 0x0ED0;

/// The decoded option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edo {
    /// On a SYN: the sender supports the extension.
    Supported,
    /// On other segments: the header length, and optionally the segment length.
    Extension {
        /// The header length in bytes (may exceed the 60 the data offset can say).
        header_length: u16,
        /// The segment length, when present.
        segment_length: Option<u16>,
    },
}

/// The codec: decodes only kind 253/254 options with ExID 0x0ED0 and a length it knows, and
/// declines anything else (which tcpwire then decodes as usual).
pub struct EdoCodec;

impl OptionCodec for EdoCodec {
    type Value = Edo;

    fn name(&self) -> &str {
        "edo"
    }

    fn decode(&self, _kind: u8, body: &[u8]) -> Option<Edo> {
        let (exid, rest) = body.split_first_chunk::<2>()?;
        if u16::from_be_bytes(*exid) != EXID_EDO {
            return None;
        }
        match *rest {
            [] => Some(Edo::Supported),
            [h0, h1] => Some(Edo::Extension {
                header_length: u16::from_be_bytes([h0, h1]),
                segment_length: None,
            }),
            [h0, h1, s0, s1] => Some(Edo::Extension {
                header_length: u16::from_be_bytes([h0, h1]),
                segment_length: Some(u16::from_be_bytes([s0, s1])),
            }),
            _ => None,
        }
    }

    fn encode(&self, value: &Edo, body: &mut Vec<u8>) {
        body.extend(EXID_EDO.to_be_bytes());
        if let Edo::Extension {
            header_length,
            segment_length,
        } = value
        {
            body.extend(header_length.to_be_bytes());
            if let Some(length) = segment_length {
                body.extend(length.to_be_bytes());
            }
        }
    }

    fn fields(&self, value: &Edo) -> Vec<(String, FieldValue)> {
        match value {
            Edo::Supported => vec![("edo".into(), FieldValue::Text("supported".into()))],
            Edo::Extension {
                header_length,
                segment_length,
            } => {
                let mut fields = vec![
                    ("edo".into(), FieldValue::Text("extension".into())),
                    (
                        "header_length".into(),
                        FieldValue::Unsigned((*header_length).into()),
                    ),
                ];
                if let Some(length) = segment_length {
                    fields.push((
                        "segment_length".into(),
                        FieldValue::Unsigned((*length).into()),
                    ));
                }
                fields
            }
        }
    }
}

/// Builds a SYN carrying the option and another experiment, parses it with and without the
/// codec, checks the results (JSON included), and returns the decoded segment.
pub fn run() -> Result<TcpSegment, tcpwire::Error> {
    let edo = CustomOption::from_value(253, EdoCodec, Edo::Supported)?;
    let bytes = TcpSegment::builder()
        .ports(50000, 80)
        .syn()
        .mss(1460)
        .option(TcpOption::Custom(edo))
        .option(TcpOption::Experiment(Experiment {
            kind: 253,
            exid: 0x1234,
            data: tcpwire::InlineBytes::from_slice(&[1, 2]).unwrap_or_default(),
        }))
        .build()?
        .to_bytes()?;
    assert_eq!(
        &bytes[20..],
        &[2, 4, 5, 0xb4, 253, 4, 0x0e, 0xd0, 253, 6, 0x12, 0x34, 1, 2, 0, 0]
    );

    // Without the codec: a generic experiment.
    let plain = TcpSegment::parse(&bytes)?;
    assert!(matches!(
        plain.header.options[1],
        TcpOption::Experiment(Experiment {
            kind: 253,
            exid: EXID_EDO,
            ..
        })
    ));

    // With it: the codec's value; the other experiment (another ExID) is declined and stays.
    let parser = Parser::new().with_option_codec(253, EdoCodec);
    let segment = parser.parse(&bytes)?;
    let TcpOption::Custom(custom) = &segment.header.options[1] else {
        panic!(
            "option 1 is not decoded by the codec: {:?}",
            segment.header.options[1]
        );
    };
    assert_eq!(custom.name(), "edo");
    assert_eq!(custom.value::<Edo>(), Some(&Edo::Supported));
    assert!(matches!(
        segment.header.options[2],
        TcpOption::Experiment(Experiment { exid: 0x1234, .. })
    ));
    // Still byte-exact.
    assert_eq!(segment.to_bytes()?, bytes);

    // A data segment with the 8-byte form.
    let extension = Edo::Extension {
        header_length: 72,
        segment_length: Some(1200),
    };
    let data = TcpSegment::builder()
        .ports(50000, 80)
        .ack()
        .option(TcpOption::Custom(CustomOption::from_value(
            253,
            EdoCodec,
            extension.clone(),
        )?))
        .build()?
        .to_bytes()?;
    let parsed = parser.parse(&data)?;
    let TcpOption::Custom(custom) = &parsed.header.options[0] else {
        panic!("not decoded by the codec");
    };
    assert_eq!(custom.value::<Edo>(), Some(&extension));

    let json = serde_json::to_value(&segment).map_err(|e| tcpwire::Error::Unencodable {
        what: "JSON",
        detail: e.to_string(),
    })?;
    assert_eq!(
        json["header"]["options"][1],
        serde_json::json!({
            "kind": 253, "type": "custom", "name": "edo", "bytes": "fd040ed0",
            "fields": { "edo": "supported" }
        })
    );
    // JSON reads back to an equal segment (the option opaque, with the same bytes).
    let back: TcpSegment =
        serde_json::from_value(json).map_err(|e| tcpwire::Error::Unencodable {
            what: "JSON",
            detail: e.to_string(),
        })?;
    assert_eq!(back, segment);
    assert_eq!(back.to_bytes()?, bytes);
    Ok(segment)
}

fn main() {
    match run() {
        Ok(segment) => println!(
            "{}",
            serde_json::to_string_pretty(&segment).unwrap_or_else(|e| e.to_string())
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
