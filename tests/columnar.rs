//! `tcpwire::columnar` (feature `parquet`): every header of every corpus capture made again
//! byte for byte from Parquet; typed columns agree with the parsed headers; batches and row
//! groups bounded; the command line's `-j N` output identical to `-j 1`; `--partition` parts.
mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use tcpwire::capture::CaptureReader;
use tcpwire::columnar::arrow_array::cast::AsArray;
use tcpwire::columnar::arrow_array::types::{UInt16Type, UInt32Type, UInt8Type};
use tcpwire::columnar::arrow_array::{Array, RecordBatch};
use tcpwire::columnar::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use tcpwire::columnar::{
    export_arrow_ipc, export_parquet, read_parquet_headers, CaptureBatches, ExportOptions,
};
use tcpwire::{ParseMode, TcpHeader, TcpOption};

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files = common::captures_in(&root);
    files.extend(common::captures_in(&root.join("handmade")));
    assert!(files.len() >= 21, "corpus: {} captures", files.len());
    files
}

fn temp(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-columnar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The header bytes of every TCP segment whose header was captured whole, by frame, read
/// straight from the capture.
fn captured_headers(path: &Path) -> BTreeMap<u64, Vec<u8>> {
    let mut headers = BTreeMap::new();
    common::for_each_tcp(path, |frame, tcp| {
        if let Ok(h) = TcpHeader::parse_lossless(tcp.segment) {
            headers.insert(frame.number, tcp.segment[..h.header_len()].to_vec());
        }
    });
    headers
}

fn check_regeneration(files: &[PathBuf], out: &str) -> usize {
    let mut total = 0;
    for path in files {
        let name = path.display().to_string();
        let out = temp(out);
        let options = ExportOptions {
            batch_rows: 20,
            row_group_rows: 50, // several batches per row group, several row groups per capture
            ..ExportOptions::default()
        };
        let reader = CaptureReader::open(path).unwrap();
        let summary = export_parquet(reader, &name, File::create(&out).unwrap(), &options)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = captured_headers(path);
        let mut seen = 0;
        for row in read_parquet_headers(File::open(&out).unwrap()).unwrap() {
            let row = row.unwrap_or_else(|e| panic!("{name}: {e}"));
            let made = row.header.to_bytes().unwrap();
            let captured = expected
                .get(&row.frame)
                .unwrap_or_else(|| panic!("{name} frame {}: not a segment", row.frame));
            assert_eq!(&made, captured, "{name} frame {}", row.frame);
            assert_eq!(row.header_bytes, made, "{name} frame {}", row.frame);
            assert_eq!(row.file, name);
            seen += 1;
        }
        assert_eq!(seen, expected.len(), "{name}: every header");
        assert_eq!(seen as u64, summary.segments, "{name}");
        total += seen;
    }
    total
}

#[test]
fn every_corpus_header_is_made_again_from_parquet() {
    assert_eq!(check_regeneration(&corpus(), "corpus.parquet"), 901);
}

#[test]
fn every_public_corpus_header_is_made_again_from_parquet() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    assert!(check_regeneration(&common::captures_in(&dir), "public.parquet") > 3000);
}

fn batches(path: &Path, options: &ExportOptions) -> Vec<RecordBatch> {
    let reader = CaptureReader::open(path).unwrap();
    CaptureBatches::new(reader, "x", options).collect()
}

#[test]
fn typed_columns_agree_with_the_parsed_headers() {
    let (mut rows, mut mptcp_rows) = (0, 0);
    for path in corpus() {
        for batch in batches(&path, &ExportOptions::default()) {
            let column = |name: &str| batch.column_by_name(name).unwrap().clone();
            let header_bytes = column("header_bytes");
            let header_bytes = header_bytes.as_binary::<i32>();
            let (mss, shift) = (column("mss"), column("window_scale"));
            let (mss, shift) = (
                mss.as_primitive::<UInt16Type>(),
                shift.as_primitive::<UInt8Type>(),
            );
            let tsval = column("tsval");
            let tsval = tsval.as_primitive::<UInt32Type>();
            let subtypes = column("mptcp_subtypes");
            let subtypes = subtypes.as_list::<i32>();
            let malformed = column("malformed");
            let malformed = malformed.as_list::<i32>();
            let options = column("options");
            let options = options.as_list::<i32>();
            for i in 0..batch.num_rows() {
                if header_bytes.is_null(i) {
                    continue;
                }
                let h = TcpHeader::parse_lossless(header_bytes.value(i)).unwrap();
                let first = |f: &dyn Fn(&TcpOption) -> Option<u32>| h.options.iter().find_map(f);
                let expected_mss = first(&|o| match o {
                    TcpOption::Mss(v) => Some(u32::from(v.mss)),
                    _ => None,
                });
                let expected_shift = first(&|o| match o {
                    TcpOption::WindowScale(v) => Some(u32::from(v.shift)),
                    _ => None,
                });
                let expected_tsval = first(&|o| match o {
                    TcpOption::Timestamps(v) => Some(v.tsval),
                    _ => None,
                });
                let get = |a: &dyn Fn(usize) -> Option<u32>| a(i);
                assert_eq!(
                    get(&|i| mss.is_valid(i).then(|| u32::from(mss.value(i)))),
                    expected_mss
                );
                assert_eq!(
                    get(&|i| shift.is_valid(i).then(|| u32::from(shift.value(i)))),
                    expected_shift
                );
                assert_eq!(
                    get(&|i| tsval.is_valid(i).then(|| tsval.value(i))),
                    expected_tsval
                );
                let mptcp = h
                    .options
                    .iter()
                    .filter(|o| matches!(o, TcpOption::Mptcp(_)))
                    .count();
                assert_eq!(subtypes.value_length(i) as usize, mptcp);
                let bad = h.options.iter().filter(|o| o.is_malformed()).count();
                assert_eq!(malformed.value_length(i) as usize, bad);
                assert_eq!(options.value_length(i) as usize, h.options.len());
                rows += 1;
                mptcp_rows += usize::from(mptcp > 0);
            }
        }
    }
    assert_eq!(rows, 901);
    assert!(mptcp_rows > 300, "{mptcp_rows} rows with MPTCP");
}

/// The columns made from cached text (addresses, flags) and those appended in runs of nulls
/// (the `mptcp_*` fields of rows without MPTCP) hold each row's own values, with batches of 7
/// rows so that runs cross batch ends.
#[test]
fn text_and_mostly_null_columns_hold_each_rows_values() {
    use tcpwire::columnar::arrow_array::types::UInt64Type;
    use tcpwire::MptcpOption;
    let options = ExportOptions {
        batch_rows: 7,
        ..ExportOptions::default()
    };
    let (mut rows, mut dss_rows) = (0, 0);
    for path in corpus() {
        let mut captured = BTreeMap::new();
        common::for_each_tcp(&path, |frame, tcp| {
            captured.insert(frame.number, (tcp.src.to_string(), tcp.dst.to_string()));
        });
        for batch in batches(&path, &options) {
            let column = |name: &str| batch.column_by_name(name).unwrap().clone();
            let (frames, header_bytes) = (column("frame"), column("header_bytes"));
            let frames = frames.as_primitive::<UInt64Type>();
            let header_bytes = header_bytes.as_binary::<i32>();
            let (src, dst, flags) = (column("src"), column("dst"), column("flags"));
            let (src, dst, flags) = (
                src.as_string::<i32>(),
                dst.as_string::<i32>(),
                flags.as_string::<i32>(),
            );
            let (dsn, data_ack) = (column("mptcp_dsn"), column("mptcp_data_ack"));
            let (dsn, data_ack) = (
                dsn.as_primitive::<UInt64Type>(),
                data_ack.as_primitive::<UInt64Type>(),
            );
            for i in 0..batch.num_rows() {
                if header_bytes.is_null(i) {
                    assert!(src.is_null(i) && flags.is_null(i) && dsn.is_null(i));
                    continue;
                }
                let h = TcpHeader::parse_lossless(header_bytes.value(i)).unwrap();
                let (want_src, want_dst) = &captured[&frames.value(i)];
                assert_eq!((src.value(i), dst.value(i)), (&**want_src, &**want_dst));
                assert_eq!(flags.value(i), h.flags.to_string());
                // Each from the first MPTCP option that has it: a DSS mapping or MP_FAIL.
                let want_dsn = h.options.iter().find_map(|o| match o {
                    TcpOption::Mptcp(MptcpOption::Dss(d)) => d.mapping.as_ref().map(|m| m.dsn),
                    TcpOption::Mptcp(MptcpOption::MpFail(f)) => Some(f.dsn),
                    _ => None,
                });
                assert_eq!(dsn.is_valid(i).then(|| dsn.value(i)), want_dsn);
                let dss = h.options.iter().find_map(|o| match o {
                    TcpOption::Mptcp(MptcpOption::Dss(d)) => Some(d),
                    _ => None,
                });
                let want_ack = h.options.iter().find_map(|o| match o {
                    TcpOption::Mptcp(MptcpOption::Dss(d)) => d.data_ack,
                    _ => None,
                });
                assert_eq!(data_ack.is_valid(i).then(|| data_ack.value(i)), want_ack);
                dss_rows += usize::from(dss.is_some());
                rows += 1;
            }
        }
    }
    assert_eq!(rows, 901);
    assert!(dss_rows > 200, "{dss_rows} rows with a DSS");
}

#[test]
fn mptcp_options_hold_the_typed_fields_of_every_mptcp_option() {
    use tcpwire::columnar::arrow_array::types::UInt64Type;
    use tcpwire::mptcp::{MpJoin, MptcpOption};
    let (mut dss, mut keys, mut tokens) = (0, 0, 0);
    for path in corpus() {
        for batch in batches(&path, &ExportOptions::default()) {
            let header_bytes = batch.column_by_name("header_bytes").unwrap().clone();
            let header_bytes = header_bytes.as_binary::<i32>();
            let list = batch.column_by_name("mptcp_options").unwrap().clone();
            let list = list.as_list::<i32>();
            for i in 0..batch.num_rows() {
                if header_bytes.is_null(i) {
                    continue;
                }
                let h = TcpHeader::parse_lossless(header_bytes.value(i)).unwrap();
                let expected: Vec<(usize, &MptcpOption)> = tcpwire::wire::options_with_offsets(&h)
                    .filter_map(|(offset, o)| match o {
                        TcpOption::Mptcp(m) => Some((offset, m)),
                        _ => None,
                    })
                    .collect();
                let elements = list.value(i);
                let elements = elements.as_struct();
                assert_eq!(elements.len(), expected.len());
                let field = |name: &str| elements.column_by_name(name).unwrap().clone();
                let (offset, subtype) = (field("offset"), field("subtype"));
                let (offset, subtype) = (
                    offset.as_primitive::<UInt8Type>(),
                    subtype.as_primitive::<UInt8Type>(),
                );
                let dsn = field("dsn");
                let dsn = dsn.as_primitive::<UInt64Type>();
                let (sender_key, token) = (field("sender_key"), field("token"));
                let (sender_key, token) = (sender_key.as_binary::<i32>(), token.as_binary::<i32>());
                for (j, (at, m)) in expected.iter().enumerate() {
                    assert_eq!(usize::from(offset.value(j)), *at);
                    assert_eq!(subtype.value(j), header_bytes.value(i)[at + 2] >> 4);
                    match m {
                        MptcpOption::Dss(d) => {
                            let got = dsn.is_valid(j).then(|| dsn.value(j));
                            assert_eq!(got, d.mapping.map(|m| m.dsn));
                            dss += 1;
                        }
                        MptcpOption::MpCapable(c) if c.sender_key.is_some() => {
                            assert_eq!(
                                Some(sender_key.value(j)),
                                c.sender_key.as_ref().map(|k| &k[..])
                            );
                            keys += 1;
                        }
                        MptcpOption::MpJoin(MpJoin::Syn { receiver_token, .. }) => {
                            assert_eq!(token.value(j), receiver_token);
                            tokens += 1;
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    assert!(
        dss > 200 && keys > 20 && tokens > 8,
        "{dss} DSS, {keys} keys, {tokens} tokens"
    );
}

#[test]
fn batches_and_row_groups_hold_at_most_their_rows() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/mptcp-ipv4-multipath.pcap");
    let options = ExportOptions {
        batch_rows: 12,
        row_group_rows: 32,
        ..ExportOptions::default()
    };
    let sizes: Vec<usize> = batches(&path, &options)
        .iter()
        .map(RecordBatch::num_rows)
        .collect();
    assert_eq!(sizes, [12, 12, 12, 12, 12, 12, 12, 12, 12, 2]);
    let out = temp("groups.parquet");
    export_parquet(
        CaptureReader::open(&path).unwrap(),
        "m",
        File::create(&out).unwrap(),
        &options,
    )
    .unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&out).unwrap()).unwrap();
    let groups: Vec<i64> = reader
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .collect();
    assert_eq!(groups, [32, 32, 32, 14]);
}

#[test]
fn strict_mode_makes_malformed_segments_error_rows() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/handmade/malformed.pcap");
    let options = ExportOptions {
        mode: ParseMode::Strict,
        ..ExportOptions::default()
    };
    let mut reader = CaptureBatches::new(CaptureReader::open(&path).unwrap(), "m", &options);
    let all: Vec<RecordBatch> = reader.by_ref().collect();
    let errors: Vec<String> = all
        .iter()
        .flat_map(|b| {
            let e = b
                .column_by_name("error")
                .unwrap()
                .as_string::<i32>()
                .clone();
            (0..e.len())
                .filter(|&i| e.is_valid(i))
                .map(|i| e.value(i).to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(errors.len(), 52);
    assert!(errors
        .iter()
        .all(|e| e.starts_with("malformed option (strict parsing): ")));
    assert_eq!(reader.summary().errors, 52);
    assert_eq!(reader.summary().segments, 0);
}

#[test]
fn arrow_ipc_holds_the_same_rows() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/tcp-ipv4-sack.pcap");
    let out = temp("sack.arrow");
    let summary = export_arrow_ipc(
        CaptureReader::open(&path).unwrap(),
        "sack",
        File::create(&out).unwrap(),
        &ExportOptions::default(),
    )
    .unwrap();
    let parquet: usize = batches(&path, &ExportOptions::default())
        .iter()
        .map(RecordBatch::num_rows)
        .sum();
    assert_eq!(summary.segments as usize, parquet);
    // An Arrow IPC file starts and ends with the magic "ARROW1".
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..6], b"ARROW1");
    assert_eq!(&bytes[bytes.len() - 6..], b"ARROW1");
}

fn tcpwire(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn parallel_output_is_identical_to_one_job() {
    let files: Vec<String> = corpus().iter().map(|p| p.display().to_string()).collect();
    let mut outputs = Vec::new();
    for (jobs, format) in [
        ("1", "parquet"),
        ("2", "parquet"),
        ("1", "arrow"),
        ("3", "arrow"),
    ] {
        let out = temp(&format!("j{jobs}.{format}"));
        let mut args = vec![
            "pcap",
            "--format",
            format,
            "-j",
            jobs,
            "--row-group-rows",
            "64",
        ];
        args.extend(["-o", out.to_str().unwrap()]);
        args.extend(files.iter().map(String::as_str));
        let (code, stderr) = tcpwire(&args);
        // 1: the 17 headers of tcp-snaplen80.pcap cut short are error rows.
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(stderr.lines().count(), files.len(), "one summary per file");
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1], "parquet: -j 2 differs from -j 1");
    assert_eq!(outputs[2], outputs[3], "arrow: -j 3 differs from -j 1");
    // And the rows are in input order: file by file, frames ascending.
    let out = temp("j1.parquet");
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&out).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut order = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let file = batch
            .column_by_name("file")
            .unwrap()
            .as_string::<i32>()
            .clone();
        let frame = batch.column_by_name("frame").unwrap().clone();
        let frame = frame.as_primitive::<tcpwire::columnar::arrow_array::types::UInt64Type>();
        for i in 0..batch.num_rows() {
            let k = files.iter().position(|f| f == file.value(i)).unwrap();
            order.push((k, frame.value(i)));
        }
    }
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(order.len(), 901 + 17); // the segments and the 17 headers cut short
}

/// `tcpwire pcap ARGS` with standard output and standard error kept.
fn tcpwire_output(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn parallel_ndjson_is_identical_to_one_job() {
    let mut files: Vec<String> = corpus().iter().map(|p| p.display().to_string()).collect();
    if let Some(public) = common::public_corpus() {
        files.extend(
            common::captures_in(&public)
                .iter()
                .map(|p| p.display().to_string()),
        );
    }
    // A file that is not a capture, in the middle: exit code 2, the others still read.
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/README.md");
    files.insert(files.len() / 2, readme.to_string());
    for extra in [&[][..], &["--analyze"], &["--strict"]] {
        let mut outputs = Vec::new();
        for jobs in ["1", "2", "3"] {
            let mut args = vec!["pcap", "-j", jobs];
            args.extend(extra);
            args.extend(files.iter().map(String::as_str));
            let (code, stdout, stderr) = tcpwire_output(&args);
            assert_eq!(code, 2, "{stderr}");
            assert!(stdout.len() > 500_000, "{extra:?}: {} bytes", stdout.len());
            outputs.push((stdout, stderr));
        }
        for (jobs, output) in ["2", "3"].iter().zip(&outputs[1..]) {
            assert!(
                output.0 == outputs[0].0,
                "{extra:?}: -j {jobs} differs from -j 1 on stdout"
            );
            assert_eq!(output.1, outputs[0].1, "{extra:?}: -j {jobs}: stderr");
        }
    }
    let (code, _, stderr) = tcpwire_output(&["pcap", "-j", "0", readme]);
    assert_eq!(code, 2);
    assert!(stderr.contains("at least 1"), "{stderr}");
}

#[test]
fn partition_writes_one_part_per_capture() {
    let files: Vec<String> = corpus().iter().map(|p| p.display().to_string()).collect();
    let dir = temp("table");
    let _ = std::fs::remove_dir_all(&dir);
    let mut args = vec![
        "pcap",
        "--format",
        "parquet",
        "--partition",
        "-j",
        "2",
        "-o",
    ];
    args.push(dir.to_str().unwrap());
    args.extend(files.iter().map(String::as_str));
    let (code, stderr) = tcpwire(&args);
    assert_eq!(code, 1, "{stderr}");
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("capture="), "{name}");
        for part in std::fs::read_dir(entry.path()).unwrap() {
            let part = part.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                part.starts_with("part-") && part.ends_with(".parquet"),
                "{part}"
            );
            parts.push(format!("{name}/{part}"));
        }
    }
    assert_eq!(parts.len(), files.len(), "{parts:?}");
    // A second run replaces the parts: same names, none added.
    let (code, _) = tcpwire(&args);
    assert_eq!(code, 1);
    let again: usize = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_dir(e.unwrap().path()).unwrap().count())
        .sum();
    assert_eq!(again, files.len());
}

#[test]
fn columnar_options_need_a_columnar_format_and_an_output() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/tcp-ipv4-sack.pcap");
    let (code, stderr) = tcpwire(&["pcap", "-o", "out.parquet", file]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("need --format parquet or arrow"),
        "{stderr}"
    );
    let (code, stderr) = tcpwire(&["pcap", "--format", "parquet", file]);
    assert_eq!(code, 2);
    assert!(stderr.contains("need -o OUT"), "{stderr}");
    let (code, stderr) = tcpwire(&["encode", "--from-parquet", file]);
    assert_eq!(code, 2);
    assert!(stderr.contains("tcp-ipv4-sack.pcap"), "{stderr}");
}
