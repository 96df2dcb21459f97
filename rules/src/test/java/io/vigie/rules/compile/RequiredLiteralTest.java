package io.vigie.rules.compile;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequiredLiteralTest {
    @Test
    void shouldExtractOnlyLiteralsEveryMatchContains() {
        assertEquals("\\\\somepipename", Matchers.requiredLiteral("\\\\\\\\somepipename[0-9a-f]{2}"));
        assertEquals(" -m Simple", Matchers.requiredLiteral("\\S+python.* -m Simple\\w+Server.*"));
        assertEquals("base64 -d", Matchers.requiredLiteral("(?i)echo.*\\|\\s*base64 -d"));
        assertEquals("abc", Matchers.requiredLiteral("abcd?"));
        assertEquals("/etc/passw", Matchers.requiredLiteral("^/etc/passwd*$"));
        assertEquals("x.y", Matchers.requiredLiteral("x\\.y"));
        assertNull(Matchers.requiredLiteral("foo|barbaz"));
        assertNull(Matchers.requiredLiteral("(foo|bar)"));
        assertEquals("tail", Matchers.requiredLiteral("(a|b)tail"));
        assertEquals("aa", Matchers.requiredLiteral("aa+b*"));
        assertNull(Matchers.requiredLiteral("[abc]+"));
    }
}
