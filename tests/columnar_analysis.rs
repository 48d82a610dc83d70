//! The MPTCP analysis columns of the columnar export (`tcpwire pcap --analyze --format
//! parquet`) hold, segment for segment, what `tcpwire pcap --analyze` prints under `"mptcp"`;
//! without `--analyze` they are null.
mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};
use tcpwire::columnar::arrow_array::cast::AsArray;
use tcpwire::columnar::arrow_array::types::{UInt32Type, UInt64Type};
use tcpwire::columnar::arrow_array::{Array, ArrayRef, RecordBatch};
use tcpwire::columnar::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The captures with MPTCP: the shipped corpus's, and the public corpus's when present.
fn mptcp_captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<PathBuf> = common::captures_in(&root)
        .into_iter()
        .chain(common::captures_in(&root.join("handmade")))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains("mptcp") || name == "tcp-snaplen80.pcap"
        })
        .collect();
    assert!(files.len() >= 8, "{files:?}");
    if let Some(public) = common::public_corpus() {
        files.extend(
            common::captures_in(&public)
                .into_iter()
                .filter(|p| p.to_string_lossy().contains("mptcp")),
        );
    }
    files
}

fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-columnar-analysis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .output()
        .unwrap();
    // 0, or 1 for error lines (headers cut by the snap length) and bad verdicts.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn batches(path: &Path) -> Vec<RecordBatch> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn u64_at(column: &ArrayRef, i: usize) -> Option<u64> {
    let c = column.as_primitive::<UInt64Type>();
    c.is_valid(i).then(|| c.value(i))
}

fn text_at(column: &ArrayRef, i: usize) -> Option<String> {
    let c = column.as_string::<i32>();
    c.is_valid(i).then(|| c.value(i).to_string())
}

/// A row's analysis columns in the shape of `tcpwire pcap --analyze`'s `"mptcp"` object
/// (absent fields left out, 64-bit sequence numbers as decimal strings), with events by name
/// and the DSS checksum by verdict and mapping frame; `None` when the row has none.
fn annotation_of_row(batch: &RecordBatch, i: usize) -> Option<Value> {
    let col = |name: &str| {
        batch
            .column_by_name(name)
            .unwrap_or_else(|| panic!("no column {name}"))
            .clone()
    };
    let subflow = u64_at(&col("mptcp_subflow_id"), i)?;
    let mut m = Map::new();
    if let Some(c) = u64_at(&col("mptcp_connection_id"), i) {
        m.insert("connection".into(), json!(c));
    }
    m.insert("subflow".into(), json!(subflow));
    let token = col("mptcp_key_token");
    let token = token.as_primitive::<UInt32Type>();
    if token.is_valid(i) {
        m.insert("token".into(), json!(token.value(i)));
    }
    for (key, column) in [
        ("idsn", "mptcp_idsn"),
        ("dsn", "mptcp_dsn64"),
        ("relative_dsn", "mptcp_relative_dsn"),
        ("payload_dsn", "mptcp_payload_dsn"),
        ("data_ack", "mptcp_data_ack64"),
        ("relative_data_ack", "mptcp_relative_data_ack"),
    ] {
        if let Some(v) = u64_at(&col(column), i) {
            m.insert(key.into(), json!(v.to_string()));
        }
    }
    for (key, column) in [
        ("join_hmac", "mptcp_join_hmac_verdict"),
        ("add_addr_hmac", "mptcp_add_addr_hmac_verdict"),
    ] {
        if let Some(v) = text_at(&col(column), i) {
            m.insert(key.into(), json!(v));
        }
    }
    if let Some(verdict) = text_at(&col("mptcp_dss_checksum_verdict"), i) {
        let frame = u64_at(&col("mptcp_dss_checksum_mapping_frame"), i);
        m.insert(
            "dss_checksum".into(),
            json!({"verdict": verdict, "mapping_frame": frame}),
        );
    }
    let reinjection = col("mptcp_reinjection_of");
    let reinjection = reinjection.as_list::<i32>().value(i);
    let reinjection = reinjection.as_primitive::<UInt64Type>();
    if !reinjection.is_empty() {
        m.insert(
            "reinjection_of".into(),
            json!(reinjection.values().to_vec()),
        );
    }
    let out_of_order = col("mptcp_out_of_order");
    if out_of_order.as_boolean().value(i) {
        m.insert("out_of_order".into(), json!(true));
    }
    let events = col("mptcp_events");
    let events = events.as_list::<i32>().value(i);
    let events = events.as_string::<i32>();
    if !events.is_empty() {
        let names: Vec<&str> = events.iter().map(Option::unwrap).collect();
        m.insert("events".into(), json!(names));
    }
    Some(Value::Object(m))
}

/// `"mptcp"` of an NDJSON line, in the form [`annotation_of_row`] gives.
fn annotation_of_line(line: &Value) -> Option<Value> {
    let mut m = line.get("mptcp")?.as_object()?.clone();
    if let Some(dss) = m.get_mut("dss_checksum") {
        *dss = json!({"verdict": dss["verdict"], "mapping_frame": dss["mapping_frame"]});
    }
    if let Some(events) = m.get_mut("events") {
        let names: Vec<Value> = events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].clone())
            .collect();
        *events = json!(names);
    }
    Some(Value::Object(m))
}

#[test]
fn analysis_columns_equal_the_annotations_of_pcap_analyze() {
    let mut annotated = 0;
    let mut kinds = BTreeMap::<&str, usize>::new();
    for path in mptcp_captures() {
        let file = path.to_str().unwrap();
        let lines = run(&["pcap", "--analyze", file]);
        let mut expected = BTreeMap::new();
        let mut dsn_of_frame = BTreeMap::new();
        let mut checksums = Vec::new();
        for line in String::from_utf8(lines).unwrap().lines() {
            let line: Value = serde_json::from_str(line).unwrap();
            if line.get("error").is_some() {
                continue;
            }
            let frame = line["frame"].as_u64().unwrap();
            dsn_of_frame.insert(frame, line["mptcp"]["dsn"].clone());
            if let Some(dss) = line["mptcp"].get("dss_checksum") {
                checksums.push(dss.clone());
            }
            expected.insert(frame, annotation_of_line(&line));
        }
        // The columns keep a DSS checksum's verdict and mapping frame: the mapping's DSN is in
        // that frame's row.
        for dss in checksums {
            let frame = dss["mapping_frame"].as_u64().unwrap();
            assert_eq!(dsn_of_frame[&frame], dss["dsn"], "{file}: {dss}");
        }
        let out = temp("analysis.parquet");
        let out = out.to_str().unwrap();
        // Small batches: the analysis goes on across batches.
        run(&[
            "pcap",
            "--analyze",
            "--format",
            "parquet",
            "--row-group-rows",
            "16",
            "-o",
            out,
            file,
        ]);
        let mut rows = 0;
        for batch in batches(Path::new(out)) {
            let frames = batch.column_by_name("frame").unwrap().clone();
            let errors = batch.column_by_name("error").unwrap().clone();
            for i in 0..batch.num_rows() {
                if errors.is_valid(i) {
                    assert!(annotation_of_row(&batch, i).is_none());
                    continue;
                }
                let frame = u64_at(&frames, i).unwrap();
                let want = expected
                    .get(&frame)
                    .unwrap_or_else(|| panic!("{file} frame {frame}: no NDJSON line"));
                let got = annotation_of_row(&batch, i);
                assert_eq!(&got, want, "{file} frame {frame}");
                if let Some(Value::Object(m)) = &got {
                    annotated += 1;
                    for key in m.keys() {
                        *kinds.entry(key_name(key)).or_default() += 1;
                    }
                }
                rows += 1;
            }
        }
        assert_eq!(rows, expected.len(), "{file}: one row per segment line");
    }
    // The comparison covered the annotations' fields, not just empty ones.
    for key in [
        "connection",
        "token",
        "idsn",
        "dsn",
        "relative_dsn",
        "payload_dsn",
        "data_ack",
        "relative_data_ack",
        "join_hmac",
        "add_addr_hmac",
        "dss_checksum",
        "events",
    ] {
        assert!(kinds.get(key).copied().unwrap_or(0) > 0, "{key}: {kinds:?}");
    }
    assert!(annotated > 300, "{annotated} annotated segments");
}

fn key_name(key: &str) -> &'static str {
    [
        "connection",
        "subflow",
        "token",
        "idsn",
        "dsn",
        "relative_dsn",
        "payload_dsn",
        "data_ack",
        "relative_data_ack",
        "join_hmac",
        "add_addr_hmac",
        "dss_checksum",
        "reinjection_of",
        "out_of_order",
        "events",
    ]
    .into_iter()
    .find(|k| *k == key)
    .unwrap_or_else(|| panic!("an annotation field the columns do not hold: {key}"))
}

#[test]
fn analysis_columns_are_null_without_analyze() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/mptcp-ipv4-multipath.pcap"
    );
    let out = temp("plain.parquet");
    let out = out.to_str().unwrap();
    run(&["pcap", "--format", "parquet", "-o", out, file]);
    let mut rows = 0;
    for batch in batches(Path::new(out)) {
        for name in ["mptcp_connection_id", "mptcp_subflow_id", "mptcp_events"] {
            let column = batch.column_by_name(name).unwrap();
            assert_eq!(column.null_count(), batch.num_rows(), "{name}");
        }
        rows += batch.num_rows();
    }
    assert_eq!(rows, 110);
}
