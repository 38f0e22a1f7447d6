#!/usr/bin/env bash
# Robustness of the lock-order recovery against interleavings the captures do not show (busy machines): each bundle's
# trace is rewritten into another interleaving its kernel could have printed (io.fragtrace.replay.order.Interleavings:
# ties, free-early, alloc-late, skew; each CPU's order kept) and validated. One line per run.
# usage: scripts/perturb-check.sh [-s "SEEDS"] [-d "DELTAS_US"] [-m "MODES"] BUNDLE...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/fragtrace-all.jar"
seeds="1 2 3"; deltas="20 200"; modes="ties free-early alloc-late skew all"
while getopts "s:d:m:" o; do
  case $o in s) seeds=$OPTARG;; d) deltas=$OPTARG;; m) modes=$OPTARG;; *) exit 2;; esac
done
shift $((OPTIND - 1))
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$jar" "$work/fragtrace.jar"; jar="$work/fragtrace.jar" # a rebuild during the runs does not break them
for b in "$@"; do for m in $modes; do for d in $deltas; do for s in $seeds; do
  java -cp "$jar" io.fragtrace.replay.order.Interleavings "$b" "$m" "$s" "$d" 0.5 "$work" | head -1
done; done; done; done
