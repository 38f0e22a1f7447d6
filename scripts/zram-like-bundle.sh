#!/usr/bin/env bash
# Synthesizes a zram-like workload from a captured bundle (no sample capture allocates through zram): every Nth
# order-0 GFP_HIGHUSER_MOVABLE allocation of the trace is rewritten to zram's zsmalloc mask
# (__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_KSWAPD_RECLAIM, zram_write_page() → zs_malloc() → alloc_page()),
# as if those pages held compressed swap. Everything else (snapshots, pfns, timing) is the capture's, so simulate
# mode runs it from the same start state; the result is a what-if input, not a capture.
#
#   scripts/zram-like-bundle.sh BUNDLE OUT_DIR [N]      (default N = 4)
set -euo pipefail
src=${1:?bundle}
out=${2:?output folder}
n=${3:-4}
[ -e "$out" ] && { echo "zram-like-bundle: $out exists" >&2; exit 2; }
mkdir -p "$out"
for f in "$src"/*; do
  case "$(basename "$f")" in
    trace.txt.gz) ;;
    summary.json) ;; # the capture's own summary does not describe the rewritten trace
    *) cp -r "$f" "$out/" ;;
  esac
done
zcat "$src/trace.txt.gz" | awk -v n="$n" '
  / mm_page_alloc: / && / order=0 / && /gfp_flags=GFP_HIGHUSER_MOVABLE/ {
    if (++k % n == 0) { sub(/gfp_flags=[^ ]*/, "gfp_flags=__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_KSWAPD_RECLAIM"); z++ }
  }
  { print }
  END { printf "zram-like-bundle: %d of %d order-0 GFP_HIGHUSER_MOVABLE allocations rewritten\n", z, k > "/dev/stderr" }
' | gzip -6 > "$out/trace.txt.gz"
