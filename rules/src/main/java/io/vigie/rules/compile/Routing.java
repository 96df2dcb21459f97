package io.vigie.rules.compile;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;

/**
 * Which rules apply to which events by Sigma logsource. A rule applies when each attribute it sets (product,
 * category, service) matches the event's, with two service families:
 * <ul>
 *   <li>{@code service: auth} applies to events whose service is any of auth, sshd, sudo, su, login, pam, passwd,
 *       chpasswd, useradd, groupadd, usermod, userdel, systemd-logind, cron (the programs that log to
 *       {@code /var/log/auth.log} on Debian-like systems);</li>
 *   <li>{@code service: syslog} applies to every {@code linux} event (any syslog program).</li>
 * </ul>
 */
public final class Routing {
    static final int AUTH = Logsources.id("auth");
    private static final boolean[] AUTH_FAMILY;

    static {
        final String[] names = {"auth", "sshd", "sudo", "su", "login", "pam", "passwd", "chpasswd", "useradd",
            "groupadd", "usermod", "userdel", "systemd-logind", "cron"};
        int max = 0;
        final int[] ids = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            ids[i] = Logsources.id(names[i]);
            max = Math.max(max, ids[i]);
        }
        AUTH_FAMILY = new boolean[max + 1];
        for (final int id : ids) {
            AUTH_FAMILY[id] = true;
        }
    }

    private Routing() {
    }

    /** True when a rule with logsource ids (0 = not set) applies to an event with these logsource ids. */
    public static boolean applies(final int ruleProduct, final int ruleCategory, final int ruleService,
                                  final int eventProduct, final int eventCategory, final int eventService) {
        if (ruleProduct != Logsources.UNKNOWN && ruleProduct != eventProduct) {
            return false;
        }
        if (ruleCategory != Logsources.UNKNOWN && ruleCategory != eventCategory) {
            return false;
        }
        if (ruleService == Logsources.UNKNOWN || ruleService == eventService) {
            return true;
        }
        if (ruleService == AUTH) {
            return eventService >= 0 && eventService < AUTH_FAMILY.length && AUTH_FAMILY[eventService];
        }
        if (ruleService == Logsources.SYSLOG) {
            return eventProduct == Logsources.LINUX;
        }
        return false;
    }

    /** True when the rule's logsource applies to the event. */
    static boolean applies(final CompiledRule r, final TelemetryEvent e) {
        return applies(r.product, r.category, r.service, e.logProduct, e.logCategory, e.logService);
    }

    /** The route key of an event's logsource. */
    static long key(final int product, final int category, final int service) {
        return ((long) product << 42) | ((long) category << 21) | service;
    }
}
