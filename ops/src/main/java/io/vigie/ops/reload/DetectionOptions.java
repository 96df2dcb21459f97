package io.vigie.ops.reload;

import io.vigie.engine.alert.Tlp;
import io.vigie.rules.correlation.CorrelationConfig;
import io.vigie.rules.ioc.IndicatorLoader;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Detection settings beyond the rule paths: indicator feeds ({@code intel:}), rule hot reload ({@code rules_reload:})
 * and correlation engine limits ({@code correlation:}). Plain data with the embedded defaults; the server's
 * configuration loader fills it from {@code vigie.yaml}.
 */
public final class DetectionOptions {
    /** One entry of {@code intel.sources}: a feed in a file or at an http(s) URL. */
    public static final class IntelSource {
        /** Feed name, stamped on IoC alerts ({@code rule.id = ioc:<name>}, {@code extra.source}). */
        public String name;
        /** Local file, or null when {@link #url} is set. */
        public Path path;
        /** http(s) URL, or null when {@link #path} is set. */
        public String url;
        /** auto, stix, misp-csv, misp-json or plain. */
        public String format = "auto";
        /** TLP 2.0 label of indicators the feed does not label (clear, green, amber, amber+strict, red). */
        public String tlp = "red";

        /** A file feed. */
        public static IntelSource file(final String name, final Path path, final String format, final String tlp) {
            final IntelSource s = new IntelSource();
            s.name = name;
            s.path = path;
            s.format = format;
            s.tlp = tlp;
            return s;
        }

        /** The loader's view of this feed; throws IllegalArgumentException naming the bad key. */
        public IndicatorLoader.Source toSource() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("intel.sources: every source needs a name");
            }
            if ((path == null) == (url == null)) {
                throw new IllegalArgumentException("intel.sources[" + name + "]: give exactly one of path or url");
            }
            final URI uri = path != null ? path.toAbsolutePath().toUri() : URI.create(url);
            return new IndicatorLoader.Source(name, uri, format(format), Tlp.parse(tlp));
        }

        static IndicatorLoader.Format format(final String f) {
            switch (f == null ? "auto" : f.toLowerCase(Locale.ROOT)) {
                case "auto":
                    return IndicatorLoader.Format.AUTO;
                case "stix":
                    return IndicatorLoader.Format.STIX;
                case "misp-csv":
                    return IndicatorLoader.Format.MISP_CSV;
                case "misp-json":
                    return IndicatorLoader.Format.MISP_JSON;
                case "plain":
                    return IndicatorLoader.Format.PLAIN;
                default:
                    throw new IllegalArgumentException("intel.sources format '" + f
                        + "' (expected auto, stix, misp-csv, misp-json or plain)");
            }
        }
    }

    /** {@code intel.sources}; empty = no IoC matching. */
    public List<IntelSource> intelSources = new ArrayList<>();
    /** {@code intel.poll}: how often feeds are checked for changes (file mtime+size, HTTP ETag/Last-Modified). */
    public Duration intelPoll = Duration.ofMinutes(5);
    /** {@code intel.level}: Sigma level of IoC alerts. */
    public String intelLevel = "high";
    /** {@code rules_reload.watch}: reload rules when a file under the configured rule paths changes. */
    public boolean watchRules = true;
    /** {@code rules_reload.poll}: how often rule files' mtimes are checked; a change is applied once stable. */
    public Duration rulesPoll = Duration.ofSeconds(2);
    /** {@code correlation.*}: out_of_orderness, late_policy, max_keys, max_values, pipeline_min_kb. */
    public CorrelationConfig correlation = new CorrelationConfig();
}
