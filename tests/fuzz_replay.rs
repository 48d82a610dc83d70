//! Deterministic replay of the saved fuzz inputs (`fuzz/regressions/<target>/`, and a local
//! `fuzz/corpus/<target>/` when present) through the very checks the fuzz targets run.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["regressions", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.expect("dir entry").path()).collect();
        files.sort();
        for path in files {
            let data = match std::fs::read(&path) {
                Ok(data) => data,
                // A running fuzzer replaces files of its local corpus.
                Err(e) if dir == "corpus" && e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => panic!("{}: {e}", path.display()),
            };
            let result = std::panic::catch_unwind(|| check(&data));
            assert!(
                result.is_ok(),
                "fuzz input {} fails its check",
                path.display()
            );
            n += 1;
        }
    }
    n
}

#[test]
fn parse_strict_inputs() {
    let n = replay("parse_strict", checks::parse_strict);
    assert!(n >= 10, "only {n} saved inputs for parse_strict");
}

#[test]
fn lossless_roundtrip_inputs() {
    let n = replay("lossless_roundtrip", checks::lossless_roundtrip);
    assert!(n >= 10, "only {n} saved inputs for lossless_roundtrip");
}

#[test]
fn json_roundtrip_inputs() {
    let n = replay("json_roundtrip", checks::json_roundtrip);
    assert!(n >= 10, "only {n} saved inputs for json_roundtrip");
}

#[test]
fn capture_reader_inputs() {
    let mut n = replay("capture_reader", checks::capture_reader);
    // The project's own captures are inputs for the reader too.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let entries = ["corpus", "corpus/handmade"]
        .into_iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("corpus/"));
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path
            .extension()
            .is_some_and(|e| e == "pcap" || e == "pcapng")
        {
            checks::capture_reader(&std::fs::read(&path).expect("capture"));
            n += 1;
        }
    }
    assert!(n >= 10, "only {n} inputs for capture_reader");
}

#[test]
fn builder_inputs() {
    let n = replay("builder", checks::builder);
    assert!(n >= 10, "only {n} saved inputs for builder");
}

#[test]
fn capture_large_inputs() {
    let n = replay("capture_large", checks::capture_large);
    assert!(n >= 10, "only {n} saved inputs for capture_large");
}

#[test]
fn line_decode_inputs() {
    let n = replay("line_decode", checks::line_decode);
    assert!(n >= 10, "only {n} saved inputs for line_decode");
}

#[test]
fn line_encode_inputs() {
    let n = replay("line_encode", checks::line_encode);
    assert!(n >= 10, "only {n} saved inputs for line_encode");
}
