//! TCP-AO differential test against scapy's `scapy.contrib.tcpao` (the kernel on the test
//! machines has no TCP-AO), both ways: segments scapy builds and MACs are verified by tcpwire,
//! and segments tcpwire's builder signs are checked by scapy (traffic key and MAC). Both
//! algorithms, IPv4 and IPv6, options included and excluded, SYN, SYN-ACK and data segments,
//! sequence numbers across a wrap. The oracle is tools/tcpao_oracle.py (it uses scapy's KDF and
//! MAC functions, not `sign_tcpao`, whose output carries the MAC of the MAC).

mod common;

use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use tcpwire::option::TcpAo;

use serde_json::{json, Value};
use tcpwire::capture::{find_tcp_in_ip, Decapsulated};
use tcpwire::checksum::{verdict, ChecksumHints, ChecksumVerdict};
use tcpwire::signature::ao::{self, AoAlgorithm, AoKey, AoSign, KdfContext};
use tcpwire::signature::SignatureVerdict;
use tcpwire::TcpSegment;

fn oracle() -> Option<std::path::PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/tcpao_oracle.py");
    common::command_available(
        "python3",
        &["-c", "import scapy.contrib.tcpao, cryptography"],
        "pip install scapy cryptography",
    )
    .then_some(script)
}

fn algorithm(name: &str) -> AoAlgorithm {
    match name {
        "HMAC-SHA-1-96" => AoAlgorithm::HmacSha1_96,
        "AES-128-CMAC-96" => AoAlgorithm::AesCmac128_96,
        other => panic!("algorithm {other}"),
    }
}

fn tcp_of(packet: &[u8]) -> (IpAddr, IpAddr, Vec<u8>) {
    match find_tcp_in_ip(packet) {
        Decapsulated::Tcp(tcp) => (tcp.src, tcp.dst, tcp.segment.to_vec()),
        other => panic!("no TCP: {other:?}"),
    }
}

fn key_of(case: &Value, key_id: u8) -> AoKey {
    AoKey {
        include_options: case["include_options"].as_bool().unwrap(),
        ..AoKey::new(
            key_id,
            key_id,
            algorithm(case["alg"].as_str().unwrap()),
            tcpwire::from_hex(case["secret"].as_str().unwrap()).unwrap(),
        )
    }
}

#[test]
fn tcpwire_verifies_what_scapy_signs() {
    let Some(script) = oracle() else { return };
    let out = Command::new("python3")
        .arg(&script)
        .args(["generate", "240", "15"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut seen = std::collections::BTreeSet::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let (src, dst, segment) =
            tcp_of(&tcpwire::from_hex(case["packet"].as_str().unwrap()).unwrap());
        let header = TcpSegment::parse(&segment).unwrap().header;
        let key_id = header
            .options
            .iter()
            .find_map(|o| match o {
                tcpwire::TcpOption::TcpAo(TcpAo { key_id, .. }) => Some(*key_id),
                _ => None,
            })
            .unwrap();
        let key = key_of(&case, key_id);
        let (src_isn, dst_isn, sne) = (
            case["src_isn"].as_u64().unwrap() as u32,
            case["dst_isn"].as_u64().unwrap() as u32,
            case["sne"].as_u64().unwrap() as u32,
        );
        assert_eq!(
            ao::verify(
                src,
                dst,
                &segment,
                src_isn,
                dst_isn,
                sne,
                std::slice::from_ref(&key)
            ),
            SignatureVerdict::Valid,
            "{case}"
        );
        assert_eq!(
            verdict(src, dst, &segment, ChecksumHints::default()),
            ChecksumVerdict::Ok
        );
        // The payload's last bit, or the window's, flipped: invalid.
        let mut flipped = segment.clone();
        let at = if flipped.len() > header.header_len() {
            flipped.len() - 1
        } else {
            14
        };
        flipped[at] ^= 1;
        assert_eq!(
            ao::verify(src, dst, &flipped, src_isn, dst_isn, sne, &[key]),
            SignatureVerdict::Invalid,
            "{case}"
        );
        seen.insert((
            src.is_ipv6(),
            case["alg"].as_str().unwrap().to_string(),
            case["include_options"].as_bool().unwrap(),
            header.flags.syn(),
            case["sne"].as_u64().unwrap() > 0,
        ));
    }
    // Every combination came up: v4/v6 x algorithm x options x SYN/data x SNE (SYNs have 0).
    assert_eq!(seen.len(), 2 * 2 * 2 * 2 + 2 * 2 * 2, "{seen:?}");
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn scapy_verifies_what_tcpwire_signs() {
    let Some(script) = oracle() else { return };
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut cases = Vec::new();
    let mut keys = Vec::new();
    for i in 0..192u64 {
        let v6 = i % 2 == 1;
        let alg = if (i / 2) % 2 == 0 {
            AoAlgorithm::HmacSha1_96
        } else {
            AoAlgorithm::AesCmac128_96
        };
        let include_options = (i / 4) % 2 == 0;
        let kind = (i / 8) % 3; // SYN, SYN-ACK, data
        let secret: Vec<u8> = (0..[16, 7, 20, 40][(i / 24 % 4) as usize])
            .map(|_| rng.below(256) as u8)
            .collect();
        let key = AoKey {
            include_options,
            ..AoKey::new(rng.below(256) as u8, rng.below(256) as u8, alg, secret)
        };
        let (src, dst): (IpAddr, IpAddr) = if v6 {
            (
                format!("2001:db8::{:x}", 1 + rng.below(65000))
                    .parse()
                    .unwrap(),
                "2001:db8:2::1".parse().unwrap(),
            )
        } else {
            (
                format!("10.0.{}.{}", rng.below(256), rng.below(256))
                    .parse()
                    .unwrap(),
                "192.0.2.9".parse().unwrap(),
            )
        };
        // ISNs near the wrap half the time, so data segments cross it.
        let src_isn = if rng.below(2) == 0 {
            u32::MAX - rng.below(300) as u32
        } else {
            rng.next() as u32
        };
        let dst_isn = rng.next() as u32;
        let builder = TcpSegment::builder()
            .ports(1024 + rng.below(60000) as u16, 179)
            .window(rng.below(65536) as u16);
        let (segment, dst_isn_ctx, sne) = match kind {
            0 => {
                let b = builder
                    .seq(src_isn)
                    .syn()
                    .mss(1460)
                    .window_scale(7)
                    .sack_permitted()
                    .timestamps(rng.next() as u32, 0)
                    .nop()
                    .nop();
                (b, 0, 0)
            }
            1 => {
                let b = builder
                    .seq(src_isn)
                    .ack_number(dst_isn.wrapping_add(1))
                    .syn()
                    .ack()
                    .mss(1400)
                    .nop()
                    .nop();
                (b, dst_isn, 0)
            }
            _ => {
                let advance = [1u32, 400, 1 << 31][rng.below(3) as usize];
                let seq = src_isn.wrapping_add(advance);
                let sne = u32::from(seq < src_isn);
                let payload: Vec<u8> = (0..rng.below(200)).map(|_| rng.below(256) as u8).collect();
                let b = builder
                    .seq(seq)
                    .ack_number(dst_isn.wrapping_add(7))
                    .ack()
                    .psh()
                    .nop()
                    .nop()
                    .timestamps(rng.next() as u32, rng.next() as u32)
                    .nop()
                    .nop()
                    .payload(payload);
                (b, dst_isn, sne)
            }
        };
        let how = AoSign::new(&key, src_isn, dst_isn_ctx, sne);
        let signed = segment.build_ao_signed(src, dst, &how).unwrap();
        let bytes = signed.to_bytes().unwrap();
        assert_eq!(
            ao::verify(
                src,
                dst,
                &bytes,
                src_isn,
                dst_isn_ctx,
                sne,
                std::slice::from_ref(&key)
            ),
            SignatureVerdict::Valid
        );
        assert!(tcpwire::checksum::verify(src, dst, &bytes).unwrap());
        let traffic = key
            .traffic_key(&KdfContext {
                src,
                dst,
                src_port: signed.header.src_port,
                dst_port: signed.header.dst_port,
                src_isn,
                dst_isn: dst_isn_ctx,
            })
            .unwrap();
        cases.push(json!({
            "packet": tcpwire::to_hex(&common::ip_packet(src, dst, &bytes)),
            "alg": alg.name().to_ascii_uppercase(),
            "secret": tcpwire::to_hex(&key.secret),
            "src_isn": src_isn,
            "dst_isn": dst_isn_ctx,
            "sne": sne,
            "include_options": include_options,
        }));
        keys.push(tcpwire::to_hex(traffic.as_bytes()));
    }
    let mut child = Command::new("python3")
        .arg(&script)
        .arg("check")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for case in &cases {
            writeln!(stdin, "{case}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    let mut wrapped = 0;
    for (answer, key) in answers.iter().zip(&keys) {
        assert_eq!(answer["match"], true, "scapy's MAC differs: {answer}");
        assert_eq!(answer["traffic_key"].as_str().unwrap(), key, "{answer}");
        wrapped += usize::from(answer["sne"].as_u64().unwrap() > 0);
    }
    assert!(wrapped > 5, "only {wrapped} segments after a wrap");
}
