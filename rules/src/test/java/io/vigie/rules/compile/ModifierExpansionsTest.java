package io.vigie.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigie.rules.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vectors/sigma-eval/modifier-expansions.json: our base64, base64offset, utf16* and windash expansions equal the
 * pySigma algorithm's reference values. One choice: base64offset drops empty variants (the 1-byte input {@code '1'}
 * gives "M" and "x", as sigma-rust), since an empty needle under {@code contains} would match every value.
 */
class ModifierExpansionsTest {
    @Test
    @Timeout(30)
    void shouldExpandAsPySigma() throws Exception {
        final JsonNode root = TestSupport.JSON.readTree(Files.readString(
            TestSupport.corpus().resolve("vectors/sigma-eval/modifier-expansions.json")));
        int checked = 0;
        for (final JsonNode group : List.of(root.get("vectors"))) {
            for (final JsonNode v : group) {
                final String modifier = v.get("modifier").asText();
                final String encoding = v.get("encoding").isNull() ? null : v.get("encoding").asText();
                SigmaValues.Val val = new SigmaValues.Val(SigmaValues.parse(v.get("input").asText()), false);
                if (encoding != null) {
                    val = SigmaValues.utf16(val, "wide".equals(encoding) ? "utf16le" : encoding);
                }
                final List<String> got = new ArrayList<>();
                switch (modifier) {
                    case "base64":
                        got.add(SigmaValues.base64(val).s);
                        break;
                    case "base64offset":
                        for (final SigmaValues.Val x : SigmaValues.base64offset(val)) {
                            got.add(x.s);
                        }
                        break;
                    case "windash":
                        for (final SigmaValues.Val x : SigmaValues.windash(val)) {
                            got.add(x.s);
                        }
                        break;
                    default:
                        continue;
                }
                final List<String> expected = new ArrayList<>();
                final JsonNode ref = v.get("reference_pysigma_algorithm");
                if (ref.isArray()) {
                    for (final JsonNode x : ref) {
                        if (!x.asText().isEmpty()) {
                            expected.add(x.asText());
                        }
                    }
                } else {
                    expected.add(ref.asText());
                }
                if ("windash".equals(modifier)) {
                    assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(got), v.toString());
                    assertEquals(expected.size(), got.size(), v.toString());
                } else {
                    assertEquals(expected, got, v.toString());
                }
                checked++;
            }
        }
        assertTrue(checked >= 20, "checked " + checked);
    }

    @Test
    void shouldMatchIpv4AndIpv6Cidr() throws Exception {
        final Matchers.Cidr v4 = (Matchers.Cidr) cidr("10.0.0.0/8");
        final Matchers.Cidr v6 = (Matchers.Cidr) cidr("2001:db8::/32");
        final EvalScratch s = new EvalScratch();
        assertTrue(test(v4, "10.1.2.3", s));
        assertTrue(test(v4, "::ffff:10.1.2.3", s));
        assertFalse(test(v4, "11.1.2.3", s));
        assertFalse(test(v4, "10.1.2", s));
        assertFalse(test(v4, "2001:db8::1", s));
        assertTrue(test(v6, "2001:db8::1", s));
        assertTrue(test(v6, "2001:0db8:0000:0000:0000:0000:0000:0001", s));
        assertFalse(test(v6, "2001:db9::1", s));
        assertFalse(test(v6, "2001:db8:::1", s));
        assertFalse(test(v6, "10.0.0.1", s));
        assertTrue(test((Matchers.Cidr) cidr("::1/128"), "::1", s));
        assertTrue(test((Matchers.Cidr) cidr("0.0.0.0/0"), "8.8.8.8", s));
    }

    @Test
    void shouldMatchWildcardsWithEscapes() {
        final EvalScratch s = new EvalScratch();
        final Matchers.ValueTest t = SigmaValues.test(
            new SigmaValues.Val(SigmaValues.parse("C:\\\\Win*\\\\sys?em32\\*.exe"), false), true);
        assertTrue(t.test(b("c:\\windows\\system32*.exe"), 0, b("c:\\windows\\system32*.exe").length, s));
        assertFalse(t.test(b("c:\\windows\\system32x.exe"), 0, b("c:\\windows\\system32x.exe").length, s));
        final Matchers.ValueTest q = SigmaValues.test(new SigmaValues.Val(SigmaValues.parse("caf?"), false), true);
        assertTrue(q.test(b("caf\u00e9"), 0, b("caf\u00e9").length, s));
    }

    private static boolean test(final Matchers.ValueTest t, final String v, final EvalScratch s) {
        final byte[] b = b(v);
        return t.test(b, 0, b.length, s);
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Matchers.ValueTest cidr(final String text) throws Exception {
        final java.lang.reflect.Method m = RuleCompiler.class.getDeclaredMethod("cidr", String.class);
        m.setAccessible(true);
        return (Matchers.ValueTest) m.invoke(null, text);
    }
}
