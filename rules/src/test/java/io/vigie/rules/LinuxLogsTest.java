package io.vigie.rules;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.compile.CompiledRule;
import io.vigie.rules.compile.EvalScratch;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.load.RuleLoadResult;
import io.vigie.rules.load.RuleSetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SigmaHQ linux rules on real Linux logs from the corpus (events built by naive test-only splitting). */
class LinuxLogsTest {
    private static final Path SIGMAHQ = TestSupport.corpus().resolve("sigma/sigmahq/rules/linux");

    /** OTRF sh_binary_padding_dd, line 2 (EXECVE a0="dd" a1="if=/dev/zero"): key=value split into auditd.KEY. */
    @Test
    @Timeout(30)
    void shouldMatchOtrfBinaryPaddingAuditdRecord() throws Exception {
        final String line = Files.readAllLines(TestSupport.corpus()
            .resolve("syslog/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log")).get(1);
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.seq = 0;
        e.logProduct = Logsources.LINUX;
        e.logService = Logsources.AUDITD;
        for (final String kv : line.split(" ")) {
            final int eq = kv.indexOf('=');
            if (eq > 0) {
                String v = kv.substring(eq + 1);
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                TestSupport.put(e, "auditd." + kv.substring(0, eq), v);
            }
        }
        for (final String rule : List.of("auditd/execve/lnx_auditd_binary_padding.yml",
            "auditd/execve/lnx_auditd_dd_delete_file.yml")) {
            final RuleLoadResult r = RuleSetLoader.load(List.of(SIGMAHQ.resolve(rule)), new RuleConfig());
            assertTrue(r.ruleSet().rule(0).matches(e), rule);
            assertTrue(SigmaEvalVectorsTest.viaRuleSet(r.ruleSet(), e, true), rule);
        }
        // and the whole linux pack: these two are among the rules that fire
        final RuleSet all = RuleSetLoader.load(List.of(SIGMAHQ), new RuleConfig()).ruleSet();
        final List<String> fired = fire(all, e);
        assertTrue(fired.contains("lnx_auditd_binary_padding.yml"), fired.toString());
        assertTrue(fired.contains("lnx_auditd_dd_delete_file.yml"), fired.toString());
    }

    /**
     * False-positive smoke test: the 22 rules/linux rules without category that are not auditd (keyword, sshd,
     * syslog, cron, vsftpd, clamav, guacamole) give 0 hits on auth.log (7,121 lines). Events: message = text after
     * "prog[pid]: ", logsource linux + service = prog.
     */
    @Test
    @Timeout(120)
    void shouldRaiseNoFalsePositiveOnAuthLog() throws Exception {
        final RuleLoadResult loaded = RuleSetLoader.load(List.of(SIGMAHQ), new RuleConfig());
        final List<CompiledRule> picked = new ArrayList<>();
        for (final CompiledRule r : loaded.ruleSet().rules()) {
            if (r.category() == null && !"auditd".equals(r.service())) {
                picked.add(r);
            }
        }
        assertEquals(22, picked.size());
        final RuleSet set = RuleSet.of(picked);
        final RuleSet unfiltered = set.withPrefilter(false);
        final List<String> lines = Files.readAllLines(
            TestSupport.corpus().resolve("syslog/elastic-examples/auth.log"), StandardCharsets.UTF_8);
        final TelemetryEvent e = new TelemetryEvent();
        int hits = 0;
        int routed = 0;
        for (final String line : lines) {
            final int colon = line.indexOf(": ", 16);
            if (colon < 0) {
                continue;
            }
            final String[] head = line.substring(0, colon).split(" +");
            String prog = head[head.length - 1];
            final int br = prog.indexOf('[');
            if (br >= 0) {
                prog = prog.substring(0, br);
            }
            e.reset();
            e.seq = 0;
            e.logProduct = Logsources.LINUX;
            e.logService = Logsources.id(prog.toLowerCase(Locale.ROOT));
            TestSupport.put(e, "message", line.substring(colon + 2));
            TestSupport.put(e, "process.name", prog);
            final List<String> fired = fire(set, e);
            hits += fired.size();
            routed += set.routedCount(e.logProduct, e.logCategory, e.logService) > 0 ? 1 : 0;
            assertEquals(fired, fire(unfiltered, e));
        }
        assertEquals(lines.size(), routed);
        assertEquals(0, hits);
        // 15 keyword rules (product only) + 2 syslog + 1 sshd
        assertEquals(18, set.routedCount(Logsources.LINUX, 0, Logsources.SSHD));
        assertEquals(17, set.routedCount(Logsources.LINUX, 0, Logsources.id("systemd")));
        assertEquals(0, set.routedCount(Logsources.WINDOWS, 0, 0));
    }

    static List<String> fire(final RuleSet set, final TelemetryEvent e) {
        final EvalScratch s = new EvalScratch();
        final int n = set.candidates(e, s);
        final int[] c = RuleSet.candidates(s);
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final CompiledRule r = set.rule(c[i]);
            if (r.detectionMatches(e, s)) {
                out.add(Path.of(r.source()).getFileName().toString());
            }
        }
        return out;
    }
}
