package io.vigie.ingest.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class KernelDropMonitorTest {
    @Test
    void shouldSumDropsOfTheListenerPort() {
        final List<String> table = List.of(
            "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
                + "pointer drops",
            "  120: 0100007F:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 123 2 "
                + "0000000000000000 42",
            "  121: 00000000:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 124 2 "
                + "0000000000000000 8",
            "  122: 0100007F:158B 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 125 2 "
                + "0000000000000000 1000");
        assertEquals(50, KernelDropMonitor.drops(table, 5514));
        assertEquals(0, KernelDropMonitor.drops(table, 1));
    }
}
