package io.vigie.ingest.codec.cef;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static io.vigie.ingest.codec.cef.CefTestSupport.corpus;
import static io.vigie.ingest.codec.cef.CefTestSupport.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the complete decoded field set (names, values, order), time and logsource of a few corpus lines (labels,
 * escapes, header escapes, ad.* keys, text severity, msg), as decoded before the CEF performance work.
 * The expected values quote lines of {@code cef/parser-test-lines.valid.cef} (Apache-2.0 upstream vectors, see
 * the corpus README).
 */
@Timeout(30)
class CefPinnedFieldsTest {
    static Stream<Arguments> lines() {
        return Stream.of(
            Arguments.of(5, """
                reject=0 format=3 time=1305034099211000000 product=- category=- fields=24
                cef.version = [0]
                observer.vendor = [ArcSight]
                observer.product = [Logger]
                observer.version = [5.0.0.5355.2]
                event.code = [sensor:115]
                cef.name = [Logger Internal Event]
                cef.severity = [1]
                event.severity = [1]
                cat = [/Monitor/Sensor/Fan5]
                cs2 = [Current Value]
                cnt = [1]
                observer.ip = [10.0.0.1]
                cs3 = [Ok]
                cs1 = [null]
                type = [0]
                cs1Label = [unit]
                rt = [1305034099211]
                cs3Label = [Status]
                cn1Label = [value]
                cs2Label = [timeframe]
                unit = [null]
                Status = [Ok]
                timeframe = [Current Value]
                message = [Logger Internal Event]
                """),
            Arguments.of(6, """
                reject=0 format=3 time=-9223372036854775808 product=trendmicro category=- fields=15
                cef.version = [0]
                observer.vendor = [Trend Micro Inc.]
                observer.product = [OSSEC HIDS]
                observer.version = [v2.5.1]
                event.code = [5302]
                cef.name = [User missed the password to change UID to root.]
                cef.severity = [9]
                event.severity = [9]
                observer.hostname = [ubuntusvr]
                cs2 = [ubuntusvr->/var/log/auth.log]
                cs2Label = [Location]
                source.ip = []
                source.user.name = [root]
                message = [May 11 21:16:05 ubuntusvr su[24120]: - /dev/pts/1 xavier:root]
                Location = [ubuntusvr->/var/log/auth.log]
                """),
            Arguments.of(115, """
                reject=0 format=3 time=1505922481000000000 product=- category=- fields=41
                cef.version = [0]
                observer.vendor = [Unix]
                observer.product = [Unix]
                observer.version = []
                event.code = [arcsight:143:22]
                cef.name = [Created slice]
                cef.severity = [Low]
                event.severity = [3]
                eventId = [212113]
                message = [Created slice user-994.slice]
                catdt = [Operating System]
                art = [1505922484252]
                deviceSeverity = [info]
                event.action = [Created]
                rt = [1505922481000]
                destination.domain = [centos7]
                destination.ip = [10.11.3.170]
                destinationZoneURI = [/All Zones/ArcSight System/Private Address Space Zones/RFC1918: 10.0.0.0\
                -10.255.255.255]
                cs1 = [systemd]
                cs2 = [daemon]
                cs1Label = [Module]
                cs2Label = [Facility]
                cn1Label = [File Descriptor]
                ahost = [centos7]
                agt = [10.11.3.170]
                agentZoneURI = [/All Zones/ArcSight System/Private Address Space Zones/RFC1918: 10.0.0.0-10.255.255.255]
                amac = [00-50-56-8E-C0-90]
                av = [7.6.0.8009.0]
                atz = [America/Argentina/Buenos_Aires]
                at = [syslog]
                observer.hostname = [centos7]
                observer.ip = [10.11.3.170]
                deviceZoneURI = [/All Zones/ArcSight System/Private Address Space Zones/RFC1918: 10.0.0.0-10.2\
                55.255.255]
                dtz = [America/Argentina/Buenos_Aires]
                deviceFacility = [daemon]
                deviceProcessName = [systemd]
                _cefVer = [0.1]
                ad.slice = [user-994.slice]
                aid = [3SNQJV10BABCAIi+-ZH5gxQ==]
                Module = [systemd]
                Facility = [daemon]
                """),
            Arguments.of(138, """
                reject=0 format=3 time=-9223372036854775808 product=- category=- fields=11
                cef.version = [0]
                observer.vendor = [security]
                observer.product = [threatmanager]
                observer.version = [1.0]
                event.code = [100]
                cef.name = [trojan successfully stopped]
                cef.severity = [10]
                event.severity = [10]
                foo = [bar]
                message = [this message has escaped equals = and escaped newlines %0a escaped carriage returns\
                 %0d and escaped backslashes \\ in it]
                bar = [baz]
                """),
            Arguments.of(139, """
                reject=0 format=3 time=1500450621127000000 product=- category=- fields=29
                cef.version = [0]
                observer.vendor = [Security]
                observer.product = [threatmanager]
                observer.version = [1.0]
                event.code = [100]
                cef.name = [worm successfully stopped]
                cef.severity = [Very-High]
                event.severity = [10]
                eventId = [1]
                message = [Worm successfully stopped]
                art = [1500464384997]
                deviceSeverity = [10]
                rt = [Jul 19 2017 10:50:21.127]
                source.ip = [10.0.0.1]
                sourceZoneURI = [/All Zones/ArcSight System/Private Address Space Zones/RFC1918: 10.0.0.0-10.2\
                55.255.255]
                source.port = [1232]
                destination.ip = [2.1.2.2]
                destinationZoneURI = [/All Zones/ArcSight System/Public Address Space Zones/RIPE NCC/2.0.0.0-2\
                .255.255.255 (RIPE NCC)]
                ahost = [connector.rhel72]
                agt = [192.168.231.129]
                agentZoneURI = [/All Zones/ArcSight System/Private Address Space Zones/RFC1918: 192.168.0.0-19\
                2.168.255.255]
                amac = [00-0C-29-51-8A-84]
                av = [7.6.0.8009.0]
                atz = [Europe/Lisbon]
                at = [syslog_file]
                observer.hostname = [client1]
                dtz = [Europe/Moscow]
                _cefVer = [0.1]
                aid = [3UBajWl0BABCABBzZSlmUdw==]
                """),
            Arguments.of(144, """
                reject=0 format=3 time=-9223372036854775808 product=- category=- fields=9
                cef.version = [0]
                observer.vendor = [security\\|]
                observer.product = [threatmanager\\]
                observer.version = [1.0]
                event.code = [100]
                cef.name = [trojan successfully stopped]
                cef.severity = [10]
                event.severity = [10]
                message = [trojan successfully stopped]
                """),
            Arguments.of(149, """
                reject=0 format=3 time=-9223372036854775808 product=- category=- fields=15
                cef.version = [0]
                observer.vendor = [Vendor]
                observer.product = [Device]
                observer.version = [Version]
                event.code = [13]
                cef.name = [my message]
                cef.severity = [5]
                event.severity = [5]
                observer.hostname = [loghost]
                cat = [traffic]
                deviceSeverity = [notice]
                ad.nn = [TEST]
                source.ip = [192.168.0.1]
                destination.port = [53]
                message = [my message]
                """));
    }

    @ParameterizedTest(name = "line {0}")
    @MethodSource("lines")
    void shouldDecodeExactlyThePinnedFields(final int lineNumber, final String expected) throws IOException {
        final List<String> lines = Files.readAllLines(corpus().resolve("cef/parser-test-lines.valid.cef"),
            StandardCharsets.UTF_8);
        final TelemetryEvent e = decode(new CefDecoder(), lines.get(lineNumber - 1));
        final String dump = CefEquivalenceTest.dump(e).replaceAll("(?m)^\\d+ ", "")
            .replaceFirst("product=\\d+", "product=" + orDash(Logsources.name(e.logProduct)))
            .replaceFirst("category=\\d+", "category=" + orDash(Logsources.name(e.logCategory)));
        assertEquals(expected, dump);
    }

    private static String orDash(final String name) {
        return name.isEmpty() ? "-" : name;
    }
}
