package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;

import static io.vigie.ingest.codec.message.Bytes.a;

/** Field ids, constant values and logsource ids shared by the message decoders (names documented in README). */
final class F {
    private F() {
    }

    // --- ECS fields not in Fields ---------------------------------------------------------------------------
    static final int EVENT_COUNT = Fields.id("event.count");
    static final int EVENT_REASON = Fields.id("event.reason");
    static final int USER_ID = Fields.id("user.id");
    static final int GROUP_ID = Fields.id("group.id");
    static final int GROUP_NAME = Fields.id("group.name");
    static final int PROCESS_TTY = Fields.id("process.tty.name");
    static final int PROCESS_WORKING_DIRECTORY = Fields.id("process.working_directory");
    static final int SOURCE_NAT_IP = Fields.id("source.nat.ip");
    static final int DESTINATION_NAT_IP = Fields.id("destination.nat.ip");
    static final int SOURCE_MAC = Fields.id("source.mac");
    static final int NETWORK_APPLICATION = Fields.id("network.application");
    static final int NETWORK_DIRECTION = Fields.id("network.direction");
    static final int INGRESS_INTERFACE = Fields.id("observer.ingress.interface.name");
    static final int EGRESS_INTERFACE = Fields.id("observer.egress.interface.name");
    static final int INGRESS_ZONE = Fields.id("observer.ingress.zone");
    static final int EGRESS_ZONE = Fields.id("observer.egress.zone");
    static final int OBSERVER_SERIAL = Fields.id("observer.serial_number");
    static final int EMAIL_FROM = Fields.id("email.from.address");
    static final int EMAIL_TO = Fields.id("email.to.address");
    static final int SESSION_ID = Fields.id("session.id");
    static final int SOURCE_BYTES = Fields.id("source.bytes");
    static final int DESTINATION_BYTES = Fields.id("destination.bytes");
    static final int NETWORK_BYTES = Fields.id("network.bytes");
    static final int RULE_ID = Fields.id("rule.id");

    // --- vendor / program namespaces -------------------------------------------------------------------------
    static final int SSH_METHOD = Fields.id("ssh.method");
    static final int PAM_MODULE = Fields.id("pam.module");
    static final int PAM_SERVICE = Fields.id("pam.service");
    static final int PAM_TYPE = Fields.id("pam.type");
    static final int PAM_BY_USER = Fields.id("pam.by_user");
    static final int PAM_RUSER = Fields.id("pam.ruser");
    static final int POSTFIX_QUEUE_ID = Fields.id("postfix.queue_id");
    static final int SASL_METHOD = Fields.id("postfix.sasl_method");
    static final int IPTABLES_PREFIX = Fields.id("iptables.prefix");
    static final int PANOS_TYPE = Fields.id("panos.type");
    static final int PANOS_SUBTYPE = Fields.id("panos.subtype");
    static final int PANOS_THREAT_NAME = Fields.id("panos.threat.name");

    // --- values ---------------------------------------------------------------------------------------------
    static final byte[] SUCCESS = a("success");
    static final byte[] FAILURE = a("failure");

    // --- Sigma logsources (appendix taxonomy) ---------------------------------------------------------------
    static final int LINUX = Logsources.LINUX;
    static final int SSHD = Logsources.SSHD;
    static final int AUDITD = Logsources.AUDITD;
    static final int WEBSERVER = Logsources.WEBSERVER;
    static final int FIREWALL = Logsources.FIREWALL;
    static final int SUDO = Logsources.id("sudo");
    static final int CRON = Logsources.id("cron");
    static final int AUTH = Logsources.id("auth");
    static final int VSFTPD = Logsources.id("vsftpd");
    static final int DNS = Logsources.id("dns");
    static final int CISCO = Logsources.id("cisco");
    static final int ASA = Logsources.id("asa");
    static final int FORTIGATE = Logsources.id("fortigate");
    static final int PALOALTO = Logsources.id("paloalto");
}
