//! The writer against serde_json, on every shape serde has, and the line values against the
//! forms they replace.
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use super::{to_vec, Addr, Timestamp};

/// This writer's bytes and serde_json's, for one value.
fn both<T: Serialize + ?Sized>(value: &T) -> (String, String) {
    let mut ours = Vec::new();
    let ours_ok = to_vec(&mut ours, value).is_ok();
    let theirs = serde_json::to_vec(value);
    assert_eq!(
        ours_ok,
        theirs.is_ok(),
        "{:?}",
        String::from_utf8_lossy(&ours)
    );
    (
        String::from_utf8(ours).unwrap(),
        String::from_utf8(theirs.unwrap_or_default()).unwrap(),
    )
}

fn same<T: Serialize + ?Sized>(value: &T) {
    let (ours, theirs) = both(value);
    assert_eq!(ours, theirs);
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(u8);

#[derive(Serialize)]
struct Tuple(u8, &'static str);

#[derive(Serialize)]
enum Variants {
    Unit,
    Newtype(i32),
    Tuple(u8, bool),
    EmptyTuple(),
    Struct { a: u8, b: Option<u8> },
    EmptyStruct {},
}

#[derive(Serialize)]
struct Everything {
    t: bool,
    f: bool,
    i8: i8,
    i16: i16,
    i32: i32,
    i64: i64,
    i128: i128,
    u8: u8,
    u16: u16,
    u32: u32,
    u64: u64,
    u128: u128,
    f32: f32,
    f64: f64,
    nan: f64,
    inf: f32,
    ch: char,
    quote: char,
    text: String,
    none: Option<u8>,
    some: Option<&'static str>,
    unit: (),
    unit_struct: Unit,
    newtype: Newtype,
    tuple: Tuple,
    variants: Vec<Variants>,
    empty: Vec<u8>,
    nested: Vec<Vec<u8>>,
    #[serde(with = "serde_bytes_like")]
    bytes: Vec<u8>,
    #[serde(with = "serde_bytes_like")]
    no_bytes: Vec<u8>,
    string_keys: BTreeMap<String, u8>,
    int_keys: BTreeMap<i16, u8>,
    bool_keys: BTreeMap<bool, u8>,
    empty_map: BTreeMap<u8, u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
}

/// Bytes through `serialize_bytes`.
mod serde_bytes_like {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

#[test]
fn every_serde_shape_writes_serde_jsons_bytes() {
    let all_ascii: String = (0u8..0x80).map(char::from).collect();
    let value = Everything {
        t: true,
        f: false,
        i8: i8::MIN,
        i16: -300,
        i32: i32::MIN,
        i64: i64::MIN,
        i128: i128::MIN,
        u8: u8::MAX,
        u16: 0,
        u32: u32::MAX,
        u64: u64::MAX,
        u128: u128::MAX,
        f32: 1.5e-7,
        f64: -0.1,
        nan: f64::NAN,
        inf: f32::INFINITY,
        ch: 'é',
        quote: '"',
        text: format!("{all_ascii} é 漢字 \u{7f} \u{2028}"),
        none: None,
        some: Some("a\\b"),
        unit: (),
        unit_struct: Unit,
        newtype: Newtype(7),
        tuple: Tuple(1, "\n"),
        variants: vec![
            Variants::Unit,
            Variants::Newtype(-1),
            Variants::Tuple(2, true),
            Variants::EmptyTuple(),
            Variants::Struct { a: 3, b: None },
            Variants::EmptyStruct {},
        ],
        empty: vec![],
        nested: vec![vec![], vec![1, 2]],
        bytes: vec![0, 1, 255],
        no_bytes: vec![],
        string_keys: [("a\"b".to_string(), 1), ("\u{1}".to_string(), 2)].into(),
        int_keys: [(-5, 1), (300, 2)].into(),
        bool_keys: [(false, 1), (true, 2)].into(),
        empty_map: BTreeMap::new(),
        skipped: None,
    };
    same(&value);
    // Strings whose characters to escape fall on every position of an 8-byte word.
    for len in 0..20 {
        for at in 0..len {
            for special in [b'"', b'\\', b'\n', 0x1f, 0x00, b'a'] {
                let mut text = vec![b'x'; len];
                text[at] = special;
                same(&String::from_utf8(text).unwrap());
            }
        }
    }
}

#[test]
fn keys_that_are_not_strings_fail_as_in_serde_json() {
    let map: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
    assert!(to_vec(&mut Vec::new(), &map).is_err());
    assert!(serde_json::to_vec(&map).is_err());
    let float_keys = [(1.5f64, 1u8)];
    let mut ours = Vec::new();
    super::to_vec(&mut ours, &MapOf(&float_keys)).unwrap();
    assert_eq!(ours, serde_json::to_vec(&MapOf(&float_keys)).unwrap());
}

/// Pairs as a map (floats are not `Ord`).
struct MapOf<'a>(&'a [(f64, u8)]);

impl Serialize for MapOf<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[test]
fn collect_str_escapes_what_display_writes() {
    struct Shown;
    impl std::fmt::Display for Shown {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a\"b")?;
            f.write_str("\t")
        }
    }
    struct Collected;
    impl Serialize for Collected {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&Shown)
        }
    }
    same(&Collected);
    same(&[IpAddr::from([10, 0, 0, 1])]);
}

#[test]
fn timestamps_are_written_as_frame_timestamp_string() {
    for (secs, nanos) in [
        (0, 0),
        (1, 5),
        (1_795_749_902, 429_282_000),
        (u64::MAX, 999_999_999),
    ] {
        let (ours, _) = both(&Timestamp((secs, nanos)));
        assert_eq!(ours, format!("\"{secs}.{nanos:09}\""));
    }
    // A sub-second field of a second or more (never made by the reader) keeps its digits.
    let (ours, _) = both(&Timestamp((1, u32::MAX)));
    assert_eq!(ours, format!("\"1.{}\"", u32::MAX));
}

#[test]
fn addresses_are_written_as_their_display() {
    let mut addresses: Vec<IpAddr> = vec![
        Ipv4Addr::new(0, 0, 0, 0).into(),
        Ipv4Addr::new(255, 255, 255, 255).into(),
        Ipv4Addr::new(10, 71, 1, 2).into(),
        Ipv6Addr::UNSPECIFIED.into(),
        Ipv6Addr::LOCALHOST.into(),
        "::ffff:10.0.0.1".parse::<Ipv6Addr>().unwrap().into(),
        "::10.0.0.1".parse::<Ipv6Addr>().unwrap().into(),
        "64:ff9b::10.0.0.1".parse::<Ipv6Addr>().unwrap().into(),
    ];
    // Every pattern of zero groups, with short and long nonzero groups.
    for pattern in 0u32..256 {
        for fill in [1u16, 0xab, 0xfff, 0xffff] {
            let groups: Vec<u16> = (0..8)
                .map(|i| if pattern >> i & 1 == 1 { fill } else { 0 })
                .collect();
            let g: [u16; 8] = groups.try_into().unwrap();
            addresses.push(Ipv6Addr::from(g).into());
        }
    }
    for address in addresses {
        let (ours, theirs) = both(&Addr(address));
        assert_eq!(ours, theirs, "{address}");
        assert_eq!(ours, format!("\"{address}\""));
    }
}
