package io.vigie.rules.ioc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps an {@link IndicatorSet} reference up to date with its feeds: polls each feed's change marker (file mtime and
 * size; HTTP ETag / Last-Modified with a conditional GET) and, when one changed, rebuilds the whole set and swaps it
 * atomically. A feed that fails to load keeps its previous indicators. Not thread-safe: poll from one thread.
 */
public final class IndicatorWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndicatorWatcher.class);

    private final List<IndicatorLoader.Source> sources;
    private final AtomicReference<IndicatorSet> target;
    private final Map<String, IndicatorLoader.Result> results = new LinkedHashMap<>();
    private final Map<String, String> markers = new LinkedHashMap<>();
    private final Map<String, String[]> validators = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, Long> failures = new LinkedHashMap<>();
    /** Per feed, after each poll: indicators, refused entries, failed polls so far. Read from any thread. */
    private volatile Map<String, FeedStats> stats = Map.of();
    private ScheduledFuture<?> task;

    /**
     * One feed's counts after the last poll.
     *
     * @param indicators indicators of its last good load
     * @param refused    entries its last good load refused (with reasons in the log)
     * @param failures   polls that could not load it (unreachable, unreadable), since start
     */
    public record FeedStats(int indicators, int refused, long failures) {
    }

    /** A watcher of {@code sources} that publishes into {@code target}. */
    public IndicatorWatcher(final List<IndicatorLoader.Source> sources, final AtomicReference<IndicatorSet> target) {
        this.sources = List.copyOf(sources);
        this.target = target;
    }

    /** Checks every feed once; reloads changed ones and swaps the set. Returns true when the set was replaced. */
    public boolean pollOnce() {
        errors.clear();
        boolean changed = false;
        for (final IndicatorLoader.Source s : sources) {
            try {
                changed |= refresh(s);
            } catch (final IOException | RuntimeException e) {
                errors.add(s.name + ": " + e.getMessage());
                failures.merge(s.name, 1L, Long::sum);
                LOG.warn("ioc feed failed, feed={}, uri={}, error={}", s.name, s.uri, e.toString());
            }
        }
        if (changed) {
            final List<IndicatorLoader.Result> all = new ArrayList<>(results.values());
            final IndicatorSet set = IndicatorLoader.build(all);
            target.set(set);
            int refused = 0;
            for (final IndicatorLoader.Result r : all) {
                refused += r.refused().size();
            }
            LOG.info("ioc reload, feeds={}, indicators={}, refused={}", all.size(), set.size(), refused);
        }
        final Map<String, FeedStats> now = new LinkedHashMap<>();
        for (final IndicatorLoader.Source s : sources) {
            final IndicatorLoader.Result r = results.get(s.name);
            now.put(s.name, new FeedStats(r == null ? 0 : r.indicators().size(), r == null ? 0 : r.refused().size(),
                failures.getOrDefault(s.name, 0L)));
        }
        stats = Collections.unmodifiableMap(now);
        return changed;
    }

    /** Each feed's counts after the last poll, in configuration order (any thread). */
    public Map<String, FeedStats> feedStats() {
        return stats;
    }

    private boolean refresh(final IndicatorLoader.Source s) throws IOException {
        if (!s.http()) {
            final Path p = Paths.get(s.uri);
            final String marker = Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p);
            if (marker.equals(markers.get(s.name))) {
                return false;
            }
            results.put(s.name, IndicatorLoader.load(s));
            markers.put(s.name, marker);
            return true;
        }
        final String[] v = validators.get(s.name);
        final IndicatorLoader.Fetched f = IndicatorLoader.fetch(s, s.uri, v == null ? null : v[0],
            v == null ? null : v[1]);
        if (f.content == null) {
            return false;
        }
        final String marker = f.etag != null ? "etag:" + f.etag : f.lastModified != null ? "lm:" + f.lastModified
            : "sha:" + java.util.Arrays.hashCode(f.content);
        if (marker.equals(markers.get(s.name))) {
            return false;
        }
        results.put(s.name, IndicatorLoader.load(s, f.content));
        markers.put(s.name, marker);
        validators.put(s.name, new String[] {f.etag, f.lastModified});
        return true;
    }

    /** Errors of the last poll, one per failed feed. */
    public List<String> lastErrors() {
        return List.copyOf(errors);
    }

    /** The last load result of each feed (indicators and refusals). */
    public Map<String, IndicatorLoader.Result> results() {
        return Map.copyOf(results);
    }

    /** Polls now and then every {@code period} on the executor. */
    public void start(final ScheduledExecutorService executor, final Duration period) {
        task = executor.scheduleWithFixedDelay(this::pollOnce, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
