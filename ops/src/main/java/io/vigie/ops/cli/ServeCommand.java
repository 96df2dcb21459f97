package io.vigie.ops.cli;

import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import io.vigie.ops.server.VigieServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code vigie serve}: runs a node until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = {"Run the engine: syslog listeners, journals, rules, HTTP (/health, /metrics).",
        "Without --config: embedded defaults (127.0.0.1, syslog UDP+TCP 5514, HTTP 8514, data ./data, "
            + "bundled rules). Prints where it listens, then runs until SIGTERM/SIGINT."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (vigie.yaml).")
    Path config;

    @Override
    public Integer call() throws Exception {
        final VigieConfig c = ConfigLoader.load(config);
        final PrintWriter out = spec.commandLine().getOut();
        final VigieServer server = new VigieServer(c);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }, "vigie-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.start();
        } catch (RuntimeException | InterruptedException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            throw e;
        }
        for (final Map.Entry<String, String> e : server.addresses().entrySet()) {
            out.println("listening " + e.getKey() + " " + e.getValue());
        }
        out.println("data " + c.dataDir.toAbsolutePath());
        out.flush();
        stopped.await();
        return 0;
    }
}
