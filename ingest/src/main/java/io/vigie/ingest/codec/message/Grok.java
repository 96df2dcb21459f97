package io.vigie.ingest.codec.message;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Grok expressions ({@code %{IP:source.ip} %{NUMBER:source.port:int}}) compiled to RE2/J (linear-time matching).
 * A reference {@code %{NAME}} expands to a non-capturing group; {@code %{NAME:field}} and {@code %{NAME:field:type}}
 * to a named capture group whose match becomes the field (types: string, int, long, ip, timestamp). The built-in
 * pattern library is below; a configuration may add or override patterns. Startup path: allocates freely.
 */
final class Grok {
    /** Conversion applied to a captured value. */
    enum Type { STRING, INT, LONG, IP, TIMESTAMP }

    /** A compiled expression: the pattern, and per capture its group index, field name and type. */
    static final class Compiled {
        final String source;
        final Pattern pattern;
        final int[] groups;
        final String[] fields;
        final Type[] types;

        Compiled(final String source, final Pattern pattern, final int[] groups, final String[] fields,
                 final Type[] types) {
            this.source = source;
            this.pattern = pattern;
            this.groups = groups;
            this.fields = fields;
            this.types = types;
        }
    }

    private static final Map<String, String> BUILT_IN = new HashMap<>();

    static {
        def("USERNAME", "[a-zA-Z0-9._-]+");
        def("USER", "%{USERNAME}");
        def("EMAILLOCALPART", "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*");
        def("EMAILADDRESS", "%{EMAILLOCALPART}@%{HOSTNAME}");
        def("INT", "[+-]?[0-9]+");
        def("POSINT", "\\b[1-9][0-9]*\\b");
        def("NONNEGINT", "\\b[0-9]+\\b");
        def("NUMBER", "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)");
        def("BASE10NUM", "%{NUMBER}");
        def("BASE16NUM", "[+-]?(?:0x)?[0-9A-Fa-f]+");
        def("WORD", "\\b\\w+\\b");
        def("NOTSPACE", "\\S+");
        def("SPACE", "\\s*");
        def("DATA", ".*?");
        def("GREEDYDATA", ".*");
        def("QUOTEDSTRING", "\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`(?:[^`\\\\]|\\\\.)*`");
        def("QS", "%{QUOTEDSTRING}");
        def("UUID", "[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}");
        def("MAC", "(?:[A-Fa-f0-9]{2}[:-]){5}[A-Fa-f0-9]{2}|(?:[A-Fa-f0-9]{4}\\.){2}[A-Fa-f0-9]{4}");
        def("IPV4", "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
        // longest forms first: RE2/J prefers the first alternative that lets the whole expression match
        def("H16", "[0-9A-Fa-f]{1,4}");
        def("IPV6", "(?:(?:%{H16}:){6}%{IPV4}|(?:(?:%{H16}:){0,4}%{H16})?::(?:%{H16}:){0,4}%{IPV4}"
            + "|(?:%{H16}:){7}%{H16}|(?:%{H16}:){1,6}:%{H16}|(?:%{H16}:){1,5}(?::%{H16}){1,2}"
            + "|(?:%{H16}:){1,4}(?::%{H16}){1,3}"
            + "|(?:%{H16}:){1,3}(?::%{H16}){1,4}|(?:%{H16}:){1,2}(?::%{H16}){1,5}|%{H16}:(?::%{H16}){1,6}"
            + "|:(?::%{H16}){1,7}|(?:%{H16}:){1,7}:|::)(?:%[0-9A-Za-z]+)?");
        def("IP", "(?:%{IPV6}|%{IPV4})");
        def("HOSTNAME", "\\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*\\.?");
        def("HOST", "%{HOSTNAME}");
        def("IPORHOST", "(?:%{IP}|%{HOSTNAME})");
        def("HOSTPORT", "%{IPORHOST}:%{POSINT}");
        def("UNIXPATH", "(?:/[^/\\s]*)+");
        def("WINPATH", "(?:[A-Za-z]+:|\\\\)(?:\\\\[^\\\\?*\\s]*)+");
        def("PATH", "(?:%{UNIXPATH}|%{WINPATH})");
        def("URIPROTO", "[A-Za-z][A-Za-z0-9+.-]+");
        def("URIHOST", "%{IPORHOST}(?::%{POSINT})?");
        def("URIPATH", "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\\-]*)+");
        def("URIPARAM", "\\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\\-\\[\\]<>]*");
        def("URIPATHPARAM", "%{URIPATH}(?:%{URIPARAM})?");
        def("URI", "%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?");
        def("MONTH", "\\b(?:[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|[Mm]ay|[Jj]une?|[Jj]uly?"
            + "|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?)\\b");
        def("MONTHNUM", "(?:0?[1-9]|1[0-2])");
        def("MONTHDAY", "(?:0[1-9]|[12][0-9]|3[01]|[1-9])");
        def("DAY", "(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?"
            + "|Sun(?:day)?)");
        def("YEAR", "[0-9]{2}(?:[0-9]{2})?");
        def("HOUR", "(?:2[0123]|[01]?[0-9])");
        def("MINUTE", "[0-5][0-9]");
        def("SECOND", "(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?");
        def("TIME", "%{HOUR}:%{MINUTE}(?::%{SECOND})?");
        def("ISO8601_TIMEZONE", "(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))");
        def("TIMESTAMP_ISO8601", "%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?"
            + "%{ISO8601_TIMEZONE}?");
        def("SYSLOGTIMESTAMP", "%{MONTH} +%{MONTHDAY} %{TIME}");
        def("HTTPDATE", "%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}");
        def("LOGLEVEL", "(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo(?:rmation)?"
            + "|INFO(?:RMATION)?|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?"
            + "|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)");
        def("PROG", "[\\x21-\\x5a\\x5c\\x5e-\\x7e]+");
        def("SYSLOGPROG", "%{PROG}(?:\\[%{POSINT}\\])?");
    }

    private static void def(final String name, final String regex) {
        BUILT_IN.put(name, regex);
    }

    private Grok() {
    }

    /** Names of the built-in patterns (documentation, tests). */
    static java.util.Set<String> builtInNames() {
        return java.util.Collections.unmodifiableSet(BUILT_IN.keySet());
    }

    /** True when {@code name} is a valid pattern name (letters, digits, underscore). */
    static boolean validName(final String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c == '_' || (Character.isLetterOrDigit(c) && c < 128));
    }

    /**
     * Compiles an expression with the built-in library plus {@code custom} patterns.
     *
     * @throws IllegalArgumentException for an unknown pattern or type, a recursive definition or bad RE2 syntax
     */
    static Compiled compile(final String expr, final Map<String, String> custom) {
        final List<String> fields = new ArrayList<>();
        final List<Type> types = new ArrayList<>();
        final String regex = expand(expr, custom, fields, types, 0);
        final Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException ex) {
            throw new IllegalArgumentException("bad pattern: " + ex.getMessage());
        }
        final Map<String, Integer> named = p.namedGroups();
        final int[] groups = new int[fields.size()];
        for (int i = 0; i < groups.length; i++) {
            final Integer g = named.get("vg" + i);
            if (g == null) {
                throw new IllegalArgumentException("bad pattern: capture " + fields.get(i) + " lost");
            }
            groups[i] = g;
        }
        return new Compiled(expr, p, groups, fields.toArray(new String[0]), types.toArray(new Type[0]));
    }

    /** {@code a:b:c} as {a, b, c}, empty parts kept (as {@code split(":", -1)}, with no regex in a codec package). */
    private static String[] splitColons(final String s) {
        final List<String> parts = new ArrayList<>(3);
        int from = 0;
        for (int c = s.indexOf(':'); c >= 0; c = s.indexOf(':', from)) {
            parts.add(s.substring(from, c));
            from = c + 1;
        }
        parts.add(s.substring(from));
        return parts.toArray(new String[0]);
    }

    private static String expand(final String expr, final Map<String, String> custom, final List<String> fields,
                                 final List<Type> types, final int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException("bad pattern: recursive pattern definition");
        }
        final StringBuilder out = new StringBuilder(expr.length() * 2);
        int i = 0;
        while (i < expr.length()) {
            final int ref = expr.indexOf("%{", i);
            if (ref < 0) {
                out.append(expr, i, expr.length());
                break;
            }
            out.append(expr, i, ref);
            final int close = expr.indexOf('}', ref);
            if (close < 0) {
                throw new IllegalArgumentException("bad pattern: unterminated %{ in " + expr);
            }
            final String[] parts = splitColons(expr.substring(ref + 2, close));
            final String name = parts[0];
            String def = custom.get(name);
            if (def == null) {
                def = BUILT_IN.get(name);
            }
            if (def == null) {
                throw new IllegalArgumentException("unknown grok pattern: " + name);
            }
            final String inner = expand(def, custom, fields, types, depth + 1);
            if (parts.length == 1 || parts[1].isEmpty()) {
                out.append("(?:").append(inner).append(')');
            } else {
                if (parts.length > 3) {
                    throw new IllegalArgumentException("bad pattern: " + expr.substring(ref, close + 1));
                }
                final Type type = parts.length == 3 ? type(parts[2]) : Type.STRING;
                final int idx = fields.size();
                fields.add(parts[1]);
                types.add(type);
                out.append("(?P<vg").append(idx).append('>').append(inner).append(')');
            }
            i = close + 1;
        }
        return out.toString();
    }

    /** The conversion named {@code name}; throws for an unknown one. */
    static Type type(final String name) {
        switch (name) {
            case "string": return Type.STRING;
            case "int": return Type.INT;
            case "long": return Type.LONG;
            case "ip": return Type.IP;
            case "timestamp": return Type.TIMESTAMP;
            default: throw new IllegalArgumentException("unknown type: " + name
                + " (expected string, int, long, ip, timestamp)");
        }
    }
}
