//! `tcpwire::columnar::segment_batch` (feature `parquet`): raw segments as record batches. On
//! every corpus capture, each row equals, column for column, the capture table's row of the
//! same segment; a segment that does not parse is an error row; the schema is the table's
//! without the capture's columns.
mod common;

use std::path::{Path, PathBuf};

use tcpwire::capture::CaptureReader;
use tcpwire::columnar::arrow_array::cast::AsArray;
use tcpwire::columnar::arrow_array::types::UInt32Type;
use tcpwire::columnar::arrow_array::{Array, RecordBatch};
use tcpwire::columnar::{schema, segment_batch, CaptureBatches, ExportOptions, MAX_BATCH_ROWS};
use tcpwire::{ParseMode, TcpHeader};

/// The columns of the capture table that describe the capture, not the segment.
const CAPTURE_ONLY: [&str; 16] = [
    "file",
    "frame",
    "timestamp",
    "timestamp_nanos",
    "ip_version",
    "src",
    "dst",
    "truncated",
    "checksum_verdict",
    "mptcp_connection_id",
    "mptcp_subflow_id",
    "mptcp_dsn64",
    "mptcp_data_ack64",
    "mptcp_hmac_verdict",
    "mptcp_dss_checksum_verdict",
    "mptcp_events",
];

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files = common::captures_in(&root);
    files.extend(common::captures_in(&root.join("handmade")));
    assert!(files.len() >= 21, "corpus: {} captures", files.len());
    files
}

#[test]
fn the_schema_is_the_tables_without_the_capture_columns() {
    let batch = segment_batch(std::iter::empty(), ParseMode::Lossless).unwrap();
    assert_eq!(batch.num_rows(), 0);
    let expected: Vec<_> = schema()
        .fields()
        .iter()
        .filter(|f| !CAPTURE_ONLY.contains(&f.name().as_str()))
        .cloned()
        .collect();
    assert_eq!(
        batch.schema().fields().iter().cloned().collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn every_corpus_segment_gives_the_capture_tables_row() {
    let mut total = 0;
    for path in corpus() {
        let name = path.display().to_string();
        // The segments the capture table has a header row for, with whether the IP layer says
        // the capture cut them short (their `payload_len` then comes from the IP layer).
        let mut segments = Vec::new();
        common::for_each_tcp(&path, |_, tcp| {
            if TcpHeader::parse_lossless(tcp.segment).is_ok() {
                segments.push((tcp.segment.to_vec(), tcp.truncated));
            }
        });
        let raw = segment_batch(
            segments.iter().map(|(s, _)| s.as_slice()),
            ParseMode::Lossless,
        )
        .unwrap();
        assert_eq!(raw.num_rows(), segments.len(), "{name}");
        assert_eq!(
            raw.column_by_name("error").unwrap().null_count(),
            raw.num_rows()
        );

        let options = ExportOptions {
            batch_rows: usize::MAX,
            ..ExportOptions::default()
        };
        let reader = CaptureReader::open(&path).unwrap();
        let batches: Vec<RecordBatch> = CaptureBatches::new(reader, &name, &options).collect();
        assert!(batches.len() <= 1, "{name}: one batch");
        let Some(table) = batches.first() else {
            assert!(segments.is_empty(), "{name}");
            continue;
        };
        let header_rows: Vec<usize> = (0..table.num_rows())
            .filter(|&i| table.column_by_name("error").unwrap().is_null(i))
            .collect();
        assert_eq!(header_rows.len(), segments.len(), "{name}");

        for (j, &i) in header_rows.iter().enumerate() {
            for field in raw.schema().fields() {
                let ours = raw.column_by_name(field.name()).unwrap().slice(j, 1);
                let theirs = table.column_by_name(field.name()).unwrap().slice(i, 1);
                if field.name() == "payload_len" {
                    let (bytes, truncated) = &segments[j];
                    let header_len = TcpHeader::parse_lossless(bytes).unwrap().header_len();
                    let ours = ours.as_primitive::<UInt32Type>().value(0) as usize;
                    assert_eq!(ours, bytes.len() - header_len, "{name} row {i}");
                    if !truncated {
                        let theirs = theirs.as_primitive::<UInt32Type>().value(0) as usize;
                        assert_eq!(ours, theirs, "{name} row {i}: payload_len");
                    }
                    continue;
                }
                assert_eq!(
                    ours.to_data(),
                    theirs.to_data(),
                    "{name} row {i}: {}",
                    field.name()
                );
            }
        }
        total += segments.len();
    }
    assert!(total >= 800, "{total} segments");
}

#[test]
fn segments_that_do_not_parse_are_error_rows() {
    let syn = tcpwire::from_hex(
        "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
    )
    .unwrap();
    // Data offset 6 (24 bytes) holding a timestamps option of length 0.
    let mut bad_option = syn[..24].to_vec();
    bad_option[12] = 0x60;
    bad_option[20..24].copy_from_slice(&[8, 0, 0, 0]);
    let segments: [&[u8]; 4] = [&syn, &syn[..10], &bad_option, b""];

    let lossless = segment_batch(segments, ParseMode::Lossless).unwrap();
    let errors = lossless.column_by_name("error").unwrap().as_string::<i32>();
    let valid: Vec<bool> = (0..4).map(|i| errors.is_null(i)).collect();
    assert_eq!(valid, [true, false, true, false]);
    assert!(errors.value(1).starts_with("unusable TCP header: "));
    let ports = lossless.column_by_name("src_port").unwrap();
    assert!(ports.is_null(1) && ports.is_null(3) && !ports.is_null(2));
    let malformed = lossless
        .column_by_name("malformed")
        .unwrap()
        .as_list::<i32>();
    assert_eq!(malformed.value(2).len(), 1);

    let strict = segment_batch(segments, ParseMode::Strict).unwrap();
    let errors = strict.column_by_name("error").unwrap().as_string::<i32>();
    assert!(errors.is_null(0));
    assert!(errors
        .value(2)
        .starts_with("malformed option (strict parsing): "));
}

/// More segments than 32-bit offsets can hold is an error, before any row is built.
#[test]
fn segment_batch_refuses_more_rows_than_it_can_hold() {
    let header = [0u8; 20];
    let too_many = std::iter::repeat_n(header.as_slice(), MAX_BATCH_ROWS + 1);
    let e = segment_batch(too_many, ParseMode::Lossless).unwrap_err();
    assert!(e.to_string().contains("at most 1048576 segments"), "{e}");
    let fine = std::iter::repeat_n(header.as_slice(), 3);
    assert_eq!(
        segment_batch(fine, ParseMode::Lossless).unwrap().num_rows(),
        3
    );
}
