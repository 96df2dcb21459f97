package io.vigie.rules.ioc;

import java.util.ArrayList;
import java.util.List;

/**
 * The subset of STIX 2.1 patterning (section 9) that maps to set lookups: observation expressions joined by OR,
 * each a bracketed list of equality comparisons joined by OR, on {@code ipv4-addr:value}, {@code ipv6-addr:value},
 * {@code domain-name:value}, {@code url:value} and {@code file:hashes.MD5|'SHA-1'|'SHA-256'}. Anything else (AND,
 * FOLLOWEDBY, qualifiers, other operators or objects) is refused with the reason.
 */
final class StixPattern {
    private final String p;
    private int i;

    private StixPattern(final String p) {
        this.p = p;
    }

    /** Returns {type name, value} pairs; throws IllegalArgumentException with the reason when unsupported. */
    static List<String[]> parse(final String pattern) {
        final StixPattern s = new StixPattern(pattern == null ? "" : pattern);
        final List<String[]> out = new ArrayList<>();
        s.expression(out);
        return out;
    }

    private void expression(final List<String[]> out) {
        while (true) {
            ws();
            if (!eat('[')) {
                throw new IllegalArgumentException("pattern: expected '[' at " + i);
            }
            while (true) {
                comparison(out);
                ws();
                if (eat(']')) {
                    break;
                }
                final String w = word();
                if (!"OR".equals(w)) {
                    throw new IllegalArgumentException("unsupported pattern operator '" + w
                        + "' inside an observation");
                }
            }
            ws();
            if (i >= p.length()) {
                return;
            }
            final String w = word();
            if (!"OR".equals(w)) {
                throw new IllegalArgumentException("unsupported pattern operator or qualifier '" + w + "'");
            }
        }
    }

    private void comparison(final List<String[]> out) {
        ws();
        final int start = i;
        boolean quoted = false;
        while (i < p.length()) {
            final char c = p.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && (Character.isWhitespace(c) || c == '=' || c == '!' || c == '<' || c == '>')) {
                break;
            }
            i++;
        }
        final String path = p.substring(start, i);
        ws();
        final String type = type(path);
        if (!eat('=')) {
            final String op = word();
            throw new IllegalArgumentException("unsupported comparison operator '" + (op.isEmpty()
                ? String.valueOf(i < p.length() ? p.charAt(i) : ' ') : op) + "' (only =)");
        }
        ws();
        out.add(new String[] {type, string()});
    }

    private static String type(final String path) {
        switch (path) {
            case "ipv4-addr:value":
                return "IPV4";
            case "ipv6-addr:value":
                return "IPV6";
            case "domain-name:value":
                return "DOMAIN";
            case "url:value":
                return "URL";
            case "file:hashes.MD5":
            case "file:hashes.'MD5'":
                return "MD5";
            case "file:hashes.'SHA-1'":
            case "file:hashes.SHA1":
            case "file:hashes.'SHA1'":
                return "SHA1";
            case "file:hashes.'SHA-256'":
            case "file:hashes.SHA256":
            case "file:hashes.'SHA256'":
                return "SHA256";
            default:
                throw new IllegalArgumentException("unsupported object path '" + path + "'");
        }
    }

    private String string() {
        if (!eat('\'')) {
            throw new IllegalArgumentException("pattern: expected a quoted string at " + i);
        }
        final StringBuilder sb = new StringBuilder();
        while (i < p.length()) {
            final char c = p.charAt(i++);
            if (c == '\\' && i < p.length()) {
                sb.append(p.charAt(i++));
            } else if (c == '\'') {
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
        throw new IllegalArgumentException("pattern: unterminated string");
    }

    private String word() {
        final int start = i;
        while (i < p.length() && Character.isLetter(p.charAt(i))) {
            i++;
        }
        return p.substring(start, i);
    }

    private boolean eat(final char c) {
        if (i < p.length() && p.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void ws() {
        while (i < p.length() && Character.isWhitespace(p.charAt(i))) {
            i++;
        }
    }
}
