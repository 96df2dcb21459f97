package io.vigie.rules.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recursive-descent parser of a Sigma condition (precedence, loosest first: or, and, not, "x of", parentheses)
 * into a node tree over the compiled search identifiers.
 */
final class ConditionParser {
    private final List<String> tokens = new ArrayList<>();
    private final Map<String, Matchers.Node> searches;
    private int pos;

    ConditionParser(final String condition, final Map<String, Matchers.Node> searches) {
        this.searches = searches;
        int i = 0;
        final int n = condition.length();
        while (i < n) {
            final char c = condition.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                tokens.add(String.valueOf(c));
                i++;
            } else {
                final int start = i;
                while (i < n && !Character.isWhitespace(condition.charAt(i)) && condition.charAt(i) != '('
                    && condition.charAt(i) != ')') {
                    i++;
                }
                tokens.add(condition.substring(start, i));
            }
        }
    }

    Matchers.Node parse() throws RuleException {
        if (tokens.isEmpty()) {
            throw RuleException.invalid("empty condition");
        }
        final Matchers.Node n = or();
        if (pos != tokens.size()) {
            throw RuleException.invalid("unexpected '" + tokens.get(pos) + "' in condition");
        }
        return n;
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private boolean accept(final String keyword) {
        final String t = peek();
        if (t != null && t.toLowerCase(Locale.ROOT).equals(keyword)) {
            pos++;
            return true;
        }
        return false;
    }

    private Matchers.Node or() throws RuleException {
        final List<Matchers.Node> parts = new ArrayList<>();
        parts.add(and());
        while (accept("or")) {
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Matchers.Or(parts.toArray(new Matchers.Node[0]));
    }

    private Matchers.Node and() throws RuleException {
        final List<Matchers.Node> parts = new ArrayList<>();
        parts.add(not());
        while (accept("and")) {
            parts.add(not());
        }
        return parts.size() == 1 ? parts.get(0) : new Matchers.And(parts.toArray(new Matchers.Node[0]));
    }

    private Matchers.Node not() throws RuleException {
        if (accept("not")) {
            return new Matchers.Not(not());
        }
        return primary();
    }

    private Matchers.Node primary() throws RuleException {
        final String t = peek();
        if (t == null) {
            throw RuleException.invalid("condition ends unexpectedly");
        }
        if (t.equals("(")) {
            pos++;
            final Matchers.Node n = or();
            if (!accept(")")) {
                throw RuleException.invalid("missing ')' in condition");
            }
            return n;
        }
        final String lower = t.toLowerCase(Locale.ROOT);
        if ((lower.equals("1") || lower.equals("all")) && pos + 1 < tokens.size()
            && tokens.get(pos + 1).equalsIgnoreCase("of")) {
            pos += 2;
            final String target = peek();
            if (target == null || target.equals("(") || target.equals(")")) {
                throw RuleException.invalid("'of' needs a pattern or 'them'");
            }
            pos++;
            final List<Matchers.Node> matched = new ArrayList<>();
            final boolean them = target.equalsIgnoreCase("them");
            for (final Map.Entry<String, Matchers.Node> e : searches.entrySet()) {
                if (them ? !e.getKey().startsWith("_") : globMatch(target, e.getKey())) {
                    matched.add(e.getValue());
                }
            }
            if (matched.isEmpty()) {
                throw RuleException.invalid("no search identifier matches '" + target + "'");
            }
            if (matched.size() == 1) {
                return matched.get(0);
            }
            final Matchers.Node[] arr = matched.toArray(new Matchers.Node[0]);
            return lower.equals("1") ? new Matchers.Or(arr) : new Matchers.And(arr);
        }
        if (lower.equals("and") || lower.equals("or") || lower.equals("of") || t.equals(")")) {
            throw RuleException.invalid("unexpected '" + t + "' in condition");
        }
        final Matchers.Node n = searches.get(t);
        if (n == null) {
            throw RuleException.invalid("unknown search identifier '" + t + "' in condition");
        }
        pos++;
        return n;
    }

    /** Identifier pattern: {@code *} matches any run of characters. */
    static boolean globMatch(final String pattern, final String s) {
        return globMatch(pattern, 0, s, 0);
    }

    private static boolean globMatch(final String p, final int pi, final String s, final int si) {
        if (pi == p.length()) {
            return si == s.length();
        }
        if (p.charAt(pi) == '*') {
            for (int k = si; k <= s.length(); k++) {
                if (globMatch(p, pi + 1, s, k)) {
                    return true;
                }
            }
            return false;
        }
        return si < s.length() && p.charAt(pi) == s.charAt(si) && globMatch(p, pi + 1, s, si + 1);
    }
}
