#!/usr/bin/env bash
# End-to-end TCP ingest on this machine, Vigie then a stock rsyslog, same loadgen, same lines, same run.
#   bench/e2e/tcp-vs-rsyslog.sh [seconds] [rules: none|bundled] [connections] [file of lines]
# Vigie: `vigie serve` (raw journal; with rules=bundled also the 308 bundled Sigma rules), figure = persisted/s from
# /metrics. rsyslog: imtcp -> omfile (no parsing beyond its own, no rules), figure = lines in its output file / s.
# Both receive the same octet-counted frames from `vigie loadgen --rate max`, which runs on the same cores: synthetic
# RFC 5424 lines, or the lines of the file given (e.g. ../shared/corpus/cef/parser-test-lines.valid.cef for CEF).
set -euo pipefail
secs=${1:-10}; rules=${2:-none}; conns=${3:-1}; file=${4:-}
lines=()
if [ -n "$file" ]; then lines=(--file "$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"); fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$(mktemp -d /tmp/vigie-e2e.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$here"
./vigie --version >/dev/null

cfg="$work/vigie.yaml"
{
  echo "data_dir: $work/data"
  if [ "$rules" = none ]; then mkdir -p "$work/norules"; echo "rules: [$work/norules]"; fi
  echo "rules_reload: {watch: false}"
  echo "ingest: {syslog: {port: 5714, udp: false}}"
  echo "http: {port: 8714}"
} > "$cfg"
./vigie serve --config "$cfg" > "$work/serve.log" 2>&1 &
vigie_pid=$!
for _ in $(seq 1 60); do curl -sf 127.0.0.1:8714/health >/dev/null && break; sleep 0.5; done
metric() { curl -s 127.0.0.1:8714/metrics | awk -v k="$1" '$1 == k {print $2}'; }
./vigie loadgen --target 127.0.0.1:5714 --rate max --duration "$secs" --proto tcp --connections "$conns" \
  "${lines[@]}" > "$work/lg-vigie.txt" 2>&1
sleep 2
sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$work/lg-vigie.txt" | tail -1)
persisted=$(metric 'vigie_events_persisted_total{listener="syslog"}')
kill $vigie_pid; wait $vigie_pid 2>/dev/null || true
vigie_rate=$(awk -v p="$persisted" -v s="$secs" 'BEGIN {printf "%.0f", p / s}')
echo "vigie (rules=$rules): sent=$sent persisted=$persisted -> $vigie_rate lines/s"

mkdir -p "$work/rs"
cat > "$work/rsyslog.conf" <<CONF
global(workDirectory="$work/rs")
module(load="imtcp")
input(type="imtcp" port="5715" address="127.0.0.1")
template(name="raw" type="string" string="%rawmsg%\n")
action(type="omfile" file="$work/rs/out.log" template="raw" asyncWriting="on" ioBufferSize="256k" flushOnTXEnd="off")
CONF
rsyslogd -n -f "$work/rsyslog.conf" -i "$work/rs/pid" > "$work/rs.log" 2>&1 &
rs_pid=$!
sleep 2
./vigie loadgen --target 127.0.0.1:5715 --rate max --duration "$secs" --proto tcp --connections "$conns" \
  "${lines[@]}" > "$work/lg-rs.txt" 2>&1
rs_sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$work/lg-rs.txt" | tail -1)
# rsyslog has no counter to read here: wait until its file stops growing (it drains its queue), then count lines.
prev=-1; while :; do n=$(wc -l < "$work/rs/out.log" 2>/dev/null || echo 0); [ "$n" = "$prev" ] && break; prev=$n; sleep 1; done
kill $rs_pid; wait $rs_pid 2>/dev/null || true
rs_rate=$(awk -v p="$n" -v s="$secs" 'BEGIN {printf "%.0f", p / s}')
echo "rsyslog $(rsyslogd -v | head -1 | awk '{print $2}' | tr -d ,) imtcp->omfile: sent=$rs_sent written=$n -> $rs_rate lines/s"
awk -v a="$vigie_rate" -v b="$rs_rate" 'BEGIN {printf "ratio vigie/rsyslog = %.2f\n", a / b}'
