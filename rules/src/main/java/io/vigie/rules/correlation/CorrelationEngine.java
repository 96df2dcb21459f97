package io.vigie.rules.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Sigma v2 correlation in event time, one instance per rule worker: the worker's single-writer partition of the
 * window state of every correlation rule. No locks, and no allocation on the event path once the key slots and
 * entry arrays have grown to the working set (growth is rare, bounded by the caps, and counted).
 *
 * <p><b>Ownership.</b> {@link #owns} hashes the correlation's group-key values read from the event (aliases applied
 * per referenced rule), so every event of one group goes to one worker whichever rule it matched; correlations with
 * the same group-by fields hash the same. A base rule feeding correlations with different group-by may be owned by
 * several workers, each updating only the partitions it owns (its stand-alone alert, when generated, then comes from
 * each owner). Chaining: an inner correlation's occurrences are fed into the outer correlation on the same worker,
 * with the outer's group key read from the same event; this is exact with one worker, and with N &gt; 1 workers exact
 * only when the outer groups by the same fields as the inner (otherwise the outer's state for one group may be split
 * across workers, so it can miss).
 *
 * <p><b>Time.</b> Windows slide in event time ({@code timestampNanos}, else {@code receivedNanos}); they are not
 * aligned to clock boundaries: the window of an evaluation is [T - timespan, T] where T is the newest event time of
 * the group. Watermark = max event time seen minus the bounded out-of-orderness; an event older than watermark -
 * timespan is late: counted, then applied or dropped ({@link CorrelationConfig.LatePolicy}). Idle groups expire on
 * a {@link TimerHeap} driven by the watermark, polled when an event moves the watermark past the earliest deadline,
 * so alerts depend only on the event sequence, never on batch boundaries or the worker's clock.
 *
 * <p><b>Emission policy.</b> A group fires once when its condition becomes true ("crossing"): one alert with a new
 * id, deterministic from (rule, group key, crossing event time). While the condition stays true, contributing
 * events only update the incident (count, last seen) and at most one update alert with the same id and a higher
 * count is emitted per timespan of event time. When the condition is false again (seen on the group's next event,
 * or when the group expires, is evicted, or {@link #flush} is called), the incident closes: a last update is emitted
 * if its count moved since the last emission, and the group re-arms. Never one alert per event.
 *
 * <p><b>Caps.</b> Per rule, at most {@code maxKeys} groups (CLOCK picks the key to evict: one not touched since the
 * eviction hand last swept past it, so an old, idle key; see {@link RuleState}) and
 * {@code slotCapacity} entries per group (counting types keep threshold + 2 entries, which decides every comparison;
 * value types keep {@code maxValues} values and evict the oldest). Every alert says whether keys or values were
 * evicted in or just before its window ({@code extra.evicted}) and how many late events its group saw
 * ({@code extra.late_events}).
 */
public final class CorrelationEngine implements CorrelationHook {
    private static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_CHAIN_DEPTH = 16;
    private static final int[] NO_FEEDS = new int[0];
    private static final long BUCKET_COUNT_MASK = (1L << 24) - 1;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Seed of the truncated-key digest: fixed, so that a key's identity (and incident id) is the same in every run. */
    private static final long SEED = 0xcbf29ce484222325L;
    /**
     * Secret seeds of the key-table and value hashes, drawn once per process (all workers must agree: they partition
     * keys by this hash). With fixed ones, keys that collide could be computed offline and sent to turn every lookup
     * of a rule into a scan of its whole table (hash flooding); with these, nobody outside the process knows which
     * keys collide. Nothing that leaves the process depends on them.
     */
    private static final long K0;
    private static final long K1;
    private static final long K2;
    private static final long K3;

    static {
        final SecureRandom r = new SecureRandom();
        K0 = r.nextLong();
        K1 = r.nextLong();
        K2 = r.nextLong();
        K3 = r.nextLong();
    }

    private CorrelationSet set;
    private CorrelationConfig config;
    private CorrelationRule[] rules;
    private RuleState[] states;
    /** Per correlation: (outer correlation, position) pairs fed by its occurrences. */
    private int[][] correlationFeeds;
    /** Per base rule index: (correlation, position) pairs it feeds. */
    private int[][] ruleFeeds = new int[64][];
    private boolean[] ruleSuppressed = new boolean[64];
    /**
     * Per base rule: its matches go through the match pipeline ({@link #worthPrefetching}), kept up to date when
     * feeds are bound and when a state's hot records grow past {@link #pipelineMinLongs}, so that the per-event test is
     * one array read instead of a chain of four dependent loads.
     */
    private boolean[] rulePipelined = new boolean[64];
    private final List<String[]> wanted = new ArrayList<>();
    private volatile CorrelationSet pending;

    private int ordinal;
    private int workers = 1;
    private long maxEventTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long lastNowNanos;

    private final TimerHeap timers = new TimerHeap(1024);
    private long timerSeq;

    private byte[] keyScratch = new byte[256];
    /** Set by {@link #keyHash}: the encoded key's length, whether it is in {@link #keyScratch}, field indexes. */
    private int keyLength;
    private boolean keyInScratch;
    /** Set by {@link #keyHash} for a one-field short key: its encoded words (the hot record's KEY words). */
    private boolean keyWords;
    private long keyW0;
    private long keyW1;
    private long keyW2;
    private int[] fieldIndex = new int[4];
    /** Set by {@link #slotOf}: the key was added by this event. */
    private boolean slotIsNew;
    private double[] numberScratch = new double[16];

    // Match pipeline (onMatchInBatch): matches waiting to be applied, in arrival order from 0 to pipeTail.
    private static final int PIPELINE = 16;
    private final TelemetryEvent[] pipeEvents = new TelemetryEvent[PIPELINE];
    private final int[] pipeRules = new int[PIPELINE];
    /** The sink of every pipelined match (a worker has one; another sink drains the pipeline first). */
    private AlertSink pipeSink;
    /**
     * Hot records (longs) of a rule from which its matches are pipelined: {@link CorrelationConfig#pipelineMinKb}.
     * Measured with CorrelationCpuTime {@code paired} (2-vCPU EPYC VM, 1 MB L2, shared 32 MB L3): 3 MB of records
     * (10k keys) gained nothing (0.94-0.96x, noise), 6 MB (20k keys) 1.4x, 12 MB 1.7x, 25 MB (100k keys) 1.5x;
     * smaller states mostly hit in cache, where the queue is pure cost.
     */
    private long pipelineMinLongs;
    /** Tests only: every event through {@link #apply} (the in-place path of {@link #onMatch} is then never taken). */
    boolean generalPathOnly;
    /** Per pipeline entry: the key hash of its rule's first feed (for the prefetch). */
    private final int[] pipeHashes = new int[PIPELINE];
    /** Per pipelined match whose key took {@link #wordKeyHash}: its words and encoded length (else length -1). */
    private final long[] pipeWords = new long[3 * PIPELINE];
    private final int[] pipeKeyLengths = new int[PIPELINE];
    /**
     * While a drained match is applied: the key hash and words its prefetch pass computed for (presetRule,
     * presetPosition), so that {@link #hashKey} does not derive them from the event a second time.
     */
    private CorrelationRule presetRule;
    private int presetPosition;
    private int presetHash;
    private int presetIndex;
    private int pipeTail;
    /** Sum of the prefetching loads, stored so that the JIT keeps them (never read: the store is the point). */
    @SuppressWarnings("UnusedVariable")
    private long prefetched;
    private long pipelined;

    private long lateEvents;
    private long inPlace;
    private long lateDropped;
    private long alertsEmitted;
    private long scratchGrowths;

    /** An engine over a compiled set; bind base rules with {@link #wants} before events flow. */
    public CorrelationEngine(final CorrelationSet set) {
        install(set, new RuleState[set.size()]);
    }

    // --- binding ------------------------------------------------------------------------------------------------

    @Override
    public boolean wants(final int ruleIndex, final String ruleId, final String ruleName) {
        while (wanted.size() <= ruleIndex) {
            wanted.add(null);
        }
        wanted.set(ruleIndex, new String[] {ruleId, ruleName});
        return bindRule(ruleIndex, ruleId, ruleName);
    }

    private boolean bindRule(final int ruleIndex, final String ruleId, final String ruleName) {
        if (ruleIndex >= ruleFeeds.length) {
            ruleFeeds = Arrays.copyOf(ruleFeeds, Math.max(ruleIndex + 1, ruleFeeds.length * 2));
            ruleSuppressed = Arrays.copyOf(ruleSuppressed, ruleFeeds.length);
            rulePipelined = Arrays.copyOf(rulePipelined, ruleFeeds.length);
        }
        final List<Integer> feeds = new ArrayList<>();
        boolean generated = false;
        for (final CorrelationRule r : rules) {
            for (int p = 0; p < r.baseRules.length; p++) {
                final BaseRule b = r.baseRules[p];
                if (b != null && ((ruleId != null && ruleId.equals(b.id()))
                    || (ruleName != null && ruleName.equals(b.name())))) {
                    feeds.add(r.index);
                    feeds.add(p);
                    generated |= r.generate;
                }
            }
        }
        ruleFeeds[ruleIndex] = toArray(feeds);
        ruleSuppressed[ruleIndex] = !feeds.isEmpty() && !generated;
        rulePipelined[ruleIndex] = worthPrefetching(ruleIndex);
        return !feeds.isEmpty();
    }

    private static int[] toArray(final List<Integer> list) {
        if (list.isEmpty()) {
            return NO_FEEDS;
        }
        final int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }

    private void install(final CorrelationSet newSet, final RuleState[] newStates) {
        set = newSet;
        config = newSet.config();
        pipelineMinLongs = config.pipelineMinKb * 1024L / Long.BYTES;
        rules = newSet.rules().toArray(new CorrelationRule[0]);
        for (int i = 0; i < rules.length; i++) {
            if (newStates[i] == null) {
                newStates[i] = new RuleState(rules[i]);
            }
        }
        states = newStates;
        correlationFeeds = new int[rules.length][];
        final List<List<Integer>> feeds = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            feeds.add(new ArrayList<>());
        }
        for (final CorrelationRule r : rules) {
            for (int p = 0; p < r.innerCorrelations.length; p++) {
                if (r.innerCorrelations[p] >= 0) {
                    feeds.get(r.innerCorrelations[p]).add(r.index);
                    feeds.get(r.innerCorrelations[p]).add(p);
                }
            }
        }
        for (int i = 0; i < rules.length; i++) {
            correlationFeeds[i] = toArray(feeds.get(i));
        }
        for (int i = 0; i < wanted.size(); i++) {
            final String[] w = wanted.get(i);
            if (w != null) {
                bindRule(i, w[0], w[1]);
            }
        }
    }

    /**
     * Adopts a new correlation set, on the worker thread at a batch boundary. Unchanged rules (same YAML) keep their
     * window state; a changed rule keeps it when its type, group-by, timespan, value field, references (temporal
     * types) and per-key capacity are unchanged, else starts fresh and flags {@code extra.restarted} on its next
     * alert. Rules are matched across sets by id, else name, else title. Off the event path.
     */
    public void rebind(final CorrelationSet newSet) {
        final Map<String, RuleState> old = new HashMap<>();
        for (final RuleState s : states) {
            old.put(s.rule.identity(), s);
        }
        final List<CorrelationRule> newRules = newSet.rules();
        final RuleState[] next = new RuleState[newRules.size()];
        for (int i = 0; i < next.length; i++) {
            final CorrelationRule r = newRules.get(i);
            final RuleState o = old.remove(r.identity());
            if (o != null && compatible(o.rule, r)) {
                o.rebindRule(r);
                next[i] = o;
            } else {
                next[i] = new RuleState(r);
                next[i].restarted = o != null;
            }
        }
        install(newSet, next);
        // Timers refer to (correlation index, slot): rebuild them for the surviving state.
        timers.clear();
        for (int c = 0; c < states.length; c++) {
            final RuleState s = states[c];
            for (int slot = 0; slot < s.allocated; slot++) {
                if (s.used(slot)) {
                    s.timerId(slot, RuleState.NO_TIMER);
                    ensureTimer(c, s, slot);
                }
            }
        }
    }

    @Override
    public void rebinding(final CorrelationSet next) {
        drainPipeline();
        // Base-rule indexes of the old Sigma set mean nothing in the new one: forget them before re-binding.
        wanted.clear();
        Arrays.fill(ruleFeeds, null);
        Arrays.fill(ruleSuppressed, false);
        Arrays.fill(rulePipelined, false);
        if (next != null && next != set) {
            pending = null;
            rebind(next);
        }
    }

    /** Hands a new set to the worker; it is adopted by {@link #rebind} at the next {@link #onBatchEnd}. Any thread. */
    public void offer(final CorrelationSet newSet) {
        pending = newSet;
    }

    private static boolean compatible(final CorrelationRule a, final CorrelationRule b) {
        if (a.fingerprint.equals(b.fingerprint)) {
            return a.slotCapacity == b.slotCapacity && a.maxKeys == b.maxKeys;
        }
        return a.type == b.type && a.groupNames.equals(b.groupNames) && a.timespanNanos == b.timespanNanos
            && Objects.equals(a.valueField, b.valueField) && a.slotCapacity == b.slotCapacity
            && a.maxKeys == b.maxKeys && a.bucketNanos == b.bucketNanos
            && (!a.type.temporal() || a.references.equals(b.references));
    }

    /** The set in use. */
    public CorrelationSet correlationSet() {
        return set;
    }

    // --- event path ---------------------------------------------------------------------------------------------

    @Override
    public boolean owns(final int ruleIndex, final TelemetryEvent event, final int ordinal, final int workers) {
        this.ordinal = ordinal;
        this.workers = workers;
        if (ruleIndex >= ruleFeeds.length) {
            return false;
        }
        final int[] feeds = ruleFeeds[ruleIndex];
        if (feeds == null || feeds.length == 0) {
            return false;
        }
        if (workers <= 1) {
            return true;
        }
        for (int i = 0; i < feeds.length; i += 2) {
            if (ownsPartition(feeds[i], feeds[i + 1], event)) {
                return true;
            }
        }
        return false;
    }

    private boolean ownsPartition(final int c, final int position, final TelemetryEvent event) {
        return Integer.remainderUnsigned(hashKey(rules[c], position, event), workers) == ordinal;
    }

    @Override
    public void onMatch(final int ruleIndex, final TelemetryEvent event, final AlertSink sink) {
        if (ruleIndex >= ruleFeeds.length || ruleFeeds[ruleIndex] == null) {
            return;
        }
        final int[] feeds = ruleFeeds[ruleIndex];
        final long t = event.timestampNanos != TelemetryEvent.NO_TIME ? event.timestampNanos : event.receivedNanos;
        if (t > maxEventTime) {
            maxEventTime = t;
            watermark = t - config.outOfOrderNanos;
        }
        if (watermark >= timers.minDeadline()) {
            expire(sink);
        }
        for (int i = 0; i < feeds.length; i += 2) {
            if (workers > 1 && !ownsPartition(feeds[i], feeds[i + 1], event)) {
                continue;
            }
            // The in-place path (parts 1 to 3 below), written here rather than in a method of its own so that C2
            // inlines its parts into this loop: a method holding them measured as a call per event.
            final int c = feeds[i];
            final RuleState s = states[c];
            if (s.ring && !generalPathOnly && presetRule == null && event.sourceFile == -1 && s.ringSource == null
                && (watermark == Long.MIN_VALUE || t >= watermark - s.rule.timespanNanos)) {
                final int h = ringRecordInPlace(s, feeds[i + 1], event);
                final long plan = h < 0 ? -1 : ringPlanInPlace(s, h, event, t);
                if (plan >= 0 && ringCommitInPlace(s, h, plan, event, t, correlationFeeds[c].length == 0)) {
                    inPlace++;
                    continue;
                }
            }
            apply(c, feeds[i + 1], event, t, sink, 0);
        }
    }

    /**
     * The in-place path of {@link #onMatch}, part 1 of 3 (with {@link #ringPlanInPlace} and
     * {@link #ringCommitInPlace}), not taken while the match pipeline applies its queue (whose key hash
     * {@link #apply} reuses): an event of an exact event_count rule (window in the record's ring) that is neither
     * late nor read from a file, grouped by one short field. Returns the record of its existing key ({@code hot}
     * index of its META), found from the field's bytes read as the key words; -1 (a missing, long or new key) sends
     * it through {@link #apply}. Reads only.
     *
     * <p>Why small methods called from {@link #onMatch}: {@link #apply} carries every rule type and is far over C2's
     * size limit for inlining hot callees (325 bytecodes), as was one method doing all three parts, and each call on
     * the event path spills every live register (HotSpot's convention keeps none across calls). Each of these is
     * under the limit, so they inline into onMatch, and the commonest correlation event (a brute-force group that
     * stays over or under its threshold) costs the rule worker one call (to onMatch) instead of four.
     */
    private static int ringRecordInPlace(final RuleState s, final int position, final TelemetryEvent event) {
        final int[] ids = s.rule.groupFieldIds[position];
        final int i = ids.length == 1 ? event.indexOf(ids[0]) : -1;
        if (i < 0) {
            return -1;
        }
        final int len = event.valueLength(i);
        final byte[] arena = event.arena();
        final int off = event.valueOffset(i);
        if (len > RuleState.INLINE_KEY - 2 || off + 24 > arena.length) {
            return -1;
        }
        // The key words as wordKeyHash builds them: the three words read whole, then cut to len.
        final long v0 = (long) LONGS.get(arena, off) & wordMask(len);
        final long v1 = (long) LONGS.get(arena, off + 8) & wordMask(len - 8);
        final long v2 = (long) LONGS.get(arena, off + 16) & wordMask(len - 16);
        final long w0 = keyWord0(len, v0);
        final long w1 = (v0 >>> 48) | (v1 << 16);
        final long w2 = (v1 >>> 48) | (v2 << 16);
        final int slot = findInline(s, wordsHash(w0, w1, w2), len + 2, w0, w1, w2);
        return slot < 0 ? -1 : slot * s.stride;
    }

    /** The bits of a little-endian word that hold {@code n} valid bytes (n &lt;= 0: none, n &gt;= 8: all). */
    private static long wordMask(final int n) {
        return n >= 8 ? -1L : n <= 0 ? 0 : (1L << (n << 3)) - 1;
    }

    /**
     * The in-place path, part 2: plans the append of the event to the ring of the record at {@code h} from the
     * loaded record, writing nothing. Returns the plan (the window's new count and head, whether the oldest time was
     * dropped at capacity, whether the condition holds), or -1 when the event needs more than the record changed: a
     * TLP above the group's, no expiry timer armed yet, or an out-of-order time. Then (or when part 3 refuses)
     * {@link #apply} takes it and does the same and the rest: same state and alerts either way
     * ({@code CorrelationEngineTest.shouldGiveTheSameAlertsAndStateThroughTheInPlacePathAsThroughTheGeneralOne}).
     */
    private long ringPlanInPlace(final RuleState s, final int h, final TelemetryEvent event, final long t) {
        final long[] hot = s.hot;
        final long meta = hot[h + RuleState.META];
        if ((meta & RuleState.TIMED) == 0 || event.tlp > (int) ((meta & RuleState.TLP_MASK) >>> RuleState.TLP_SHIFT)) {
            return -1;
        }
        final int base = h + RuleState.RING;
        final int m = s.ringMask;
        int n = (int) (meta >>> RuleState.COUNT_SHIFT);
        int head = (int) (meta >>> RuleState.HEAD_SHIFT) & m;
        if (n == 0 || hot[base + ((head + n - 1) & m)] > t) {
            return -1;
        }
        final long span = s.rule.timespanNanos;
        final long from = Math.max(hot[h + RuleState.MAX], t) - span;
        int saturated = 0;
        if (n == s.capacity) {
            int drop = 0;
            while (drop < n && hot[base + ((head + drop) & m)] < from - config.outOfOrderNanos) {
                drop++;
            }
            if (drop == 0) {
                // nothing old enough: the oldest goes anyway (bit 11 of the plan counts it)
                drop = 1;
                saturated = 1 << 11;
            }
            n -= drop;
            head = (head + drop) & m;
        }
        int below = 0;
        while (below < n && hot[base + ((head + below) & m)] < from) {
            below++;
        }
        final boolean holds = s.holdsAt[n + 1 - below - (below == n && t < from ? 1 : 0)];
        return (long) ((n + 1) | (head << 5) | (holds ? 1 << 10 : 0) | saturated);
    }

    /**
     * The in-place path, part 3: writes the plan of {@link #ringPlanInPlace} (bits 0-4 count, 5-9 head, 10 holds,
     * 11 saturated) unless the incident opens, is due an update alert, closes, or feeds an outer correlation
     * ({@code unchained} false): then it writes nothing and returns false.
     */
    private static boolean ringCommitInPlace(final RuleState s, final int h, final long plan,
                                             final TelemetryEvent event, final long t, final boolean unchained) {
        final long[] hot = s.hot;
        final boolean holds = (plan & (1 << 10)) != 0;
        if (holds != ((hot[h + RuleState.META] & RuleState.ACTIVE) != 0)
            || (holds && (!unchained || t - hot[h + RuleState.INC_LAST_EMIT] >= s.rule.timespanNanos))) {
            return false;
        }
        final int n = (int) plan & 0x1F;
        final int head = (int) (plan >>> 5) & 0x1F;
        if ((plan & (1 << 11)) != 0) {
            s.saturated++;
        }
        final int p = (head + n - 1) & s.ringMask;
        hot[h + RuleState.RING + p] = t;
        hot[h + s.seqAt + p] = event.seq;
        hot[h + RuleState.META] = (hot[h + RuleState.META] & ~(RuleState.COUNT_MASK | RuleState.HEAD_MASK))
            | RuleState.REFERENCED | ((long) n << RuleState.COUNT_SHIFT) | ((long) head << RuleState.HEAD_SHIFT);
        hot[h + RuleState.MAX] = Math.max(hot[h + RuleState.MAX], t);
        if (holds) {
            hot[h + RuleState.INC_COUNT]++;
            hot[h + RuleState.INC_LAST] = Math.max(hot[h + RuleState.INC_LAST], t);
        }
        return true;
    }

    /**
     * {@link #onMatch}, possibly applied up to {@link #PIPELINE} matches later (and always by the next
     * {@link #onBatchEnd}, {@link #flush} or {@link #rebinding}), in arrival order, so state and alerts are exactly
     * those of {@code onMatch} in the same order. The caller guarantees the event is not changed until then: a rule
     * worker's ring slots are not reused before its batch ends.
     *
     * <p>Why: with more keys than a core's cache holds, each match waits on two dependent cache misses (key table,
     * then hot record), ~100 ns each when the state is in DRAM, one match after the other. Queued matches are applied
     * in a group whose loads are issued back to back first ({@link #drainPipeline}), so their misses overlap. A match
     * of a rule whose state is small enough to stay in cache is applied at once (after the queued ones).
     */
    @Override
    public void onMatchInBatch(final int ruleIndex, final TelemetryEvent event, final AlertSink sink) {
        if (ruleIndex >= rulePipelined.length || !rulePipelined[ruleIndex]) {
            // State that stays in cache gains nothing from the pipeline: applied now (after any earlier match).
            if (pipeTail != 0) {
                drainPipeline();
            }
            onMatch(ruleIndex, event, sink);
            return;
        }
        if (sink != pipeSink) {
            drainPipeline();
            pipeSink = sink;
        }
        pipelined++;
        final int k = pipeTail++;
        pipeEvents[k] = event;
        pipeRules[k] = ruleIndex;
        if (pipeTail == PIPELINE) {
            drainPipeline();
        }
    }

    private boolean worthPrefetching(final int ruleIndex) {
        if (ruleIndex >= ruleFeeds.length) {
            return false;
        }
        final int[] feeds = ruleFeeds[ruleIndex];
        return feeds != null && feeds.length > 0 && states[feeds[0]].hot.length >= pipelineMinLongs;
    }

    /** A state's hot records grew (a new key): re-derives {@link #rulePipelined} once they pass the threshold. */
    private void grown(final RuleState s) {
        if (s.hot.length < pipelineMinLongs || s.pipelined) {
            return;
        }
        s.pipelined = true;
        for (int i = 0; i < ruleFeeds.length; i++) {
            rulePipelined[i] = worthPrefetching(i);
        }
    }

    /**
     * Applies every pipelined match, in arrival order, after two passes over them that load their key-table entries,
     * then the hot records those point to, issuing independent loads back to back so that their misses overlap. Every
     * queued match passed {@link #worthPrefetching}, and feeds and states cannot change before this drain (a new set
     * is bound only after one), so the passes need no checks.
     */
    private void drainPipeline() {
        final int n = pipeTail;
        if (n == 0) {
            return;
        }
        pipeTail = 0;
        long sum = 0;
        for (int k = 0; k < n; k++) {
            final int[] feeds = ruleFeeds[pipeRules[k]];
            final RuleState s = states[feeds[0]];
            final int hash = keyHash(s.rule, feeds[1], pipeEvents[k]);
            pipeHashes[k] = hash;
            if (keyWords) {
                pipeWords[3 * k] = keyW0;
                pipeWords[3 * k + 1] = keyW1;
                pipeWords[3 * k + 2] = keyW2;
                pipeKeyLengths[k] = keyLength;
            } else {
                pipeKeyLengths[k] = -1;
            }
            sum += s.table[hash & s.mask];
        }
        for (int k = 0; k < n; k++) {
            final RuleState s = states[ruleFeeds[pipeRules[k]][0]];
            final int v = s.table[pipeHashes[k] & s.mask];
            if (v != 0) {
                final int h = ((v & s.slotMask) - 1) * s.stride;
                final long[] hot = s.hot;
                sum += hot[h + RuleState.META];
                if (s.ring) {
                    sum += hot[h + RuleState.RING + s.capacity - 1] + hot[h + s.seqAt];
                }
            }
        }
        prefetched += sum;
        final AlertSink sink = pipeSink;
        for (int k = 0; k < n; k++) {
            final int rule = pipeRules[k];
            if (pipeKeyLengths[k] >= 0) {
                final int[] feeds = ruleFeeds[rule];
                presetRule = states[feeds[0]].rule;
                presetPosition = feeds[1];
                presetHash = pipeHashes[k];
            }
            presetIndex = k;
            onMatch(rule, pipeEvents[k], sink);
            presetRule = null;
        }
    }

    @Override
    public boolean suppressesAlert(final int ruleIndex) {
        return ruleIndex < ruleSuppressed.length && ruleSuppressed[ruleIndex];
    }

    @Override
    public void onBatchEnd(final long nowNanos, final AlertSink sink) {
        drainPipeline();
        lastNowNanos = nowNanos;
        final CorrelationSet p = pending;
        if (p != null) {
            pending = null;
            rebind(p);
        }
        expire(sink);
    }

    /** Closes every open incident (emitting its last update when its count moved): end of a replay. */
    public void flush(final AlertSink sink) {
        drainPipeline();
        for (final RuleState s : states) {
            for (int slot = 0; slot < s.allocated; slot++) {
                if (s.used(slot) && s.active(slot)) {
                    close(s, slot, sink);
                }
            }
        }
    }

    private void apply(final int c, final int position, final TelemetryEvent event, final long t,
                       final AlertSink sink, final int depth) {
        final RuleState s = states[c];
        final CorrelationRule r = s.rule;
        final long span = r.timespanNanos;
        boolean isLate = false;
        if (watermark != Long.MIN_VALUE && t < watermark - span) {
            isLate = true;
            s.lateEvents++;
            lateEvents++;
            if (config.latePolicy == CorrelationConfig.LatePolicy.DROP) {
                s.lateDropped++;
                lateDropped++;
                return;
            }
        }
        long aux = position;
        if (!s.ring) {
            switch (r.type) {
                case VALUE_COUNT: {
                    final int i = event.indexOf(r.valueFieldIds[position]);
                    if (i < 0) {
                        s.skippedNoValue++;
                        return;
                    }
                    aux = seededHash64(event.arena(), event.valueOffset(i), event.valueLength(i));
                    break;
                }
                case VALUE_SUM:
                case VALUE_AVG:
                case VALUE_PERCENTILE: {
                    final int i = event.indexOf(r.valueFieldIds[position]);
                    final double v = i < 0 ? Double.NaN : parseDouble(event.arena(), event.valueOffset(i),
                        event.valueLength(i));
                    if (Double.isNaN(v)) {
                        s.skippedNoValue++;
                        return;
                    }
                    aux = Double.doubleToRawLongBits(v);
                    break;
                }
                default:
                    break;
            }
        }
        final int slot = slotOf(s, r, position, event, t, sink);
        final long[] hot = s.hot;
        final int h = slot * s.stride;
        // A key's second event marks it referenced: CLOCK then gives it a second chance over keys seen once.
        long meta = hot[h + RuleState.META] | (slotIsNew ? 0 : RuleState.REFERENCED);
        if (isLate) {
            s.late[slot]++;
        }
        final int tlp = Math.min(event.tlp, 0xFF);
        if (tlp > (int) ((meta & RuleState.TLP_MASK) >>> RuleState.TLP_SHIFT)) {
            meta = (meta & ~RuleState.TLP_MASK) | ((long) tlp << RuleState.TLP_SHIFT);
        }
        hot[h + RuleState.META] = meta;
        if (t > hot[h + RuleState.MAX]) {
            hot[h + RuleState.MAX] = t;
        }
        final long now = hot[h + RuleState.MAX];
        final long from = now - span;
        final long seq = event.seq;
        final long source = RuleState.packSource(event.sourceFile, event.sourceLine);
        final double metric;
        final boolean holds;
        if (s.ring) {
            final int count = ringAppend(s, slot, t, seq, source, from - config.outOfOrderNanos, from);
            metric = count;
            holds = s.holdsAt[count];
        } else {
            switch (r.type) {
                case VALUE_COUNT:
                case TEMPORAL:
                    upsert(s, slot, t, aux, seq, source, from - config.outOfOrderNanos);
                    break;
                case TEMPORAL_ORDERED:
                    advanceChain(s, slot, position, t, span, seq, source);
                    break;
                case EVENT_COUNT:
                    if (r.bucketNanos > 0) {
                        addToBucket(s, slot, t, r.bucketNanos, seq, source, from - config.outOfOrderNanos);
                        break;
                    }
                    append(s, slot, t, aux, seq, source, from - config.outOfOrderNanos);
                    break;
                default:
                    append(s, slot, t, aux, seq, source, from - config.outOfOrderNanos);
                    break;
            }
            metric = metric(s, slot, from);
            holds = r.condition != null ? r.condition.test(metric) : metric >= r.references.size();
        }
        if (!s.ring) {
            // Ring rules derive it from the ring when an alert needs it (RuleState.lastMetric).
            hot[h + RuleState.METRIC] = Double.doubleToRawLongBits(metric);
        }
        if (holds) {
            if ((hot[h + RuleState.META] & RuleState.ACTIVE) == 0) {
                openIncident(c, s, slot, event, t, from, sink);
            } else {
                final long count = ++hot[h + RuleState.INC_COUNT];
                if (t > hot[h + RuleState.INC_LAST]) {
                    hot[h + RuleState.INC_LAST] = t;
                }
                if (t - hot[h + RuleState.INC_LAST_EMIT] >= span) {
                    hot[h + RuleState.INC_LAST_EMIT] = t;
                    s.incEmitted[slot] = count;
                    emit(c, s, slot, event, from, true, sink);
                }
            }
        } else if ((hot[h + RuleState.META] & RuleState.ACTIVE) != 0) {
            close(s, slot, sink);
        }
        ensureTimer(c, s, slot);
        if (holds && depth < MAX_CHAIN_DEPTH) {
            // An occurrence of this correlation is an event of the outer ones (keyScratch is reused from here on).
            final int[] outer = correlationFeeds[c];
            for (int i = 0; i < outer.length; i += 2) {
                apply(outer[i], outer[i + 1], event, t, sink, depth + 1);
            }
        }
    }

    /**
     * The slot of the event's group key for (rule, position), added when new (evicting at the key cap). The lookup
     * hashes and compares the key's field bytes in the event's arena; they are copied into {@link #keyScratch} only
     * for a new key, or when the key is longer than {@link #MAX_KEY_BYTES} (then truncated with a digest).
     */
    private int slotOf(final RuleState s, final CorrelationRule r, final int position, final TelemetryEvent event,
                       final long t, final AlertSink sink) {
        final int hash = hashKey(r, position, event);
        slotIsNew = false;
        int slot;
        if (keyWords) {
            // One short field: its words were read straight from the event by keyHash.
            slot = findInline(s, hash, keyLength, keyW0, keyW1, keyW2);
        } else if (!keyInScratch && keyLength <= RuleState.INLINE_KEY) {
            // Short key of several fields: compared as three words against the hot record, never the slab.
            final int len = encodeKey(r, position, event);
            slot = findInline(s, hash, len, scratchWord(len, 0), scratchWord(len, 1), scratchWord(len, 2));
        } else {
            slot = keyInScratch ? s.find(keyScratch, keyLength, hash)
                : findInEvent(s, r.groupFieldIds[position], event, hash);
        }
        if (slot < 0) {
            if (!keyInScratch) {
                encodeKey(r, position, event);
            }
            if (s.size >= s.maxKeys) {
                evictKey(s, s.victim(), t, sink);
            }
            slot = s.add(keyScratch, keyLength, hash);
            slotIsNew = true;
            grown(s);
        }
        return slot;
    }

    /** {@link #findInEvent} for a key of at most {@link RuleState#INLINE_KEY} encoded bytes, as its three words. */
    private static int findInline(final RuleState s, final int hash, final int len, final long w0, final long w1,
                                  final long w2) {
        final int[] table = s.table;
        final long[] hot = s.hot;
        final int stride = s.stride;
        final int mask = s.mask;
        final int slotMask = s.slotMask;
        final int tag = hash & ~slotMask;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            final int v = table[i];
            if (v == 0) {
                return -1;
            }
            if ((v & ~slotMask) == tag) {
                final int slot = (v & slotMask) - 1;
                final int h = slot * stride;
                if ((int) (hot[h + RuleState.META] & RuleState.KEY_LEN_MASK) == len && hot[h + RuleState.KEY] == w0
                    && hot[h + RuleState.KEY + 1] == w1 && hot[h + RuleState.KEY + 2] == w2) {
                    return slot;
                }
            }
        }
    }

    /** Little-endian word k of keyScratch[0, len), zero past len (as {@link RuleState#keyWord}). */
    private long scratchWord(final int len, final int k) {
        final int valid = len - (k << 3);
        if (valid <= 0) {
            return 0;
        }
        final long w = (long) LONGS.get(keyScratch, k << 3);
        return valid >= 8 ? w : w & ((1L << (valid << 3)) - 1);
    }

    private int findInEvent(final RuleState s, final int[] ids, final TelemetryEvent event, final int hash) {
        final int[] table = s.table;
        final int mask = s.mask;
        final int slotMask = s.slotMask;
        final int tag = hash & ~slotMask;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            final int v = table[i];
            if (v == 0) {
                return -1;
            }
            if ((v & ~slotMask) == tag && sameKey(s, (v & slotMask) - 1, ids, event)) {
                return (v & slotMask) - 1;
            }
        }
    }

    /** True when the slot's key bytes equal the encoding of the event's fields indexed by {@link #keyHash}. */
    private boolean sameKey(final RuleState s, final int slot, final int[] ids, final TelemetryEvent event) {
        final long[] hot = s.hot;
        // Only keys longer than RuleState.INLINE_KEY come here: their bytes are in the slab.
        if ((int) (hot[slot * s.stride + RuleState.META] & RuleState.KEY_LEN_MASK) != keyLength) {
            return false;
        }
        final byte[] slab = s.slab;
        final byte[] arena = event.arena();
        int p = (int) hot[slot * s.stride + RuleState.KEY];
        for (int f = 0; f < ids.length; f++) {
            final int i = fieldIndex[f];
            if (i < 0) {
                if (slab[p] != (byte) 0xFF || slab[p + 1] != (byte) 0xFF) {
                    return false;
                }
                p += 2;
            } else {
                final int l = Math.min(event.valueLength(i), 0xFFFE);
                if (slab[p] != (byte) (l >>> 8) || slab[p + 1] != (byte) l) {
                    return false;
                }
                p += 2;
                if (!equalBytes(slab, p, arena, event.valueOffset(i), l)) {
                    return false;
                }
                p += l;
            }
        }
        return true;
    }

    /** a[ai, ai + len) equals b[bi, bi + len): 8 bytes per step while both have room, then bytewise. */
    private static boolean equalBytes(final byte[] a, final int ai, final byte[] b, final int bi, final int len) {
        int k = 0;
        for (; k + 8 <= len; k += 8) {
            if ((long) LONGS.get(a, ai + k) != (long) LONGS.get(b, bi + k)) {
                return false;
            }
        }
        for (; k < len; k++) {
            if (a[ai + k] != b[bi + k]) {
                return false;
            }
        }
        return true;
    }

    private void openIncident(final int c, final RuleState s, final int slot, final TelemetryEvent event,
                              final long t, final long from, final AlertSink sink) {
        s.active(slot, true);
        s.incidentId[slot] = incidentId(s, slot, t);
        long first = t;
        long inWindow = 0;
        if (s.ring) {
            final int h = slot * s.stride;
            final long meta = s.hot[h + RuleState.META];
            for (int k = 0, n = s.count(slot); k < n; k++) {
                final long time = s.hot[s.ringTime(h, meta, k)];
                if (time >= from && time != Long.MIN_VALUE) {
                    inWindow++;
                    first = Math.min(first, time);
                }
            }
        } else {
            final long[] e = s.entries[slot];
            for (int j = 0, n = s.count(slot); j < n; j++) {
                final long time = e[j * RuleState.STRIDE];
                if (time >= from && time != Long.MIN_VALUE) {
                    inWindow++;
                    first = Math.min(first, time);
                }
            }
        }
        final long count = Math.max(1, s.rule.type == CorrelationType.EVENT_COUNT ? (long) s.lastMetric(slot)
            : inWindow);
        final int h = slot * s.stride;
        s.hot[h + RuleState.INC_COUNT] = count;
        s.incFirst[slot] = first;
        s.hot[h + RuleState.INC_LAST] = t;
        s.hot[h + RuleState.INC_LAST_EMIT] = t;
        s.incEmitted[slot] = count;
        emit(c, s, slot, event, from, false, sink);
    }

    private void close(final RuleState s, final int slot, final AlertSink sink) {
        if (!s.active(slot)) {
            return;
        }
        final long count = s.hot[slot * s.stride + RuleState.INC_COUNT];
        if (count > s.incEmitted[slot]) {
            s.incEmitted[slot] = count;
            emit(s.rule.index, s, slot, null, s.hot[slot * s.stride + RuleState.INC_LAST]
                - s.rule.timespanNanos, true, sink);
        }
        s.active(slot, false);
        s.incidentId[slot] = null;
    }

    private void evictKey(final RuleState s, final int slot, final long t, final AlertSink sink) {
        s.keyEvictions++;
        s.lastKeyEvictionAt = Math.max(s.lastKeyEvictionAt, t);
        close(s, slot, sink);
        cancelTimer(s, slot);
        s.remove(slot);
    }

    // --- window entries -----------------------------------------------------------------------------------------

    /**
     * Exact event_count: adds time t to the slot's window (as {@link #append} does for entry arrays: when full, first
     * drop times before {@code pruneBefore}, then the oldest, which loses no decision), and returns how many times are
     * at or after {@code from}. The window is a circular buffer in the record (see {@link RuleState}): dropping only
     * moves its head, so a saturated group (more events than the threshold needs, the common case of a flood) costs
     * one time and one seq written per event, not a shift of the whole window.
     *
     * <p>This is the common case only (an event no older than the group's newest, no source file), small enough
     * for the JIT to inline into {@link #apply}; the rest goes to {@link #ringInsert}.
     */
    private static int ringAppend(final RuleState s, final int slot, final long t, final long seq,
                                  final long source, final long pruneBefore, final long from) {
        final long[] hot = s.hot;
        final int h = slot * s.stride;
        final int base = h + RuleState.RING;
        final int m = s.ringMask;
        final long meta = hot[h + RuleState.META];
        int n = (int) (meta >>> RuleState.COUNT_SHIFT);
        int head = (int) (meta >>> RuleState.HEAD_SHIFT) & m;
        if (source >>> 40 != 0 || s.ringSource != null || (n > 0 && hot[base + ((head + n - 1) & m)] > t)) {
            return ringInsert(s, slot, t, seq, source, pruneBefore, from);
        }
        if (n == s.capacity) {
            int drop = 0;
            while (drop < n && hot[base + ((head + drop) & m)] < pruneBefore) {
                drop++;
            }
            if (drop == 0) {
                drop = 1;
                s.saturated++;
            }
            n -= drop;
            head = (head + drop) & m;
        }
        final int p = (head + n) & m;
        hot[base + p] = t;
        hot[h + s.seqAt + p] = seq;
        n++;
        hot[h + RuleState.META] = (meta & ~(RuleState.COUNT_MASK | RuleState.HEAD_MASK))
            | ((long) n << RuleState.COUNT_SHIFT) | ((long) head << RuleState.HEAD_SHIFT);
        int below = 0;
        while (below < n && hot[base + ((head + below) & m)] < from) {
            below++;
        }
        return n - below;
    }

    /**
     * {@link #ringAppend} in general: an out-of-order time moves the newer ones up one position; source files are
     * kept. The drop loop is repeated here on purpose: as a shared helper it was compiled on its own first, and C2
     * then refused to inline its compiled body into {@link #apply} ("too big", PrintInlining), costing a call per
     * saturated event (measured 7.9 vs 8.4 M events/s, interleaved JMH runs).
     */
    private static int ringInsert(final RuleState s, final int slot, final long t, final long seq,
                                  final long source, final long pruneBefore, final long from) {
        final long[] hot = s.hot;
        // 0 = packSource(-1, line): no file, so the evidence is the seq; a source array only once files are seen
        final long[] sources = source >>> 40 != 0 ? s.ringSource() : s.ringSource;
        final int h = slot * s.stride;
        final int base = h + RuleState.RING;
        final int seqBase = h + s.seqAt;
        final int evBase = slot * s.ringWidth;
        final int m = s.ringMask;
        final long meta = hot[h + RuleState.META];
        int n = (int) (meta >>> RuleState.COUNT_SHIFT);
        int head = (int) (meta >>> RuleState.HEAD_SHIFT) & m;
        if (n == s.capacity) {
            int drop = 0;
            while (drop < n && hot[base + ((head + drop) & m)] < pruneBefore) {
                drop++;
            }
            if (drop == 0) {
                // Counting types keep threshold + 2 entries: dropping the oldest loses no decision.
                drop = 1;
                s.saturated++;
            }
            n -= drop;
            head = (head + drop) & m;
        }
        int p = n;
        // Insert after every time <= t (out-of-order events move the newer ones up one position).
        for (; p > 0 && hot[base + ((head + p - 1) & m)] > t; p--) {
            final int to = (head + p) & m;
            final int from1 = (head + p - 1) & m;
            hot[base + to] = hot[base + from1];
            hot[seqBase + to] = hot[seqBase + from1];
            if (sources != null) {
                sources[evBase + to] = sources[evBase + from1];
            }
        }
        final int at = (head + p) & m;
        hot[base + at] = t;
        hot[seqBase + at] = seq;
        if (sources != null) {
            sources[evBase + at] = source;
        }
        n++;
        hot[h + RuleState.META] = (meta & ~(RuleState.COUNT_MASK | RuleState.HEAD_MASK))
            | ((long) n << RuleState.COUNT_SHIFT) | ((long) head << RuleState.HEAD_SHIFT);
        int below = 0;
        while (below < n && hot[base + ((head + below) & m)] < from) {
            below++;
        }
        return n - below;
    }

    private static void append(final RuleState s, final int slot, final long t, final long aux, final long seq,
                               final long source, final long pruneBefore) {
        int n = s.count(slot);
        if (n == s.capacity) {
            n = prune(s, slot, pruneBefore);
            if (n == s.capacity) {
                removeEntry(s, slot, oldestEntry(s, slot));
                n--;
                if (s.rule.type.numeric() || s.rule.bucketNanos > 0) {
                    s.valueEvictions++;
                    s.valueEvictedAt[slot] = t;
                } else {
                    // Counting types keep threshold + 2 entries: dropping the oldest loses no decision.
                    s.saturated++;
                }
            }
        }
        s.ensureEntries(slot, n + 1);
        write(s.entries[slot], n, t, aux, seq, source);
        s.count(slot, n + 1);
        if (s.valueCount) {
            s.indexValue(slot, n, n + 1);
            if (t < s.valueFrom[slot]) {
                s.valueBelow[slot]++;
            } else if (t < s.valueLow[slot]) {
                s.valueLow[slot] = t;
            }
        }
    }

    private static void upsert(final RuleState s, final int slot, final long t, final long aux, final long seq,
                               final long source, final long pruneBefore) {
        final long[] e = s.entries[slot];
        if (s.valueCount) {
            // value_count: O(1) through the slot's index of distinct values (its window may hold thousands)
            final int j = s.findValue(slot, aux);
            if (j >= 0) {
                final int o = j * RuleState.STRIDE;
                final long old = e[o];
                if (t >= old) {
                    write(e, j, t, aux, seq, source);
                    final long from = s.valueFrom[slot];
                    if (old < from && t >= from) {
                        s.valueBelow[slot]--;
                        if (t < s.valueLow[slot]) {
                            s.valueLow[slot] = t;
                        }
                    }
                }
                return;
            }
            append(s, slot, t, aux, seq, source, pruneBefore);
            return;
        }
        for (int j = 0, n = s.count(slot); j < n; j++) {
            final int o = j * RuleState.STRIDE;
            if (e[o + 1] == aux) {
                if (t >= e[o]) {
                    write(e, j, t, aux, seq, source);
                }
                return;
            }
        }
        append(s, slot, t, aux, seq, source, pruneBefore);
    }

    /** event_count with a large threshold: entry = (latest time in bucket, bucket id &lt;&lt; 24 | count). */
    private static void addToBucket(final RuleState s, final int slot, final long t, final long width,
                                    final long seq, final long source, final long pruneBefore) {
        final long bucket = Math.floorDiv(t, width) & ((1L << 39) - 1);
        final long[] e = s.entries[slot];
        for (int j = 0, n = s.count(slot); j < n; j++) {
            final int o = j * RuleState.STRIDE;
            if (e[o + 1] >>> 24 == bucket) {
                final long c = Math.min((e[o + 1] & BUCKET_COUNT_MASK) + 1, BUCKET_COUNT_MASK);
                e[o + 1] = (bucket << 24) | c;
                if (t >= e[o]) {
                    write(e, j, t, e[o + 1], seq, source);
                }
                return;
            }
        }
        append(s, slot, t, (bucket << 24) | 1, seq, source, pruneBefore);
    }

    /** temporal_ordered: entry k holds the latest start time of a chain that reached rule k in order. */
    private static void advanceChain(final RuleState s, final int slot, final int position, final long t,
                                     final long span, final long seq, final long source) {
        final long[] e = s.entries[slot];
        final int o = position * RuleState.STRIDE;
        final long start;
        if (position == 0) {
            start = t;
        } else {
            final long before = e[o - RuleState.STRIDE];
            if (before == Long.MIN_VALUE || before > t || t - before > span) {
                return;
            }
            start = before;
        }
        if (start >= e[o]) {
            write(e, position, start, position, seq, source);
        }
    }

    private static void write(final long[] e, final int j, final long t, final long aux, final long seq,
                              final long source) {
        final int o = j * RuleState.STRIDE;
        e[o] = t;
        e[o + 1] = aux;
        e[o + 2] = seq;
        e[o + 3] = source;
    }

    private static int prune(final RuleState s, final int slot, final long before) {
        final long[] e = s.entries[slot];
        int n = s.count(slot);
        for (int j = n - 1; j >= 0; j--) {
            if (e[j * RuleState.STRIDE] < before) {
                removeEntry(s, slot, j);
                n--;
            }
        }
        return n;
    }

    private static int oldestEntry(final RuleState s, final int slot) {
        final long[] e = s.entries[slot];
        int best = 0;
        for (int j = 1, n = s.count(slot); j < n; j++) {
            if (e[j * RuleState.STRIDE] < e[best * RuleState.STRIDE]) {
                best = j;
            }
        }
        return best;
    }

    private static void removeEntry(final RuleState s, final int slot, final int j) {
        final int last = s.count(slot) - 1;
        if (s.valueCount) {
            if (s.entries[slot][j * RuleState.STRIDE] < s.valueFrom[slot]) {
                s.valueBelow[slot]--;
            }
            s.unindexValue(slot, j, j != last ? last : -1);
        }
        if (j != last) {
            System.arraycopy(s.entries[slot], last * RuleState.STRIDE, s.entries[slot], j * RuleState.STRIDE,
                RuleState.STRIDE);
        }
        s.count(slot, last);
    }

    private double metric(final RuleState s, final int slot, final long from) {
        final long[] e = s.entries[slot];
        final int n = s.count(slot);
        final CorrelationRule r = s.rule;
        switch (r.type) {
            case VALUE_COUNT: {
                // Incremental: recount only when the oldest value of the last count left the window.
                if (from < s.valueFrom[slot] || s.valueLow[slot] < from) {
                    int below = 0;
                    long low = Long.MAX_VALUE;
                    for (int j = 0; j < n; j++) {
                        final long time = e[j * RuleState.STRIDE];
                        if (time < from) {
                            below++;
                        } else if (time < low) {
                            low = time;
                        }
                    }
                    s.valueBelow[slot] = below;
                    s.valueLow[slot] = low;
                }
                s.valueFrom[slot] = from;
                return n - s.valueBelow[slot];
            }
            case TEMPORAL_ORDERED: {
                int reached = 0;
                for (int k = 0; k < n; k++) {
                    final long start = e[k * RuleState.STRIDE];
                    if (start != Long.MIN_VALUE && start >= from) {
                        reached = k + 1;
                    }
                }
                return reached;
            }
            case VALUE_SUM:
            case VALUE_AVG: {
                double sum = 0;
                int k = 0;
                for (int j = 0; j < n; j++) {
                    if (e[j * RuleState.STRIDE] >= from) {
                        sum += Double.longBitsToDouble(e[j * RuleState.STRIDE + 1]);
                        k++;
                    }
                }
                return r.type == CorrelationType.VALUE_SUM ? sum : k == 0 ? Double.NaN : sum / k;
            }
            case VALUE_PERCENTILE: {
                if (numberScratch.length < n) {
                    numberScratch = new double[Math.max(n, numberScratch.length * 2)];
                    scratchGrowths++;
                }
                int k = 0;
                for (int j = 0; j < n; j++) {
                    if (e[j * RuleState.STRIDE] >= from) {
                        numberScratch[k++] = Double.longBitsToDouble(e[j * RuleState.STRIDE + 1]);
                    }
                }
                if (k == 0) {
                    return Double.NaN;
                }
                final int rank = Math.max(1, (int) Math.ceil(r.percentile / 100.0 * k));
                return select(numberScratch, k, rank - 1);
            }
            default: {
                long k = 0;
                final boolean buckets = r.bucketNanos > 0;
                for (int j = 0; j < n; j++) {
                    if (e[j * RuleState.STRIDE] >= from) {
                        k += buckets ? e[j * RuleState.STRIDE + 1] & BUCKET_COUNT_MASK : 1;
                    }
                }
                return k;
            }
        }
    }

    /** Quickselect: the k-th smallest of a[0..n) (reorders a). No allocation. */
    static double select(final double[] a, final int n, final int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            final double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    final double tmp = a[i];
                    a[i] = a[j];
                    a[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    // --- timers -------------------------------------------------------------------------------------------------

    private void ensureTimer(final int c, final RuleState s, final int slot) {
        final int h = slot * s.stride;
        if ((s.hot[h + RuleState.META] & RuleState.TIMED) != 0) {
            return;
        }
        final long id = ++timerSeq;
        s.timerId(slot, id);
        timers.push(s.hot[h + RuleState.MAX] + s.rule.timespanNanos + 1, ((long) c << 32) | slot, id);
    }

    private static void cancelTimer(final RuleState s, final int slot) {
        // Lazy: the heap entry is skipped when it pops, its id no longer being the slot's.
        s.timerId(slot, RuleState.NO_TIMER);
    }

    /** Fires every timer whose deadline the watermark has reached: idle groups close (last update) and go. */
    private void expire(final AlertSink sink) {
        if (watermark == Long.MIN_VALUE) {
            return;
        }
        while (timers.minDeadline() <= watermark) {
            final long ref = timers.minRef();
            final long timerId = timers.minId();
            timers.pop();
            final int c = (int) (ref >>> 32);
            final int slot = (int) ref;
            if (c >= states.length) {
                continue;
            }
            final RuleState s = states[c];
            if (slot >= s.allocated || s.timerId(slot) != timerId) {
                continue;
            }
            s.timerId(slot, RuleState.NO_TIMER);
            if (s.maxTime(slot) + s.rule.timespanNanos < watermark) {
                close(s, slot, sink);
                s.remove(slot);
            } else {
                // Touched since: a new deadline past the watermark, so this loop does not see it again.
                ensureTimer(c, s, slot);
            }
        }
    }

    // --- alerts (allocation is fine here: alerts are rare next to events) ---------------------------------------

    private void emit(final int c, final RuleState s, final int slot, final TelemetryEvent trigger, final long from,
                      final boolean update, final AlertSink sink) {
        if (set.suppressed(c) || sink == null) {
            return;
        }
        final CorrelationRule r = s.rule;
        final Alert a = new Alert();
        a.alertId = s.incidentId[slot];
        final int h = slot * s.stride;
        a.timeNanos = lastNowNanos != 0 ? lastNowNanos : s.hot[h + RuleState.INC_LAST];
        a.ruleId = r.id;
        a.ruleTitle = r.title;
        a.ruleLevel = r.level;
        a.ruleType = r.type.label();
        a.ruleAuthor = r.author;
        decodeGroup(r, s.keyArray(slot), s.keyOffset(slot), s.keyLen(slot), a.group);
        a.count = s.hot[h + RuleState.INC_COUNT];
        a.firstSeenNanos = s.incFirst[slot];
        a.lastSeenNanos = s.hot[h + RuleState.INC_LAST];
        evidence(s, slot, from, trigger, a.events);
        Tlp tlp = Tlp.of(s.tlpMax(slot));
        if (r.tlp != null) {
            tlp = tlp.strictest(r.tlp);
        }
        a.tlp = tlp;
        a.tags.addAll(r.tags);
        final long windowStart = s.incFirst[slot] - r.timespanNanos;
        a.extra.put("evicted", s.lastKeyEvictionAt >= windowStart
            || (s.valueEvictedAt != null && s.valueEvictedAt[slot] >= windowStart));
        a.extra.put("late_events", s.late[slot]);
        a.extra.put("value", s.lastMetric(slot));
        a.extra.put("update", update);
        if (s.restarted) {
            a.extra.put("restarted", true);
            s.restarted = false;
        }
        a.extra.put("correlation_source", r.source);
        alertsEmitted++;
        sink.emit(a);
    }

    private void evidence(final RuleState s, final int slot, final long from, final TelemetryEvent trigger,
                          final List<String> out) {
        if (s.ring) {
            // Already in time order (ties in arrival order).
            final int h = slot * s.stride;
            final long meta = s.hot[h + RuleState.META];
            for (int k = 0, n = s.count(slot); k < n && out.size() < config.maxEvidence; k++) {
                final int p = s.ringPosition(meta, k);
                final long time = s.hot[h + RuleState.RING + p];
                if (time != Long.MIN_VALUE && time >= from) {
                    final String ref = evidenceRef(s.hot[h + s.seqAt + p],
                        s.ringSource != null ? s.ringSource[slot * s.ringWidth + p] : 0);
                    if (!out.contains(ref)) {
                        out.add(ref);
                    }
                }
            }
            if (trigger != null) {
                final String ref = SourceFiles.evidence(trigger);
                if (!out.contains(ref)) {
                    out.add(ref);
                }
            }
            return;
        }
        final long[] e = s.entries[slot];
        final int n = s.count(slot);
        final Integer[] order = new Integer[n];
        int k = 0;
        for (int j = 0; j < n; j++) {
            final long time = e[j * RuleState.STRIDE];
            if (time != Long.MIN_VALUE && time >= from) {
                order[k++] = j;
            }
        }
        final Integer[] sorted = Arrays.copyOf(order, k);
        Arrays.sort(sorted, (x, y) -> Long.compare(e[x * RuleState.STRIDE], e[y * RuleState.STRIDE]));
        for (int i = 0; i < sorted.length && out.size() < config.maxEvidence; i++) {
            final int o = sorted[i] * RuleState.STRIDE;
            final String ref = evidenceRef(e[o + 2], e[o + 3]);
            if (!out.contains(ref)) {
                out.add(ref);
            }
        }
        if (trigger != null) {
            final String ref = SourceFiles.evidence(trigger);
            if (!out.contains(ref)) {
                out.add(ref);
            }
        }
    }

    private static String evidenceRef(final long seq, final long source) {
        final int file = RuleState.sourceFile(source);
        final String name = file >= 0 ? SourceFiles.name(file) : null;
        return name != null ? name + ":" + RuleState.sourceLine(source) : Long.toString(seq);
    }

    private static String incidentId(final RuleState s, final int slot, final long t) {
        final byte[] identity = s.rule.identity().getBytes(StandardCharsets.UTF_8);
        final int len = s.keyLen(slot);
        final byte[] b = new byte[identity.length + 1 + len + 8];
        System.arraycopy(identity, 0, b, 0, identity.length);
        System.arraycopy(s.keyArray(slot), s.keyOffset(slot), b, identity.length + 1, len);
        for (int i = 0; i < 8; i++) {
            b[b.length - 1 - i] = (byte) (t >>> (8 * i));
        }
        return UUID.nameUUIDFromBytes(b).toString();
    }

    private static void decodeGroup(final CorrelationRule r, final byte[] key, final int off, final int len,
                                    final Map<String, String> out) {
        int p = off;
        final int end = off + len;
        for (final String name : r.groupNames) {
            if (p + 2 > end) {
                out.put(name, null);
                continue;
            }
            final int l = ((key[p] & 0xFF) << 8) | (key[p + 1] & 0xFF);
            p += 2;
            if (l == 0xFFFF) {
                out.put(name, null);
            } else {
                final int n = Math.min(l, end - p);
                out.put(name, new String(key, p, n, StandardCharsets.UTF_8));
                p += n;
            }
        }
    }

    // --- keys and numbers ---------------------------------------------------------------------------------------

    /** Encodes the group key of (rule, position) from the event into {@link #keyScratch}; returns its length. */
    private int encodeKey(final CorrelationRule r, final int position, final TelemetryEvent event) {
        final int[] ids = r.groupFieldIds[position];
        final byte[] arena = event.arena();
        int p = 0;
        for (final int id : ids) {
            final int i = event.indexOf(id);
            if (i < 0) {
                ensureScratch(p + 2);
                keyScratch[p++] = (byte) 0xFF;
                keyScratch[p++] = (byte) 0xFF;
            } else {
                final int l = Math.min(event.valueLength(i), 0xFFFE);
                ensureScratch(p + 2 + l);
                keyScratch[p++] = (byte) (l >>> 8);
                keyScratch[p++] = (byte) l;
                System.arraycopy(arena, event.valueOffset(i), keyScratch, p, l);
                p += l;
            }
        }
        if (p > MAX_KEY_BYTES) {
            // Bound key memory on hostile values: keep a prefix and a 64-bit digest of the whole key.
            final long h = hash64(keyScratch, 0, p);
            for (int i = 0; i < 8; i++) {
                keyScratch[MAX_KEY_BYTES - 8 + i] = (byte) (h >>> (8 * i));
            }
            p = MAX_KEY_BYTES;
        }
        keyLength = p;
        return p;
    }

    /**
     * Hashes the group key of (rule, position) as {@link #encodeKey} would encode it, straight from the event's
     * arena (8 bytes at a time), and records the field indexes and encoded length for {@link #sameKey}. A key over
     * {@link #MAX_KEY_BYTES} is encoded (truncated) into {@link #keyScratch} and hashed there instead. A one-field key
     * that fits the hot record's key words takes {@link #wordKeyHash} instead. No allocation.
     */
    /**
     * {@link #keyHash}, or, for the drained match whose prefetch pass already hashed this (rule, position) key as
     * words, that hash and those words: a pipelined match then derives its key from the event once, not twice.
     */
    private int hashKey(final CorrelationRule r, final int position, final TelemetryEvent event) {
        if (r != presetRule || position != presetPosition) {
            return keyHash(r, position, event);
        }
        final int k = presetIndex;
        keyW0 = pipeWords[3 * k];
        keyW1 = pipeWords[3 * k + 1];
        keyW2 = pipeWords[3 * k + 2];
        keyLength = pipeKeyLengths[k];
        keyWords = true;
        keyInScratch = false;
        return presetHash;
    }

    private int keyHash(final CorrelationRule r, final int position, final TelemetryEvent event) {
        final int[] ids = r.groupFieldIds[position];
        if (ids.length == 1) {
            final int i = event.indexOf(ids[0]);
            fieldIndex[0] = i;
            if (i >= 0 && event.valueLength(i) <= RuleState.INLINE_KEY - 2) {
                return wordKeyHash(event.arena(), event.valueOffset(i), event.valueLength(i));
            }
        }
        keyWords = false;
        if (fieldIndex.length < ids.length) {
            fieldIndex = new int[ids.length];
            scratchGrowths++;
        }
        final byte[] arena = event.arena();
        long h = K0;
        int len = 0;
        for (int f = 0; f < ids.length; f++) {
            final int i = event.indexOf(ids[f]);
            fieldIndex[f] = i;
            if (i < 0) {
                h = mix(h, 0xFFFF);
                len += 2;
            } else {
                final int l = Math.min(event.valueLength(i), 0xFFFE);
                h = hashBytes(mix(h, l), arena, event.valueOffset(i), l);
                len += 2 + l;
            }
        }
        if (len > MAX_KEY_BYTES) {
            keyInScratch = true;
            return hash32(keyScratch, encodeKey(r, position, event));
        }
        keyInScratch = false;
        keyLength = len;
        final long f = fmix(h);
        return (int) (f ^ (f >>> 32));
    }

    /**
     * The common key: one group-by field whose encoding (u16 length + bytes) fits the hot record's three key words.
     * Builds the words straight from the event's arena (three loads, no copy) and hashes them with two rounds of
     * 64x64 to 128-bit multiply-and-fold over the words masked with the process's secret seeds (the first round's two
     * products are independent), instead of the byte-stream hash of longer keys: 2 multiplies deep where a sum of
     * products and a murmur avalanche were 3, on the path every event of a correlation waits on. Every key of a
     * one-field rule up to this length takes this path (owns, lookup and insert alike), so each key always has the
     * same hash.
     */
    private int wordKeyHash(final byte[] arena, final int off, final int len) {
        final long v0 = bytesAt(arena, off, len);
        final long v1 = bytesAt(arena, off + 8, len - 8);
        final long v2 = bytesAt(arena, off + 16, len - 16);
        final long w0 = keyWord0(len, v0);
        final long w1 = (v0 >>> 48) | (v1 << 16);
        final long w2 = (v1 >>> 48) | (v2 << 16);
        keyW0 = w0;
        keyW1 = w1;
        keyW2 = w2;
        keyWords = true;
        keyInScratch = false;
        keyLength = len + 2;
        return wordsHash(w0, w1, w2);
    }

    /** First key word of a one-field key: its u16 length, big-endian, then its first 6 bytes (little-endian). */
    private static long keyWord0(final int len, final long v0) {
        return ((len >>> 8) & 0xFF) | ((long) (len & 0xFF) << 8) | (v0 << 16);
    }

    /** The table hash of a key held as three words (see {@link #wordKeyHash}). */
    private static int wordsHash(final long w0, final long w1, final long w2) {
        final long f = fold(fold(w0 ^ K0, w1 ^ K1) ^ K2, w2 ^ K3);
        return (int) (f ^ (f >>> 32));
    }

    /** Both halves of the 128-bit product, folded: every output bit depends on every input bit of both. */
    private static long fold(final long a, final long b) {
        return Math.multiplyHigh(a, b) ^ (a * b);
    }

    /** Up to 8 bytes of b from off, little-endian, only the first n (n &lt;= 0: none), zero above. */
    private static long bytesAt(final byte[] b, final int off, final int n) {
        if (n <= 0) {
            return 0;
        }
        if (off + 8 <= b.length) {
            final long w = (long) LONGS.get(b, off);
            return n >= 8 ? w : w & ((1L << (n << 3)) - 1);
        }
        long w = 0;
        for (int k = Math.min(n, 8) - 1; k >= 0; k--) {
            w = (w << 8) | (b[off + k] & 0xFF);
        }
        return w;
    }

    private void ensureScratch(final int n) {
        if (keyScratch.length < n) {
            keyScratch = Arrays.copyOf(keyScratch, Math.max(n, keyScratch.length * 2));
            scratchGrowths++;
        }
    }

    private static int hash32(final byte[] b, final int len) {
        final long h = seededHash64(b, 0, len);
        return (int) (h ^ (h >>> 32));
    }

    /** {@link #hash64} under the process's secret seed: for the key table and value indexes, never for identities. */
    static long seededHash64(final byte[] b, final int off, final int len) {
        return fmix(hashBytes(mix(K0, len), b, off, len));
    }

    /** A 64-bit hash of b[off, off + len): 8 bytes per step, then a final avalanche (murmur3 fmix64). */
    static long hash64(final byte[] b, final int off, final int len) {
        return fmix(hashBytes(mix(SEED, len), b, off, len));
    }

    private static long mix(final long h, final long word) {
        return Long.rotateLeft(h ^ (word * 0x9E3779B97F4A7C15L), 27) * 0xBF58476D1CE4E5B9L;
    }

    /** Folds b[off, off + len) into h, 8 little-endian bytes per step (the tail masked or read bytewise). */
    private static long hashBytes(final long seed, final byte[] b, final int off, final int len) {
        long h = seed;
        int i = off;
        final int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = mix(h, (long) LONGS.get(b, i));
        }
        final int rest = end - i;
        if (rest > 0) {
            long w;
            if (i + 8 <= b.length) {
                w = (long) LONGS.get(b, i) & (-1L >>> (64 - 8 * rest));
            } else {
                w = 0;
                for (int k = 0; k < rest; k++) {
                    w |= (long) (b[i + k] & 0xFF) << (8 * k);
                }
            }
            h = mix(h, w);
        }
        return h;
    }

    private static long fmix(final long x) {
        long h = x;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Parses ASCII decimal ({@code -12}, {@code 3.5}, {@code 1e3}) without allocation; NaN when not a number. The
     * same parser as the Sigma matchers', so a value compares and aggregates alike in both.
     */
    static double parseDouble(final byte[] b, final int off, final int len) {
        return io.vigie.rules.compile.ByteOps.parseNumber(b, off, len);
    }

    // --- counters (read by tests and the status page; single writer, racy reads are fine) -----------------------

    /** Matches queued by {@link #onMatchInBatch} (applied in a prefetched group rather than at once). */
    public long pipelinedMatches() {
        return pipelined;
    }

    /** Matches applied by the in-place path of {@link #onMatch} (the others went through {@link #apply}). */
    public long inPlaceMatches() {
        return inPlace;
    }

    /** Late events seen (all rules). */
    public long lateEvents() {
        return lateEvents;
    }

    /** Late events dropped under {@code latePolicy: drop}. */
    public long lateDropped() {
        return lateDropped;
    }

    /** Alerts handed to sinks. */
    public long alertsEmitted() {
        return alertsEmitted;
    }

    /** Group keys evicted at the key cap, for one correlation. */
    public long keyEvictions(final int correlationIndex) {
        return states[correlationIndex].keyEvictions;
    }

    /** Window values evicted at the value cap, for one correlation. */
    public long valueEvictions(final int correlationIndex) {
        return states[correlationIndex].valueEvictions;
    }

    /** Live group keys of one correlation. */
    public int liveKeys(final int correlationIndex) {
        return states[correlationIndex].size;
    }

    /** Key slots allocated for one correlation (bounded by its key cap). */
    public int allocatedKeys(final int correlationIndex) {
        return states[correlationIndex].allocated;
    }

    /** Oldest entries dropped by counting types past threshold + 2 (lossless for the condition). */
    public long saturated(final int correlationIndex) {
        return states[correlationIndex].saturated;
    }

    /** Matched events skipped because the value field was absent or not a number. */
    public long skippedNoValue(final int correlationIndex) {
        return states[correlationIndex].skippedNoValue;
    }

    /**
     * One correlation's counters on this worker, as {@link #stats} reads them.
     *
     * @param ruleId         the correlation rule's id
     * @param liveKeys       group keys with state now
     * @param lateEvents     events older than the watermark allows (applied or dropped per the late policy)
     * @param lateDropped    late events dropped ({@code late_policy: drop})
     * @param keyEvictions   group keys evicted at the key cap
     * @param valueEvictions window values evicted at the value cap
     * @param saturated      oldest window times dropped past the counting capacity (lossless for the condition)
     * @param skippedNoValue matched events without the value field (or not a number where one is needed)
     */
    public record RuleStats(String ruleId, long liveKeys, long lateEvents, long lateDropped, long keyEvictions,
                            long valueEvictions, long saturated, long skippedNoValue) {
    }

    /**
     * The counters of every correlation this worker runs, for the metrics page: read from another thread while the
     * worker writes them (single writer; each value is a plain read, so the set is not one atomic snapshot). Reads
     * one array of window states, so a rule and its counters always belong together, even across a reload.
     */
    public List<RuleStats> stats() {
        final RuleState[] current = states;
        final List<RuleStats> out = new ArrayList<>(current.length);
        for (final RuleState s : current) {
            // without a happens-before edge a state just published by a reload may not look built yet: skip it
            final CorrelationRule r = s == null ? null : s.rule;
            if (r != null) {
                out.add(new RuleStats(r.id(), s.size, s.lateEvents, s.lateDropped, s.keyEvictions,
                    s.valueEvictions, s.saturated, s.skippedNoValue));
            }
        }
        return out;
    }

    /** Rare allocations on the event path (slot, entry, slab and scratch growth). */
    public long growths() {
        long g = scratchGrowths + timers.growths();
        for (final RuleState s : states) {
            g += s.growths;
        }
        return g;
    }

    /** Current watermark, epoch nanoseconds ({@link Long#MIN_VALUE} before the first event). */
    public long watermark() {
        return watermark;
    }
}
