package io.vigie.engine.status;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HdrHistogram latency recorders per pipeline stage, in nanoseconds from the frame's receive time:
 * {@code decode} (time spent decoding one frame, sampled), {@code persist} (receive to raw-journal append),
 * {@code detect} (receive to rule match done), {@code alert} (receive to alert appended).
 * Recording is wait-free from any number of threads; snapshots are interval histograms taken by the reader.
 */
public final class StageLatencies {
    /** Stage names, in pipeline order. */
    public static final List<String> STAGES = List.of("decode", "persist", "detect", "alert");
    public static final int DECODE = 0;
    public static final int PERSIST = 1;
    public static final int DETECT = 2;
    public static final int ALERT = 3;

    private static final long MAX_TRACKABLE_NS = 3_600_000_000_000L;

    private final Recorder[] recorders = new Recorder[STAGES.size()];
    private final Histogram[] totals = new Histogram[STAGES.size()];

    StageLatencies() {
        for (int i = 0; i < STAGES.size(); i++) {
            recorders[i] = new Recorder(MAX_TRACKABLE_NS, 3);
            totals[i] = new Histogram(MAX_TRACKABLE_NS, 3);
        }
    }

    /** Records a latency in nanoseconds for a stage; values out of range are clamped. */
    public void record(final int stage, final long nanos) {
        recorders[stage].recordValue(Math.max(0, Math.min(MAX_TRACKABLE_NS, nanos)));
    }

    /**
     * Folds everything recorded since the last call into the cumulative histograms and returns copies of them,
     * by stage name. Call from one reader thread (metrics endpoint, CLI).
     */
    public synchronized Map<String, Histogram> snapshot() {
        final Map<String, Histogram> out = new LinkedHashMap<>();
        for (int i = 0; i < STAGES.size(); i++) {
            totals[i].add(recorders[i].getIntervalHistogram());
            out.put(STAGES.get(i), totals[i].copy());
        }
        return out;
    }
}
