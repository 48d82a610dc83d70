//! Helpers of the MPTCP analysis tests (tests/analysis_mptcp.rs, tests/analysis_events.rs).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tcpwire::analysis::mptcp::{Annotation, ConnectionSummary, MptcpAnalyzer, Segment, Verdict};
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated, Frame};
use tcpwire::flow::Endpoint;
use tcpwire::wire::options_with_offsets;
use tcpwire::{MptcpOption, ParseMode, TcpHeader, TcpOption};

pub fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name)
}

pub fn frames(path: &Path) -> Vec<Frame> {
    CaptureReader::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|f| f.expect("a readable record"))
        .collect()
}

/// The analysis of a list of frames: annotations by frame, and the connections.
pub fn analyze(frames: &[Frame]) -> (Vec<(u64, Annotation)>, Vec<ConnectionSummary>) {
    let mut analyzer = MptcpAnalyzer::default();
    let mut out = Vec::new();
    for frame in frames {
        let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
            continue;
        };
        let Ok((header, _)) = TcpHeader::parse_prefix(tcp.segment, ParseMode::Lossless) else {
            continue;
        };
        let payload = &tcp.segment[header.header_len()..];
        let segment = Segment {
            frame: frame.number,
            time_ns: frame.timestamp.0 * 1_000_000_000 + u64::from(frame.timestamp.1),
            src: Endpoint::new(tcp.src, header.src_port),
            dst: Endpoint::new(tcp.dst, header.dst_port),
            header: &header,
            payload,
            payload_len: payload.len(),
        };
        if let Some(a) = analyzer.segment(&segment) {
            out.push((frame.number, a));
        }
    }
    (out, analyzer.finish())
}

/// Every verdict given, in order: (frame, what, verdict).
pub fn verdicts(annotations: &[(u64, Annotation)]) -> Vec<(u64, &'static str, Verdict)> {
    let mut out = Vec::new();
    for (frame, a) in annotations {
        if let Some(v) = a.join_hmac {
            out.push((*frame, "join_hmac", v));
        }
        if let Some(v) = a.add_addr_hmac {
            out.push((*frame, "add_addr_hmac", v));
        }
        if let Some(c) = a.dss_checksum {
            out.push((*frame, "dss_checksum", c.verdict));
        }
    }
    out
}

pub fn parsed(frame: &Frame) -> (TcpHeader, usize) {
    let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
        panic!("frame {} holds no TCP", frame.number)
    };
    let offset = tcp.segment.as_ptr() as usize - frame.data.as_ptr() as usize;
    (
        TcpHeader::parse(tcp.segment).expect("a parsable header"),
        offset,
    )
}

/// A copy of `frames` with one bit flipped at `pos` bytes into the TCP segment of frame
/// `number`, and the TCP checksum fixed up.
pub fn flip(frames: &[Frame], number: u64, pos: usize, bit: u8) -> Vec<Frame> {
    let mut out = frames.to_vec();
    let frame = out
        .iter_mut()
        .find(|f| f.number == number)
        .expect("the frame");
    let (_, offset) = parsed(frame);
    let (src, dst) = match find_tcp(frame.linktype, &frame.data) {
        Decapsulated::Tcp(tcp) => (tcp.pseudo_header_src, tcp.pseudo_header_dst),
        _ => unreachable!(),
    };
    frame.data[offset + pos] ^= 1 << bit;
    tcpwire::checksum::fill(src, dst, &mut frame.data[offset..]).expect("checksum");
    match find_tcp(frame.linktype, &frame.data) {
        Decapsulated::Tcp(tcp) => assert!(tcpwire::checksum::verify(
            tcp.pseudo_header_src,
            tcp.pseudo_header_dst,
            tcp.segment
        )
        .unwrap()),
        _ => unreachable!(),
    }
    out
}

/// The offset in the TCP segment of the first option matching `pick` in frame `number`, plus
/// the offset `pick` gives inside it.
pub fn option_at(
    frames: &[Frame],
    number: u64,
    pick: impl Fn(&MptcpOption) -> Option<usize>,
) -> usize {
    let frame = frames.iter().find(|f| f.number == number).expect("frame");
    let (header, _) = parsed(frame);
    let found = options_with_offsets(&header).find_map(|(offset, option)| match option {
        TcpOption::Mptcp(m) => pick(m).map(|inner| offset + inner),
        _ => None,
    });
    found.unwrap_or_else(|| panic!("frame {number}: no such option"))
}

/// Frames whose first MPTCP option of the kind `pick` accepts is there.
pub fn frames_with(frames: &[Frame], pick: impl Fn(&MptcpOption) -> bool) -> Vec<u64> {
    frames
        .iter()
        .filter(|f| {
            let Decapsulated::Tcp(tcp) = find_tcp(f.linktype, &f.data) else {
                return false;
            };
            TcpHeader::parse(tcp.segment).is_ok_and(|h| {
                h.options
                    .iter()
                    .any(|o| matches!(o, TcpOption::Mptcp(m) if pick(m)))
            })
        })
        .map(|f| f.number)
        .collect()
}

/// Runs the analysis on the mutated copy and checks that exactly the `expected` verdicts
/// (frame, what) turned bad and every other stayed what it was.
pub fn assert_only_bad(
    baseline: &[(u64, &'static str, Verdict)],
    mutated: &[Frame],
    expected: &[(u64, &str)],
) {
    let (annotations, _) = analyze(mutated);
    let after = verdicts(&annotations);
    assert_eq!(after.len(), baseline.len(), "the same verdicts are given");
    for (before, now) in baseline.iter().zip(&after) {
        assert_eq!((before.0, before.1), (now.0, now.1));
        let affected = expected.contains(&(now.0, now.1));
        if affected {
            assert_eq!(
                now.2,
                Verdict::Bad,
                "frame {} {} must turn bad",
                now.0,
                now.1
            );
        } else {
            assert_eq!(now.2, before.2, "frame {} {} must not change", now.0, now.1);
        }
    }
}
