//! Exports the TCP segments of a capture to CBOR (with `ciborium`; any serde format works the
//! same way), reads the file back and checks every segment came back equal.
//!
//! `cargo run --example export_cbor -- CAPTURE [OUT]` writes one CBOR array of records (frame
//! number, addresses, segment) to OUT, or only checks the round trip in memory without OUT.
//! Without arguments it exports `corpus/mptcp-ipv4-multipath.pcap`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
use tcpwire::TcpSegment;

/// One exported segment, with where it was found.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    frame: u64,
    src: IpAddr,
    dst: IpAddr,
    segment: TcpSegment,
}

fn run() -> Result<String, Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let capture = args.next().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/mptcp-ipv4-multipath.pcap")
    });
    let out = args.next();

    let mut records = Vec::new();
    for frame in CaptureReader::open(&capture)? {
        let frame = frame?;
        // Segments cut short by the snap length and non-TCP frames are left out.
        if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
            if tcp.truncated {
                continue;
            }
            records.push(Record {
                frame: frame.number,
                src: tcp.src,
                dst: tcp.dst,
                segment: TcpSegment::parse_lossless(tcp.segment)?,
            });
        }
    }

    let mut cbor = Vec::new();
    ciborium::into_writer(&records, &mut cbor)?;
    let back: Vec<Record> = ciborium::from_reader(cbor.as_slice())?;
    if let Some((sent, got)) = records.iter().zip(&back).find(|(a, b)| a != b) {
        return Err(format!("frame {}: read back as {got:?}", sent.frame).into());
    }
    if back.len() != records.len() {
        return Err(format!("{} records read back of {}", back.len(), records.len()).into());
    }
    if let Some(out) = &out {
        std::fs::write(out, &cbor)?;
    }
    Ok(format!(
        "{} segments, {} bytes of CBOR{}, read back equal",
        records.len(),
        cbor.len(),
        out.map(|o| format!(" in {}", o.display()))
            .unwrap_or_default()
    ))
}

fn main() -> ExitCode {
    match run() {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("export_cbor: {e}");
            ExitCode::FAILURE
        }
    }
}
