package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import static io.vigie.ingest.codec.message.Bytes.a;

/**
 * Apache/nginx access logs, common and combined ({@code IP ident user [10/Oct/2000:13:55:36 -0700] "GET /a?b=c
 * HTTP/1.1" 200 2326 "referrer" "agent"}), optionally preceded by a virtual host ({@code vhost_combined}).
 *
 * <p>Adds source.ip (or source.domain), user.name (not {@code -}), http.request.method, url.original, url.path,
 * url.query, http.version, http.response.status_code, http.response.body.bytes, http.request.referrer and
 * user_agent.original (both omitted when {@code -}), url.domain for the vhost form; the bracketed time becomes the
 * event time when the header gave none. A request line that is not {@code METHOD URI [HTTP/x]} (TLS garbage such as
 * {@code \x16\x03...}) keeps only the other fields. Backslash-escaped quotes inside quoted parts are unescaped.
 * An unterminated last quoted part runs to the end of the line. Logsource category webserver.
 */
final class AccessLogDecoder extends MessageDecoder {
    private static final byte[] HTTP = a("HTTP/");

    private final int[] starts = new int[5];

    AccessLogDecoder() {
        super("access_log");
    }

    @Override
    boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
        final int end = Bytes.trimEnd(b, off, end0);
        // locate "[" within the first four tokens
        int i = off;
        final int[] starts = this.starts;
        int tokens = 0;
        while (i < end && tokens < 5 && b[i] != '[') {
            starts[tokens++] = i;
            i = Bytes.tokenEnd(b, i, end);
            if (i >= end || b[i] != ' ') {
                return false;
            }
            i++;
        }
        if (i >= end || b[i] != '[' || tokens < 3 || tokens > 4) {
            return false;
        }
        final int close = Bytes.indexOf(b, i, Math.min(end, i + 40), (byte) ']');
        if (close < 0 || close + 2 >= end || b[close + 1] != ' ' || b[close + 2] != '"') {
            return false;
        }
        final int host = starts[tokens - 3];
        final int hostEnd = Bytes.tokenEnd(b, host, end);
        if (Bytes.indexOf(b, host, hostEnd, (byte) '=') >= 0) {
            return false;
        }
        final int n = e.fieldCount();
        // request
        final int rs = close + 3;
        final int re = closingQuote(b, rs, end);
        // status and bytes
        int s = Bytes.skipSpaces(b, re + 1, end);
        final int statusEnd = Bytes.digitsEnd(b, s, end);
        if (statusEnd - s != 3) {
            return false;
        }
        if (tokens == 4) {
            final int vh = starts[0];
            int vhe = Bytes.tokenEnd(b, vh, end);
            final int colon = Bytes.lastIndexOf(b, vh, vhe, (byte) ':');
            if (colon > vh && Bytes.digitsEnd(b, colon + 1, vhe) == vhe) {
                vhe = colon;
            }
            Bytes.put(e, Fields.URL_DOMAIN, b, vh, vhe);
        }
        Bytes.putIp(e, Fields.SOURCE_IP, Fields.SOURCE_DOMAIN, b, host, hostEnd);
        final int user = starts[tokens - 1];
        final int userEnd = i - 1;
        if (!(userEnd - user == 1 && b[user] == '-')) {
            Bytes.put(e, Fields.USER_NAME, b, user, userEnd);
        }
        if (e.timestampNanos == TelemetryEvent.NO_TIME) {
            final long t = Times.httpDate(b, i + 1, close);
            if (t != Times.NONE) {
                e.timestampNanos = t;
            }
        }
        request(e, b, rs, re);
        e.addField(Fields.HTTP_RESPONSE_STATUS_CODE, b, s, 3);
        s = Bytes.skipSpaces(b, statusEnd, end);
        final int bytesEnd = Bytes.tokenEnd(b, s, end);
        Bytes.putLong(e, Fields.HTTP_RESPONSE_BODY_BYTES, b, s, bytesEnd);
        s = Bytes.skipSpaces(b, bytesEnd, end);
        if (s < end && b[s] == '"') {
            final int q = closingQuote(b, s + 1, end);
            quoted(e, Fields.HTTP_REQUEST_REFERRER, b, s + 1, q);
            s = Bytes.skipSpaces(b, Math.min(end, q + 1), end);
            if (s < end && b[s] == '"') {
                quoted(e, Fields.USER_AGENT_ORIGINAL, b, s + 1, closingQuote(b, s + 1, end));
            }
        }
        e.logCategory = F.WEBSERVER;
        return e.fieldCount() > n;
    }

    /** Index of the closing quote of a part starting at {@code s}, skipping backslash escapes; end if none. */
    private static int closingQuote(final byte[] b, final int s, final int end) {
        for (int i = s; i < end; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                return i;
            }
        }
        return end;
    }

    /** Adds a quoted part (omitted when {@code -} or empty), unescaping {@code \"} and {@code \\}. */
    private static void quoted(final TelemetryEvent e, final int id, final byte[] b, final int s, final int q) {
        if (q <= s || (q - s == 1 && b[s] == '-')) {
            return;
        }
        if (Bytes.indexOf(b, s, q, (byte) '\\') < 0) {
            e.addField(id, b, s, q - s);
            return;
        }
        e.beginField(id);
        for (int i = s; i < q; i++) {
            if (b[i] == '\\' && i + 1 < q && (b[i + 1] == '"' || b[i + 1] == '\\')) {
                i++;
            }
            e.appendByte(b[i]);
        }
        e.endField();
    }

    private static void request(final TelemetryEvent e, final byte[] b, final int s, final int q) {
        int m = s;
        while (m < q && b[m] >= 'A' && b[m] <= 'Z') {
            m++;
        }
        if (m == s || m - s > 20 || m >= q || b[m] != ' ') {
            return;
        }
        final int us = m + 1;
        int ue = q;
        final int sp = Bytes.lastIndexOf(b, us, q, (byte) ' ');
        if (sp > us && Bytes.startsWith(b, sp + 1, q, HTTP)) {
            ue = sp;
            Bytes.put(e, Fields.HTTP_VERSION, b, sp + 1 + HTTP.length, q);
        }
        if (ue <= us) {
            return;
        }
        e.addField(Fields.HTTP_REQUEST_METHOD, b, s, m - s);
        quoted(e, Fields.URL_ORIGINAL, b, us, ue);
        final int qm = Bytes.indexOf(b, us, ue, (byte) '?');
        final int pathEnd = qm < 0 ? ue : qm;
        final int hash = Bytes.indexOf(b, us, pathEnd, (byte) '#');
        Bytes.put(e, Fields.URL_PATH, b, us, hash < 0 ? pathEnd : hash);
        if (qm >= 0) {
            final int qh = Bytes.indexOf(b, qm + 1, ue, (byte) '#');
            Bytes.put(e, Fields.URL_QUERY, b, qm + 1, qh < 0 ? ue : qh);
        }
    }
}
