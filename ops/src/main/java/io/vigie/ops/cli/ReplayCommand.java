package io.vigie.ops.cli;

import io.vigie.engine.Engine;
import io.vigie.engine.alert.AlertJson;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.file.FileReplaySource;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.server.Settings;
import io.vigie.rules.eval.SigmaDetectorFactory;
import io.vigie.ops.server.DetectionSetup;
import io.vigie.rules.load.RuleStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigie replay}: runs files through the same pipeline as {@code serve} (a real engine whose journals live in
 * a temporary directory, deleted afterwards) and prints the alerts as JSON lines on stdout, then a summary on
 * stderr. Invalid rules stop it (exit 2) before any input is read; unsupported rules are warned about and skipped.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = {"Replay log files offline through the pipeline; print alerts as JSON lines on stdout and a "
        + "summary on stderr.",
        "Each alert's events are \"<file basename>:<line>\". Exit 0 when it ran; 1 when a file is unreadable; "
            + "2 on invalid rules or bad arguments."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rules", paramLabel = "PATH", description = "Rule file or directory (repeatable). Default: "
        + "the config's rules, else the bundled pack.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
        description = "Input format: auto, rfc5424, rfc3164, cef, json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (rules, field mapping, "
        + "placeholders, decoder settings, engine workers).")
    Path config;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Input files, one event per line; - for stdin.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final int formatCode = EventFormat.parse(format);
        if (formatCode != EventFormat.AUTO && (formatCode < EventFormat.RFC5424 || formatCode > EventFormat.JSON)) {
            throw new CliException(VigieCli.EXIT_USAGE, "unknown --format '" + format
                + "' (expected auto, rfc5424, rfc3164, cef or json)");
        }
        for (final Path f : files) {
            if (!"-".equals(f.toString()) && (!Files.isRegularFile(f) || !Files.isReadable(f))) {
                throw new CliException(VigieCli.EXIT_FAILURE, "cannot read " + f
                    + (Files.exists(f) ? (Files.isDirectory(f) ? ": is a directory" : ": permission denied")
                    : ": no such file"));
            }
        }
        final VigieConfig c = ConfigLoader.load(config);
        final List<Path> rulePaths = rules.isEmpty() ? c.rules : rules;
        final DetectionSetup detection = DetectionSetup.create(c, rulePaths, Settings.detection(c));
        if (!detection.loadIntel()) {
            for (final String e : detection.intelErrors()) {
                err.println("vigie replay: warning: threat-intel feed not loaded: " + e);
            }
        }
        int invalid = 0;
        for (final RuleStatus s : detection.statuses()) {
            if (s.kind() == RuleStatus.Kind.INVALID) {
                err.println("vigie replay: invalid rule " + s.source() + " " + s.id() + " " + s.title() + ": "
                    + s.reason());
                invalid++;
            } else if (s.kind() == RuleStatus.Kind.UNSUPPORTED) {
                err.println("vigie replay: warning: skipping unsupported rule " + s.source() + " " + s.id() + " "
                    + s.title() + ": " + s.reason());
            }
        }
        if (invalid > 0) {
            throw new CliException(VigieCli.EXIT_USAGE, invalid + " invalid rule(s), nothing replayed");
        }

        final DecoderSettings decoderSettings = Settings.decoder(c);
        final Path tmp = Files.createTempDirectory("vigie-replay-");
        final EngineCounters counters = new EngineCounters();
        final ListenerCounters listener = counters.listener("replay");
        long started = System.nanoTime();
        try {
            final SigmaDetectorFactory detectors = detection.factory();
            try (Engine engine = new Engine(Settings.engine(c, tmp, detectors), counters)) {
                engine.addAlertListener(a -> out.println(new String(AlertJson.toBytes(a), StandardCharsets.UTF_8)));
                engine.start();
                final FileReplaySource source = new FileReplaySource(engine.ring(), listener,
                    () -> new AutoDetectDecoder(formatCode, decoderSettings, detection.messageDecoders().get()));
                started = System.nanoTime(); // events/s measures the pipeline, not rule loading and setup
                try {
                    source.replay(files);
                } catch (IOException e) {
                    throw new CliException(VigieCli.EXIT_FAILURE, "cannot read input: " + VigieCli.describe(e));
                }
                if (!engine.drain(10, TimeUnit.MINUTES)) {
                    throw new CliException(VigieCli.EXIT_FAILURE, "the pipeline did not drain in time");
                }
                // End of input: close open correlation incidents so their final counts are reported.
                detection.flush(engine::emit);
                if (!engine.drain(1, TimeUnit.MINUTES)) {
                    throw new CliException(VigieCli.EXIT_FAILURE, "the pipeline did not drain in time");
                }
            }
            out.flush();
            err.println(summary(listener, counters, System.nanoTime() - started));
            return 0;
        } finally {
            deleteTree(tmp);
        }
    }

    /** {@code replay: events=N parsed=N rejected=N (reason=n, ...) dropped=N alerts=N seconds=S events/s=R}. */
    static String summary(final ListenerCounters l, final EngineCounters counters, final long elapsedNanos) {
        final StringBuilder b = new StringBuilder("replay: events=").append(l.received())
            .append(" parsed=").append(l.persisted())
            .append(" rejected=").append(l.rejected());
        final StringBuilder reasons = new StringBuilder();
        for (final RejectReason r : RejectReason.values()) {
            if (l.rejected(r) > 0) {
                reasons.append(reasons.length() == 0 ? "" : ", ").append(r.label()).append('=').append(l.rejected(r));
            }
        }
        if (reasons.length() > 0) {
            b.append(" (").append(reasons).append(')');
        }
        if (l.dropped() > 0) {
            b.append(" dropped=").append(l.dropped());
            for (int i = 0; i < DropReason.count(); i++) {
                if (l.dropped(DropReason.of(i)) > 0) {
                    b.append(' ').append(DropReason.of(i).label()).append('=').append(l.dropped(DropReason.of(i)));
                }
            }
        }
        final double seconds = elapsedNanos / 1e9;
        b.append(" alerts=").append(counters.alerts())
            .append(" seconds=").append(String.format(Locale.ROOT, "%.3f", seconds))
            .append(" events/s=").append(String.format(Locale.ROOT, "%.0f", seconds > 0 ? l.received() / seconds : 0));
        return b.toString();
    }

    static void deleteTree(final Path root) {
        try (var walk = Files.walk(root)) {
            final List<Path> all = new ArrayList<>();
            walk.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(all.get(i));
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover temp dir is harmless and named vigie-replay-*.
        }
    }
}
