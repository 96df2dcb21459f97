package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import static io.vigie.ingest.codec.message.Bytes.a;
import static io.vigie.ingest.codec.message.Bytes.indexOf;
import static io.vigie.ingest.codec.message.Bytes.lastIndexOf;
import static io.vigie.ingest.codec.message.Bytes.put;
import static io.vigie.ingest.codec.message.Bytes.startsWith;

/**
 * Decoders for the Linux authentication programs of auth.log: sshd, sudo, su, systemd-logind, cron, the shadow
 * utilities (useradd, groupadd, usermod, userdel, chpasswd, passwd) and the generic {@code pam_*(service:type)} lines.
 */
final class AuthDecoders {
    private AuthDecoders() {
    }

    private static final byte[] SP_FROM_SP = a(" from ");
    private static final byte[] SP_PORT_SP = a(" port ");
    private static final byte[] SP_FOR_SP = a(" for ");
    private static final byte[] SP_BY_SP = a(" by ");
    private static final byte[] INVALID_USER = a("invalid user ");
    private static final byte[] AUTHENTICATING_USER = a("authenticating user ");
    private static final byte[] USER_SP = a("user ");
    private static final byte[] PAM_ = a("pam_");

    // --- shared helpers -------------------------------------------------------------------------------------

    /**
     * Parses {@code [prefix user ]IP[ port N]} where the user may be absent; adds user.name, source.ip, source.port.
     * Returns false when no IP is found.
     */
    static boolean userIpPort(final TelemetryEvent e, final byte[] b, final int off, final int end) {
        final int stop = Bytes.indexOf(b, off, end, (byte) ':');
        // "Received disconnect from IP port N:11: text" and IPv6: take the " port " form when present
        final int port = lastIndexOf(b, off, end, SP_PORT_SP);
        int ipEnd;
        int portEnd = -1;
        if (port >= 0) {
            ipEnd = port;
            portEnd = Bytes.digitsEnd(b, port + 6, end);
        } else {
            ipEnd = Bytes.tokenEnd(b, off, end);
            if (stop > off && stop < ipEnd && !Bytes.isIp(b, off, ipEnd)) {
                ipEnd = stop;
            }
        }
        int ipStart = lastIndexOf(b, off, ipEnd, (byte) ' ') + 1;
        if (ipStart <= 0) {
            ipStart = off;
        }
        if (!Bytes.isIp(b, ipStart, ipEnd)) {
            return false;
        }
        int u = off;
        if (startsWith(b, u, ipStart, INVALID_USER)) {
            u += INVALID_USER.length;
        } else if (startsWith(b, u, ipStart, AUTHENTICATING_USER)) {
            u += AUTHENTICATING_USER.length;
        } else if (startsWith(b, u, ipStart, USER_SP)) {
            u += USER_SP.length;
        }
        if (ipStart - 1 > u) {
            put(e, Fields.USER_NAME, b, u, ipStart - 1);
        }
        e.addField(Fields.SOURCE_IP, b, ipStart, ipEnd - ipStart);
        if (portEnd > port + 6) {
            Bytes.putLong(e, Fields.SOURCE_PORT, b, port + 6, portEnd);
        }
        return true;
    }

    /** Parses {@code [invalid user ]USER from IP[ port N]...}; user may be empty. */
    static boolean userFromIp(final TelemetryEvent e, final byte[] b, final int off, final int end) {
        final int from = lastIndexOf(b, off, end, SP_FROM_SP);
        if (from < 0) {
            return false;
        }
        int u = off;
        if (startsWith(b, u, from + 1, INVALID_USER)) {
            u += INVALID_USER.length;
        }
        final int ipStart = from + SP_FROM_SP.length;
        final int ipEnd = Bytes.tokenEnd(b, ipStart, end);
        if (!Bytes.isIp(b, ipStart, ipEnd)) {
            return false;
        }
        if (from > u) {
            e.addField(Fields.USER_NAME, b, u, from - u);
        }
        e.addField(Fields.SOURCE_IP, b, ipStart, ipEnd - ipStart);
        if (startsWith(b, ipEnd, end, SP_PORT_SP)) {
            Bytes.putLong(e, Fields.SOURCE_PORT, b, ipEnd + 6, Bytes.digitsEnd(b, ipEnd + 6, end));
        }
        return true;
    }

    // --- sshd -----------------------------------------------------------------------------------------------

    /** OpenSSH sshd (also sshd-session, OpenSSH 9.8+). Logsource linux / sshd. */
    static final class Sshd extends MessageDecoder {
        private static final byte[] FAILED = a("Failed ");
        private static final byte[] ACCEPTED = a("Accepted ");
        private static final byte[] INVALID = a("Invalid user ");
        private static final byte[] ILLEGAL = a("Illegal user ");
        private static final byte[] CLOSED = a("Connection closed by ");
        private static final byte[] RESET = a("Connection reset by ");
        private static final byte[] DISCONNECTED = a("Disconnected from ");
        private static final byte[] RECEIVED_DISCONNECT = a("Received disconnect from ");
        private static final byte[] MAX_ATTEMPTS = a("error: maximum authentication attempts exceeded for ");
        private static final byte[] PAM_MORE = a("PAM ");
        private static final byte[] CONNECTION_FROM = a("Connection from ");
        private static final byte[] NO_IDENT = a("Did not receive identification string from ");
        private static final byte[] UNABLE = a("Unable to negotiate with ");
        private static final byte[] BAD_VERSION = a("Bad protocol version identification ");
        private static final byte[] STARTING = a("Starting session: ");
        private static final byte[] CLOSE_SESSION = a("Close session: user ");
        private static final byte[] TOO_MANY = a("Disconnecting: Too many authentication failures");
        private static final byte[] USERAUTH_INVALID = a("input_userauth_request: invalid user ");
        private static final byte[] FATAL = a("fatal: ");
        private static final byte[] ERROR = a("error: ");
        private static final byte[] SSH_TOO_MANY = a("ssh_too_many_auth_failures");
        private static final byte[] SSH_SESSION_CLOSE = a("ssh_session_close");
        private static final byte[] ID_SP = a(" id ");
        private static final byte[] ON_SP = a(" on ");
        private static final byte[] PREAUTH = a(" [preauth]");

        private static final byte[] SSH_LOGIN = a("ssh_login");
        private static final byte[] SSH_INVALID_USER = a("ssh_invalid_user");
        private static final byte[] SSH_CLOSED = a("ssh_connection_closed");
        private static final byte[] SSH_RESET = a("ssh_connection_reset");
        private static final byte[] SSH_DISCONNECTED = a("ssh_disconnected");
        private static final byte[] SSH_MAX_ATTEMPTS = a("ssh_max_auth_attempts");
        private static final byte[] SSH_AUTH_FAILURE = a("authentication_failure");
        private static final byte[] SSH_CONNECTION = a("ssh_connection");
        private static final byte[] SSH_NO_IDENT = a("ssh_no_identification");
        private static final byte[] SSH_NEGOTIATION = a("ssh_negotiation_failed");
        private static final byte[] SSH_SESSION = a("ssh_session_start");

        Sshd() {
            super("sshd");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off0, final int end0) {
            e.logProduct = F.LINUX;
            e.logService = F.SSHD;
            int end = Bytes.trimEnd(b, off0, end0);
            int off = off0;
            if (startsWith(b, off, end, FATAL)) {
                off += FATAL.length;
            }
            if (Bytes.endsWith(b, off, end, PREAUTH)) {
                end -= PREAUTH.length;
            }
            final int n = e.fieldCount();
            if (startsWith(b, off, end, FAILED)) {
                return login(e, b, off + FAILED.length, end, false, n);
            }
            if (startsWith(b, off, end, ACCEPTED)) {
                return login(e, b, off + ACCEPTED.length, end, true, n);
            }
            if (startsWith(b, off, end, INVALID) || startsWith(b, off, end, ILLEGAL)) {
                return done(e, n, userFromIp(e, b, off + INVALID.length, end), SSH_INVALID_USER, F.FAILURE);
            }
            if (startsWith(b, off, end, CLOSED)) {
                return done(e, n, userIpPort(e, b, off + CLOSED.length, end), SSH_CLOSED, null);
            }
            if (startsWith(b, off, end, DISCONNECTED)) {
                return done(e, n, userIpPort(e, b, off + DISCONNECTED.length, end), SSH_DISCONNECTED, null);
            }
            if (startsWith(b, off, end, RECEIVED_DISCONNECT)) {
                final int s = off + RECEIVED_DISCONNECT.length;
                int colon = indexOf(b, s, end, (byte) ':');
                // IPv6 addresses contain ':'; the reason code follows "port N:"
                final int port = Bytes.indexOf(b, s, end, SP_PORT_SP);
                if (port > 0) {
                    colon = indexOf(b, port, end, (byte) ':');
                }
                final int stop = colon < 0 ? end : colon;
                final boolean ok = userIpPort(e, b, s, stop);
                if (ok && colon > 0) {
                    final int reasonColon = indexOf(b, colon + 1, end, (byte) ':');
                    if (reasonColon > 0) {
                        put(e, F.EVENT_REASON, b, Bytes.skipSpaces(b, reasonColon + 1, end), end);
                    }
                }
                return done(e, n, ok, SSH_DISCONNECTED, null);
            }
            if (startsWith(b, off, end, RESET)) {
                return done(e, n, userIpPort(e, b, off + RESET.length, end), SSH_RESET, null);
            }
            if (startsWith(b, off, end, MAX_ATTEMPTS)) {
                return done(e, n, userFromIp(e, b, off + MAX_ATTEMPTS.length, end), SSH_MAX_ATTEMPTS, F.FAILURE);
            }
            if (startsWith(b, off, end, PAM_)) {
                return Pam.decode(e, b, off, end);
            }
            if (startsWith(b, off, end, PAM_MORE)) {
                final int semi = indexOf(b, off, end, (byte) ';');
                if (semi < 0) {
                    return false;
                }
                final long count = Bytes.parseLong(b, off + 4, Bytes.digitsEnd(b, off + 4, semi), -1);
                if (count > 0) {
                    e.addField(F.EVENT_COUNT, count);
                }
                Pam.keyValues(e, b, semi + 1, end);
                return done(e, n, true, SSH_AUTH_FAILURE, F.FAILURE);
            }
            if (startsWith(b, off, end, CONNECTION_FROM)) {
                final int on = Bytes.indexOf(b, off, end, ON_SP);
                final boolean ok = userIpPort(e, b, off + CONNECTION_FROM.length, on < 0 ? end : on);
                if (ok && on > 0) {
                    final int ip = on + ON_SP.length;
                    final int ipEnd = Bytes.tokenEnd(b, ip, end);
                    if (Bytes.putIp(e, Fields.DESTINATION_IP, -1, b, ip, ipEnd) && startsWith(b, ipEnd, end,
                        SP_PORT_SP)) {
                        Bytes.putLong(e, Fields.DESTINATION_PORT, b, ipEnd + 6, Bytes.digitsEnd(b, ipEnd + 6, end));
                    }
                }
                return done(e, n, ok, SSH_CONNECTION, null);
            }
            if (startsWith(b, off, end, NO_IDENT)) {
                return done(e, n, userIpPort(e, b, off + NO_IDENT.length, end), SSH_NO_IDENT, F.FAILURE);
            }
            if (startsWith(b, off, end, UNABLE)) {
                final int colon = lastIndexOf(b, off, end, (byte) ':');
                final int port = Bytes.indexOf(b, off, end, SP_PORT_SP);
                final int stop = port > 0 ? Bytes.digitsEnd(b, port + 6, end) : (colon < 0 ? end : colon);
                return done(e, n, userIpPort(e, b, off + UNABLE.length, stop), SSH_NEGOTIATION, F.FAILURE);
            }
            if (startsWith(b, off, end, BAD_VERSION)) {
                final int from = lastIndexOf(b, off, end, SP_FROM_SP);
                return done(e, n, from > 0 && userIpPort(e, b, from + SP_FROM_SP.length, end), SSH_NO_IDENT,
                    F.FAILURE);
            }
            if (startsWith(b, off, end, STARTING)) {
                // Starting session: shell on pts/0 for ubuntu from 1.2.3.4 port 5 id 0 | command for X from ...
                final int forIdx = Bytes.indexOf(b, off, end, SP_FOR_SP);
                if (forIdx < 0) {
                    return false;
                }
                final int on = Bytes.indexOf(b, off, forIdx, ON_SP);
                if (on > 0) {
                    put(e, F.PROCESS_TTY, b, on + ON_SP.length, forIdx);
                }
                return done(e, n, userFromIp(e, b, forIdx + SP_FOR_SP.length, idEnd(b, off, end)), SSH_SESSION,
                    F.SUCCESS);
            }
            if (startsWith(b, off, end, CLOSE_SESSION)) {
                return done(e, n, userFromIp(e, b, off + CLOSE_SESSION.length, idEnd(b, off, end)),
                    SSH_SESSION_CLOSE, null);
            }
            if (startsWith(b, off, end, TOO_MANY)) {
                return done(e, n, true, SSH_TOO_MANY, F.FAILURE);
            }
            if (startsWith(b, off, end, USERAUTH_INVALID)) {
                put(e, Fields.USER_NAME, b, off + USERAUTH_INVALID.length, end);
                return done(e, n, true, SSH_INVALID_USER, F.FAILURE);
            }
            if (startsWith(b, off, end, ERROR) && !startsWith(b, off, end, MAX_ATTEMPTS)) {
                return false;
            }
            return false;
        }

        /** End of "... port N" before a trailing " id N". */
        private static int idEnd(final byte[] b, final int off, final int end) {
            final int id = Bytes.lastIndexOf(b, off, end, ID_SP);
            return id > 0 ? id : end;
        }

        private static boolean login(final TelemetryEvent e, final byte[] b, final int off, final int end,
                                     final boolean success, final int n) {
            final int forIdx = Bytes.indexOf(b, off, end, SP_FOR_SP);
            if (forIdx <= off) {
                return false;
            }
            if (!userFromIp(e, b, forIdx + SP_FOR_SP.length, end)) {
                e.truncateFields(n);
                return false;
            }
            e.addField(F.SSH_METHOD, b, off, forIdx - off);
            return done(e, n, true, SSH_LOGIN, success ? F.SUCCESS : F.FAILURE);
        }

        private static boolean done(final TelemetryEvent e, final int n, final boolean ok, final byte[] action,
                                    final byte[] outcome) {
            if (!ok) {
                e.truncateFields(n);
                return false;
            }
            e.addField(Fields.EVENT_ACTION, action);
            if (outcome != null) {
                e.addField(Fields.EVENT_OUTCOME, outcome);
            }
            return true;
        }
    }

    // --- PAM ------------------------------------------------------------------------------------------------

    /** {@code pam_MODULE(service:type): text}, any program. Adds pam.*, user.name, event.action/outcome. */
    static final class Pam {
        private static final byte[] SESSION_OPENED = a("session opened for user ");
        private static final byte[] SESSION_CLOSED = a("session closed for user ");
        private static final byte[] AUTH_FAILURE = a("authentication failure;");
        private static final byte[] CHECK_PASS = a("check pass;");
        private static final byte[] PASSWORD_CHANGED = a("password changed for ");
        private static final byte[] USER_QUOTE = a("user \"");
        private static final byte[] DOES_NOT_EXIST = a("does not exist");
        private static final byte[] RHOST = a("rhost");
        private static final byte[] USER = a("user");
        private static final byte[] RUSER = a("ruser");
        private static final byte[] TTY = a("tty");
        private static final byte[] A_SESSION_OPENED = a("session_opened");
        private static final byte[] A_SESSION_CLOSED = a("session_closed");
        private static final byte[] A_AUTH_FAILURE = a("authentication_failure");
        private static final byte[] A_CHECK_PASS = a("check_pass");
        private static final byte[] A_PASSWORD_CHANGED = a("password_changed");
        private static final byte[] A_USER_UNKNOWN = a("user_unknown");

        private Pam() {
        }

        static boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end) {
            final int open = indexOf(b, off, end, (byte) '(');
            final int close = open < 0 ? -1 : indexOf(b, open, end, (byte) ')');
            if (open < 0 || close < 0 || close + 1 >= end || b[close + 1] != ':') {
                return false;
            }
            e.addField(F.PAM_MODULE, b, off, open - off);
            final int colon = indexOf(b, open, close, (byte) ':');
            if (colon > 0) {
                put(e, F.PAM_SERVICE, b, open + 1, colon);
                put(e, F.PAM_TYPE, b, colon + 1, close);
            } else {
                put(e, F.PAM_SERVICE, b, open + 1, close);
            }
            final int s = Bytes.skipSpaces(b, close + 2, end);
            if (startsWith(b, s, end, SESSION_OPENED)) {
                final int u = s + SESSION_OPENED.length;
                int ue = u;
                while (ue < end && b[ue] != ' ' && b[ue] != '(') {
                    ue++;
                }
                put(e, Fields.USER_NAME, b, u, ue);
                final int by = Bytes.indexOf(b, ue, end, SP_BY_SP);
                if (by > 0) {
                    final int bs = by + SP_BY_SP.length;
                    int be = bs;
                    while (be < end && b[be] != ' ' && b[be] != '(') {
                        be++;
                    }
                    put(e, F.PAM_BY_USER, b, bs, be);
                }
                action(e, A_SESSION_OPENED, F.SUCCESS);
            } else if (startsWith(b, s, end, SESSION_CLOSED)) {
                final int u = s + SESSION_CLOSED.length;
                int ue = u;
                while (ue < end && b[ue] != ' ' && b[ue] != '(') {
                    ue++;
                }
                put(e, Fields.USER_NAME, b, u, ue);
                action(e, A_SESSION_CLOSED, F.SUCCESS);
            } else if (startsWith(b, s, end, AUTH_FAILURE)) {
                keyValues(e, b, s + AUTH_FAILURE.length, end);
                action(e, A_AUTH_FAILURE, F.FAILURE);
            } else if (startsWith(b, s, end, CHECK_PASS)) {
                action(e, A_CHECK_PASS, F.FAILURE);
            } else if (startsWith(b, s, end, PASSWORD_CHANGED)) {
                final int u = s + PASSWORD_CHANGED.length;
                put(e, Fields.USER_NAME, b, u, Bytes.tokenEnd(b, u, end));
                action(e, A_PASSWORD_CHANGED, F.SUCCESS);
            } else if (startsWith(b, s, end, USER_QUOTE) && Bytes.indexOf(b, s, end, DOES_NOT_EXIST) > 0) {
                final int u = s + USER_QUOTE.length;
                final int q = indexOf(b, u, end, (byte) '"');
                if (q > u) {
                    e.addField(Fields.USER_NAME, b, u, q - u);
                }
                action(e, A_USER_UNKNOWN, F.FAILURE);
            }
            return true;
        }

        private static void action(final TelemetryEvent e, final byte[] action, final byte[] outcome) {
            e.addField(Fields.EVENT_ACTION, action);
            e.addField(Fields.EVENT_OUTCOME, outcome);
        }

        /** {@code logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root}: empty values allowed. */
        static void keyValues(final TelemetryEvent e, final byte[] b, final int off, final int end) {
            int i = off;
            while (i < end) {
                i = Bytes.skipSpaces(b, i, end);
                final int ke = Bytes.tokenEnd(b, i, end);
                final int eq = indexOf(b, i, ke, (byte) '=');
                if (eq > i && ke > eq + 1) {
                    final int vs = eq + 1;
                    if (Bytes.equals(b, i, eq, RHOST)) {
                        Bytes.putIp(e, Fields.SOURCE_IP, Fields.SOURCE_DOMAIN, b, vs, ke);
                    } else if (Bytes.equals(b, i, eq, USER)) {
                        e.addField(Fields.USER_NAME, b, vs, ke - vs);
                    } else if (Bytes.equals(b, i, eq, RUSER)) {
                        e.addField(F.PAM_RUSER, b, vs, ke - vs);
                    } else if (Bytes.equals(b, i, eq, TTY)) {
                        e.addField(F.PROCESS_TTY, b, vs, ke - vs);
                    }
                }
                i = ke;
            }
        }
    }

    // --- sudo -----------------------------------------------------------------------------------------------

    /** sudo: {@code user : [reason ; ]TTY=.. ; PWD=.. ; USER=.. ; COMMAND=..} and PAM lines. Logsource linux/sudo. */
    static final class Sudo extends MessageDecoder {
        private static final byte[] SEP = a(" ; ");
        private static final byte[] TTY = a("TTY=");
        private static final byte[] PWD = a("PWD=");
        private static final byte[] USER = a("USER=");
        private static final byte[] GROUP = a("GROUP=");
        private static final byte[] COMMAND = a("COMMAND=");
        private static final byte[] SUDO_COMMAND = a("sudo_command");
        private static final byte[] COLON_SEP = a(" : ");
        private static final int SUDO_GROUP = Fields.id("group.target.name");

        Sudo() {
            super("sudo");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off0, final int end0) {
            e.logProduct = F.LINUX;
            e.logService = F.SUDO;
            final int off = Bytes.skipSpaces(b, off0, end0);
            final int end = Bytes.trimEnd(b, off, end0);
            if (startsWith(b, off, end, PAM_)) {
                return Pam.decode(e, b, off, end);
            }
            final int colon = Bytes.indexOf(b, off, end, COLON_SEP);
            if (colon <= off) {
                return false;
            }
            final int n = e.fieldCount();
            e.addField(Fields.USER_NAME, b, off, colon - off);
            boolean failed = false;
            boolean any = false;
            int i = colon + 3;
            while (i < end) {
                if (startsWith(b, i, end, COMMAND)) {
                    put(e, Fields.PROCESS_COMMAND_LINE, b, i + COMMAND.length, end);
                    any = true;
                    break;
                }
                int segEnd = Bytes.indexOf(b, i, end, SEP);
                if (segEnd < 0) {
                    segEnd = end;
                }
                if (startsWith(b, i, segEnd, TTY)) {
                    put(e, F.PROCESS_TTY, b, i + TTY.length, segEnd);
                    any = true;
                } else if (startsWith(b, i, segEnd, PWD)) {
                    put(e, F.PROCESS_WORKING_DIRECTORY, b, i + PWD.length, segEnd);
                } else if (startsWith(b, i, segEnd, USER)) {
                    put(e, Fields.USER_TARGET_NAME, b, i + USER.length, segEnd);
                } else if (startsWith(b, i, segEnd, GROUP)) {
                    put(e, SUDO_GROUP, b, i + GROUP.length, segEnd);
                } else if (indexOf(b, i, segEnd, (byte) '=') < 0) {
                    put(e, F.EVENT_REASON, b, i, segEnd);
                    failed = true;
                }
                i = segEnd + SEP.length;
            }
            if (!any) {
                e.truncateFields(n);
                return false;
            }
            e.addField(Fields.EVENT_ACTION, SUDO_COMMAND);
            e.addField(Fields.EVENT_OUTCOME, failed ? F.FAILURE : F.SUCCESS);
            return true;
        }
    }

    // --- su -------------------------------------------------------------------------------------------------

    /** su (shadow and util-linux forms) and PAM lines. Logsource linux/auth. */
    static final class Su extends MessageDecoder {
        private static final byte[] SUCCESSFUL = a("Successful su for ");
        private static final byte[] FAILED = a("FAILED su for ");
        private static final byte[] TO = a("(to ");
        private static final byte[] ON = a(" on ");
        private static final byte[] SU = a("su");

        Su() {
            super("su");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            e.logProduct = F.LINUX;
            e.logService = F.AUTH;
            final int end = Bytes.trimEnd(b, off, end0);
            if (startsWith(b, off, end, PAM_)) {
                return Pam.decode(e, b, off, end);
            }
            final boolean ok = startsWith(b, off, end, SUCCESSFUL);
            if (ok || startsWith(b, off, end, FAILED)) {
                final int s = off + (ok ? SUCCESSFUL.length : FAILED.length);
                final int by = Bytes.indexOf(b, s, end, SP_BY_SP);
                if (by < 0) {
                    return false;
                }
                put(e, Fields.USER_TARGET_NAME, b, s, by);
                put(e, Fields.USER_NAME, b, by + SP_BY_SP.length, end);
                return result(e, ok);
            }
            if (end - off > 4 && (b[off] == '+' || b[off] == '-') && b[off + 1] == ' ') {
                // "+ /dev/pts/0 ubuntu:root"
                final int te = Bytes.tokenEnd(b, off + 2, end);
                final int us = Bytes.skipSpaces(b, te, end);
                final int c = indexOf(b, us, end, (byte) ':');
                if (c < 0) {
                    return false;
                }
                put(e, F.PROCESS_TTY, b, off + 2, te);
                put(e, Fields.USER_NAME, b, us, c);
                put(e, Fields.USER_TARGET_NAME, b, c + 1, Bytes.tokenEnd(b, c + 1, end));
                return result(e, b[off] == '+');
            }
            if (startsWith(b, off, end, TO)) {
                // "(to root) ubuntu on pts/0"
                final int close = indexOf(b, off, end, (byte) ')');
                final int on = Bytes.indexOf(b, off, end, ON);
                if (close < 0 || on < close) {
                    return false;
                }
                put(e, Fields.USER_TARGET_NAME, b, off + TO.length, close);
                put(e, Fields.USER_NAME, b, Bytes.skipSpaces(b, close + 1, on), on);
                put(e, F.PROCESS_TTY, b, on + ON.length, end);
                return result(e, true);
            }
            return false;
        }

        private static boolean result(final TelemetryEvent e, final boolean ok) {
            e.addField(Fields.EVENT_ACTION, SU);
            e.addField(Fields.EVENT_OUTCOME, ok ? F.SUCCESS : F.FAILURE);
            return true;
        }
    }

    // --- systemd-logind -------------------------------------------------------------------------------------

    /** systemd-logind session lines. Logsource linux/auth. */
    static final class Logind extends MessageDecoder {
        private static final byte[] NEW_SESSION = a("New session ");
        private static final byte[] OF_USER = a(" of user ");
        private static final byte[] REMOVED = a("Removed session ");
        private static final byte[] SESSION = a("Session ");
        private static final byte[] LOGGED_OUT = a(" logged out");
        private static final byte[] A_NEW = a("session_new");
        private static final byte[] A_REMOVED = a("session_removed");
        private static final byte[] A_LOGGED_OUT = a("session_logged_out");

        Logind() {
            super("systemd-logind");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            e.logProduct = F.LINUX;
            e.logService = F.AUTH;
            int end = Bytes.trimEnd(b, off, end0);
            if (end > off && b[end - 1] == '.') {
                end--;
            }
            if (startsWith(b, off, end, NEW_SESSION)) {
                final int s = off + NEW_SESSION.length;
                final int of = Bytes.indexOf(b, s, end, OF_USER);
                if (of < 0) {
                    return false;
                }
                put(e, F.SESSION_ID, b, s, of);
                put(e, Fields.USER_NAME, b, of + OF_USER.length, end);
                e.addField(Fields.EVENT_ACTION, A_NEW);
                return true;
            }
            if (startsWith(b, off, end, REMOVED)) {
                put(e, F.SESSION_ID, b, off + REMOVED.length, end);
                e.addField(Fields.EVENT_ACTION, A_REMOVED);
                return true;
            }
            if (startsWith(b, off, end, SESSION)) {
                final int lo = Bytes.indexOf(b, off, end, LOGGED_OUT);
                if (lo < 0) {
                    return false;
                }
                put(e, F.SESSION_ID, b, off + SESSION.length, lo);
                e.addField(Fields.EVENT_ACTION, A_LOGGED_OUT);
                return true;
            }
            return false;
        }
    }

    // --- cron -----------------------------------------------------------------------------------------------

    /** cron / CRON / crond: {@code (user) CMD (command)} and PAM lines. Logsource linux/cron. */
    static final class Cron extends MessageDecoder {
        private static final byte[] CMD = a(" CMD (");
        private static final byte[] A_CMD = a("cron_command");
        private static final byte[] RELOAD = a(" RELOAD (");
        private static final byte[] A_RELOAD = a("cron_reload");

        Cron() {
            super("cron");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            e.logProduct = F.LINUX;
            e.logService = F.CRON;
            final int end = Bytes.trimEnd(b, off, end0);
            if (startsWith(b, off, end, PAM_)) {
                return Pam.decode(e, b, off, end);
            }
            if (end - off < 3 || b[off] != '(') {
                return false;
            }
            final int close = indexOf(b, off, end, (byte) ')');
            if (close < 0) {
                return false;
            }
            if (startsWith(b, close + 1, end, CMD)) {
                put(e, Fields.USER_NAME, b, off + 1, close);
                int ce = end;
                if (b[ce - 1] == ')') {
                    ce--;
                }
                put(e, Fields.PROCESS_COMMAND_LINE, b, close + 1 + CMD.length, ce);
                e.addField(Fields.EVENT_ACTION, A_CMD);
                return true;
            }
            if (startsWith(b, close + 1, end, RELOAD)) {
                put(e, Fields.USER_NAME, b, off + 1, close);
                e.addField(Fields.EVENT_ACTION, A_RELOAD);
                return true;
            }
            return false;
        }
    }

    // --- shadow utilities -----------------------------------------------------------------------------------

    /** useradd, groupadd, usermod, userdel, groupdel, chpasswd, passwd, gpasswd, chage. Logsource linux/auth. */
    static final class Accounts extends MessageDecoder {
        private static final byte[] NEW_USER = a("new user: ");
        private static final byte[] NEW_GROUP = a("new group: ");
        private static final byte[] GROUP_ADDED = a("group added to ");
        private static final byte[] FAILED_ADDING = a("failed adding user '");
        private static final byte[] ADD_Q = a("add '");
        private static final byte[] TO_GROUP = a(" group '");
        private static final byte[] DELETE_USER = a("delete user '");
        private static final byte[] CHANGE_USER = a("change user '");
        private static final byte[] PASSWORD_FOR = a("password for '");
        private static final byte[] PASSWORD_CHANGED_FOR = a("password changed for ");
        private static final byte[] GROUP_Q = a("group '");
        private static final byte[] REMOVED = a("' removed");
        private static final byte[] NAME = a("name");
        private static final byte[] UID = a("UID");
        private static final byte[] GID = a("GID");
        private static final byte[] A_USER_CREATED = a("user_created");
        private static final byte[] A_GROUP_CREATED = a("group_created");
        private static final byte[] A_USER_ADDED_TO_GROUP = a("user_added_to_group");
        private static final byte[] A_USER_DELETED = a("user_deleted");
        private static final byte[] A_USER_CHANGED = a("user_changed");
        private static final byte[] A_PASSWORD_CHANGED = a("password_changed");
        private static final byte[] A_GROUP_DELETED = a("group_deleted");

        Accounts() {
            super("accounts");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
            e.logProduct = F.LINUX;
            e.logService = F.AUTH;
            final int end = Bytes.trimEnd(b, off, end0);
            if (startsWith(b, off, end, PAM_)) {
                return Pam.decode(e, b, off, end);
            }
            if (startsWith(b, off, end, NEW_USER)) {
                commaKv(e, b, off + NEW_USER.length, end, Fields.USER_NAME);
                return act(e, A_USER_CREATED, F.SUCCESS);
            }
            if (startsWith(b, off, end, NEW_GROUP)) {
                commaKv(e, b, off + NEW_GROUP.length, end, F.GROUP_NAME);
                return act(e, A_GROUP_CREATED, F.SUCCESS);
            }
            if (startsWith(b, off, end, GROUP_ADDED)) {
                final int c = indexOf(b, off, end, (byte) ':');
                if (c < 0) {
                    return false;
                }
                commaKv(e, b, c + 1, end, F.GROUP_NAME);
                return act(e, A_GROUP_CREATED, F.SUCCESS);
            }
            if (startsWith(b, off, end, FAILED_ADDING)) {
                quoted(e, b, off + FAILED_ADDING.length - 1, end, Fields.USER_NAME);
                return act(e, A_USER_CREATED, F.FAILURE);
            }
            if (startsWith(b, off, end, ADD_Q)) {
                final int q = quoted(e, b, off + ADD_Q.length - 1, end, Fields.USER_NAME);
                final int g = q < 0 ? -1 : Bytes.indexOf(b, q, end, TO_GROUP);
                if (g > 0) {
                    quoted(e, b, g + TO_GROUP.length - 1, end, F.GROUP_NAME);
                }
                return act(e, A_USER_ADDED_TO_GROUP, F.SUCCESS);
            }
            if (startsWith(b, off, end, DELETE_USER)) {
                quoted(e, b, off + DELETE_USER.length - 1, end, Fields.USER_NAME);
                return act(e, A_USER_DELETED, F.SUCCESS);
            }
            if (startsWith(b, off, end, CHANGE_USER)) {
                quoted(e, b, off + CHANGE_USER.length - 1, end, Fields.USER_NAME);
                return act(e, A_USER_CHANGED, F.SUCCESS);
            }
            if (startsWith(b, off, end, PASSWORD_FOR)) {
                // passwd (RHEL): password for 'bob' changed by 'root'
                final int q = quoted(e, b, off + PASSWORD_FOR.length - 1, end, Fields.USER_TARGET_NAME);
                final int by = q < 0 ? -1 : Bytes.indexOf(b, q, end, SP_BY_SP);
                if (by > 0) {
                    quoted(e, b, by + SP_BY_SP.length, end, Fields.USER_NAME);
                }
                return act(e, A_PASSWORD_CHANGED, F.SUCCESS);
            }
            if (startsWith(b, off, end, PASSWORD_CHANGED_FOR)) {
                final int u = off + PASSWORD_CHANGED_FOR.length;
                put(e, Fields.USER_NAME, b, u, Bytes.tokenEnd(b, u, end));
                return act(e, A_PASSWORD_CHANGED, F.SUCCESS);
            }
            if (startsWith(b, off, end, GROUP_Q) && Bytes.endsWith(b, off, end, REMOVED)) {
                quoted(e, b, off + GROUP_Q.length - 1, end, F.GROUP_NAME);
                return act(e, A_GROUP_DELETED, F.SUCCESS);
            }
            return false;
        }

        private static boolean act(final TelemetryEvent e, final byte[] action, final byte[] outcome) {
            e.addField(Fields.EVENT_ACTION, action);
            e.addField(Fields.EVENT_OUTCOME, outcome);
            return true;
        }

        /** Adds the value of {@code 'x'} starting at the quote at {@code q}; returns the index after it or -1. */
        private static int quoted(final TelemetryEvent e, final byte[] b, final int q, final int end, final int id) {
            if (q >= end || b[q] != '\'') {
                return -1;
            }
            final int close = indexOf(b, q + 1, end, (byte) '\'');
            if (close < 0) {
                return -1;
            }
            put(e, id, b, q + 1, close);
            return close + 1;
        }

        /** {@code name=X, UID=N, GID=N, home=...}: name → nameId, UID → user.id, GID → group.id. */
        private static void commaKv(final TelemetryEvent e, final byte[] b, final int off, final int end,
                                    final int nameId) {
            int i = off;
            while (i < end) {
                i = Bytes.skipSpaces(b, i, end);
                int ce = indexOf(b, i, end, (byte) ',');
                if (ce < 0) {
                    ce = end;
                }
                final int eq = indexOf(b, i, ce, (byte) '=');
                if (eq > i) {
                    if (Bytes.equals(b, i, eq, NAME)) {
                        put(e, nameId, b, eq + 1, ce);
                    } else if (Bytes.equals(b, i, eq, UID)) {
                        put(e, F.USER_ID, b, eq + 1, ce);
                    } else if (Bytes.equals(b, i, eq, GID)) {
                        put(e, F.GROUP_ID, b, eq + 1, ce);
                    }
                }
                i = ce + 1;
            }
        }
    }

    /** Lines of any program that are PAM lines ({@code systemd}, {@code login}, ...): logsource linux/auth. */
    static final class PamOnly extends MessageDecoder {
        PamOnly() {
            super("pam");
        }

        @Override
        boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end) {
            if (!startsWith(b, off, end, PAM_)) {
                return false;
            }
            if (!Pam.decode(e, b, off, Bytes.trimEnd(b, off, end))) {
                return false;
            }
            e.logProduct = F.LINUX;
            e.logService = F.AUTH;
            return true;
        }
    }
}
