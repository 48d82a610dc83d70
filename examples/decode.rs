//! Decodes TCP segments given as hex and prints each as JSON.
//!
//! `cargo run --example decode -- 0050c35000000001000000025010ffff00000000`
fn main() {
    let mut failed = false;
    for arg in std::env::args().skip(1) {
        let result = tcpwire::from_hex(arg.trim())
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                tcpwire::TcpSegment::parse_lossless(&bytes).map_err(|e| e.to_string())
            });
        match result {
            Ok(segment) => println!(
                "{}",
                serde_json::to_string(&segment).expect("JSON of a segment")
            ),
            Err(e) => {
                eprintln!("error: {arg}: {e}");
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}
