//! Every TCP segment of the public corpus: lossless parse, then byte-exact re-serialization.
mod common;

use tcpwire::{TcpHeader, TcpSegment};

#[test]
fn every_public_segment_round_trips_byte_exactly() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let files = common::captures_in(&dir);
    assert!(
        files.len() >= 40,
        "expected the public corpus, found {} captures",
        files.len()
    );
    let (mut segments, mut headers_only, mut unparsable) = (0usize, 0usize, 0usize);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let skipped = common::for_each_tcp(path, |frame, tcp| {
            if tcp.truncated {
                // Cut short by the snap length: the header may still be whole.
                match TcpHeader::parse_lossless(tcp.segment) {
                    Ok(h) => {
                        let bytes = h
                            .to_bytes()
                            .unwrap_or_else(|e| panic!("{name} frame {}: {e}", frame.number));
                        assert_eq!(
                            bytes,
                            tcp.segment[..h.header_len()],
                            "{name} frame {}",
                            frame.number
                        );
                        headers_only += 1;
                    }
                    Err(_) => unparsable += 1,
                }
                return;
            }
            match TcpSegment::parse_lossless(tcp.segment) {
                Ok(seg) => {
                    let bytes = seg
                        .to_bytes()
                        .unwrap_or_else(|e| panic!("{name} frame {}: {e}", frame.number));
                    assert_eq!(
                        bytes, tcp.segment,
                        "{name} frame {}: re-serialized bytes differ",
                        frame.number
                    );
                    // Strict Ok implies lossless gives the same value.
                    if let Ok(strict) = TcpSegment::parse(tcp.segment) {
                        assert_eq!(strict, seg, "{name} frame {}", frame.number);
                    } else {
                        assert!(
                            seg.header.has_malformed(),
                            "{name} frame {}: strict failed without malformed",
                            frame.number
                        );
                    }
                    segments += 1;
                }
                Err(e) => {
                    eprintln!("{name} frame {}: header unusable: {e}", frame.number);
                    unparsable += 1;
                }
            }
        });
        eprintln!("{name}: {skipped:?}");
    }
    eprintln!("segments round-tripped: {segments}, truncated headers round-tripped: {headers_only}, unusable headers: {unparsable}");
    assert!(segments > 3000, "only {segments} segments found");
}
