//! Edits a captured SYN: parse it, change a field and an option, drop an option (so the
//! option area shrinks and the data offset must follow), recompute the checksum, write it.
//!
//! `cargo run --example edit_header` prints the segment before and after as hex and checks its
//! own results (it exits non-zero if one is wrong).

use std::net::Ipv4Addr;
use std::process::ExitCode;
use tcpwire::option::Mss;

use tcpwire::{TcpHeader, TcpOption, TcpSegment, FIXED_HEADER_LEN};

/// A SYN as Linux sends it (checksum not yet filled): MSS 1460, SACK permitted, timestamps, NOP,
/// window scale 7 (data offset 10: 20 bytes of options).
const SYN: &str =
    "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307";

/// Makes the data offset and padding agree with the options after an edit: an EOL and zero
/// padding up to the next 4-byte boundary when the options do not end on one.
fn fit_data_offset(header: &mut TcpHeader) -> Result<(), String> {
    header.padding = Default::default();
    if header.options.last() == Some(&TcpOption::Eol) {
        header.options.pop();
    }
    let mut len: usize = header.options.iter().map(TcpOption::encoded_len).sum();
    if len % 4 != 0 {
        header.options.push(TcpOption::Eol);
        len += 1;
        let zeros = vec![0; (4 - len % 4) % 4];
        header.padding = tcpwire::InlineBytes::from_slice(&zeros).ok_or("padding too long")?;
        len += zeros.len();
    }
    header.data_offset = u8::try_from((FIXED_HEADER_LEN + len) / 4)
        .ok()
        .filter(|words| *words <= 15)
        .ok_or_else(|| format!("options of {len} bytes do not fit in a TCP header"))?;
    Ok(())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 2));
    let bytes = tcpwire::from_hex(SYN)?;
    let mut segment = TcpSegment::parse(&bytes)?;
    println!("before: {}", tcpwire::to_hex(&bytes));

    // A field and an option of the same length: only those bytes change.
    segment.header.window = 29200;
    for option in segment.header.options.iter_mut() {
        if let TcpOption::Mss(Mss { mss }) = option {
            *mss = 1400;
        }
    }

    // Dropping the 10-byte timestamps option leaves 10 bytes of options: writing now would
    // fail (the data offset still says 20), so the data offset and padding are fitted first.
    segment
        .header
        .options
        .retain(|o| !matches!(o, TcpOption::Timestamps(_)));
    if segment.to_bytes().is_ok() {
        return Err("an edited option area was written with the old data offset".into());
    }
    fit_data_offset(&mut segment.header)?;
    segment.fill_checksum(src, dst)?;

    let edited = segment.to_bytes()?;
    println!("after:  {}", tcpwire::to_hex(&edited));

    let back = TcpSegment::parse(&edited)?;
    if back != segment || back.header.data_offset != 8 || !back.verify_checksum(src, dst)? {
        return Err(format!("the edited segment does not read back as written: {back:?}").into());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("edit_header: {e}");
            ExitCode::FAILURE
        }
    }
}
