//! A fixed loop over one operation, for instruction counts under callgrind (repeatable on a
//! loaded machine, unlike wall-clock time).
//!
//! ```sh
//! cargo bench --bench callgrind --no-run   # prints the binary's path
//! valgrind --tool=callgrind --toggle-collect='*run_loop*' --callgrind-out-file=cg.out \
//!     target/release/deps/callgrind-HASH strict linux_syn_40 100000
//! callgrind_annotate cg.out | head -30    # instructions per call: total / 100000
//! ```
//!
//! Operations: `strict`, `lossless`, `view` (`TcpHeaderView` and every option decoded),
//! `segment` (`TcpSegment::parse`), `write` (exact `write_to`), `generator` (the cookie-factory
//! `gen_header` path), `etherparse_slice` (`TcpHeaderSlice` and every option decoded),
//! `etherparse_write`, `checksum` and `smoltcp_checksum` (verify; the input is a segment length,
//! e.g. 1460).
//! Inputs: the names in benches/common/inputs.rs. With `TIMED=1` in the environment it prints
//! the best wall-clock time per call of 7 runs instead (a quick check, not the benchmark).

use std::hint::black_box;
use std::net::Ipv4Addr;

use tcpwire::{ParseMode, TcpHeader};

#[path = "common/inputs.rs"]
mod inputs;

#[inline(never)]
fn run_loop(op: &str, bytes: &[u8], n: u64) -> u64 {
    let mut acc = 0u64;
    match op {
        "strict" | "lossless" => {
            let mode = if op == "strict" {
                ParseMode::Strict
            } else {
                ParseMode::Lossless
            };
            // As benches/parse.rs does: a reference to the value goes to `black_box`.
            for _ in 0..n {
                let h = TcpHeader::parse_with(black_box(bytes), mode);
                black_box(&h);
            }
        }
        "reuse" => {
            let mut h = TcpHeader::parse_lossless(bytes).expect("the input parses");
            for _ in 0..n {
                let r = h.parse_in_place(black_box(bytes), ParseMode::Strict);
                black_box(&r);
                black_box(&h);
            }
        }
        "write" => {
            let header = TcpHeader::parse_lossless(bytes).expect("the input parses");
            let mut buf = [0u8; 60];
            for _ in 0..n {
                let written = black_box(&header).write_to(black_box(&mut buf));
                black_box(&written);
            }
        }
        "generator" => {
            let header = TcpHeader::parse_lossless(bytes).expect("the input parses");
            let mut buf = [0u8; 60];
            for _ in 0..n {
                let written = cookie_factory::gen_simple(
                    tcpwire::wire::gen_header(black_box(&header)),
                    &mut buf[..],
                );
                black_box(&written);
            }
        }
        "view" => {
            // The view with every option decoded, each item to `black_box`, as below for
            // etherparse.
            for _ in 0..n {
                if let Ok(v) = tcpwire::TcpHeaderView::parse(black_box(bytes)) {
                    for o in v.options() {
                        black_box(&o);
                        acc += 1;
                    }
                }
            }
        }
        "segment" => {
            for _ in 0..n {
                let s = tcpwire::TcpSegment::parse(black_box(bytes));
                black_box(&s);
            }
        }
        "etherparse_slice" => {
            for _ in 0..n {
                if let Ok(s) = etherparse::TcpHeaderSlice::from_slice(black_box(bytes)) {
                    for o in s.options_iterator() {
                        acc += u64::from(black_box(o).is_ok());
                    }
                }
            }
        }
        "etherparse_write" => {
            let header = etherparse::TcpHeader::from_slice(bytes)
                .expect("the input parses")
                .0;
            let mut buf = [0u8; 60];
            for _ in 0..n {
                let mut out = &mut buf[..];
                let written = black_box(&header).write(black_box(&mut out));
                black_box(&written);
            }
        }
        "checksum" | "smoltcp_checksum" => {
            // The "input" is the segment's length here.
            let segment = inputs::segment(bytes.len());
            let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
            if op == "checksum" {
                for _ in 0..n {
                    let ok = tcpwire::checksum::verify(
                        black_box(src),
                        black_box(dst),
                        black_box(&segment),
                    );
                    black_box(&ok);
                }
            } else {
                use smoltcp::wire::{IpAddress, TcpPacket};
                let (src, dst) = (IpAddress::Ipv4(src), IpAddress::Ipv4(dst));
                for _ in 0..n {
                    let ok = TcpPacket::new_unchecked(black_box(&segment[..]))
                        .verify_checksum(black_box(&src), black_box(&dst));
                    black_box(&ok);
                }
            }
        }
        other => panic!("unknown operation {other}"),
    }
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` runs every bench binary with `--bench`: do nothing then.
    let [op, input, n] = args.as_slice() else {
        eprintln!("usage: callgrind OPERATION INPUT ITERATIONS (see the source)");
        return;
    };
    // For the checksum operations the input is a segment length.
    let sized;
    let bytes = match input.parse::<usize>() {
        Ok(len) => {
            sized = inputs::segment(len);
            &sized[..]
        }
        Err(_) => inputs::by_name(input).unwrap_or_else(|| panic!("unknown input {input}")),
    };
    let n: u64 = n.parse().expect("ITERATIONS is a number");
    if std::env::var_os("TIMED").is_some() {
        // A quick wall-clock check: the best of 7 runs, in ns per call.
        let best = (0..7)
            .map(|_| {
                let start = std::time::Instant::now();
                black_box(run_loop(op, bytes, n));
                start.elapsed().as_secs_f64() * 1e9 / n as f64
            })
            .fold(f64::INFINITY, f64::min);
        println!("{op} {input}: {best:.1} ns");
        return;
    }
    println!("{}", run_loop(op, bytes, n));
}
