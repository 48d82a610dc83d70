use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
fn main() {
    let mut hist = std::collections::BTreeMap::new();
    for dir in std::env::args().skip(1) {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let n = p.to_string_lossy().to_string();
            if !(n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".gz")) {
                continue;
            }
            let Ok(r) = CaptureReader::open(&p) else {
                continue;
            };
            for f in r {
                let Ok(f) = f else { continue };
                if let Decapsulated::Tcp(t) = find_tcp(f.linktype, &f.data) {
                    if let Ok(v) = tcpwire::TcpHeaderView::parse(t.segment) {
                        *hist.entry(v.options().count()).or_insert(0usize) += 1;
                    }
                }
            }
        }
    }
    println!("{hist:?}");
}
