package io.vigie.ops.server;

import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} with RELP enabled: each syslog command is acknowledged, and only once it is persisted. */
@Timeout(60)
class RelpServeIT {
    @TempDir
    Path dir;

    @Test
    void shouldAcknowledgeRelpFramesOnlyOncePersisted() throws Exception {
        final VigieConfig c = ConfigLoader.parse("data_dir: " + dir.resolve("data") + "\n"
            + "ingest: {syslog: {port: 0}, relp: {enabled: true, port: 0}}\nhttp: {enabled: false}\n"
            + "engine: {ring_size: 1024}\n", "vigie.yaml", n -> null);
        try (VigieServer server = new VigieServer(c)) {
            server.start();
            assertTrue(server.relpPort() > 0);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.relpPort())) {
                final OutputStream out = s.getOutputStream();
                final BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8));
                final String offers = "relp_version=0\nrelp_software=test\ncommands=syslog";
                out.write(("1 open " + offers.length() + " " + offers + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertTrue(in.readLine().startsWith("1 rsp "), "open answered");
                String offer = in.readLine();
                while (offer != null && !offer.startsWith("commands=")) {
                    offer = in.readLine(); // the rest of the open response (its data spans several lines)
                }
                final int n = 50;
                for (int i = 0; i < n; i++) {
                    final String msg = "<38>1 2026-12-03T08:00:00Z host-" + i + " app 1 - - relp message " + i;
                    final byte[] data = msg.getBytes(StandardCharsets.UTF_8);
                    out.write(((i + 2) + " syslog " + data.length + " ").getBytes(StandardCharsets.UTF_8));
                    out.write(data);
                    out.write('\n');
                }
                out.flush();
                for (int i = 0; i < n; i++) {
                    final String ack = in.readLine();
                    assertEquals((i + 2) + " rsp 6 200 OK", ack);
                    // An ack means persisted: the raw-journal worker has passed the frame's ring sequence.
                    assertTrue(server.engine().persistedSequence().get() >= i, "acked before persisted");
                }
            }
            assertEquals(50, server.counters().listener("relp").persisted());
        }
    }
}
