package io.vigie.ops.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping of the configuration file, with its full key path, so that every error names the key and its
 * line ({@code unknown key 'ingest.syslog.prot' in vigie.yaml line 7}). Absent and null values give the default.
 */
final class YamlSection {
    private final String path;
    private final String file;
    private final Function<String, String> env;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    YamlSection(final Node node, final String path, final String file, final Function<String, String> env) {
        this.path = path;
        this.file = file;
        this.env = env;
        this.node = node;
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MappingNode)) {
            throw error(path.isEmpty() ? "the document" : "key '" + path + "'", node, "expected a mapping");
        }
        for (final NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw error("a key under '" + path + "'", t.getKeyNode(), "expected a plain key");
            }
            final String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (entries.put(key, t) != null) {
                throw new ConfigException("duplicate key '" + full(key) + "' in " + file + " line "
                    + line(t.getKeyNode()));
            }
        }
    }

    /** Fails on the first key not in {@code allowed}, naming its full path and line. */
    YamlSection allow(final String... allowed) {
        final Set<String> ok = new LinkedHashSet<>(List.of(allowed));
        for (final Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!ok.contains(e.getKey())) {
                throw new ConfigException("unknown key '" + full(e.getKey()) + "' in " + file + " line "
                    + line(e.getValue().getKeyNode()) + " (known keys here: " + String.join(", ", ok) + ")");
            }
        }
        return this;
    }

    boolean has(final String key) {
        final NodeTuple t = entries.get(key);
        return t != null && !isNull(t.getValueNode());
    }

    YamlSection section(final String key) {
        final NodeTuple t = entries.get(key);
        return new YamlSection(t == null ? null : t.getValueNode(), full(key), file, env);
    }

    List<YamlSection> sections(final String key) {
        final Node v = value(key);
        if (v == null) {
            return new ArrayList<>();
        }
        if (!(v instanceof SequenceNode)) {
            throw error("key '" + full(key) + "'", v, "expected a list");
        }
        final List<YamlSection> out = new ArrayList<>();
        int i = 0;
        for (final Node item : ((SequenceNode) v).getValue()) {
            out.add(new YamlSection(item, full(key) + "[" + i++ + "]", file, env));
        }
        return out;
    }

    String string(final String key, final String dflt) {
        final Node v = value(key);
        return v == null ? dflt : scalar(key, v);
    }

    /** A string that must be one of {@code choices} (case-insensitive; returned lower-cased). */
    String choice(final String key, final String dflt, final String... choices) {
        final Node v = value(key);
        if (v == null) {
            return dflt;
        }
        final String s = scalar(key, v).toLowerCase(Locale.ROOT);
        for (final String c : choices) {
            if (c.equals(s)) {
                return s;
            }
        }
        throw error("key '" + full(key) + "'", v, "expected one of " + String.join(", ", choices) + ", got '"
            + scalar(key, v) + "'");
    }

    int integer(final String key, final int dflt, final int min, final int max) {
        return (int) longValue(key, dflt, min, max);
    }

    long longValue(final String key, final long dflt, final long min, final long max) {
        final Node v = value(key);
        if (v == null) {
            return dflt;
        }
        final String s = scalar(key, v).replace("_", "");
        final long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("key '" + full(key) + "'", v, "expected an integer in " + min + ".." + max + ", got '"
                + scalar(key, v) + "'");
        }
        if (n < min || n > max) {
            throw error("key '" + full(key) + "'", v, "expected an integer in " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    boolean bool(final String key, final boolean dflt) {
        final Node v = value(key);
        if (v == null) {
            return dflt;
        }
        switch (scalar(key, v).toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw error("key '" + full(key) + "'", v, "expected true or false, got '" + scalar(key, v) + "'");
        }
    }

    Path path(final String key, final Path dflt) {
        final String s = string(key, null);
        return s == null || s.isEmpty() ? dflt : Path.of(s);
    }

    /** A duration such as {@code 90s}, {@code 10m}, {@code 1h}, {@code 2d} (a bare number is seconds). */
    Duration duration(final String key, final Duration dflt) {
        final Node v = value(key);
        if (v == null) {
            return dflt;
        }
        final String s = scalar(key, v).trim().toLowerCase(Locale.ROOT);
        try {
            final char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(s));
            }
            final long n = Long.parseLong(s.substring(0, s.length() - (s.endsWith("ms") ? 2 : 1)));
            if (s.endsWith("ms")) {
                return Duration.ofMillis(n);
            }
            switch (unit) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the error below
        }
        throw error("key '" + full(key) + "'", v, "expected a duration like 30s, 10m, 1h or 2d, got '" + s + "'");
    }

    /** A list of strings; a single scalar is a one-element list. */
    List<String> strings(final String key, final List<String> dflt) {
        final Node v = value(key);
        if (v == null) {
            return dflt;
        }
        return stringList(full(key), v);
    }

    /** A mapping of string to string. */
    Map<String, String> stringMap(final String key) {
        final Map<String, String> out = new LinkedHashMap<>();
        final YamlSection s = section(key);
        for (final String k : s.entries.keySet()) {
            final Node v = s.value(k);
            if (v != null) {
                out.put(k, s.scalar(k, v));
            }
        }
        return out;
    }

    /** A mapping of string to a list of strings (a scalar value is a one-element list). */
    Map<String, List<String>> stringListMap(final String key) {
        final Map<String, List<String>> out = new LinkedHashMap<>();
        final YamlSection s = section(key);
        for (final String k : s.entries.keySet()) {
            final Node v = s.value(k);
            out.put(k, v == null ? new ArrayList<>() : stringList(s.full(k), v));
        }
        return out;
    }

    /**
     * A secret given as {@code <base>_file: PATH} or {@code <base>_env: NAME} (at most one of them); null when
     * neither is set. The file's content (trailing newlines stripped) or the variable's value is read now.
     */
    Secret secret(final String base) {
        final String fileKey = base + "_file";
        final String envKey = base + "_env";
        if (has(fileKey) && has(envKey)) {
            throw error("key '" + full(fileKey) + "'", value(fileKey), "set either " + fileKey + " or " + envKey
                + ", not both");
        }
        if (has(fileKey)) {
            final Path p = Path.of(string(fileKey, null));
            try {
                final String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
                return new Secret("file " + p, stripNewlines(text));
            } catch (IOException e) {
                throw error("key '" + full(fileKey) + "'", value(fileKey), "cannot read secret file " + p + ": "
                    + e.getClass().getSimpleName());
            }
        }
        if (has(envKey)) {
            final String name = string(envKey, null);
            final String v = env.apply(name);
            if (v == null) {
                throw error("key '" + full(envKey) + "'", value(envKey), "environment variable " + name
                    + " is not set");
            }
            return new Secret("env " + name, v);
        }
        return null;
    }

    private static String stripNewlines(final String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    private List<String> stringList(final String fullKey, final Node v) {
        final List<String> out = new ArrayList<>();
        if (v instanceof SequenceNode) {
            for (final Node item : ((SequenceNode) v).getValue()) {
                if (!(item instanceof ScalarNode)) {
                    throw error("key '" + fullKey + "'", item, "expected a list of plain values");
                }
                out.add(((ScalarNode) item).getValue());
            }
            return out;
        }
        if (v instanceof ScalarNode) {
            out.add(((ScalarNode) v).getValue());
            return out;
        }
        throw error("key '" + fullKey + "'", v, "expected a list");
    }

    private Node value(final String key) {
        final NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return null;
        }
        return t.getValueNode();
    }

    private String scalar(final String key, final Node v) {
        if (!(v instanceof ScalarNode)) {
            throw error("key '" + full(key) + "'", v, "expected a plain value, got a "
                + (v instanceof SequenceNode ? "list" : "mapping"));
        }
        return ((ScalarNode) v).getValue();
    }

    private String full(final String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private ConfigException error(final String what, final Node at, final String problem) {
        return new ConfigException(what + " in " + file + " line " + line(at) + ": " + problem);
    }

    private static boolean isNull(final Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    static int line(final Node n) {
        return n == null ? 0 : n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    Node node() {
        return node;
    }
}
