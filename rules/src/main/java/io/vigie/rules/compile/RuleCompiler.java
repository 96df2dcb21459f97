package io.vigie.rules.compile;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.rules.RuleConfig;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compiles one Sigma v2 detection rule (a YAML document as a map) into a {@link CompiledRule}. Off the event path.
 * Everything the engine cannot evaluate exactly is refused with a reason ({@link RuleException}), never
 * silently approximated.
 */
public final class RuleCompiler {
    private static final AtomicInteger REGEX_SLOTS = new AtomicInteger();
    private static final Set<String> TIME_MODIFIERS = Set.of("minute", "hour", "day", "week", "month", "year");
    private static final Set<String> KNOWN = Set.of("contains", "startswith", "endswith", "all", "re", "i", "m", "s",
        "cidr", "base64", "base64offset", "windash", "exists", "cased", "lt", "lte", "gt", "gte", "neq", "utf16le",
        "utf16be", "utf16", "wide", "fieldref", "expand");

    private final RuleConfig config;
    private final FieldMapping mapping;

    /** A compiler with the given field-mapping overrides and placeholder values. */
    public RuleCompiler(final RuleConfig config) {
        this.config = config == null ? new RuleConfig() : config;
        this.mapping = new FieldMapping(this.config.fieldMapping);
    }

    /**
     * Compiles one detection rule document.
     *
     * @throws RuleException when the rule is unsupported or invalid (the message is the reason)
     */
    public CompiledRule compile(final Map<String, Object> doc, final String source) throws RuleException {
        if (!(doc.get("detection") instanceof Map)) {
            throw RuleException.invalid("missing or malformed 'detection' section");
        }
        final Map<?, ?> logsource = doc.get("logsource") instanceof Map ? (Map<?, ?>) doc.get("logsource") : Map.of();
        final String product = str(logsource.get("product"));
        final String category = str(logsource.get("category"));
        final String service = str(logsource.get("service"));
        final Ctx ctx = new Ctx(product, category, service);

        final Map<?, ?> detection = (Map<?, ?>) doc.get("detection");
        if (detection.containsKey("timeframe")) {
            throw RuleException.unsupported("sigma v1 aggregation: use a v2 correlation rule");
        }
        final Object condition = detection.get("condition");
        if (condition == null) {
            throw RuleException.invalid("missing detection condition");
        }
        final List<String> conditions = new ArrayList<>();
        if (condition instanceof List) {
            for (final Object c : (List<?>) condition) {
                conditions.add(String.valueOf(c));
            }
        } else if (condition instanceof String) {
            conditions.add((String) condition);
        } else {
            throw RuleException.invalid("condition must be a string or a list of strings");
        }
        for (final String c : conditions) {
            if (c.indexOf('|') >= 0 || containsWord(c, "near")) {
                throw RuleException.unsupported("sigma v1 aggregation: use a v2 correlation rule");
            }
        }

        final Map<String, Matchers.Node> searches = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : detection.entrySet()) {
            final String name = String.valueOf(e.getKey());
            if ("condition".equals(name)) {
                continue;
            }
            searches.put(name, compileSearch(name, e.getValue(), ctx));
        }
        final Matchers.Node[] roots = new Matchers.Node[conditions.size()];
        for (int i = 0; i < roots.length; i++) {
            roots[i] = new ConditionParser(conditions.get(i), searches).parse();
        }
        final Matchers.Node root = roots.length == 1 ? roots[0] : new Matchers.Or(roots);

        final List<String> tags = new ArrayList<>();
        Tlp tlp = null;
        if (doc.get("tags") instanceof List) {
            for (final Object t : (List<?>) doc.get("tags")) {
                final String tag = String.valueOf(t);
                tags.add(tag);
                final String lower = tag.toLowerCase(Locale.ROOT);
                if (lower.startsWith("tlp.") || lower.startsWith("tlp:")) {
                    final Tlp parsed = Tlp.parse(lower);
                    if (parsed != null) {
                        tlp = tlp == null ? parsed : tlp.strictest(parsed);
                    }
                }
            }
        }
        final int[] referenced = new int[ctx.referenced.size()];
        int k = 0;
        for (final String f : ctx.referenced) {
            referenced[k++] = Fields.id(f);
        }
        return new CompiledRule(source, str(doc.get("id")), str(doc.get("name")), str(doc.get("title")),
            str(doc.get("level")), str(doc.get("author")), Collections.unmodifiableList(tags), tlp,
            product, category, service, root, referenced);
    }

    /**
     * Compiles a Sigma global filter document ({@code filter:} with {@code rules}, search identifiers and
     * {@code condition}).
     *
     * @throws RuleException when the filter is unsupported or invalid
     */
    public CompiledFilter compileFilter(final Map<String, Object> doc, final String source) throws RuleException {
        if (!(doc.get("filter") instanceof Map)) {
            throw RuleException.invalid("malformed 'filter' section");
        }
        final Map<?, ?> logsource = doc.get("logsource") instanceof Map ? (Map<?, ?>) doc.get("logsource") : Map.of();
        final Ctx ctx = new Ctx(str(logsource.get("product")), str(logsource.get("category")),
            str(logsource.get("service")));
        final Map<?, ?> filter = (Map<?, ?>) doc.get("filter");
        final List<String> rules = new ArrayList<>();
        final Object refs = filter.get("rules");
        if (refs instanceof List) {
            for (final Object r : (List<?>) refs) {
                rules.add(String.valueOf(r));
            }
        } else if (refs != null) {
            rules.add(String.valueOf(refs));
        }
        if (rules.isEmpty()) {
            throw RuleException.invalid("filter without rules");
        }
        if (!(filter.get("condition") instanceof String)) {
            throw RuleException.invalid("filter without a condition");
        }
        final Map<String, Matchers.Node> searches = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : filter.entrySet()) {
            final String name = String.valueOf(e.getKey());
            if (!"condition".equals(name) && !"rules".equals(name)) {
                searches.put(name, compileSearch(name, e.getValue(), ctx));
            }
        }
        return new CompiledFilter(source, rules,
            new ConditionParser((String) filter.get("condition"), searches).parse());
    }

    /**
     * The rules with the filters applied: a rule referenced by a filter (by id or name) matches only when the
     * filter's condition does not ({@code rule and not filter}).
     */
    public static List<CompiledRule> applyFilters(final List<CompiledRule> rules, final List<CompiledFilter> filters) {
        if (filters.isEmpty()) {
            return rules;
        }
        final List<CompiledRule> out = new ArrayList<>(rules.size());
        for (final CompiledRule r : rules) {
            CompiledRule x = r;
            for (final CompiledFilter f : filters) {
                if ((r.id() != null && f.rules().contains(r.id()))
                    || (r.name() != null && f.rules().contains(r.name()))) {
                    x = x.withRoot(new Matchers.And(new Matchers.Node[] {x.root, new Matchers.Not(f.condition)}));
                }
            }
            out.add(x);
        }
        return out;
    }

    private static boolean containsWord(final String s, final String w) {
        for (final String t : s.split("[\\s()]+")) {
            if (t.equalsIgnoreCase(w)) {
                return true;
            }
        }
        return false;
    }

    static String str(final Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** Per-rule compile context: logsource and the event fields the rule references. */
    private static final class Ctx {
        final String product;
        final String category;
        final String service;
        final Set<String> referenced = new LinkedHashSet<>();

        Ctx(final String product, final String category, final String service) {
            this.product = product;
            this.category = category;
            this.service = service;
        }
    }

    private Matchers.Node compileSearch(final String name, final Object value, final Ctx ctx) throws RuleException {
        if (value instanceof Map) {
            return compileMap((Map<?, ?>) value, ctx);
        }
        if (value instanceof List) {
            final List<?> items = (List<?>) value;
            if (items.isEmpty()) {
                throw RuleException.invalid("search identifier '" + name + "' is an empty list");
            }
            final List<Matchers.Node> alternatives = new ArrayList<>();
            final List<Object> keywords = new ArrayList<>();
            for (final Object item : items) {
                if (item instanceof Map) {
                    alternatives.add(compileMap((Map<?, ?>) item, ctx));
                } else if (item instanceof List) {
                    throw RuleException.invalid("nested list in search identifier '" + name + "'");
                } else {
                    keywords.add(item);
                }
            }
            if (!keywords.isEmpty()) {
                alternatives.add(0, compileField("", keywords, ctx));
            }
            return alternatives.size() == 1 ? alternatives.get(0)
                : new Matchers.Or(alternatives.toArray(new Matchers.Node[0]));
        }
        if (value instanceof String || value instanceof Number) {
            return compileField("", List.of(value), ctx);
        }
        throw RuleException.invalid("search identifier '" + name + "' must be a map or a list");
    }

    private Matchers.Node compileMap(final Map<?, ?> map, final Ctx ctx) throws RuleException {
        if (map.isEmpty()) {
            throw RuleException.invalid("empty selection map");
        }
        final List<Matchers.Node> parts = new ArrayList<>();
        for (final Map.Entry<?, ?> e : map.entrySet()) {
            parts.add(compileField(e.getKey() == null ? "" : String.valueOf(e.getKey()), e.getValue(), ctx));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        // cheap tests first; AND is commutative
        parts.sort(Comparator.comparingInt(Matchers.Node::cost));
        return new Matchers.And(parts.toArray(new Matchers.Node[0]));
    }

    private int[] ids(final String field, final Ctx ctx) {
        final List<String> names = mapping.resolve(field, ctx.product, ctx.category, ctx.service);
        ctx.referenced.add(names.get(0));
        final int[] ids = new int[names.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Fields.id(names.get(i));
        }
        return ids;
    }

    private Matchers.Node compileField(final String key, final Object value, final Ctx ctx) throws RuleException {
        final String[] parts = key.split("\\|", -1);
        final String field = parts[0];
        final List<String> mods = new ArrayList<>(Arrays.asList(parts).subList(1, parts.length));
        for (final String m : mods) {
            if (TIME_MODIFIERS.contains(m)) {
                throw RuleException.unsupported("time modifier '" + m + "' not supported");
            }
            if (!KNOWN.contains(m)) {
                throw RuleException.unsupported("unknown modifier '" + m + "'");
            }
        }
        final boolean keyword = field.isEmpty();
        final boolean all = mods.contains("all");
        final boolean ci = !mods.contains("cased");
        final List<Object> values = new ArrayList<>();
        if (value instanceof List) {
            values.addAll((List<?>) value);
            if (values.isEmpty()) {
                throw RuleException.invalid("empty value list for '" + key + "'");
            }
            if (values.size() > 1 && values.contains(null)) {
                throw RuleException.invalid("null inside a value list for '" + key + "'");
            }
        } else if (value instanceof Map) {
            throw RuleException.invalid("nested map as value of '" + key + "'");
        } else {
            values.add(value);
        }
        final int[] ids = keyword ? null : ids(field, ctx);

        if (mods.contains("exists")) {
            if (keyword || values.size() != 1 || !(values.get(0) instanceof Boolean)) {
                throw RuleException.invalid("exists needs a field and a boolean value");
            }
            return new Matchers.ExistsNode(ids, (Boolean) values.get(0));
        }
        if (mods.contains("fieldref")) {
            if (keyword) {
                throw RuleException.invalid("fieldref needs a field");
            }
            final int kind = mods.contains("contains") ? Matchers.FieldRefNode.CONTAINS
                : mods.contains("startswith") ? Matchers.FieldRefNode.PREFIX
                : mods.contains("endswith") ? Matchers.FieldRefNode.SUFFIX : Matchers.FieldRefNode.EQUALS;
            final int[][] refs = new int[values.size()][];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = ids(scalarText(values.get(i), key), ctx);
            }
            return negate(mods, new Matchers.FieldRefNode(ids, refs, kind, ci, all));
        }
        if (values.size() == 1 && values.get(0) == null) {
            if (keyword) {
                throw RuleException.invalid("null keyword");
            }
            if (mods.contains("neq")) {
                return new Matchers.Not(new Matchers.NullNode(ids));
            }
            return new Matchers.NullNode(ids);
        }
        final List<Matchers.ValueTest> tests = new ArrayList<>();
        if (mods.contains("re")) {
            int flags = 0;
            if (mods.contains("i")) {
                flags |= Pattern.CASE_INSENSITIVE;
            }
            if (mods.contains("m")) {
                flags |= Pattern.MULTILINE;
            }
            if (mods.contains("s")) {
                flags |= Pattern.DOTALL;
            }
            for (final Object v : values) {
                final String re = scalarText(v, key);
                try {
                    tests.add(new Matchers.Regex(Pattern.compile(re, flags), REGEX_SLOTS.getAndIncrement()));
                } catch (PatternSyntaxException ex) {
                    throw RuleException.unsupported("regex not supported by RE2/J: " + ex.getMessage());
                }
            }
        } else if (mods.contains("cidr")) {
            for (final Object v : values) {
                tests.add(cidr(scalarText(v, key)));
            }
        } else if (mods.contains("lt") || mods.contains("lte") || mods.contains("gt") || mods.contains("gte")) {
            final int op = mods.contains("lt") ? Matchers.NumberCompare.LT : mods.contains("lte")
                ? Matchers.NumberCompare.LTE : mods.contains("gt") ? Matchers.NumberCompare.GT
                : Matchers.NumberCompare.GTE;
            for (final Object v : values) {
                final byte[] t = scalarText(v, key).getBytes(StandardCharsets.UTF_8);
                final double d = ByteOps.parseNumber(t, 0, t.length);
                if (Double.isNaN(d)) {
                    throw RuleException.invalid("numeric modifier with a non-numeric value in '" + key + "'");
                }
                tests.add(new Matchers.NumberCompare(op, d));
            }
        } else {
            for (final Object v : values) {
                stringTests(v, key, mods, keyword, ci, tests);
            }
        }
        final Matchers.ValueTest[] arr = tests.toArray(new Matchers.ValueTest[0]);
        Arrays.sort(arr, Comparator.comparingInt(Matchers.ValueTest::cost));
        final Matchers.Node node = keyword ? new Matchers.KeywordNode(arr, all) : new Matchers.FieldNode(ids, arr, all);
        return negate(mods, node);
    }

    private static Matchers.Node negate(final List<String> mods, final Matchers.Node node) {
        return mods.contains("neq") ? new Matchers.Not(node) : node;
    }

    private static String scalarText(final Object v, final String key) throws RuleException {
        if (v == null || v instanceof Map || v instanceof List) {
            throw RuleException.invalid("expected a scalar value for '" + key + "'");
        }
        return numberText(v);
    }

    private static String numberText(final Object v) {
        if (v instanceof Double || v instanceof Float) {
            return BigDecimal.valueOf(((Number) v).doubleValue()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }

    private void stringTests(final Object v, final String key, final List<String> mods, final boolean keyword,
                             final boolean ci, final List<Matchers.ValueTest> out) throws RuleException {
        if (v == null || v instanceof Map || v instanceof List) {
            throw RuleException.invalid("unexpected value in '" + key + "'");
        }
        boolean transformed = false;
        for (final String m : mods) {
            if (!"all".equals(m) && !"cased".equals(m) && !"neq".equals(m)) {
                transformed = true;
                break;
            }
        }
        if (!transformed && !keyword) {
            if (v instanceof Boolean) {
                out.add(new Matchers.Exact(v.toString().getBytes(StandardCharsets.US_ASCII), true));
                return;
            }
            if (v instanceof Integer || v instanceof Long || v instanceof BigInteger || v instanceof Double) {
                final byte[] text = numberText(v).getBytes(StandardCharsets.US_ASCII);
                out.add(new Matchers.NumberEquals(text, ByteOps.parseNumber(text, 0, text.length)));
                return;
            }
        }
        final String raw = numberText(v);
        List<SigmaValues.Val> vals = new ArrayList<>();
        if (mods.contains("expand")) {
            for (final String s : SigmaValues.expand(raw, config.placeholders)) {
                vals.add(new SigmaValues.Val(s, false));
            }
        } else {
            vals.add(new SigmaValues.Val(SigmaValues.parse(raw), false));
        }
        boolean positioned = false;
        for (final String m : mods) {
            final List<SigmaValues.Val> next = new ArrayList<>();
            for (final SigmaValues.Val x : vals) {
                switch (m) {
                    case "windash":
                        next.addAll(SigmaValues.windash(x));
                        break;
                    case "base64":
                        next.add(SigmaValues.base64(x));
                        break;
                    case "base64offset":
                        next.addAll(SigmaValues.base64offset(x));
                        break;
                    case "utf16le":
                    case "wide":
                        next.add(SigmaValues.utf16(x, "utf16le"));
                        break;
                    case "utf16be":
                    case "utf16":
                        next.add(SigmaValues.utf16(x, m));
                        break;
                    case "contains":
                        next.add(SigmaValues.wrap(x, true, true));
                        positioned = true;
                        break;
                    case "startswith":
                        next.add(SigmaValues.wrap(x, false, true));
                        positioned = true;
                        break;
                    case "endswith":
                        next.add(SigmaValues.wrap(x, true, false));
                        positioned = true;
                        break;
                    default:
                        next.add(x);
                        break;
                }
            }
            vals = next;
        }
        for (final SigmaValues.Val x : vals) {
            // keywords are full-text searches: the value may occur anywhere in the searched text
            out.add(SigmaValues.test(keyword && !positioned ? SigmaValues.wrap(x, true, true) : x, ci));
        }
    }

    private static Matchers.ValueTest cidr(final String text) throws RuleException {
        final int slash = text.indexOf('/');
        final String addr = slash < 0 ? text : text.substring(0, slash);
        final byte[] b = addr.trim().getBytes(StandardCharsets.US_ASCII);
        final long[] ip = new long[2];
        final int family = ByteOps.parseIp(b, 0, b.length, ip, new int[10]);
        if (family == 0) {
            throw RuleException.invalid("bad cidr '" + text + "'");
        }
        int prefix = family == 4 ? 32 : 128;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1).trim());
            } catch (NumberFormatException ex) {
                throw RuleException.invalid("bad cidr prefix '" + text + "'");
            }
            if (prefix < 0 || prefix > (family == 4 ? 32 : 128)) {
                throw RuleException.invalid("bad cidr prefix '" + text + "'");
            }
        }
        return new Matchers.Cidr(family == 4, ip[0], ip[1], prefix);
    }

    /** Compiles a logsource name to its id (0 when absent). */
    static int logsource(final String name) {
        return name == null ? Logsources.UNKNOWN : Logsources.id(name);
    }
}
