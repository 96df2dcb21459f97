package io.vigie.rules.ioc;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Matches events against the current {@link IndicatorSet}, one instance per rule worker. The worker owns the events
 * whose {@code seq % workers} equals its ordinal. Fields: source.ip, destination.ip, host.ip (IP sets and CIDRs);
 * dns.question.name, url.domain, source.domain, destination.domain and the host of url.original (domains and
 * parents); url.original (URLs); file.hash.md5/sha1/sha256. One pass over the event's fields (a table from field id
 * to what it is matched as), in the event's field order. No allocation per event except the alert of a hit (one per
 * distinct indicator per event, naming the first field that hit it). Owned by the rule-worker thread; the set is
 * read through one volatile reference per event.
 */
public final class IocMatcher {
    private static final byte IP = 1;
    private static final byte DOMAIN = 2;
    private static final byte URL = 3;
    private static final byte MD5 = 4;
    private static final byte SHA1 = 5;
    private static final byte SHA256 = 6;
    /** What each field id is matched as (0: not matched). */
    private static final byte[] KIND = kinds();
    private static final int MAX_HITS_PER_EVENT = 16;

    private final AtomicReference<IndicatorSet> sets;
    private final int ordinal;
    private final int workers;
    private final byte[] addr = new byte[16];
    private byte[] lower = new byte[256];
    private final int[] hits = new int[MAX_HITS_PER_EVENT];
    private int hitCount;
    private String level = "high";
    private long matches;
    private long checked;
    private long outsideValidity;

    private static byte[] kinds() {
        final int[][] byKind = {
            {},
            {Fields.SOURCE_IP, Fields.DESTINATION_IP, Fields.HOST_IP},
            {Fields.DNS_QUESTION_NAME, Fields.URL_DOMAIN, Fields.SOURCE_DOMAIN, Fields.DESTINATION_DOMAIN},
            {Fields.URL_ORIGINAL},
            {Fields.FILE_HASH_MD5},
            {Fields.FILE_HASH_SHA1},
            {Fields.FILE_HASH_SHA256},
        };
        int max = 0;
        for (final int[] ids : byKind) {
            for (final int id : ids) {
                max = Math.max(max, id);
            }
        }
        final byte[] k = new byte[max + 1];
        for (int kind = 1; kind < byKind.length; kind++) {
            for (final int id : byKind[kind]) {
                k[id] = (byte) kind;
            }
        }
        return k;
    }

    /** A matcher for worker {@code ordinal} of {@code workers}, reading the set from {@code sets}. */
    public IocMatcher(final AtomicReference<IndicatorSet> sets, final int ordinal, final int workers) {
        this.sets = sets;
        this.ordinal = ordinal;
        this.workers = Math.max(1, workers);
    }

    /** Sigma level given to IoC alerts (default high). */
    public IocMatcher level(final String level) {
        this.level = level;
        return this;
    }

    /** True when this worker owns the event ({@code seq % workers == ordinal}). */
    public boolean owns(final TelemetryEvent event) {
        return workers == 1 || Long.remainderUnsigned(event.seq, workers) == ordinal;
    }

    /** Matches an owned event; emits one alert per distinct indicator hit. Returns the number of alerts. */
    public int onEvent(final TelemetryEvent event, final AlertSink sink) {
        if (!owns(event)) {
            return 0;
        }
        final IndicatorSet set = sets.get();
        if (set.isEmpty()) {
            return 0;
        }
        checked++;
        hitCount = 0;
        int alerts = 0;
        final byte[] arena = event.arena();
        // validity is judged at the event's time (not the clock's): a replay of old logs alerts as live did
        final long t = event.timestampNanos != TelemetryEvent.NO_TIME ? event.timestampNanos : event.receivedNanos;
        for (int i = 0, n = event.fieldCount(); i < n; i++) {
            final int id = event.fieldId(i);
            final int kind = id >= 0 && id < KIND.length ? KIND[id] : 0;
            if (kind == 0) {
                continue;
            }
            final int off = event.valueOffset(i);
            final int len = event.valueLength(i);
            switch (kind) {
                case IP: {
                    int hit = set.matchIp(arena, off, len, addr);
                    while (hit >= 0 && expired(set, hit, t)) {
                        hit = set.enclosingNetwork(hit); // the next most specific network that holds the address
                    }
                    alerts += report(set, hit, event, i, sink);
                    break;
                }
                case DOMAIN:
                    alerts += report(set, validDomain(set, lowerCase(arena, off, len, true), t), event, i, sink);
                    break;
                case URL: {
                    alerts += report(set, valid(set, set.matchUrl(arena, off, len), t), event, i, sink);
                    final int host = urlHost(arena, off, len);
                    if (host > 0) {
                        alerts += report(set, validDomain(set, host, t), event, i, sink);
                    }
                    break;
                }
                case MD5:
                case SHA1:
                case SHA256: {
                    final IndicatorType type = kind == MD5 ? IndicatorType.MD5
                        : kind == SHA1 ? IndicatorType.SHA1 : IndicatorType.SHA256;
                    alerts += report(set, valid(set, set.matchHash(type, lower, 0, lowerCase(arena, off, len, false)),
                        t), event, i, sink);
                    break;
                }
                default:
                    break;
            }
        }
        return alerts;
    }

    /** Whether the indicator has expired at event time {@code t}; counts it when so. */
    private boolean expired(final IndicatorSet set, final int hit, final long t) {
        if (set.indicator(hit).validAt(t)) {
            return false;
        }
        outsideValidity++;
        return true;
    }

    private int valid(final IndicatorSet set, final int hit, final long t) {
        return hit >= 0 && expired(set, hit, t) ? -1 : hit;
    }

    /**
     * The most specific domain indicator valid at {@code t} for the lower-cased name in {@link #lower}[0, n): the
     * name itself or a parent; a parent is tried when a more specific indicator has expired.
     */
    private int validDomain(final IndicatorSet set, final int n, final long t) {
        int hit = set.matchDomain(lower, 0, n);
        while (hit >= 0 && expired(set, hit, t)) {
            // the expired indicator matched the suffix of its own length; go on from the label after its first
            int from = n - set.indicator(hit).value().length();
            while (from < n && lower[from] != '.') {
                from++;
            }
            hit = from + 1 < n ? set.matchDomain(lower, from + 1, n - from - 1) : -1;
        }
        return hit;
    }

    private int lowerCase(final byte[] src, final int off, final int len, final boolean dropTrailingDot) {
        if (lower.length < len) {
            lower = new byte[Math.max(len, lower.length * 2)];
        }
        int n = len;
        if (dropTrailingDot && n > 0 && src[off + n - 1] == '.') {
            n--;
        }
        for (int i = 0; i < n; i++) {
            final byte c = src[off + i];
            lower[i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
        return n;
    }

    /** Copies the lower-cased host of {@code scheme://[user@]host[:port]/...} into {@link #lower}; 0 if none. */
    private int urlHost(final byte[] b, final int off, final int len) {
        final int end = off + len;
        int start = -1;
        for (int i = off; i + 2 < end; i++) {
            if (b[i] == ':' && b[i + 1] == '/' && b[i + 2] == '/') {
                start = i + 3;
                break;
            }
        }
        if (start < 0) {
            return 0;
        }
        int stop = start;
        while (stop < end && b[stop] != '/' && b[stop] != '?' && b[stop] != '#') {
            if (b[stop] == '@') {
                start = stop + 1;
            }
            stop++;
        }
        int hostEnd = stop;
        for (int i = start; i < stop; i++) {
            if (b[i] == ':') {
                hostEnd = i;
                break;
            }
        }
        return hostEnd > start ? lowerCase(b, start, hostEnd - start, true) : 0;
    }

    private int report(final IndicatorSet set, final int hit, final TelemetryEvent event, final int field,
                       final AlertSink sink) {
        if (hit < 0) {
            return 0;
        }
        for (int i = 0; i < hitCount; i++) {
            if (hits[i] == hit) {
                return 0;
            }
        }
        if (hitCount == hits.length) {
            return 0;
        }
        final Indicator ind = set.indicator(hit);
        final long t = event.timestampNanos != TelemetryEvent.NO_TIME ? event.timestampNanos : event.receivedNanos;
        hits[hitCount++] = hit;
        matches++;
        final Alert a = new Alert();
        a.alertId = java.util.UUID.nameUUIDFromBytes((ind.source() + "|" + ind.id() + "|" + event.seq + "|"
            + event.sourceFile + ":" + event.sourceLine).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        a.timeNanos = event.receivedNanos;
        a.ruleId = "ioc:" + ind.source();
        a.ruleTitle = "IoC match (" + ind.source() + "): " + ind.type().label() + " " + ind.value();
        a.ruleLevel = level;
        a.ruleType = "ioc";
        a.group.put(event.fieldName(field), event.value(field));
        a.count = 1;
        a.firstSeenNanos = t;
        a.lastSeenNanos = t;
        a.events.add(SourceFiles.evidence(event));
        a.tlp = ind.tlp().strictest(Tlp.of(event.tlp));
        a.tags.add("ioc");
        a.extra.put("indicator_id", ind.id());
        a.extra.put("indicator_type", ind.type().label());
        a.extra.put("indicator_value", ind.value());
        a.extra.put("source", ind.source());
        a.extra.put("indicator_tlp", ind.tlp().label());
        sink.emit(a);
        return 1;
    }

    /** Indicator hits (alerts) so far. */
    public long matches() {
        return matches;
    }

    /** Hits on an indicator expired (STIX valid_until) at the event's time: no alert. */
    public long outsideValidity() {
        return outsideValidity;
    }

    /** Owned events checked against a non-empty set. */
    public long checked() {
        return checked;
    }
}
