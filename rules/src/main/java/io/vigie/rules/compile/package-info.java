/**
 * Sigma v2 detection rules compiled to allocation-free byte matchers over {@link io.vigie.engine.ring.TelemetryEvent}.
 *
 * <p>Matching semantics (choices where the Sigma specification leaves room):
 * <ul>
 *   <li>Case-insensitive by default with ASCII case folding on bytes; non-ASCII bytes compare exactly.
 *       {@code |cased} makes a value case-sensitive; {@code |re} is case-sensitive unless {@code |re|i}.</li>
 *   <li>Wildcards {@code *} and {@code ?} ({@code ?} = one UTF-8 code point); escapes {@code \*}, {@code \?},
 *       {@code \\}; any other backslash is literal.</li>
 *   <li>{@code null}: the field is absent or every value of it is empty. {@code ''}: a present, empty value.
 *       {@code not X} is true when X's fields are absent.</li>
 *   <li>A YAML number matches the value's decimal text, or the value parsed as a number equal to it.</li>
 *   <li>Keywords (values without a field) are full-text "contains" searches on {@code message} when the event has
 *       one, else on every field value.</li>
 *   <li>Multi-valued fields: a value test holds when any value passes it; {@code |all} needs every value test to
 *       hold (each on any value).</li>
 *   <li>{@code |base64offset} drops empty variants (1-byte inputs); {@code |windash} is pySigma's full cross product
 *       at {@code \B[-/]\b}; {@code |re} uses RE2/J (linear time; PCRE-only syntax is refused as unsupported).</li>
 *   <li>{@code |expand} takes its values from {@link io.vigie.rules.RuleConfig#placeholders}; a placeholder without
 *       values makes the rule unsupported. Time modifiers ({@code |minute} ...) are unsupported.</li>
 * </ul>
 *
 * <p>Routing ({@link io.vigie.rules.compile.Routing}) sends an event only to the rules of its logsource; the
 * prefilter ({@code Prefilter}) then keeps only rules whose required literals occur in the event (Aho-Corasick over
 * folded bytes) plus rules without a usable literal. Field names go through
 * {@link io.vigie.rules.compile.FieldMapping} (Sigma taxonomy to ECS).
 */
package io.vigie.rules.compile;
