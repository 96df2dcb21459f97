package io.vigie.ops.cli;

import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.server.RuleLoading;
import io.vigie.rules.load.RuleStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vigie rules}: rule tools. */
@Command(name = "rules", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = "Rule tools.", subcommands = RulesCommand.Check.class)
final class RulesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        err.println("vigie rules: missing command (check)");
        spec.commandLine().usage(err);
        return VigieCli.EXIT_USAGE;
    }

    /** {@code vigie rules check PATH...}: one line per rule document, a count summary last. */
    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
        description = {"Load Sigma rules and report each document: '<source> <id> <title>: ok', "
            + "'unsupported: <reason>' or 'invalid: <reason>'; then a count summary.",
            "Exit 0 when no rule is invalid, 1 otherwise."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (field mapping, "
            + "placeholders).")
        Path config;

        @Parameters(paramLabel = "PATH", arity = "1..*", description = "Rule files or directories.")
        List<Path> paths;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            for (final Path p : paths) {
                if (!Files.exists(p)) {
                    throw new CliException(VigieCli.EXIT_FAILURE, "no such file or directory: " + p);
                }
            }
            final VigieConfig c = ConfigLoader.load(config);
            final List<RuleStatus> statuses = io.vigie.ops.server.DetectionSetup.create(c, paths).statuses();
            for (final RuleStatus s : statuses) {
                out.println(line(s));
            }
            final long[] n = RuleLoading.counts(statuses);
            out.println((n[0] + n[1] + n[2]) + " rules: " + n[0] + " ok, " + n[1] + " unsupported, " + n[2]
                + " invalid");
            out.flush();
            return n[2] == 0 ? 0 : 1;
        }

        static String line(final RuleStatus s) {
            final String head = s.source() + " " + (s.id() == null ? "-" : s.id()) + " "
                + (s.title() == null ? "-" : s.title()) + ": ";
            if (s.kind() == RuleStatus.Kind.OK) {
                return head + "ok";
            }
            return head + s.kind().name().toLowerCase(Locale.ROOT) + ": " + s.reason();
        }
    }
}
