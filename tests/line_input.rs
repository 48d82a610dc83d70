//! `tcpwire decode` and `tcpwire encode` on line input that is not what they read: lines over
//! the length limit, lines that are not UTF-8, values whose error message would quote them.
//! Each such line gets one short message naming its number, and the lines after it are read.

use std::io::Write;
use std::process::{Command, Stdio};

const GOOD: &str = "0050c35000000001000000025010ffff00000000";
const LIMIT: usize = 1 << 20;

/// Runs `tcpwire ARGS < input`: (exit code, stdout, stderr).
fn run(args: &[&str], input: Vec<u8>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tcpwire");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

/// `decode`'s JSON for the good segment, as `encode` reads it.
fn good_json() -> String {
    let (code, out, _) = run(&["decode"], format!("{GOOD}\n").into_bytes());
    assert_eq!(code, 0);
    out.trim_end().to_string()
}

#[test]
fn a_line_that_is_not_utf8_is_reported_and_the_run_goes_on() {
    let mut input = format!("{GOOD}\n").into_bytes();
    input.extend(b"00\xff\xfe\n");
    input.extend(format!("{GOOD}\n").as_bytes());
    let (code, out, err) = run(&["decode"], input);
    assert_eq!(code, 2, "{err}");
    assert_eq!(out.lines().count(), 2, "the line after it is decoded");
    assert_eq!(
        err.trim_end(),
        "tcpwire decode: line 2: not UTF-8 (byte 0xff at offset 2)"
    );

    let json = good_json();
    let mut input = b"\xc3\x28\n".to_vec();
    input.extend(format!("{json}\n{json}\n").as_bytes());
    let (code, out, err) = run(&["encode"], input);
    assert_eq!(code, 2, "{err}");
    assert_eq!(out.lines().collect::<Vec<_>>(), [GOOD, GOOD]);
    assert_eq!(
        err.trim_end(),
        "tcpwire encode: line 1: not UTF-8 (byte 0xc3 at offset 0)"
    );
}

#[test]
fn a_line_over_the_limit_is_reported_with_the_limit_and_the_run_goes_on() {
    for (command, good) in [("decode", GOOD.to_string()), ("encode", good_json())] {
        let mut input = format!("{good}\n").into_bytes();
        input.extend(std::iter::repeat_n(b'0', 2 * LIMIT));
        input.extend(format!("\n{good}\r\n").as_bytes());
        let (code, out, err) = run(&[command], input);
        assert_eq!(code, 2, "{command}: {err}");
        assert_eq!(
            out.lines().count(),
            2,
            "{command}: lines 1 and 3 give output"
        );
        assert_eq!(
            err.trim_end(),
            format!(
                "tcpwire {command}: line 2: 2097152 bytes, over the 1048576-byte line limit; \
                 line skipped"
            )
        );
    }
    // A line of exactly the limit is read.
    let mut line = GOOD.to_string();
    line.push_str(&"00".repeat((LIMIT - GOOD.len()) / 2));
    assert_eq!(line.len(), LIMIT);
    let (code, out, err) = run(&["decode"], format!("{line}\n").into_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn messages_are_one_short_line_naming_the_line() {
    let json = good_json();
    // A refused value serde would quote whole: an unknown option type of 500 KB.
    let long_name = "x".repeat(500_000);
    let bad_option = json.replace(
        "\"options\":[]",
        &format!("\"options\":[{{\"kind\":1,\"type\":\"{long_name}\"}}]"),
    );
    assert_ne!(bad_option, json);
    let bad_payload = json.replace("\"payload\":\"\"", &format!("\"payload\":\"{long_name}\""));
    let input = format!("{bad_option}\n{bad_payload}\n{{\"header\": {{\"src_port\":\n{json}\n");
    let (code, out, err) = run(&["encode"], input.into_bytes());
    assert_eq!(code, 2, "{err}");
    assert_eq!(out.lines().count(), 1);
    let messages: Vec<&str> = err.lines().collect();
    assert_eq!(messages.len(), 3, "{err}");
    for (i, m) in messages.iter().enumerate() {
        assert!(
            m.starts_with(&format!("tcpwire encode: line {}: ", i + 1)),
            "{m}"
        );
        assert!(m.len() < 300, "{} characters: {}...", m.len(), &m[..100]);
    }
    assert!(
        messages[1].contains("payload is not hex"),
        "{}",
        messages[1]
    );
    assert!(messages[2].contains("not JSON"), "{}", messages[2]);

    let long_hex = format!("{GOOD}{}", "zz".repeat(200_000));
    let (code, _, err) = run(&["decode"], format!("{long_hex}\n").into_bytes());
    assert_eq!(code, 2);
    assert!(err.len() < 200, "{err}");
    assert!(err.contains("line 1: not hex"), "{err}");
}
