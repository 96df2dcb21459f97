package io.vigie.ops.reload;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.http.Responses;
import io.vigie.ops.http.Router;
import io.vigie.ops.server.DetectionSetup;
import io.vigie.ops.server.RuleLoading;
import io.vigie.rules.load.RuleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hot reload of the rules (and of the indicator feeds) without stopping ingest: on a change of the rule files (their
 * mtimes and sizes, polled every {@code rules_reload.poll}; a change is applied once it has been stable for one poll)
 * and on {@code POST /api/v1/rules/reload}. The rules are loaded and compiled on a background thread, never on the
 * event path; when no document is INVALID the new Sigma set and its correlations are published together and each
 * rule worker adopts them at its next batch boundary (unchanged correlations keep their window state), then the
 * {@code rules_loaded{state}} gauges are published. A reload with any INVALID document changes nothing: the previous
 * rules keep running, and the refusal is logged and answered with HTTP 422. Reloads are serialized.
 */
public final class RuleReloader implements AutoCloseable {
    /** The HTTP route. */
    public static final String PATH = "/api/v1/rules/reload";
    private static final Logger LOG = LoggerFactory.getLogger(RuleReloader.class);

    /** The outcome of one reload: applied or refused, the status counts and the reasons of every non-OK rule. */
    public static final class Result {
        private final boolean applied;
        private final long generation;
        private final long[] counts;
        private final List<String> errors;
        private final List<String> intelErrors;
        private final String failure;

        Result(final boolean applied, final long generation, final long[] counts, final List<String> errors,
               final List<String> intelErrors, final String failure) {
            this.applied = applied;
            this.generation = generation;
            this.counts = counts.clone();
            this.errors = List.copyOf(errors);
            this.intelErrors = List.copyOf(intelErrors);
            this.failure = failure;
        }

        /** True when the new rules were published to the workers. */
        public boolean applied() {
            return applied;
        }

        /** Generation number of the published set (-1 when refused). */
        public long generation() {
            return generation;
        }

        public long ok() {
            return counts[0];
        }

        public long unsupported() {
            return counts[1];
        }

        public long invalid() {
            return counts[2];
        }

        /** {@code "<state>: <source> <id>: <reason>"} for every INVALID and UNSUPPORTED document. */
        public List<String> errors() {
            return errors;
        }

        /** One entry per indicator feed that failed to load (its previous indicators are kept). */
        public List<String> intelErrors() {
            return intelErrors;
        }

        /** 200 applied, 422 refused because of INVALID rules, 500 when loading failed unexpectedly. */
        public int httpStatus() {
            return applied ? 200 : failure != null ? 500 : 422;
        }

        /**
         * {@code {"applied":..,"generation":..,"ok":N,"unsupported":N,"invalid":N,"errors":[..],
         * "intel_errors":[..]}}, plus {@code "failure"} when loading threw.
         */
        public byte[] toJson() {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            try (JsonGenerator g = Responses.json().createGenerator(out)) {
                g.writeStartObject();
                g.writeBooleanField("applied", applied);
                g.writeNumberField("generation", generation);
                g.writeNumberField("ok", counts[0]);
                g.writeNumberField("unsupported", counts[1]);
                g.writeNumberField("invalid", counts[2]);
                g.writeArrayFieldStart("errors");
                for (final String e : errors) {
                    g.writeString(e);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("intel_errors");
                for (final String e : intelErrors) {
                    g.writeString(e);
                }
                g.writeEndArray();
                if (failure != null) {
                    g.writeStringField("failure", failure);
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.write('\n');
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return new String(toJson(), java.nio.charset.StandardCharsets.UTF_8).trim();
        }
    }

    private final DetectionSetup detection;
    private final EngineCounters counters;
    private ScheduledExecutorService executor;
    private boolean ownsExecutor;
    private ScheduledFuture<?> watchTask;
    /** Fingerprint of the rule files at the last reload (or at start). Guarded by this. */
    private String appliedFiles;
    /** Fingerprint seen by the previous poll (a change is applied when two polls agree). Guarded by this. */
    private String seenFiles;

    /** A reloader of {@code detection}'s rule paths, publishing the rule gauges into {@code counters}. */
    public RuleReloader(final DetectionSetup detection, final EngineCounters counters) {
        this.detection = detection;
        this.counters = counters;
    }

    /** Starts on an own daemon thread ({@code vigie-rules-reload}), shut down by {@link #close()}. */
    public synchronized void start() {
        final ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigie-rules-reload");
            t.setDaemon(true);
            return t;
        });
        ownsExecutor = true;
        start(own);
    }

    /**
     * Starts watching the rule files (when {@code rules_reload.watch} is on and rule paths are configured) on
     * {@code background}, which also runs the reloads requested over HTTP. Not the caller's to shut down first.
     */
    public synchronized void start(final ScheduledExecutorService background) {
        if (executor != null) {
            return;
        }
        executor = background;
        appliedFiles = fingerprint();
        seenFiles = appliedFiles;
        final DetectionOptions o = detection.options();
        if (o.watchRules && !detection.rulePaths().isEmpty()) {
            final long period = Math.max(10, o.rulesPoll.toMillis());
            watchTask = background.scheduleWithFixedDelay(this::pollFilesQuietly, period, period,
                TimeUnit.MILLISECONDS);
            LOG.info("rules watch started, paths={}, pollMs={}", detection.rulePaths(), period);
        }
    }

    /** Adds {@code POST /api/v1/rules/reload} (answers the {@link Result} as JSON, 200 or 422). */
    public void register(final Router router) {
        router.exact(HttpMethod.POST, PATH, (ctx, request, path) -> {
            // The request is released when this returns; keep a body-less copy for the deferred answer.
            final FullHttpRequest req = request.replace(Unpooled.EMPTY_BUFFER);
            reloadAsync("http").whenComplete((r, error) -> {
                if (error != null) {
                    Responses.error(ctx, req, 500, "reload failed: " + error);
                } else {
                    Responses.send(ctx, req, r.httpStatus(), Responses.JSON, r.toJson());
                }
            });
        });
    }

    /** Runs a reload on the background thread (the calling thread when not started). */
    public CompletableFuture<Result> reloadAsync(final String trigger) {
        final ScheduledExecutorService ex;
        synchronized (this) {
            ex = executor;
        }
        if (ex == null) {
            return CompletableFuture.completedFuture(reload(trigger));
        }
        return CompletableFuture.supplyAsync(() -> reload(trigger), ex);
    }

    /**
     * Loads and compiles the rules, reloads the indicator feeds, and publishes the new rules when none is INVALID.
     * Blocking and serialized; call it off the event path (and off Netty event loops: use {@link #reloadAsync}).
     *
     * @param trigger what asked for it, for the log (http, watch, ...)
     */
    public synchronized Result reload(final String trigger) {
        final long started = System.nanoTime();
        appliedFiles = fingerprint();
        seenFiles = appliedFiles;
        final DetectionSetup.Compiled compiled;
        try {
            compiled = detection.compile();
        } catch (RuntimeException e) {
            LOG.warn("rules reload failed, trigger={}, error={}", trigger, e.toString());
            return new Result(false, -1, new long[3], List.of(), List.of(), e.toString());
        }
        detection.loadIntel();
        final List<String> intelErrors = detection.intelErrors();
        final long[] counts = compiled.counts();
        final List<String> errors = new ArrayList<>();
        for (final RuleStatus s : compiled.statuses()) {
            if (s.kind() != RuleStatus.Kind.OK) {
                errors.add(s.kind().name().toLowerCase(Locale.ROOT) + ": " + s.source() + " " + s.id() + ": "
                    + s.reason());
            }
        }
        if (counts[2] > 0) {
            for (final RuleStatus s : compiled.statuses()) {
                if (s.kind() == RuleStatus.Kind.INVALID) {
                    LOG.warn("rules reload refused, trigger={}, source={}, id={}, reason={}", trigger, s.source(),
                        s.id(), s.reason());
                }
            }
            LOG.warn("rules reload refused, previous rules kept, trigger={}, ok={}, unsupported={}, invalid={}",
                trigger, counts[0], counts[1], counts[2]);
            return new Result(false, -1, counts, errors, intelErrors, null);
        }
        final long generation = detection.apply(compiled);
        RuleLoading.publish(counters, counts);
        LOG.info("rules reloaded, trigger={}, generation={}, ok={}, unsupported={}, invalid=0, millis={}", trigger,
            generation, counts[0], counts[1], (System.nanoTime() - started) / 1_000_000);
        return new Result(true, generation, counts, errors, intelErrors, null);
    }

    /**
     * One watch step: reloads when the rule files changed since the last reload and look the same as at the
     * previous step (debounce: an editor's several writes end in one reload). Returns true when a reload ran.
     */
    public synchronized boolean pollFiles() {
        final String now = fingerprint();
        if (now.equals(appliedFiles)) {
            seenFiles = now;
            return false;
        }
        if (!now.equals(seenFiles)) {
            seenFiles = now;
            return false;
        }
        reload("watch");
        return true;
    }

    private void pollFilesQuietly() {
        try {
            pollFiles();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep watching.
            LOG.warn("rules watch failed, error={}", e.toString());
        }
    }

    /** Path, mtime and size of every rule file under the configured paths, in a stable order. */
    private String fingerprint() {
        final StringBuilder b = new StringBuilder();
        for (final Path root : detection.rulePaths()) {
            if (!Files.isDirectory(root)) {
                describe(root, b);
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                final List<Path> files = new ArrayList<>();
                walk.filter(RuleReloader::isRuleFile).forEach(files::add);
                files.sort(null);
                for (final Path f : files) {
                    describe(f, b);
                }
            } catch (IOException | UncheckedIOException e) {
                b.append(root).append("|unreadable\n");
            }
        }
        return b.toString();
    }

    private static boolean isRuleFile(final Path p) {
        final String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return (n.endsWith(".yml") || n.endsWith(".yaml")) && Files.isRegularFile(p);
    }

    private static void describe(final Path f, final StringBuilder b) {
        b.append(f).append('|');
        try {
            b.append(Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS)).append('|').append(Files.size(f));
        } catch (IOException e) {
            b.append("missing");
        }
        b.append('\n');
    }

    /** Stops watching (and the own thread, if {@link #start()} made one). Idempotent. */
    @Override
    public synchronized void close() {
        if (watchTask != null) {
            watchTask.cancel(false);
            watchTask = null;
        }
        if (ownsExecutor && executor != null) {
            executor.shutdownNow();
        }
    }
}
