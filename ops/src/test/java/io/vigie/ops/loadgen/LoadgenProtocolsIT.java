package io.vigie.ops.loadgen;

import io.vigie.engine.Engine;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.transport.ListenerSettings;
import io.vigie.ingest.transport.SyslogListener;
import io.vigie.ingest.transport.relp.RelpListener;
import io.vigie.ingest.transport.relp.RelpSettings;
import io.vigie.ingest.transport.tls.ReloadingSslContext;
import io.vigie.ops.cli.VigieCli;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loadgen --proto tls} (mutual TLS) and {@code --proto relp} against Vigie's real listeners. */
@Timeout(120)
class LoadgenProtocolsIT {
    @TempDir
    Path dir;

    @Test
    void shouldSendOverMutualTls() throws Exception {
        final Path[] pki = pki();
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = engine(counters)) {
            final ListenerSettings s = new ListenerSettings();
            s.name = "loadgen-tls";
            s.port = 0;
            s.sslContext = new ReloadingSslContext(pki[1], pki[2], pki[0]);
            try (SyslogListener listener = new SyslogListener(s, engine.ring(), counters, MessageDecoders::new)) {
                final int port = listener.start();
                final LoadGenerator.Options o = options(port, "tls");
                o.ca = pki[0];
                o.cert = pki[3];
                o.key = pki[4];
                final LoadGenerator.Result r = new LoadGenerator(o, new PrintWriter(new StringWriter())).run();
                assertTrue(r.sent > 0);
                final ListenerCounters l = listener.counters();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (l.received() < r.sent && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(r.sent, l.received(), l.toString());
                assertTrue(engine.drain(10, TimeUnit.SECONDS));
                assertEquals(r.sent, l.persisted(), l.toString());
            }
        }
    }

    @Test
    void shouldSendOverRelpAndReturnOnlyOnceEverythingIsAcknowledged() throws Exception {
        final EngineCounters counters = new EngineCounters();
        try (Engine engine = engine(counters)) {
            final RelpSettings s = new RelpSettings();
            s.port = 0;
            final RelpListener listener = new RelpListener(s, engine, counters,
                () -> new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders()));
            try {
                final int port = listener.start();
                final LoadGenerator.Options o = options(port, "relp");
                o.relpWindow = 16;
                o.rate = 0;
                o.durationSeconds = 1;
                final LoadGenerator.Result r = new LoadGenerator(o, new PrintWriter(new StringWriter())).run();
                assertTrue(r.sent > 100, "sent " + r.sent);
                // Acknowledged means journaled: no drain needed.
                final ListenerCounters l = counters.listener(s.name);
                assertEquals(r.sent, l.persisted(), l.toString());
                assertEquals(r.sent, l.received(), l.toString());
            } finally {
                listener.close();
            }
        }
    }

    @Test
    void shouldCheckTlsOptions() {
        final StringWriter err = new StringWriter();
        final int code = VigieCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "loadgen",
            "--target", "127.0.0.1:1", "--rate", "10", "--duration", "1", "--proto", "tls", "--cert",
            dir.resolve("c.crt").toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--cert and --key go together"), err.toString());
    }

    private Engine engine(final EngineCounters counters) {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 1024;
        final Engine engine = new Engine(c, counters);
        engine.start();
        return engine;
    }

    private static LoadGenerator.Options options(final int port, final String proto) {
        final LoadGenerator.Options o = new LoadGenerator.Options();
        o.target = new InetSocketAddress("127.0.0.1", port);
        o.rate = 500;
        o.durationSeconds = 0.5;
        o.proto = proto;
        o.progress = false;
        return o;
    }

    /** CA, server and client certificates made with the openssl CLI: {ca, server crt, key, client crt, key}. */
    private Path[] pki() throws Exception {
        final Path ext = dir.resolve("ext.cnf");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
            + "extendedKeyUsage=serverAuth,clientAuth\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "ca.key", "-out", "ca.crt", "-subj", "/CN=loadgen-ca", "-days", "1");
        for (final String name : new String[] {"server", "client"}) {
            openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "1", "-extfile", ext.toString());
        }
        return new Path[] {dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
            dir.resolve("client.crt"), dir.resolve("client.key")};
    }

    private void openssl(final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        final Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("openssl absent: " + e.getMessage());
            return;
        }
        final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
