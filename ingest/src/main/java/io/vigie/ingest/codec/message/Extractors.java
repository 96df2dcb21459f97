package io.vigie.ingest.codec.message;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * User-defined message extractors, loaded from YAML, run before the built-in decoders of their program. Immutable
 * and thread-safe once loaded; each {@link MessageDecoders} keeps its own matching state. File shape:
 *
 * <pre>
 * patterns:                      # optional: extra grok patterns (override built-ins of the same name)
 *   TICKET: "[A-Z]{3}-[0-9]+"
 * extractors:
 *   - name: myapp-login          # optional, counted in DecoderStats as "extractor:&lt;name&gt;"
 *     program: myapp             # process.name to match exactly, and/or
 *     match: "LOGIN "            # a literal prefix of the message
 *     grok:                      # tried in order, the first match wins; if given, one must match
 *       - "user %{USERNAME:user.name} from %{IP:source.ip} port %{INT:source.port:int}"
 *     kv: {field_split: " ", value_split: "=", quote: "\"", prefix: "myapp.", rename: {src: source.ip}}
 *     json: {prefix: "myapp."}   # JSON object in the message (from its first '{'), flattened with '.'
 *     logsource: {product: linux, category: webserver, service: myapp}
 * </pre>
 *
 * <p>Types of a grok capture: string (default), int/long (decimal, validated: a bad value drops the field), ip
 * (validated IPv4/IPv6), timestamp (ISO 8601, HTTP date or epoch seconds/millis; sets the event time).
 */
public final class Extractors {
    /** No extractors. */
    public static final Extractors NONE = new Extractors(Collections.emptyList());

    private static final Set<String> TOP_KEYS = Set.of("patterns", "extractors");
    private static final Set<String> ENTRY_KEYS = Set.of("name", "program", "match", "grok", "kv", "json",
        "logsource");
    private static final Set<String> KV_KEYS = Set.of("field_split", "value_split", "quote", "prefix", "rename");
    private static final Set<String> JSON_KEYS = Set.of("prefix");
    private static final Set<String> LOGSOURCE_KEYS = Set.of("product", "category", "service");

    /** One configured extractor (startup data). */
    static final class Entry {
        String name;
        String program;
        String match;
        final List<Grok.Compiled> grok = new ArrayList<>();
        boolean kv;
        byte fieldSplit = ' ';
        byte valueSplit = '=';
        byte quote = '"';
        String kvPrefix = "";
        final Map<String, String> rename = new LinkedHashMap<>();
        boolean json;
        String jsonPrefix = "";
        String product;
        String category;
        String service;
    }

    private final List<Entry> entries;

    private Extractors(final List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /** True when no extractor is configured. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Number of configured extractors. */
    public int size() {
        return entries.size();
    }

    /**
     * Loads and compiles extractors from a YAML file.
     *
     * @throws IllegalArgumentException naming the file and line for invalid configuration (unknown key, bad pattern,
     *     unknown type or grok pattern, wrong value shape) or an unreadable file
     */
    public static Extractors load(final Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (IOException ex) {
            throw new IllegalArgumentException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    /** Loads extractors from YAML text; {@code label} names the source in error messages. */
    public static Extractors parse(final Reader yaml, final String label) {
        final Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(label).build()).composeReader(yaml);
        } catch (YamlEngineException ex) {
            throw new IllegalArgumentException(label + ": invalid YAML: " + ex.getMessage(), ex);
        }
        if (root.isEmpty()) {
            return NONE;
        }
        final Ctx c = new Ctx(label);
        final MappingNode top = c.mapping(root.get(), "top level");
        final Map<String, String> patterns = new LinkedHashMap<>();
        final List<Entry> list = new ArrayList<>();
        Node extractorsNode = null;
        for (final NodeTuple t : top.getValue()) {
            final String key = c.key(t, TOP_KEYS);
            if (key.equals("patterns")) {
                for (final NodeTuple p : c.mapping(t.getValueNode(), "patterns").getValue()) {
                    final String name = c.scalar(p.getKeyNode(), "pattern name");
                    if (!Grok.validName(name)) {
                        throw c.error(p.getKeyNode(), "bad pattern name: " + name);
                    }
                    patterns.put(name, c.scalar(p.getValueNode(), "pattern " + name));
                }
            } else {
                extractorsNode = t.getValueNode();
            }
        }
        // compile custom patterns once to report errors at their own line
        for (final NodeTuple t : top.getValue()) {
            if (c.scalar(t.getKeyNode(), "key").equals("patterns")) {
                for (final NodeTuple p : ((MappingNode) t.getValueNode()).getValue()) {
                    try {
                        Grok.compile(c.scalar(p.getValueNode(), "pattern"), patterns);
                    } catch (IllegalArgumentException ex) {
                        throw c.error(p.getValueNode(), ex.getMessage());
                    }
                }
            }
        }
        if (extractorsNode != null) {
            for (final Node n : c.sequence(extractorsNode, "extractors").getValue()) {
                list.add(entry(c, c.mapping(n, "extractor"), patterns, list.size()));
            }
        }
        return new Extractors(list);
    }

    private static Entry entry(final Ctx c, final MappingNode m, final Map<String, String> patterns, final int idx) {
        final Entry e = new Entry();
        for (final NodeTuple t : m.getValue()) {
            final String key = c.key(t, ENTRY_KEYS);
            final Node v = t.getValueNode();
            switch (key) {
                case "name":
                    e.name = c.scalar(v, key);
                    break;
                case "program":
                    e.program = c.scalar(v, key);
                    if (e.program.isEmpty()) {
                        throw c.error(v, "program must not be empty");
                    }
                    break;
                case "match":
                    e.match = c.scalar(v, key);
                    if (e.match.isEmpty()) {
                        throw c.error(v, "match must not be empty");
                    }
                    break;
                case "grok":
                    final List<Node> exprs = v instanceof ScalarNode ? List.of(v) : c.sequence(v, key).getValue();
                    for (final Node x : exprs) {
                        try {
                            e.grok.add(Grok.compile(c.scalar(x, "grok pattern"), patterns));
                        } catch (IllegalArgumentException ex) {
                            throw c.error(x, ex.getMessage());
                        }
                    }
                    break;
                case "kv":
                    e.kv = true;
                    if (!(v instanceof ScalarNode)) {
                        for (final NodeTuple kt : c.mapping(v, key).getValue()) {
                            final String k = c.key(kt, KV_KEYS);
                            if (k.equals("rename")) {
                                for (final NodeTuple r : c.mapping(kt.getValueNode(), k).getValue()) {
                                    e.rename.put(c.scalar(r.getKeyNode(), "key"), c.scalar(r.getValueNode(), k));
                                }
                                continue;
                            }
                            final String s = c.scalar(kt.getValueNode(), k);
                            if (k.equals("prefix")) {
                                e.kvPrefix = s;
                            } else {
                                if (s.length() != 1 || s.charAt(0) > 127) {
                                    throw c.error(kt.getValueNode(), k + " must be one ASCII character");
                                }
                                final byte ch = (byte) s.charAt(0);
                                if (k.equals("field_split")) {
                                    e.fieldSplit = ch;
                                } else if (k.equals("value_split")) {
                                    e.valueSplit = ch;
                                } else {
                                    e.quote = ch;
                                }
                            }
                        }
                    }
                    break;
                case "json":
                    e.json = true;
                    if (!(v instanceof ScalarNode)) {
                        for (final NodeTuple jt : c.mapping(v, key).getValue()) {
                            c.key(jt, JSON_KEYS);
                            e.jsonPrefix = c.scalar(jt.getValueNode(), "prefix");
                        }
                    }
                    break;
                default: // logsource
                    for (final NodeTuple lt : c.mapping(v, key).getValue()) {
                        final String k = c.key(lt, LOGSOURCE_KEYS);
                        final String s = c.scalar(lt.getValueNode(), k);
                        if (k.equals("product")) {
                            e.product = s;
                        } else if (k.equals("category")) {
                            e.category = s;
                        } else {
                            e.service = s;
                        }
                    }
                    break;
            }
        }
        if (e.program == null && e.match == null) {
            throw c.error(m, "extractor needs program or match");
        }
        if (e.grok.isEmpty() && !e.kv && !e.json) {
            throw c.error(m, "extractor needs grok, kv or json");
        }
        if (e.name == null) {
            e.name = e.program != null ? e.program : "match" + idx;
        }
        return e;
    }

    /** Error reporting with file:line (1-based). */
    private static final class Ctx {
        final String label;

        Ctx(final String label) {
            this.label = label;
        }

        IllegalArgumentException error(final Node n, final String msg) {
            final int line = n.getStartMark().map(mk -> mk.getLine() + 1).orElse(0);
            return new IllegalArgumentException(label + ":" + line + ": " + msg);
        }

        String key(final NodeTuple t, final Set<String> allowed) {
            final String k = scalar(t.getKeyNode(), "key");
            if (!allowed.contains(k)) {
                throw error(t.getKeyNode(), "unknown key: " + k + " (expected one of " + allowed + ")");
            }
            return k;
        }

        String scalar(final Node n, final String what) {
            if (!(n instanceof ScalarNode)) {
                throw error(n, what + " must be a scalar");
            }
            return ((ScalarNode) n).getValue();
        }

        MappingNode mapping(final Node n, final String what) {
            if (!(n instanceof MappingNode)) {
                throw error(n, what + " must be a mapping");
            }
            return (MappingNode) n;
        }

        SequenceNode sequence(final Node n, final String what) {
            if (!(n instanceof SequenceNode)) {
                throw error(n, what + " must be a list");
            }
            return (SequenceNode) n;
        }
    }
}
