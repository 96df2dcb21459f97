package io.vigie.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rule loading settings: field-mapping overrides and placeholder values. Plain data. */
public final class RuleConfig {
    /** Extra or overriding Sigma-name to ECS-name mappings, applied to every logsource. */
    public Map<String, String> fieldMapping = new LinkedHashMap<>();
    /** Values of Sigma {@code %placeholder%} names for the {@code expand} modifier. */
    public Map<String, List<String>> placeholders = new LinkedHashMap<>();
}
