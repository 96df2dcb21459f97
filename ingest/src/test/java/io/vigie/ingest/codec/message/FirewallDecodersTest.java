package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** iptables, Cisco ASA, FortiGate and Palo Alto lines (hand-written in the vendors' documented formats). */
@Timeout(30)
class FirewallDecodersTest {
    private final MessageDecoders d = new MessageDecoders();
    private final TelemetryEvent e = new TelemetryEvent();

    @Test
    void shouldDecodeUfwBlock() {
        assertTrue(Fixture.msg(d, e, "kernel", "[ 1234.567890] [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:"
            + "88:99:aa:bb:08:00 SRC=203.0.113.7 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP "
            + "SPT=52144 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0"));
        assertEquals("203.0.113.7", e.get(Fields.SOURCE_IP));
        assertEquals("10.0.0.5", e.get(Fields.DESTINATION_IP));
        assertEquals("52144", e.get(Fields.SOURCE_PORT));
        assertEquals("22", e.get(Fields.DESTINATION_PORT));
        assertEquals("tcp", e.get(Fields.NETWORK_TRANSPORT));
        assertEquals("block", e.get(Fields.EVENT_ACTION));
        assertEquals("[UFW BLOCK]", e.get("iptables.prefix"));
        assertEquals("eth0", e.get("observer.ingress.interface.name"));
        assertNull(e.get("observer.egress.interface.name"));
        assertEquals(Logsources.LINUX, e.logProduct);
        assertEquals(Logsources.FIREWALL, e.logCategory);
        // no program, custom prefix, UDP
        assertTrue(Fixture.msg(d, e, null, "DROP-IN: IN=eth1 OUT= SRC=198.51.100.1 DST=10.0.0.1 PROTO=UDP SPT=53 "
            + "DPT=5353"));
        assertEquals("drop", e.get(Fields.EVENT_ACTION));
        assertEquals("udp", e.get(Fields.NETWORK_TRANSPORT));
        // no recognisable verdict, ICMP without ports
        assertTrue(Fixture.msg(d, e, "kernel", "fw: IN=eth0 OUT= SRC=1.1.1.1 DST=2.2.2.2 PROTO=ICMP TYPE=8 CODE=0"));
        assertNull(e.get(Fields.EVENT_ACTION));
        assertNull(e.get(Fields.SOURCE_PORT));
        // truncated / bad address
        assertFalse(Fixture.msg(d, e, "kernel", "IN=eth0 OUT= SRC=999.1.1.1"));
        assertFalse(Fixture.msg(d, e, "kernel", "IN=eth0 OUT="));
    }

    @Test
    void shouldDecodeAsaConnections() {
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-302013: Built inbound TCP connection 1234 for "
            + "outside:203.0.113.7/52144 (203.0.113.7/52144) to inside:10.0.0.5/22 (198.51.100.5/22)"));
        assertEquals("302013", e.get(Fields.EVENT_CODE));
        assertEquals("6", e.get(Fields.EVENT_SEVERITY));
        assertEquals("built", e.get(Fields.EVENT_ACTION));
        assertEquals("tcp", e.get(Fields.NETWORK_TRANSPORT));
        assertEquals("203.0.113.7", e.get(Fields.SOURCE_IP));
        assertEquals("52144", e.get(Fields.SOURCE_PORT));
        assertEquals("10.0.0.5", e.get(Fields.DESTINATION_IP));
        assertEquals("22", e.get(Fields.DESTINATION_PORT));
        assertEquals(Logsources.id("cisco"), e.logProduct);
        assertEquals(Logsources.id("asa"), e.logService);
        assertEquals(Logsources.FIREWALL, e.logCategory);
        // outbound: the inside ("to") side is the source
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-302015: Built outbound UDP connection 9 for "
            + "outside:8.8.8.8/53 (8.8.8.8/53) to inside:10.0.0.7/40000 (198.51.100.7/40000)"));
        assertEquals("10.0.0.7", e.get(Fields.SOURCE_IP));
        assertEquals("8.8.8.8", e.get(Fields.DESTINATION_IP));
        assertEquals("53", e.get(Fields.DESTINATION_PORT));
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-302014: Teardown TCP connection 1234 for outside:203.0.113.7/52144"
            + " to inside:10.0.0.5/22 duration 0:00:30 bytes 1024 TCP FINs"));
        assertEquals("teardown", e.get(Fields.EVENT_ACTION));
        assertEquals("22", e.get(Fields.DESTINATION_PORT));
    }

    @Test
    void shouldDecodeAsaDenyAndAaa() {
        assertTrue(Fixture.msg(d, e, null, "%ASA-4-106023: Deny tcp src outside:203.0.113.7/52144 dst "
            + "inside:10.0.0.5/445 by access-group \"outside_in\" [0x0, 0x0]"));
        assertEquals("deny", e.get(Fields.EVENT_ACTION));
        assertEquals("203.0.113.7", e.get(Fields.SOURCE_IP));
        assertEquals("445", e.get(Fields.DESTINATION_PORT));
        assertEquals("outside_in", e.get(Fields.RULE_NAME));
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-106100: access-list inside_in denied udp "
            + "inside/10.0.0.9(1025) -> outside/192.0.2.1(53) hit-cnt 1 first hit [0x1, 0x0]"));
        assertEquals("deny", e.get(Fields.EVENT_ACTION));
        assertEquals("inside_in", e.get(Fields.RULE_NAME));
        assertEquals("10.0.0.9", e.get(Fields.SOURCE_IP));
        assertEquals("1025", e.get(Fields.SOURCE_PORT));
        assertEquals("192.0.2.1", e.get(Fields.DESTINATION_IP));
        assertEquals("udp", e.get(Fields.NETWORK_TRANSPORT));
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-113004: AAA user authentication Successful : server = "
            + "10.1.1.1 : user = alice"));
        assertEquals("alice", e.get(Fields.USER_NAME));
        assertEquals("success", e.get(Fields.EVENT_OUTCOME));
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure "
            + ": server = 10.1.1.1 : user = bob : user IP = 203.0.113.9"));
        assertEquals("bob", e.get(Fields.USER_NAME));
        assertEquals("failure", e.get(Fields.EVENT_OUTCOME));
        assertEquals("203.0.113.9", e.get(Fields.SOURCE_IP));
        assertEquals("AAA failure", e.get("event.reason"));
        assertTrue(Fixture.msg(d, e, null, "%ASA-6-605005: Login permitted from 10.0.0.9/51000 to "
            + "inside:10.0.0.1/ssh for user \"admin\""));
        assertEquals("login", e.get(Fields.EVENT_ACTION));
        assertEquals("admin", e.get(Fields.USER_NAME));
        assertEquals("10.0.0.9", e.get(Fields.SOURCE_IP));
        assertEquals("10.0.0.1", e.get(Fields.DESTINATION_IP));
        assertTrue(Fixture.msg(d, e, null, "%ASA-5-111008: User 'admin' executed the 'write memory' command."));
        assertEquals("write memory", e.get(Fields.PROCESS_COMMAND_LINE));
        assertEquals("command", e.get(Fields.EVENT_ACTION));
        // header decoder took "%ASA-4-106023" as the TAG: the marker is found before the message
        final byte[] raw = Fixture.bytes("<164>Oct 10 2020 10:00:00 fw1 : %ASA-4-106023: Deny udp src "
            + "outside:1.2.3.4/53 dst inside:10.0.0.1/53 by access-group \"x\"");
        e.reset();
        e.setRaw(raw, 0, raw.length);
        final int msg = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("Deny");
        assertTrue(d.decode(e, msg, raw.length));
        assertEquals("106023", e.get(Fields.EVENT_CODE));
        assertEquals("1.2.3.4", e.get(Fields.SOURCE_IP));
        // malformed
        assertFalse(Fixture.msg(d, e, null, "%ASA-x-106023: Deny"));
        assertFalse(Fixture.msg(d, e, null, "%ASA-4-"));
        assertTrue(Fixture.msg(d, e, null, "%ASA-4-106023: Deny tcp src outside:garbage dst"));
        assertNull(e.get(Fields.SOURCE_IP));
    }

    @Test
    void shouldDecodeFortigate() {
        assertTrue(Fixture.msg(d, e, null, "date=2019-05-10 time=11:37:47 logid=\"0000000013\" type=\"traffic\" "
            + "subtype=\"forward\" level=\"notice\" vd=\"vdom1\" eventtime=1557513467369913239 srcip=10.1.100.11 "
            + "srcport=58012 srcintf=\"port12\" dstip=23.59.154.35 dstport=443 dstintf=\"port11\" proto=6 "
            + "action=\"deny\" policyid=1 policyname=\"block all\" user=\"bob smith\" devname=\"FGT60D\" "
            + "devid=\"FGT60D4614044725\" service=\"HTTPS\" sentbyte=100 rcvdbyte=200"));
        assertEquals("10.1.100.11", e.get(Fields.SOURCE_IP));
        assertEquals("23.59.154.35", e.get(Fields.DESTINATION_IP));
        assertEquals("58012", e.get(Fields.SOURCE_PORT));
        assertEquals("443", e.get(Fields.DESTINATION_PORT));
        assertEquals("tcp", e.get(Fields.NETWORK_TRANSPORT));
        assertEquals("deny", e.get(Fields.EVENT_ACTION));
        assertEquals("bob smith", e.get(Fields.USER_NAME));
        assertEquals("FGT60D", e.get(Fields.OBSERVER_HOSTNAME));
        assertEquals("0000000013", e.get(Fields.EVENT_CODE));
        assertEquals("block all", e.get(Fields.RULE_NAME));
        assertEquals("HTTPS", e.get("fortigate.service"));
        assertEquals("traffic", e.get("fortigate.type"));
        assertEquals(1557513467369913239L, e.timestampNanos);
        assertEquals(Logsources.id("fortigate"), e.logProduct);
        assertEquals(Logsources.FIREWALL, e.logCategory);
        assertFalse(Fixture.msg(d, e, null, "date=2019-05-10 time=11:37:47 srcip=1.2.3.4"));
    }

    @Test
    void shouldDecodePaloAlto() {
        assertTrue(Fixture.msg(d, e, null, "1,2012/04/10 04:39:56,001606001116,TRAFFIC,end,1,2012/04/10 04:39:55,"
            + "192.168.0.2,204.232.231.46,0.0.0.0,0.0.0.0,rule1,corp\\alice,,web-browsing,vsys1,trust,untrust,"
            + "ethernet1/2,ethernet1/1,forwardAll,2012/04/10 04:39:56,4640,1,54208,80,0,0,0x400000,tcp,allow,1246,"
            + "515,731,12,2012/04/10 04:39:45,10,any,0,1,0x0,192.168.0.0-192.168.255.255,United States,0,7,5"));
        assertEquals("192.168.0.2", e.get(Fields.SOURCE_IP));
        assertEquals("204.232.231.46", e.get(Fields.DESTINATION_IP));
        assertEquals("54208", e.get(Fields.SOURCE_PORT));
        assertEquals("80", e.get(Fields.DESTINATION_PORT));
        assertEquals("tcp", e.get(Fields.NETWORK_TRANSPORT));
        assertEquals("allow", e.get(Fields.EVENT_ACTION));
        assertEquals("rule1", e.get(Fields.RULE_NAME));
        assertEquals("corp\\alice", e.get(Fields.USER_NAME));
        assertEquals("web-browsing", e.get("network.application"));
        assertEquals("1246", e.get("network.bytes"));
        assertEquals("TRAFFIC", e.get("panos.type"));
        assertEquals(Logsources.id("paloalto"), e.logProduct);
        assertNull(e.get(Fields.DESTINATION_USER_NAME));
        // THREAT with a quoted URL containing a comma
        assertTrue(Fixture.msg(d, e, null, "1,2012/04/10 04:39:56,001606001116,THREAT,url,1,2012/04/10 04:39:55,"
            + "192.168.0.2,204.232.231.46,0.0.0.0,0.0.0.0,rule1,,,web-browsing,vsys1,trust,untrust,"
            + "ethernet1/2,ethernet1/1,forwardAll,2012/04/10 04:39:56,4640,1,54208,80,0,0,0x400000,tcp,alert,"
            + "\"example.com/a,b\",(9999),search-engines,informational,client-to-server"));
        assertEquals("example.com/a,b", e.get(Fields.URL_ORIGINAL));
        assertEquals("alert", e.get(Fields.EVENT_ACTION));
        assertEquals("(9999)", e.get("panos.threat.name"));
        assertFalse(Fixture.msg(d, e, null, "1,2,3,TRAFFIC,5"));
        assertFalse(Fixture.msg(d, e, null, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,1,2,3,4,5,6,7,8"));
    }
}
