package io.vigie.ops.cli;

import io.vigie.ops.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code vigie} command line: {@code serve}, {@code replay}, {@code alerts}, {@code events}, {@code rules check},
 * {@code loadgen}. Results go to stdout, diagnostics and errors to stderr. Exit codes: 0 success, 1 failure
 * (I/O, runtime, {@code rules check} found invalid rules), 2 usage or configuration error, invalid rules in replay.
 */
@Command(name = "vigie", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = "Vigie: SOC telemetry correlation engine.",
    subcommands = {ServeCommand.class, ReplayCommand.class, AlertsCommand.class, EventsCommand.class,
        RulesCommand.class, LoadgenCommand.class})
public final class VigieCli implements Callable<Integer> {
    /** Exit code of a failed run. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a usage, configuration or rule error. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        err.println("vigie: missing command");
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    /** Runs the CLI and exits with its code. */
    @SuppressForbidden(reason = "the entry point hands the process's standard streams to the commands")
    public static void main(final String[] args) {
        // A SOC product must not phone home: Chronicle's usage analytics off before any Chronicle class loads
        // (the artifact is also excluded from the build; this covers `java -jar vigie.jar` without the launcher).
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // Netty re-checks a buffer's reference count on every getByte; our handlers never touch a released buffer
        // (they run on the buffer's event loop and release it last), and the check was ~9% of the CEF framing
        // profile. Bounds checks stay on. An operator can still set it explicitly with -D.
        if (System.getProperty("io.netty.buffer.checkAccessible") == null) {
            System.setProperty("io.netty.buffer.checkAccessible", "false");
        }
        // Offline tools keep stderr for their own diagnostics and summaries: library INFO lines only for serve.
        if (args.length == 0 || !"serve".equals(args[0])) {
            if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            }
        }
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        final int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this). */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args) {
        final CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        final int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured picocli command tree. */
    public static CommandLine commandLine() {
        final CommandLine cli = new CommandLine(new VigieCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            final PrintWriter err = commandLine.getErr();
            final String name = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof CliException) {
                err.println(name + ": " + e.getMessage());
                return ((CliException) e).exitCode();
            }
            if (e instanceof ConfigException) {
                err.println(name + ": configuration error: " + e.getMessage());
                return EXIT_USAGE;
            }
            err.println(name + ": " + describe(e));
            if (Boolean.getBoolean("vigie.debug")) {
                e.printStackTrace(err);
            }
            return EXIT_FAILURE;
        });
        return cli;
    }

    static String describe(final Throwable e) {
        final String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m;
    }

    /** Version from the build (resource {@code io/vigie/ops/version.properties}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigie " + version(), "Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + ")"};
        }
    }

    /** The build version, or {@code unknown}. */
    public static String version() {
        try (InputStream in = VigieCli.class.getResourceAsStream("/io/vigie/ops/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
