#!/usr/bin/env bash
# make-linux-captures.sh: regenerate tcpwire's own capture corpus from the Linux kernel.
#
# Run by hand, as root, on a Linux host with network namespaces (CI never runs this).
# It builds three namespaces (client, router, server) joined by veth pairs, with IPv4
# (10.71.0.0/16) and IPv6 (fd00:71::/32) addresses that exist only inside them, runs one
# scenario per capture file, records with tcpdump, and removes everything it created on
# exit (trap). Nothing is ever sent off the machine.
#
#   corpus/make-linux-captures.sh                 # every scenario, then counts.tsv
#   corpus/make-linux-captures.sh mptcp-mp-fail   # only the named captures, then counts.tsv
#   corpus/make-linux-captures.sh --counts-only   # only recompute counts.tsv from the pcaps
#   corpus/make-linux-captures.sh --list          # list the scenario names
#
# Environment: OUT=DIR writes the pcaps and counts.tsv there instead of next to this script;
# ORACLE=PATH points at tshark_oracle.sh (default: ../shared/tools next to the repository).
#
# Needs: ip (iproute2 with `ip mptcp`), tcpdump, nft, ethtool, python3, tshark (counts),
# and for the AccECN capture clang + bpftool + kernel BTF (a BPF congestion control with
# TCP_CONG_NEEDS_ACCECN is the only way to turn AccECN on where net.ipv4.tcp_ecn stops at 2).
# It stops with a message as soon as a tool, a kernel feature or an expected packet is missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT=${OUT:-$HERE}
ORACLE=${ORACLE:-$REPO/../shared/tools/tshark_oracle.sh}
P=twlc                      # namespace prefix: twlc-cli, twlc-rtr, twlc-srv
CC_NAME=tw_accecn           # BPF congestion control registered for the AccECN capture
WORK=""
BG_PIDS=()
CC_REGISTERED=""

die() { echo "make-linux-captures: ERROR: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

# ---------------------------------------------------------------------------------------
# Scenarios, in the order they run. Each name is a capture file (NAME.pcap) and a function.
SCENARIOS=(
    tcp-ipv4-handshake
    tcp-ipv6-handshake
    tcp-ipv4-sack
    tcp-ipv4-sack-nots
    tcp-ipv6-sack
    tcp-fastopen
    tcp-md5
    tcp-ecn
    tcp-accecn
    mptcp-ipv4-single
    mptcp-ipv4-single-csum
    mptcp-ipv4-multipath
    mptcp-ipv6-multipath
    mptcp-fastclose
    mptcp-mp-fail
    tcp-snaplen80
)

# What each capture must contain (item from counts.tsv, must be > 0). A missing item means
# the kernel or a tool did not do what the scenario needs: the run fails.
EXPECT=(
    "tcp-ipv4-handshake kind:2 kind:3 kind:4 kind:8 flag:rst flag:fin"
    "tcp-ipv6-handshake kind:2 kind:3 kind:4 kind:8 flag:rst flag:fin"
    "tcp-ipv4-sack kind:5/len26 kind:5/len18 kind:5/len10 dsack"
    "tcp-ipv4-sack-nots kind:5/len34"
    "tcp-ipv6-sack kind:5/len26"
    "tcp-fastopen kind:34/len2 kind:34/len10 syn_with_data"
    "tcp-md5 kind:19/len18"
    "tcp-ecn flag:ece flag:cwr syn_ece_cwr"
    "tcp-accecn flag:ae kind:174/len11 syn_ae_cwr_ece"
    "mptcp-ipv4-single mptcp:MP_CAPABLE/len4 mptcp:MP_CAPABLE/len12 mptcp:MP_CAPABLE/len20 mptcp:MP_CAPABLE/len22 mptcp:DSS"
    "mptcp-ipv4-single-csum mptcp:MP_CAPABLE/len24 mptcp:DSS/len24"
    "mptcp-ipv4-multipath mptcp:ADD_ADDR/len18 mptcp:ADD_ADDR/len16 mptcp:ADD_ADDR/len10 mptcp:ADD_ADDR/len8 mptcp:MP_JOIN/len12 mptcp:MP_JOIN/len16 mptcp:MP_JOIN/len24 mptcp:MP_PRIO mptcp:REMOVE_ADDR"
    "mptcp-ipv6-multipath mptcp:ADD_ADDR/len28 mptcp:ADD_ADDR/len20 mptcp:MP_JOIN mptcp:MP_PRIO mptcp:REMOVE_ADDR mptcp:MP_TCPRST"
    "mptcp-fastclose mptcp:MP_FASTCLOSE mptcp:MP_TCPRST"
    "mptcp-mp-fail mptcp:MP_FAIL"
    "tcp-snaplen80 frames_truncated tcp_header_truncated"
)

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

# ---------------------------------------------------------------------------------------
# Requirements

need_cmd() { command -v "$1" >/dev/null 2>&1 || die "missing tool '$1' ($2)"; }

check_counts_tools() {
    need_cmd tshark "apt-get install tshark"
    need_cmd python3 "apt-get install python3"
    [ -x "$ORACLE" ] || die "tshark_oracle.sh not found at $ORACLE (set ORACLE=)"
}

check_capture_tools() {
    [ "$(id -u)" = 0 ] || die "run as root (network namespaces, tcpdump, nft)"
    need_cmd ip "apt-get install iproute2"
    need_cmd tcpdump "apt-get install tcpdump"
    need_cmd nft "apt-get install nftables"
    need_cmd ethtool "apt-get install ethtool"
    need_cmd python3 "apt-get install python3"
    local help
    help=$(ip mptcp help 2>&1 || true)
    grep -q endpoint <<<"$help" || die "this iproute2 has no 'ip mptcp' (need >= 5.7)"
    [ -e /proc/sys/net/mptcp/enabled ] || die "kernel without MPTCP (CONFIG_MPTCP)"
    ip netns add "$P-probe" 2>/dev/null || die "cannot create network namespaces"
    ip netns del "$P-probe"
    for ns in cli rtr srv; do
        ! ip netns list | grep -w "$P-$ns" >/dev/null || die "namespace $P-$ns already exists (stale run? 'ip netns del $P-$ns')"
    done
}

check_accecn_tools() {
    need_cmd clang "apt-get install clang llvm (needed to build the AccECN BPF congestion control)"
    need_cmd bpftool "apt-get install bpftool"
    [ -e /usr/include/bpf/bpf_helpers.h ] || die "missing libbpf headers (apt-get install libbpf-dev)"
    [ -e /sys/kernel/btf/vmlinux ] || die "kernel without BTF (/sys/kernel/btf/vmlinux): cannot build a BPF congestion control"
    [ -e /proc/sys/net/ipv4/tcp_ecn_option ] || die "kernel without AccECN (no net.ipv4.tcp_ecn_option)"
}

# ---------------------------------------------------------------------------------------
# Cleanup: background processes we started, namespaces, the BPF congestion control, WORK.

cleanup() {
    local rc=$?
    set +e
    for pid in "${BG_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${BG_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    topo_down
    if [ -n "$CC_REGISTERED" ]; then
        bpftool struct_ops unregister name "$CC_NAME" >/dev/null 2>&1 ||
            echo "make-linux-captures: could not unregister BPF congestion control $CC_NAME" >&2
    fi
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$rc"
}

# ---------------------------------------------------------------------------------------
# Topology
#
#   cli eth0 10.71.1.2 fd00:71:1::2 --- rtr eth0 10.71.1.1 fd00:71:1::1
#   cli eth1 10.71.3.2 fd00:71:3::2 --- rtr eth2 10.71.3.1 fd00:71:3::1
#   srv eth0 10.71.2.2 fd00:71:2::2 --- rtr eth1 10.71.2.1 fd00:71:2::1
#   srv eth1 10.71.4.2 fd00:71:4::2 --- rtr eth3 10.71.4.1 fd00:71:4::1
# The client and the server route their second address out of their second interface.
# The router forwards and runs the nftables table "inet tw" (chain "fw", forward hook)
# where scenarios add drop / ECN / payload rules keyed on conntrack packet counters.

nsx() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }

topo_down() {
    for ns in cli rtr srv; do
        ip netns del "$P-$ns" 2>/dev/null || true
    done
}

veth() { # ns1 if1 mac1 ns2 if2 mac2
    ip -n "$P-$1" link add "$2" address "$3" type veth peer name "$5" address "$6" netns "$P-$4"
    ip -n "$P-$1" link set "$2" up
    ip -n "$P-$4" link set "$5" up
}

addr() { # ns if v4/len v6/len
    ip -n "$P-$1" addr add "$3" dev "$2"
    ip -n "$P-$1" addr add "$4" dev "$2" nodad
}

topo_up() {
    topo_down
    for ns in cli rtr srv; do
        ip netns add "$P-$ns"
        ip -n "$P-$ns" link set lo up
        # the same defaults whatever the host has set
        nsx "$ns" sysctl -qw net.ipv4.tcp_congestion_control=reno net.ipv4.tcp_ecn=2 \
            net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 net.ipv4.tcp_dsack=1 \
            net.ipv4.tcp_window_scaling=1 net.ipv4.tcp_fastopen=1 net.mptcp.enabled=1 \
            net.mptcp.checksum_enabled=0 net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0
    done
    veth cli eth0 02:71:01:00:00:02 rtr eth0 02:71:01:00:00:01
    veth rtr eth1 02:71:02:00:00:01 srv eth0 02:71:02:00:00:02
    veth cli eth1 02:71:03:00:00:02 rtr eth2 02:71:03:00:00:01
    veth rtr eth3 02:71:04:00:00:01 srv eth1 02:71:04:00:00:02
    addr cli eth0 10.71.1.2/24 fd00:71:1::2/64
    addr cli eth1 10.71.3.2/24 fd00:71:3::2/64
    addr rtr eth0 10.71.1.1/24 fd00:71:1::1/64
    addr rtr eth1 10.71.2.1/24 fd00:71:2::1/64
    addr rtr eth2 10.71.3.1/24 fd00:71:3::1/64
    addr rtr eth3 10.71.4.1/24 fd00:71:4::1/64
    addr srv eth0 10.71.2.2/24 fd00:71:2::2/64
    addr srv eth1 10.71.4.2/24 fd00:71:4::2/64
    # no offloads: every frame on the wire is one real segment with a real checksum
    for ns in cli rtr srv; do
        for ifc in $(ip -n "$P-$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^eth'); do
            nsx "$ns" ethtool -K "$ifc" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
            nsx "$ns" ethtool -k "$ifc" | grep '^tx-checksumming: off' >/dev/null || die "cannot turn off checksum offload on $ns/$ifc"
        done
    done
    nsx rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    ip -n "$P-cli" route add default via 10.71.1.1 dev eth0
    ip -n "$P-cli" -6 route add default via fd00:71:1::1 dev eth0
    ip -n "$P-srv" route add default via 10.71.2.1 dev eth0
    ip -n "$P-srv" -6 route add default via fd00:71:2::1 dev eth0
    ip -n "$P-cli" rule add from 10.71.3.2 table 103
    ip -n "$P-cli" route add default via 10.71.3.1 dev eth1 table 103
    ip -n "$P-cli" -6 rule add from fd00:71:3::2 table 103
    ip -n "$P-cli" -6 route add default via fd00:71:3::1 dev eth1 table 103
    ip -n "$P-srv" rule add from 10.71.4.2 table 104
    ip -n "$P-srv" route add default via 10.71.4.1 dev eth1 table 104
    ip -n "$P-srv" -6 rule add from fd00:71:4::2 table 104
    ip -n "$P-srv" -6 route add default via fd00:71:4::1 dev eth1 table 104
    nsx rtr nft -f - <<'EOF' || die "nftables: cannot create the router table"
table inet tw {
    chain fw {
        type filter hook forward priority 0; policy accept;
    }
}
EOF
    # conntrack packet counters are what the drop/mark rules key on
    nsx rtr nft add rule inet tw fw ct original packets 0 counter ||
        die "nftables: no 'ct original packets' (CONFIG_NFT_CT)"
    nsx rtr nft flush chain inet tw fw
    nsx rtr sysctl -qw net.netfilter.nf_conntrack_acct=1 ||
        die "cannot enable net.netfilter.nf_conntrack_acct in the router namespace"
    # reachability, both families, both paths (stays inside the namespaces)
    nsx cli python3 "$TW" probe 10.71.2.2 fd00:71:2::2 10.71.4.2 fd00:71:4::2 ||
        die "namespaces are not reachable from each other"
}

rule() { nsx rtr nft add rule inet tw fw "$@" || die "nftables rule failed: $*"; }

# counter of the first rule whose text contains $1; fails when it never matched
rule_hit() {
    local n
    n=$(nsx rtr nft list chain inet tw fw | grep -F -- "$1" | grep -o 'counter packets [0-9]*' | awk 'NR == 1 {print $3}')
    [ -n "$n" ] && [ "$n" -gt 0 ] || die "router rule never matched: $1"
    log "router rule matched $n packet(s): $1"
}

# ---------------------------------------------------------------------------------------
# Capture, servers, clients

CAP_PID=""
CAP_NAME=""

cap_start() { # name ns iface snaplen [tcpdump args...]
    CAP_NAME=$1
    local ns=$2 ifc=$3 snap=$4
    shift 4
    rm -f "$WORK/$CAP_NAME.pcap" "$WORK/$CAP_NAME.log"
    ip netns exec "$P-$ns" tcpdump -n -Z root -i "$ifc" -s "$snap" -B 4096 -U --immediate-mode \
        "$@" -w "$WORK/$CAP_NAME.pcap" tcp 2>"$WORK/$CAP_NAME.log" &
    CAP_PID=$!
    BG_PIDS+=("$CAP_PID")
    local i
    for i in $(seq 100); do
        grep -q 'listening on' "$WORK/$CAP_NAME.log" 2>/dev/null && return 0
        kill -0 "$CAP_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$WORK/$CAP_NAME.log" >&2
    die "tcpdump did not start for $CAP_NAME"
}

cap_stop() {
    sleep 0.5
    kill -TERM "$CAP_PID"
    wait "$CAP_PID" || true
    local log=$WORK/$CAP_NAME.log captured received dropped
    captured=$(awk '/packets captured/ {print $1}' "$log")
    received=$(awk '/packets received by filter/ {print $1}' "$log")
    dropped=$(awk '/packets dropped by kernel/ {print $1}' "$log")
    [ -n "$captured" ] && [ "$captured" -gt 0 ] || die "$CAP_NAME: tcpdump captured nothing"
    [ "$dropped" = 0 ] || die "$CAP_NAME: tcpdump reports $dropped packets dropped by kernel"
    [ "$captured" = "$received" ] || die "$CAP_NAME: captured $captured of $received packets"
    mkdir -p "$OUT"
    cp "$WORK/$CAP_NAME.pcap" "$OUT/$CAP_NAME.pcap"
    log "$CAP_NAME.pcap: $captured packets, $(stat -c %s "$OUT/$CAP_NAME.pcap") bytes"
}

SERVER_PIDS=()

server() { # server args... (in the server namespace; returns once it listens)
    local ready=$WORK/ready.${#SERVER_PIDS[@]}.$RANDOM
    ip netns exec "$P-srv" python3 "$TW" server "$@" --ready "$ready" &
    local pid=$!
    SERVER_PIDS+=("$pid")
    BG_PIDS+=("$pid")
    local i
    for i in $(seq 100); do
        [ -e "$ready" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    die "server did not start: $*"
}

servers_wait() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" || die "a server failed (see above)"
    done
    SERVER_PIDS=()
}

client() { nsx cli python3 "$TW" client "$@" || die "client failed: $*"; }

client_bg() { nsx cli python3 "$TW" client "$@" & CLIENT_PID=$!; BG_PIDS+=("$CLIENT_PID"); }

client_wait() { wait "$CLIENT_PID" || die "client failed"; }

# ---------------------------------------------------------------------------------------
# Scenarios

sc_tcp_handshake() { # name family server-addr
    local name=$1 f=$2 sa=$3
    topo_up
    cap_start "$name" srv eth0 0
    server -f "$f" "$sa" 5000 --count 2 --reply 300 --expect-error
    # 1: handshake, data both ways, FIN from the client, then from the server
    client -f "$f" "$sa" 5000 --send 500
    # 2: SYN to a closed port: RST+ACK
    client -f "$f" "$sa" 5999 --expect-error
    # 3: abortive close (SO_LINGER 0): RST+ACK from the client in an open connection
    client -f "$f" "$sa" 5000 --send 200 --hold 0.2 --linger0
    servers_wait
    cap_stop
}

sc_tcp-ipv4-handshake() { sc_tcp_handshake tcp-ipv4-handshake 4 10.71.2.2; }
sc_tcp-ipv6-handshake() { sc_tcp_handshake tcp-ipv6-handshake 6 fd00:71:2::2; }

sc_tcp-ipv4-sack() {
    topo_up
    # client->server packets 5, 7, 9, 11 of the connection (1 = SYN, 2 = ACK, 3.. = data):
    # four holes, so the receiver's duplicate ACKs carry 1, 2, then 3 SACK blocks
    rule tcp dport 5001 ct original packets '{ 5, 7, 9, 11 }' counter drop
    # second connection: the server's first six ACKs are lost, the client's tail loss
    # probe retransmits what already arrived, and the server answers with a D-SACK
    rule tcp sport 5003 ct reply packets 2-7 counter drop
    cap_start tcp-ipv4-sack srv eth0 0
    server 10.71.2.2 5001 --reply 100
    client 10.71.2.2 5001 --send 6000 --maxseg 200
    servers_wait
    server 10.71.2.2 5003 --reply 100 --reply-delay 1.5
    client 10.71.2.2 5003 --send 1000 --maxseg 200
    servers_wait
    cap_stop
    rule_hit "dport 5001"
    rule_hit "sport 5003"
}

sc_tcp-ipv4-sack-nots() {
    topo_up
    # no timestamps: 40 option bytes leave room for 4 SACK blocks
    nsx cli sysctl -qw net.ipv4.tcp_timestamps=0
    rule tcp dport 5001 ct original packets '{ 5, 7, 9, 11 }' counter drop
    cap_start tcp-ipv4-sack-nots srv eth0 0
    server 10.71.2.2 5001 --reply 100
    client 10.71.2.2 5001 --send 6000 --maxseg 200
    servers_wait
    cap_stop
    rule_hit "dport 5001"
}

sc_tcp-ipv6-sack() {
    topo_up
    rule tcp dport 5001 ct original packets '{ 5, 7, 9 }' counter drop
    cap_start tcp-ipv6-sack srv eth0 0
    server -f 6 fd00:71:2::2 5001 --reply 100
    client -f 6 fd00:71:2::2 5001 --send 6000 --maxseg 200
    servers_wait
    cap_stop
    rule_hit "dport 5001"
}

sc_tcp-fastopen() {
    topo_up
    nsx cli sysctl -qw net.ipv4.tcp_fastopen=1
    nsx srv sysctl -qw net.ipv4.tcp_fastopen=2 net.ipv4.tcp_fastopen_key=00112233-44556677-8899aabb-ccddeeff
    cap_start tcp-fastopen srv eth0 0
    server 10.71.2.2 5004 --tfo 16 --count 4 --reply 50
    server -f 6 fd00:71:2::2 5004 --tfo 16 --count 2 --reply 50
    client 10.71.2.2 5004 --fastopen --send 100        # SYN with a cookie request
    client 10.71.2.2 5004 --fastopen --send 100        # SYN with the cookie and 100 bytes
    nsx srv sysctl -qw net.ipv4.tcp_fastopen_key=0f1e2d3c-4b5a6978-8796a5b4-c3d2e1f0
    client 10.71.2.2 5004 --fastopen --send 100        # stale cookie: data not accepted, new cookie
    client 10.71.2.2 5004 --fastopen --send 100        # new cookie accepted
    client -f 6 fd00:71:2::2 5004 --fastopen --send 100
    client -f 6 fd00:71:2::2 5004 --fastopen --send 100
    servers_wait
    cap_stop
}

sc_tcp-md5() {
    topo_up
    cap_start tcp-md5 srv eth0 0
    server 10.71.2.2 5005 --md5 10.71.1.2/tcpwire-md5-key --reply 50
    server -f 6 fd00:71:2::2 5005 --md5 fd00:71:1::2/tcpwire-md5-key --reply 50
    # a SYN signed with the wrong key: the listening server drops it without an answer
    client 10.71.2.2 5005 --md5 10.71.2.2/wrong-key --send 10 --connect-timeout 0.5 --expect-error
    client 10.71.2.2 5005 --md5 10.71.2.2/tcpwire-md5-key --send 100
    client -f 6 fd00:71:2::2 5005 --md5 fd00:71:2::2/tcpwire-md5-key --send 100
    servers_wait
    cap_stop
}

sc_tcp-ecn() {
    topo_up
    nsx cli sysctl -qw net.ipv4.tcp_ecn=1
    nsx srv sysctl -qw net.ipv4.tcp_ecn=1
    # the router marks two ECT(0) data segments Congestion Experienced
    rule tcp dport 5006 ct original packets 5-6 ip ecn ect0 counter ip ecn set ce
    rule tcp dport 5006 ct original packets 5-6 ip6 ecn ect0 counter ip6 ecn set ce
    cap_start tcp-ecn srv eth0 0
    server 10.71.2.2 5006 --reply 50
    client 10.71.2.2 5006 --send 4000 --chunk 500 --interval 0.05
    servers_wait
    server -f 6 fd00:71:2::2 5006 --reply 50
    client -f 6 fd00:71:2::2 5006 --send 4000 --chunk 500 --interval 0.05
    servers_wait
    cap_stop
    rule_hit "ip ecn"
    rule_hit "ip6 ecn"
}

register_accecn_cc() {
    check_accecn_tools
    if bpftool struct_ops show name "$CC_NAME" >/dev/null 2>&1; then
        die "a struct_ops named $CC_NAME is already registered (stale run? bpftool struct_ops unregister name $CC_NAME)"
    fi
    bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$WORK/vmlinux.h" ||
        die "bpftool cannot dump the kernel BTF"
    cat >"$WORK/tw_accecn.bpf.c" <<'EOF'
/* Reno behind a BPF congestion control whose only purpose is TCP_CONG_NEEDS_ACCECN:
 * Linux 6.18 has AccECN but caps net.ipv4.tcp_ecn at 2, and a congestion control with
 * this flag makes both ends negotiate AccECN (tcp_ecn_send_syn, tcp_ecn_create_request). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

#define TW_CONG_NEEDS_ACCECN (1 << 2) /* TCP_CONG_NEEDS_ACCECN, include/net/tcp.h */

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

SEC("struct_ops/tw_ssthresh")
__u32 BPF_PROG(tw_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/tw_cong_avoid")
void BPF_PROG(tw_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/tw_undo_cwnd")
__u32 BPF_PROG(tw_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops")
struct tcp_congestion_ops tw_accecn = {
	.ssthresh = (void *)tw_ssthresh,
	.cong_avoid = (void *)tw_cong_avoid,
	.undo_cwnd = (void *)tw_undo_cwnd,
	.flags = TW_CONG_NEEDS_ACCECN,
	.name = "tw_accecn",
};
EOF
    clang -O2 -g -target bpf -I"$WORK" -c "$WORK/tw_accecn.bpf.c" -o "$WORK/tw_accecn.bpf.o" ||
        die "clang cannot build the AccECN congestion control"
    bpftool struct_ops register "$WORK/tw_accecn.bpf.o" >/dev/null ||
        die "bpftool cannot register the AccECN congestion control (kernel rejects TCP_CONG_NEEDS_ACCECN?)"
    CC_REGISTERED=1
    grep -qw "$CC_NAME" /proc/sys/net/ipv4/tcp_available_congestion_control ||
        die "$CC_NAME registered but not listed in tcp_available_congestion_control"
}

sc_tcp-accecn() {
    [ -n "$CC_REGISTERED" ] || register_accecn_cc
    topo_up
    nsx cli sysctl -qw net.ipv4.tcp_ecn_option=2
    nsx srv sysctl -qw net.ipv4.tcp_ecn_option=2
    # IPv4: packets 9, 11 and 13 are dropped, so the server's ACKs carry up to 3 SACK
    # blocks; meanwhile 4-5 and 17-18 are rewritten to ECT(1) and 6-7 and 15-16 marked CE,
    # so the counters change while option space is short (Linux 6.18 then leaves the
    # AccECN option out of those ACKs rather than sending a shorter one)
    rule tcp dport 5007 ct original packets '{ 4, 5, 17, 18 }' ip ecn ect0 counter ip ecn set ect1
    rule tcp dport 5007 ct original packets '{ 6, 7, 15, 16 }' ip ecn ect0 counter ip ecn set ce
    rule tcp dport 5007 ct original packets '{ 9, 11, 13 }' counter drop
    # IPv6: two CE marks only
    rule tcp dport 5008 ct original packets 6-7 ip6 ecn ect0 counter ip6 ecn set ce
    cap_start tcp-accecn srv eth0 0
    server 10.71.2.2 5007 --cc "$CC_NAME" --reply 300
    client 10.71.2.2 5007 --cc "$CC_NAME" --send 8000 --maxseg 300
    servers_wait
    server -f 6 fd00:71:2::2 5008 --cc "$CC_NAME" --reply 300
    client -f 6 fd00:71:2::2 5008 --cc "$CC_NAME" --send 3000 --chunk 500 --interval 0.05
    servers_wait
    cap_stop
    rule_hit "ip ecn ect0 counter packets"
    rule_hit "drop"
}

sc_mptcp_single() { # name csum(0/1)
    local name=$1 csum=$2
    topo_up
    nsx cli sysctl -qw net.mptcp.checksum_enabled="$csum"
    nsx srv sysctl -qw net.mptcp.checksum_enabled="$csum"
    cap_start "$name" srv eth0 0
    server 10.71.2.2 5010 --mptcp --reply 300
    client 10.71.2.2 5010 --mptcp --send 2000 --chunk 500 --interval 0.02
    servers_wait
    cap_stop
}

sc_mptcp-ipv4-single() { sc_mptcp_single mptcp-ipv4-single 0; }
sc_mptcp-ipv4-single-csum() { sc_mptcp_single mptcp-ipv4-single-csum 1; }

sc_mptcp-ipv4-multipath() {
    topo_up
    ip -n "$P-cli" mptcp limits set subflow 4 add_addr_accepted 4
    ip -n "$P-srv" mptcp limits set subflow 4 add_addr_accepted 4
    # the server announces its second address with a port (ADD_ADDR, 18 bytes) and a third
    # one without (16 bytes); the client echoes both (10 and 8 bytes) and joins them
    ip -n "$P-srv" addr add 10.71.4.3/24 dev eth1
    ip -n "$P-srv" rule add from 10.71.4.3 table 104
    ip -n "$P-srv" mptcp endpoint add 10.71.4.2 dev eth1 id 5 port 10100 signal
    ip -n "$P-srv" mptcp endpoint add 10.71.4.3 dev eth1 id 6 signal
    # the client opens a second subflow from its second address (MP_JOIN)
    ip -n "$P-cli" mptcp endpoint add 10.71.3.2 dev eth1 id 3 subflow
    # all server interfaces: Linux cooked v2 (SLL2) frames
    cap_start mptcp-ipv4-multipath srv any 0 -y LINUX_SLL2
    server 0.0.0.0 5012 --mptcp --reply 300
    client_bg 10.71.2.2 5012 --mptcp --send 3000 --chunk 100 --interval 0.1
    sleep 0.8
    ip -n "$P-cli" mptcp endpoint change id 3 backup      # MP_PRIO from the client
    sleep 0.4
    ip -n "$P-srv" mptcp endpoint change id 5 backup      # MP_PRIO from the server
    sleep 0.4
    ip -n "$P-cli" mptcp endpoint delete id 3             # REMOVE_ADDR from the client
    sleep 0.4
    ip -n "$P-srv" mptcp endpoint delete id 5             # REMOVE_ADDR from the server
    client_wait
    servers_wait
    cap_stop
}

sc_mptcp-ipv6-multipath() {
    topo_up
    ip -n "$P-cli" mptcp limits set subflow 4 add_addr_accepted 4
    # the server takes one extra subflow only: the second MP_JOIN is refused (MP_TCPRST)
    ip -n "$P-srv" mptcp limits set subflow 1 add_addr_accepted 0
    # IPv6 ADD_ADDR is 28 bytes; with a port (30) it no longer fits next to timestamps
    ip -n "$P-srv" mptcp endpoint add fd00:71:4::2 dev eth1 id 7 signal
    ip -n "$P-cli" mptcp endpoint add fd00:71:3::2 dev eth1 id 4 subflow
    # all server interfaces: Linux cooked v1 (SLL) frames
    cap_start mptcp-ipv6-multipath srv any 0 -y LINUX_SLL
    server -f 6 :: 5015 --mptcp --reply 300
    client_bg -f 6 fd00:71:2::2 5015 --mptcp --send 2000 --chunk 100 --interval 0.1
    sleep 0.8
    ip -n "$P-srv" mptcp endpoint change id 7 backup      # MP_PRIO from the server
    sleep 0.4
    ip -n "$P-cli" mptcp endpoint delete id 4             # REMOVE_ADDR from the client
    sleep 0.4
    ip -n "$P-srv" mptcp endpoint delete id 7             # REMOVE_ADDR from the server
    client_wait
    servers_wait
    cap_stop
}

sc_mptcp-fastclose() {
    topo_up
    ip -n "$P-cli" mptcp limits set subflow 4 add_addr_accepted 4
    ip -n "$P-srv" mptcp limits set subflow 4 add_addr_accepted 4
    ip -n "$P-cli" mptcp endpoint add 10.71.3.2 dev eth1 id 3 subflow
    cap_start mptcp-fastclose srv any 0 -y LINUX_SLL2
    server 0.0.0.0 5013 --mptcp --count 2 --abort-after 1000 --expect-error
    # 1: the client aborts (SO_LINGER 0) while the server still waits for data
    client 10.71.2.2 5013 --mptcp --send 300 --hold 0.5 --linger0
    sleep 0.3
    # 2: the server aborts after 1000 bytes while the client still sends
    client 10.71.2.2 5013 --mptcp --send 3000 --chunk 500 --interval 0.2 --expect-error
    servers_wait
    cap_stop
}

sc_mptcp-mp-fail() {
    topo_up
    nsx cli sysctl -qw net.mptcp.checksum_enabled=1
    nsx srv sysctl -qw net.mptcp.checksum_enabled=1
    # client->server packet 6 carries stream bytes 1500..1999: the router rewrites the first
    # two payload bytes (nftables fixes the TCP checksum, not the DSS checksum), so the
    # receiver's DSS checksum fails: MP_FAIL, then fallback to an infinite mapping
    local word
    word=$(python3 "$TW" word 1500)
    rule tcp dport 5014 ct original packets 6 @ih,0,16 "$word" counter @ih,0,16 set 0x5858
    cap_start mptcp-mp-fail srv eth0 0
    server 10.71.2.2 5014 --mptcp --reply 200
    client 10.71.2.2 5014 --mptcp --send 3000 --chunk 500 --interval 0.1
    servers_wait
    cap_stop
    rule_hit "dport 5014"
}

sc_tcp-snaplen80() {
    topo_up
    # 80 bytes per frame: 14 Ethernet + 20 IPv4 + 46 of TCP (whole headers, cut payloads,
    # cut MPTCP options), or 14 + 40 IPv6 + 26 of TCP (cut inside the options)
    cap_start tcp-snaplen80 srv eth0 80
    server 10.71.2.2 5000 --reply 300
    client 10.71.2.2 5000 --send 500
    servers_wait
    server -f 6 fd00:71:2::2 5000 --reply 300
    client -f 6 fd00:71:2::2 5000 --send 500
    servers_wait
    server 10.71.2.2 5010 --mptcp --reply 300
    client 10.71.2.2 5010 --mptcp --send 1000 --chunk 500 --interval 0.02
    servers_wait
    cap_stop
}

# ---------------------------------------------------------------------------------------
# Counts: tshark (through tshark_oracle.sh) decodes every capture; we count option kinds,
# kind/length pairs, MPTCP subtypes (from the subtype nibble of the option bytes tshark
# delimited), flags and truncated frames, and write counts.tsv.

write_counts() {
    check_counts_tools
    local files=() name
    for name in "${SCENARIOS[@]}"; do
        [ -e "$OUT/$name.pcap" ] && files+=("$name")
    done
    [ ${#files[@]} -gt 0 ] || die "no captures in $OUT"
    for name in "${files[@]}"; do
        "$ORACLE" "$OUT/$name.pcap" "$WORK/$name.ndjson"
        tshark -n -r "$OUT/$name.pcap" -T fields -e frame.len -e frame.cap_len >"$WORK/$name.frames" 2>/dev/null
    done
    python3 - "$WORK" "$OUT/counts.tsv" "${files[@]}" <<'EOF'
import collections, json, os, re, sys

work, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
MPTCP = {0: "MP_CAPABLE", 1: "MP_JOIN", 2: "DSS", 3: "ADD_ADDR", 4: "REMOVE_ADDR", 5: "MP_PRIO",
         6: "MP_FAIL", 7: "MP_FASTCLOSE", 8: "MP_TCPRST", 15: "MP_EXPERIMENTAL"}
FLAGS = ["ae", "cwr", "ece", "urg", "ack", "push", "reset", "syn", "fin"]
FLAG_NAME = {"push": "psh", "reset": "rst"}
def natural(item):
    """kind:2 < kind:2/len4 < kind:19 (numbers compare as numbers)."""
    key = []
    for part in re.split(r"(\d+)", item):
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return key


rows = []
for name in names:
    c = collections.Counter()
    for line in open(os.path.join(work, name + ".frames")):
        parts = line.split()
        if len(parts) == 2:
            c["frames"] += 1
            if int(parts[1]) < int(parts[0]):
                c["frames_truncated"] += 1
    for line in open(os.path.join(work, name + ".ndjson")):
        r = json.loads(line)
        h = r["header"]
        c["tcp_segments"] += 1
        c["ipv%s_segments" % r["ip_version"]] += 1
        if r["malformed"]:
            c["tshark_malformed"] += 1
        if r["hdr_len"] and len(r["tcp_hdr_hex"] or "") // 2 < r["hdr_len"]:
            c["tcp_header_truncated"] += 1
        if h.get("tcp.checksum.status") == "0":
            c["checksum_bad"] += 1
        for f in FLAGS:
            if h.get("tcp.flags." + f) == "1":
                c["flag:" + FLAG_NAME.get(f, f)] += 1
        if h.get("tcp.flags.syn") == "1" and h.get("tcp.flags.ack") == "0" \
                and h.get("tcp.flags.ae") == "0" and h.get("tcp.flags.ece") == "1" \
                and h.get("tcp.flags.cwr") == "1":
            c["syn_ece_cwr"] += 1
        if h.get("tcp.flags.syn") == "1" and h.get("tcp.flags.ack") == "0" \
                and h.get("tcp.flags.ae") == "1" and h.get("tcp.flags.ece") == "1" \
                and h.get("tcp.flags.cwr") == "1":
            c["syn_ae_cwr_ece"] += 1
        if h.get("tcp.flags.syn") == "1" and int(h.get("tcp.len") or 0) > 0:
            c["syn_with_data"] += 1
        ack = int(h.get("tcp.ack_raw") or 0)
        for o in r["options"]:
            k, l = o["kind"], o["len"]
            if k is None:
                continue
            c["kind:%d" % k] += 1
            if l is not None:
                c["kind:%d/len%d" % (k, l)] += 1
            raw = bytes.fromhex(o["hex"] or "")
            if k == 5 and len(raw) >= 10:
                # D-SACK (RFC 2883): the first block ends at or below the cumulative ACK,
                # or lies inside the second block
                left = int.from_bytes(raw[2:6], "big")
                right = int.from_bytes(raw[6:10], "big")
                below = (ack - right) % 2**32 < 2**31
                inside = False
                if len(raw) >= 18:
                    l2 = int.from_bytes(raw[10:14], "big")
                    r2 = int.from_bytes(raw[14:18], "big")
                    inside = (left - l2) % 2**32 < 2**31 and (r2 - right) % 2**32 < 2**31
                if below or inside:
                    c["dsack"] += 1
            if k == 30 and len(raw) >= 3:
                st = MPTCP.get(raw[2] >> 4, "subtype%d" % (raw[2] >> 4))
                c["mptcp:" + st] += 1
                if l is not None:
                    c["mptcp:%s/len%d" % (st, l)] += 1
                if st == "MP_TCPRST" and len(raw) >= 4:
                    c["mptcp:MP_TCPRST/reason%d" % raw[3]] += 1
    for item in sorted(c, key=natural):
        rows.append((name + ".pcap", item, c[item]))
with open(out, "w") as w:
    w.write("file\titem\tcount\n")
    for r in rows:
        w.write("%s\t%s\t%d\n" % r)
EOF
    log "wrote $OUT/counts.tsv"
    local line file item ok=1
    for line in "${EXPECT[@]}"; do
        set -- $line
        file=$1
        shift
        [ -e "$OUT/$file.pcap" ] || continue
        for item in "$@"; do
            if ! awk -F'\t' -v f="$file.pcap" -v i="$item" '$1 == f && $2 == i && $3 > 0 {found=1} END {exit !found}' "$OUT/counts.tsv"; then
                echo "make-linux-captures: ERROR: $file.pcap lacks $item" >&2
                ok=0
            fi
        done
    done
    [ "$ok" = 1 ] || die "some captures lack what their scenario is for (see above)"
    log "every capture has what its scenario is for"
}

# ---------------------------------------------------------------------------------------
# The peer program: a small client/server run inside the namespaces.

write_peer() {
    TW=$WORK/tw.py
    cat >"$TW" <<'EOF'
#!/usr/bin/env python3
"""TCP/MPTCP client and server for make-linux-captures.sh (runs inside a netns)."""
import argparse, socket, struct, sys, time

IPPROTO_MPTCP = 262
TCP_MD5SIG = 14
TCP_FASTOPEN = 23
MSG_FASTOPEN = 0x20000000
ALPHABET = b"tcpwire-linux-corpus-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD\n"  # 64 bytes


def pattern(n, seed=0):
    """Deterministic payload: byte i of a stream is ALPHABET[(i + seed) % 64]."""
    return bytes(ALPHABET[(i + seed) % len(ALPHABET)] for i in range(n))


def md5sig(family, peer, key):
    """struct tcp_md5sig: sockaddr_storage(128) flags u8 prefixlen u8 keylen u16 ifindex u32 key[80]."""
    if family == socket.AF_INET:
        sa = struct.pack("=H", socket.AF_INET) + struct.pack("!H", 0) + socket.inet_pton(socket.AF_INET, peer)
    else:
        sa = (struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", 0, 0)
              + socket.inet_pton(socket.AF_INET6, peer) + struct.pack("=I", 0))
    k = key.encode()
    return sa.ljust(128, b"\0") + struct.pack("=BBHI", 0, 0, len(k), 0) + k.ljust(80, b"\0")


def make_socket(a):
    fam = socket.AF_INET6 if a.family == 6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP if a.mptcp else 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.md5:
        peer, key = a.md5.rsplit("/", 1)
        s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, md5sig(fam, peer, key))
    if a.maxseg:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, a.maxseg)
    if a.cc:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.cc.encode())
    return s


def linger0(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def recv_all(c):
    total = 0
    while True:
        d = c.recv(65536)
        if not d:
            return total
        total += len(d)


def serve_one(a, c):
    if a.abort_after:
        # read a little, then abort (RST, or MP_FASTCLOSE for MPTCP)
        got = 0
        while got < a.abort_after:
            d = c.recv(65536)
            if not d:
                break
            got += len(d)
        linger0(c)
        return "aborted after %d bytes" % got
    n = recv_all(c)
    if a.reply_delay:
        time.sleep(a.reply_delay)
    if a.reply:
        c.sendall(pattern(a.reply, 7))
    return "%d bytes in, %d out" % (n, a.reply)


def server(a):
    s = make_socket(a)
    if a.tfo:
        s.setsockopt(socket.IPPROTO_TCP, TCP_FASTOPEN, a.tfo)
    s.bind((a.addr, a.port))
    s.listen(16)
    open(a.ready, "w").close()
    for i in range(a.count):
        c, peer = s.accept()
        try:
            msg = serve_one(a, c)
        except OSError as e:
            if not a.expect_error:
                raise
            msg = "error (expected): %s" % e
        finally:
            c.close()
        print("server %s:%d #%d from %s: %s" % (a.addr, a.port, i + 1, peer[0], msg), file=sys.stderr)
    s.close()


def client(a):
    s = make_socket(a)
    dst = (a.addr, a.port)
    data = pattern(a.send)
    try:
        if a.connect_timeout:
            s.settimeout(a.connect_timeout)
        if a.fastopen:
            sent = s.sendto(data, MSG_FASTOPEN, dst)
            data = data[sent:]
        else:
            s.connect(dst)
        s.settimeout(None)
        chunk = a.chunk or len(data) or 1
        for off in range(0, len(data), chunk):
            s.sendall(data[off: off + chunk])
            if a.interval:
                time.sleep(a.interval)
        if a.hold:
            time.sleep(a.hold)
        if a.linger0:
            linger0(s)
            s.close()
            msg = "sent %d, aborted" % a.send
        else:
            s.shutdown(socket.SHUT_WR)
            msg = "sent %d, received %d" % (a.send, recv_all(s))
            s.close()
    except OSError as e:
        if not a.expect_error:
            raise
        msg = "error (expected): %s" % e
        s.close()
    print("client -> %s:%d: %s" % (a.addr, a.port, msg), file=sys.stderr)


def probe(addrs):
    """A TCP SYN to port 9 of each address: a RST back proves the path works."""
    for addr in addrs:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        src = {"10.71.4.2": "10.71.3.2", "fd00:71:4::2": "fd00:71:3::2"}.get(addr)
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(2)
        if src:
            s.bind((src, 0))
        try:
            s.connect((addr, 9))
        except ConnectionRefusedError:
            pass
        finally:
            s.close()


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "probe":
        return probe(sys.argv[2:])
    if len(sys.argv) == 3 and sys.argv[1] == "word":
        off = int(sys.argv[2])
        return print("0x" + pattern(off + 2)[off:].hex())
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["server", "client"])
    p.add_argument("-f", "--family", type=int, default=4)
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("--mptcp", action="store_true")
    p.add_argument("--md5", help="PEER/KEY: TCP_MD5SIG for this peer")
    p.add_argument("--maxseg", type=int)
    p.add_argument("--cc", help="TCP_CONGESTION algorithm")
    p.add_argument("--expect-error", action="store_true")
    p.add_argument("--tfo", type=int, help="server: TCP_FASTOPEN queue length")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--reply", type=int, default=0)
    p.add_argument("--reply-delay", type=float, default=0)
    p.add_argument("--abort-after", type=int, default=0)
    p.add_argument("--ready")
    p.add_argument("--fastopen", action="store_true", help="client: sendto(MSG_FASTOPEN)")
    p.add_argument("--connect-timeout", type=float, default=0)
    p.add_argument("--send", type=int, default=0)
    p.add_argument("--chunk", type=int, default=0)
    p.add_argument("--interval", type=float, default=0)
    p.add_argument("--hold", type=float, default=0)
    p.add_argument("--linger0", action="store_true")
    a = p.parse_args()
    server(a) if a.role == "server" else client(a)


if __name__ == "__main__":
    main()
EOF
}

# ---------------------------------------------------------------------------------------
# Main

main() {
    local counts_only="" selected=() name
    while [ $# -gt 0 ]; do
        case $1 in
            --counts-only) counts_only=1 ;;
            --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
            -h | --help) usage ;;
            -*) usage ;;
            *)
                name=${1%.pcap}
                declare -F "sc_$name" >/dev/null || die "unknown scenario '$1' (--list)"
                selected+=("$name")
                ;;
        esac
        shift
    done
    [ ${#selected[@]} -gt 0 ] || selected=("${SCENARIOS[@]}")

    WORK=$(mktemp -d /tmp/tcpwire-linuxcap.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    if [ -z "$counts_only" ]; then
        check_capture_tools
        check_counts_tools
        write_peer
        log "kernel $(uname -r), $(tcpdump --version 2>&1 | head -1), $(nft --version), $(ip -V)"
        for name in "${selected[@]}"; do
            log "scenario $name"
            "sc_$name"
            topo_down
        done
    fi
    write_counts
}

main "$@"
