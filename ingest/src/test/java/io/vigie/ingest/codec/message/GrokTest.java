package io.vigie.ingest.codec.message;

import com.google.re2j.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in grok pattern library. */
@Timeout(30)
class GrokTest {
    @Test
    void shouldCompileEveryBuiltIn() {
        for (final String name : Grok.builtInNames()) {
            final Grok.Compiled c = Grok.compile("^%{" + name + ":x}$", Map.of());
            assertEquals(1, c.groups.length, name);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "IP|203.0.113.7", "IP|2001:db8::1", "IP|::1", "IP|fe80::1%eth0", "IP|::ffff:10.0.0.1",
        "IPV6|2001:0db8:0000:0000:0000:ff00:0042:8329", "IPV4|255.255.255.255", "HOSTNAME|mail.example.org",
        "WORD|hello_1", "NOTSPACE|a/b=c", "NUMBER|-3.25", "INT|+42", "POSINT|8080", "USERNAME|j.doe-1",
        "QUOTEDSTRING|\"a \\\" b\"", "HTTPDATE|10/Oct/2000:13:55:36 -0700",
        "TIMESTAMP_ISO8601|2024-05-01T10:00:00.123+02:00", "SYSLOGTIMESTAMP|Mar  7 13:06:56",
        "URIPATH|/a/b.php", "URIPARAM|?a=1&b=2", "LOGLEVEL|WARNING", "EMAILADDRESS|a.b+c@example.com",
        "PATH|/var/log/auth.log", "PATH|C:\\Windows\\System32", "MAC|00:11:22:aa:bb:cc",
        "UUID|123e4567-e89b-12d3-a456-426614174000",
        "URI|https://user@example.com:8443/p?q=1", "DATA|anything at all", "GREEDYDATA|x y z"})
    void shouldMatchTypicalValues(final String name, final String value) {
        final Grok.Compiled c = Grok.compile("^%{" + name + ":x}$", Map.of());
        final Matcher m = c.pattern.matcher(value);
        assertTrue(m.find(), name + " " + value);
        assertEquals(value, m.group(c.groups[0]));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"IPV4|256.1.1.1", "IPV6|12:34", "IP|1.2.3", "POSINT|0", "MAC|00:11:22"})
    void shouldRejectNonValues(final String name, final String value) {
        assertFalse(Grok.compile("^%{" + name + "}$", Map.of()).pattern.matcher(value).find(), name + " " + value);
    }
}
