/**
 * Message decoders: turn the free-text MSG of a syslog frame (or a header-less line) into ECS fields and a Sigma
 * logsource. Entry point {@link io.vigie.ingest.codec.message.MessageDecoders}; counters in
 * {@link io.vigie.ingest.codec.message.DecoderStats}; user-defined grok/kv/json extractors in
 * {@link io.vigie.ingest.codec.message.Extractors}. Values are copied from the raw bytes (never modified); an
 * absent or empty value ({@code -} in access logs, an empty user) gives no field.
 *
 * <h2>Fields per decoder (decoder name as counted in DecoderStats)</h2>
 * <pre>
 * all          event.count (rsyslog "message repeated N times: [ ... ]": N; the inner message is decoded)
 * sshd         logsource linux/sshd. event.action ssh_login (Failed|Accepted METHOD), ssh_invalid_user,
 *              ssh_connection_closed, ssh_connection_reset, ssh_disconnected, ssh_max_auth_attempts,
 *              ssh_too_many_auth_failures, authentication_failure ("PAM N more ..."), ssh_connection,
 *              ssh_no_identification, ssh_negotiation_failed, ssh_session_start, ssh_session_close;
 *              event.outcome success|failure; user.name, source.ip, source.port, ssh.method (password, publickey,
 *              keyboard-interactive/pam, none, ...), destination.ip/port ("Connection from"), process.tty.name,
 *              event.reason (disconnect text); pam_* lines as PAM below.
 * PAM          (any program, "pam_MODULE(service:type): ...") pam.module, pam.service, pam.type; event.action
 *              session_opened|session_closed (user.name = session user, pam.by_user = "by X"),
 *              authentication_failure (user.name, source.ip or source.domain from rhost, pam.ruser,
 *              process.tty.name), check_pass, password_changed, user_unknown; event.outcome.
 *              Program "systemd", "login", ... ("pam" decoder): logsource linux/auth.
 * sudo         logsource linux/sudo. event.action sudo_command; user.name, user.target.name (USER=),
 *              group.target.name (GROUP=), process.tty.name (TTY=), process.working_directory (PWD=),
 *              process.command_line (COMMAND=); event.outcome failure + event.reason for "user NOT in sudoers",
 *              "3 incorrect password attempts", ...; PAM lines.
 * su           logsource linux/auth. event.action su; user.name (caller), user.target.name, process.tty.name,
 *              event.outcome.
 * systemd-logind  logsource linux/auth. event.action session_new|session_removed|session_logged_out; session.id,
 *              user.name.
 * cron         logsource linux/cron. event.action cron_command|cron_reload; user.name, process.command_line.
 * accounts     (useradd, groupadd, usermod, userdel, chpasswd, passwd, ...) logsource linux/auth. event.action
 *              user_created, group_created, user_added_to_group, user_deleted, user_changed, password_changed,
 *              group_deleted; user.name, user.id, group.name, group.id, user.target.name; event.outcome.
 * auditd       logsource linux/auditd. auditd.&lt;key&gt; for every key (case kept, unquoted, hex decoded),
 *              auditd.type, auditd.sequence (the serial); joined from the SYSCALL record of the same serial when
 *              absent: auditd.exe, comm, uid, auid, pid, ppid, key, success; ECS process.executable,
 *              process.name (when absent), process.pid, process.parent.pid, user.id, event.outcome (success=).
 *              Event time from audit(SECONDS.MILLIS:SERIAL) when the header gave none.
 * access_log   logsource category webserver. source.ip | source.domain, user.name, http.request.method,
 *              url.original, url.path, url.query, http.version, http.response.status_code,
 *              http.response.body.bytes, http.request.referrer, user_agent.original, url.domain (vhost form);
 *              event time from [dd/Mon/yyyy:HH:MM:SS zone] when the header gave none.
 * iptables     logsource linux + category firewall. source.ip, destination.ip, source.port, destination.port,
 *              network.transport (lower case), observer.ingress.interface.name (IN=),
 *              observer.egress.interface.name (OUT=), iptables.prefix, event.action block|drop|reject|deny|allow|
 *              accept|audit|limit (first verdict word found in the prefix).
 * cisco_asa    logsource product cisco, service asa, category firewall. event.code (message id), event.severity,
 *              event.action built|teardown|deny|permit|authentication|login|command, event.outcome,
 *              network.transport, network.direction (inbound|outbound), source.ip/port, destination.ip/port,
 *              rule.name (ACL), user.name, event.reason, process.command_line (111008).
 * fortigate    logsource product fortigate, category firewall. fortigate.&lt;key&gt; for every key, and source.ip,
 *              destination.ip, source.port, destination.port, network.transport, event.action, event.code (logid),
 *              user.name (user, else unauthuser), destination.user.name, observer.hostname (devname),
 *              observer.serial_number (devid), rule.id (policyid), rule.name (policyname),
 *              observer.ingress/egress.interface.name, url.domain (hostname), url.original (url), source.bytes,
 *              destination.bytes; event time from eventtime when the header gave none.
 * paloalto     logsource product paloalto, category firewall (TRAFFIC, THREAT). observer.serial_number,
 *              panos.type, panos.subtype, source.ip, destination.ip, source.nat.ip, destination.nat.ip, rule.name,
 *              user.name (srcuser), destination.user.name (dstuser), network.application,
 *              observer.ingress/egress.zone, observer.ingress/egress.interface.name, session.id, source.port,
 *              destination.port, network.transport, event.action; TRAFFIC network.bytes, source.bytes,
 *              destination.bytes; THREAT url.original (subtype url) or file.name, panos.threat.name.
 * postfix      logsource product linux. postfix.queue_id, source.ip, source.domain, user.name (sasl_username),
 *              postfix.sasl_method, email.from.address, email.to.address, event.reason, event.action
 *              client|reject|connect|disconnect|sasl_authentication_failed, event.outcome.
 * vsftpd       logsource linux/vsftpd. user.name, source.ip, event.action (login, upload, download, connect, ...),
 *              event.outcome, file.path; PAM lines.
 * dns_query    (named, unbound) logsource category dns. source.ip, source.port, dns.question.name,
 *              dns.question.type, dns.question.class.
 * </pre>
 */
package io.vigie.ingest.codec.message;
