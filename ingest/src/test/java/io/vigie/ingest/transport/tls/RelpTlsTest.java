package io.vigie.ingest.transport.tls;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vigie.engine.Engine;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ingest.transport.relp.RelpClient;
import io.vigie.ingest.transport.relp.RelpListener;
import io.vigie.ingest.transport.relp.RelpListenerTest;
import io.vigie.ingest.transport.relp.RelpSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RELP over mutual TLS: the listener takes a fresh context per connection from a {@link ReloadingSslContext}. */
@Timeout(60)
class RelpTlsTest {
    @TempDir
    Path dir;

    @Test
    void shouldAcknowledgeOverMutualTls() throws Exception {
        final TestPki.Issued ca = TestPki.ca("relp-ca");
        final Path caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, TestPki.pem("CERTIFICATE", ca.cert.getEncoded()));
        final Path[] server = TestPki.leaf(ca, "relp-server", "localhost").write(dir, "server");
        final Path[] client = TestPki.leaf(ca, "relp-client").write(dir, "client");
        final EngineCounters counters = new EngineCounters();
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 64;
        try (Engine engine = new Engine(c, counters)) {
            engine.start();
            final RelpSettings s = new RelpSettings();
            s.port = 0;
            s.sslContext = new ReloadingSslContext(server[0], server[1], caFile);
            s.peerAllowList = new PeerAllowList(List.of("relp-client"), new AtomicLong());
            final RelpListener listener = new RelpListener(s, engine, counters, () -> RelpListenerTest.WHOLE_FRAME);
            try {
                listener.start();
                final JdkSslContext ctx = (JdkSslContext) SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(caFile.toFile()).keyManager(client[0].toFile(), client[1].toFile()).build();
                final SSLSocket socket = (SSLSocket) ctx.context().getSocketFactory()
                    .createSocket("127.0.0.1", listener.port());
                try (RelpClient relp = new RelpClient(socket)) {
                    relp.send(1, "open", "relp_version=0\ncommands=syslog");
                    assertTrue(relp.read().data.startsWith("200 OK"));
                    for (int i = 0; i < 10; i++) {
                        relp.send(i + 2, "syslog", "<13>over tls " + i);
                    }
                    for (int i = 0; i < 10; i++) {
                        final RelpClient.Frame ack = relp.read();
                        assertEquals(i + 2, ack.txnr);
                        assertEquals("200 OK", ack.data);
                    }
                }
                assertTrue(engine.drain(10, TimeUnit.SECONDS));
                assertEquals(10, counters.listener("relp").persisted());
            } finally {
                listener.close();
            }
        }
    }
}
