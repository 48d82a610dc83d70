//! A downstream crate's use of tcpwire with default features: parse, edit, write, build,
//! checksum, and serde bounds. It compiles against the public API alone and checks its own
//! results (`cargo run -p tcpwire-downstream` exits non-zero if one is wrong).

use std::net::Ipv4Addr;
use std::process::ExitCode;
use tcpwire::option::Mss;

use tcpwire::{TcpOption, TcpSegment};

/// A type a serde exporter can hand to any serializer.
fn exportable<T: serde::Serialize + serde::de::DeserializeOwned>(_: &T) {}

fn run() -> Result<(), String> {
    // A Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
    let hex = "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307";
    let bytes = tcpwire::from_hex(hex).map_err(|e| e.to_string())?;
    let mut segment = TcpSegment::parse(&bytes).map_err(|e| e.to_string())?;
    if segment.to_bytes().map_err(|e| e.to_string())? != bytes {
        return Err("the parsed SYN does not write back to its bytes".into());
    }
    exportable(&segment);
    exportable(&segment.header);
    exportable(&segment.header.options[0]);

    // Edit a field and an option of the same length: the bytes change exactly there.
    segment.header.window = 1024;
    segment.header.options[0] = TcpOption::Mss(Mss { mss: 1400 });
    let edited = segment.to_bytes().map_err(|e| e.to_string())?;
    let again = TcpSegment::parse(&edited).map_err(|e| e.to_string())?;
    if again.header.window != 1024 || again.header.options[0] != (TcpOption::Mss(Mss { mss: 1400 }))
    {
        return Err(format!("the edit did not survive a round trip: {again:?}"));
    }

    // Build a segment with a checksum and verify it on the bytes.
    let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 2));
    let built = TcpSegment::builder()
        .ports(40000, 443)
        .seq(7)
        .syn()
        .mss(1460)
        .build_with_checksum(src, dst)
        .map_err(|e| e.to_string())?;
    let wire = built.to_bytes().map_err(|e| e.to_string())?;
    if !tcpwire::checksum::verify(src, dst, &wire).map_err(|e| e.to_string())? {
        return Err("the built segment's checksum does not verify".into());
    }
    println!("tcpwire as a dependency: parse, edit, build, checksum ok");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("downstream: {e}");
            ExitCode::FAILURE
        }
    }
}
