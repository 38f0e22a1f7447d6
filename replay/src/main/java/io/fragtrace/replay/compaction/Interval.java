package io.fragtrace.replay.compaction;

/** A daemon's busy interval on a node: kswapd wake→sleep or kcompactd wake→sleep. endNs is -1 while still open. */
public record Interval(int nid, long beginNs, long endNs, int order) {
}
