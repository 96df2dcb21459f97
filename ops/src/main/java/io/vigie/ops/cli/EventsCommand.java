package io.vigie.ops.cli;

import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.server.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vigie events}: prints events from the raw journal as JSON lines (see {@link EventJson}). The fields are
 * re-derived by running the decoder of the record's stored format on its raw bytes: decoding is a pure function of
 * the record, so this shows exactly what the rules saw.
 */
@Command(name = "events", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = {"Print normalized events from the raw journal (<data>/raw) as JSON lines: ECS fields, "
        + "vigie.seq, the raw bytes (event.original).",
        "With --rejected: the quarantine (<data>/quarantine), with vigie.reject_reason."})
final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the config's data_dir, "
        + "else ./data).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (data_dir, decoder "
        + "settings).")
    Path config;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events as they are appended.")
    boolean follow;

    @Option(names = "--from", paramLabel = "N", description = "Start at this journal position (vigie.seq).")
    Long from;

    @Option(names = "--rejected", description = "Read the quarantine of rejected frames instead.")
    boolean rejected;

    private final Map<Integer, FrameDecoder> decoders = new HashMap<>();
    private DecoderSettings decoderSettings;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final VigieConfig c = ConfigLoader.load(config);
        final Path base = data != null ? data : c.dataDir;
        decoderSettings = Settings.decoder(c);
        final Path dir = base.resolve(rejected ? "quarantine" : "raw");
        if (!Files.isDirectory(dir)) {
            throw new CliException(VigieCli.EXIT_FAILURE, "no " + (rejected ? "quarantine" : "raw journal") + " at "
                + dir);
        }
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader reader = new RawJournalReader(dir, rejected)) {
            if (from != null && !reader.moveTo(from)) {
                throw new CliException(VigieCli.EXIT_FAILURE, "no record at position " + from + " in " + dir);
            }
            while (!Thread.currentThread().isInterrupted()) {
                if (reader.next(e)) {
                    String error = null;
                    if (!reader.rejected()) {
                        error = decode(e);
                    }
                    out.println(EventJson.toJson(e, reader.listenerName(), reader.rejected(), error));
                    continue;
                }
                out.flush();
                if (!follow) {
                    break;
                }
                Thread.sleep(AlertsCommand.POLL_MS);
            }
        }
        out.flush();
        return 0;
    }

    /** Re-derives the fields in place; returns an error text when the decoder failed (metadata kept). */
    private String decode(final TelemetryEvent e) {
        final int stored = e.format;
        final int format = stored >= EventFormat.RFC5424 && stored <= EventFormat.PLAIN ? stored : EventFormat.AUTO;
        final long seq = e.seq;
        final int tlp = e.tlp;
        final int listener = e.listenerId;
        final long received = e.receivedNanos;
        final long time = e.timestampNanos;
        String error = null;
        try {
            decoders.computeIfAbsent(format, f -> new AutoDetectDecoder(f, decoderSettings, new MessageDecoders()))
                .decode(e);
        } catch (RuntimeException ex) {
            e.clearFields();
            error = VigieCli.describe(ex);
        }
        e.seq = seq;
        e.tlp = tlp;
        e.listenerId = listener;
        e.receivedNanos = received;
        if (e.timestampNanos == TelemetryEvent.NO_TIME) {
            e.timestampNanos = time;
        }
        if (e.format == EventFormat.UNKNOWN) {
            e.format = stored;
        }
        e.rejectReason = 0;
        return error;
    }
}
