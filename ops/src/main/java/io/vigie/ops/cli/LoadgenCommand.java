package io.vigie.ops.cli;

import io.vigie.ops.loadgen.LoadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vigie loadgen}: sends syslog at a rate; optionally measures end-to-end alert latency. */
@Command(name = "loadgen", mixinStandardHelpOptions = true, versionProvider = VigieCli.Version.class,
    description = {"Send syslog lines to a Vigie listener at a paced rate (token bucket) and print sent/s each "
        + "second, then a summary.",
        "Lines: synthesized RFC 5424 with a sequence number, or --file lines in a loop. TCP and TLS frames are "
            + "octet-counted (RFC 6587), UDP sends one line per datagram (batched with sendmmsg where epoll is "
            + "available), RELP one syslog command per line.",
        "--expect-alerts: every --canary-interval-ms a canary line (matched by the bundled rules) is sent; its "
            + "latency is send time to the alert's appearance in <data>/alerts (matched through the raw journal "
            + "record the alert names), reported as p50/p99/p99.9/max (HdrHistogram; includes up to 1 ms of "
            + "journal polling)."})
final class LoadgenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "Listener address.")
    String target;

    @Option(names = "--rate", required = true, paramLabel = "N|max", description = "Lines per second, or max.")
    String rate;

    @Option(names = "--duration", required = true, paramLabel = "S", description = "Seconds to send.")
    double duration;

    @Option(names = "--proto", defaultValue = "tcp", paramLabel = "PROTO",
        description = "udp, tcp, tls or relp (default: ${DEFAULT-VALUE}). tls: octet-counted over TLS (RFC 5425); "
            + "relp: syslog commands acknowledged by the server, --relp-window at most in flight (over TLS when "
            + "--ca is given).")
    String proto;

    @Option(names = "--ca", paramLabel = "FILE", description = "TLS: CA certificates (PEM) the server must chain to "
        + "(default: the JDK's trust store).")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE", description = "TLS: client certificate chain (PEM).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "TLS: client private key (PEM, PKCS#8).")
    Path key;

    @Option(names = "--relp-window", defaultValue = "128", paramLabel = "N",
        description = "RELP: most unacknowledged transactions (default: ${DEFAULT-VALUE}).")
    int relpWindow;

    @Option(names = "--connections", defaultValue = "1", paramLabel = "N",
        description = "Connections (UDP: sockets), each with its own sender thread and an equal share of --rate; "
            + "the figures are summed (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--udp-gso", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "UDP: send runs of equal-length lines as UDP GSO packets (UDP_SEGMENT, Linux 4.18+), split "
            + "by the sender's kernel into the same datagrams; --no-udp-gso sends each datagram on its own "
            + "(default: on where supported).")
    boolean udpGso;

    @Option(names = "--file", paramLabel = "FILE", description = "Replay this file's lines in a loop.")
    Path file;

    @Option(names = "--expect-alerts", description = "Send canaries and measure alert latency (needs --data).")
    boolean expectAlerts;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
        description = "The server's data directory, for --expect-alerts (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--canary-line", paramLabel = "TEXT", description = "Canary template; {n} = canary number "
        + "(required), {ts} = RFC 3339 time. Default: an sshd 'Corrupted MAC on input' error.")
    String canaryLine;

    @Option(names = "--canary-interval-ms", defaultValue = "100", paramLabel = "MS",
        description = "Milliseconds between canaries (default: ${DEFAULT-VALUE}).")
    long canaryIntervalMs;

    @Option(names = "--alert-timeout", defaultValue = "10", paramLabel = "S",
        description = "Seconds to wait for the last canaries' alerts (default: ${DEFAULT-VALUE}).")
    double alertTimeout;

    @Override
    public Integer call() throws Exception {
        final LoadGenerator.Options o = new LoadGenerator.Options();
        o.target = parseTarget(target);
        o.rate = parseRate(rate);
        if (!(duration > 0)) {
            throw new CliException(VigieCli.EXIT_USAGE, "--duration must be > 0");
        }
        o.durationSeconds = duration;
        o.proto = proto.toLowerCase(Locale.ROOT);
        if (!"udp".equals(o.proto) && !"tcp".equals(o.proto) && !"tls".equals(o.proto) && !"relp".equals(o.proto)) {
            throw new CliException(VigieCli.EXIT_USAGE, "unknown --proto '" + proto
                + "' (expected udp, tcp, tls or relp)");
        }
        if ((cert == null) != (key == null)) {
            throw new CliException(VigieCli.EXIT_USAGE, "--cert and --key go together");
        }
        if ((ca != null || cert != null) && !"tls".equals(o.proto) && !"relp".equals(o.proto)) {
            throw new CliException(VigieCli.EXIT_USAGE, "--ca, --cert and --key apply to --proto tls or relp");
        }
        for (final Path p : new Path[] {ca, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new CliException(VigieCli.EXIT_FAILURE, "cannot read " + p);
            }
        }
        if (relpWindow < 1) {
            throw new CliException(VigieCli.EXIT_USAGE, "--relp-window must be >= 1");
        }
        if (connections < 1 || connections > 1024) {
            throw new CliException(VigieCli.EXIT_USAGE, "--connections must be in 1..1024");
        }
        o.connections = connections;
        o.udpSegments = udpGso;
        o.ca = ca;
        o.cert = cert;
        o.key = key;
        o.relpWindow = relpWindow;
        if (file != null && !Files.isReadable(file)) {
            throw new CliException(VigieCli.EXIT_FAILURE, "cannot read " + file);
        }
        o.file = file;
        if (expectAlerts) {
            if (!Files.isDirectory(data.resolve("alerts"))) {
                throw new CliException(VigieCli.EXIT_FAILURE, "no alert journal at " + data.resolve("alerts")
                    + " (--data must be the server's data directory)");
            }
            o.alertDataDir = data;
            if (canaryLine != null) {
                if (!canaryLine.contains("{n}")) {
                    throw new CliException(VigieCli.EXIT_USAGE, "--canary-line must contain {n}");
                }
                o.canary = canaryLine;
            }
            if (canaryIntervalMs < 1) {
                throw new CliException(VigieCli.EXIT_USAGE, "--canary-interval-ms must be >= 1");
            }
            o.canaryIntervalMs = canaryIntervalMs;
            o.alertTimeoutSeconds = alertTimeout;
        }
        try {
            new LoadGenerator(o, spec.commandLine().getOut()).run();
        } catch (java.io.IOException e) {
            throw new CliException(VigieCli.EXIT_FAILURE, "cannot send to " + target + ": " + VigieCli.describe(e));
        }
        return 0;
    }

    static InetSocketAddress parseTarget(final String t) {
        final int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new CliException(VigieCli.EXIT_USAGE, "--target must be HOST:PORT, got '" + t + "'");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        final int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CliException(VigieCli.EXIT_USAGE, "--target port must be a number, got '" + t + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new CliException(VigieCli.EXIT_USAGE, "--target port must be in 1..65535, got " + port);
        }
        return new InetSocketAddress(host, port);
    }

    static double parseRate(final String r) {
        if ("max".equalsIgnoreCase(r)) {
            return 0;
        }
        try {
            final double v = Double.parseDouble(r);
            if (v > 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException(VigieCli.EXIT_USAGE, "--rate must be a positive number or max, got '" + r + "'");
    }
}
