package io.vigie.ops.cli;

import io.vigie.engine.journal.AlertTailer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vigie alerts}: prints alerts from the alert journal as JSON lines. */
@Command(name = "alerts", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = "Print alerts from the alert journal (<data>/alerts) as JSON lines.")
final class AlertsCommand implements Callable<Integer> {
    static final long POLL_MS = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the config's data_dir, "
        + "else ./data).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (for data_dir).")
    Path config;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new alerts as they are appended.")
    boolean follow;

    @Option(names = "--from", paramLabel = "N", description = "Start at this alert-journal position.")
    Long from;

    @Option(names = "--with-position", description = "Add each alert's journal position as \"position\" (for "
        + "--from).")
    boolean withPosition;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final Path dir = DataDirs.resolve(data, config).resolve("alerts");
        if (!Files.isDirectory(dir)) {
            throw new CliException(VigieCli.EXIT_FAILURE, "no alert journal at " + dir);
        }
        try (AlertTailer tailer = new AlertTailer(dir)) {
            if (from != null && !tailer.moveTo(from)) {
                throw new CliException(VigieCli.EXIT_FAILURE, "no alert at position " + from + " in " + dir);
            }
            while (!Thread.currentThread().isInterrupted()) {
                final byte[] json = tailer.next();
                if (json != null) {
                    final String text = new String(json, StandardCharsets.UTF_8);
                    out.println(withPosition && text.startsWith("{")
                        ? "{\"position\":" + tailer.lastIndex() + (text.length() > 2 ? "," : "") + text.substring(1)
                        : text);
                    continue;
                }
                out.flush();
                if (!follow) {
                    break;
                }
                Thread.sleep(POLL_MS);
            }
        }
        out.flush();
        return 0;
    }
}
