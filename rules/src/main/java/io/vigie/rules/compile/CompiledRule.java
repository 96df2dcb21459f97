package io.vigie.rules.compile;

import io.vigie.engine.alert.Tlp;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Sigma detection rule compiled to matchers. Immutable, shared by all rule workers. */
public final class CompiledRule {
    private static final ThreadLocal<EvalScratch> SCRATCH = ThreadLocal.withInitial(EvalScratch::new);

    private final String source;
    private final String id;
    private final String name;
    private final String title;
    private final String level;
    private final String author;
    private final List<String> tags;
    private final Tlp tlp;
    private final String productName;
    private final String categoryName;
    private final String serviceName;
    final int product;
    final int category;
    final int service;
    final Matchers.Node root;
    final int[] referencedFields;
    final Matchers.Req req;
    private final int index;

    CompiledRule(final String source, final String id, final String name, final String title, final String level,
                 final String author, final List<String> tags, final Tlp tlp, final String product,
                 final String category, final String service, final Matchers.Node root,
                 final int[] referencedFields) {
        this(source, id, name, title, level, author, tags, tlp, product, category, service, root, referencedFields,
            root.req(), -1);
    }

    private CompiledRule(final String source, final String id, final String name, final String title,
                         final String level, final String author, final List<String> tags, final Tlp tlp,
                         final String product, final String category, final String service,
                         final Matchers.Node root, final int[] referencedFields, final Matchers.Req req,
                         final int index) {
        this.source = source;
        this.id = id;
        this.name = name;
        this.title = title;
        this.level = level;
        this.author = author;
        this.tags = tags;
        this.tlp = tlp;
        this.productName = product;
        this.categoryName = category;
        this.serviceName = service;
        this.product = RuleCompiler.logsource(product);
        this.category = RuleCompiler.logsource(category);
        this.service = RuleCompiler.logsource(service);
        this.root = root;
        this.referencedFields = referencedFields;
        this.req = req;
        this.index = index;
    }

    /** The same rule at another index of a rule set (shares the matcher tree). */
    CompiledRule withIndex(final int newIndex) {
        return new CompiledRule(source, id, name, title, level, author, tags, tlp, productName, categoryName,
            serviceName, root, referencedFields, req, newIndex);
    }

    /** The same rule with another detection tree (filters applied); keeps the literal requirement. */
    CompiledRule withRoot(final Matchers.Node newRoot) {
        return new CompiledRule(source, id, name, title, level, author, tags, tlp, productName, categoryName,
            serviceName, newRoot, referencedFields, req, index);
    }

    /** Position in its {@link RuleSet} (-1 before it is put in one). */
    public int index() {
        return index;
    }

    /** Sigma {@code id} (may be null). */
    public String id() {
        return id;
    }

    /** Sigma v2 {@code name} (may be null): how correlation rules refer to it. */
    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    /** Sigma level. */
    public String level() {
        return level;
    }

    /** The rule's author, kept in alerts (DRL 1.1 attribution). */
    public String author() {
        return author;
    }

    public List<String> tags() {
        return tags;
    }

    /** TLP from {@code tlp.*} tags, or null. */
    public Tlp tlp() {
        return tlp;
    }

    /** Where the rule came from: file path, plus {@code #N} (1-based) for multi-document files. */
    public String source() {
        return source;
    }

    /** Logsource attributes as written in the rule (null when absent). */
    public String product() {
        return productName;
    }

    public String category() {
        return categoryName;
    }

    public String service() {
        return serviceName;
    }

    /** True when the prefilter can skip this rule for events lacking one of its literals. */
    public boolean hasPrefilterLiteral() {
        return req != null;
    }

    /** Event field names the rule's detection reads (after field mapping). */
    public List<String> referencedFields() {
        final List<String> out = new ArrayList<>(referencedFields.length);
        for (final int f : referencedFields) {
            out.add(Fields.name(f));
        }
        return Collections.unmodifiableList(out);
    }

    int[] referencedFieldIds() {
        return referencedFields;
    }

    /** True when the rule's logsource applies to the event and its detection matches (uses per-thread scratch). */
    public boolean matches(final TelemetryEvent event) {
        return matches(event, SCRATCH.get());
    }

    /** True when the rule's logsource applies to the event and its detection matches. Event path. */
    public boolean matches(final TelemetryEvent event, final EvalScratch scratch) {
        return Routing.applies(this, event) && root.eval(event, scratch);
    }

    /** The detection alone (logsource already checked by routing). Event path. */
    public boolean detectionMatches(final TelemetryEvent event, final EvalScratch scratch) {
        return root.eval(event, scratch);
    }

    @Override
    public String toString() {
        return "CompiledRule{" + (id != null ? id : "") + " " + title + "}";
    }
}
