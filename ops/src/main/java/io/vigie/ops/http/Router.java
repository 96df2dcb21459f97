package io.vigie.ops.http;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a request to a handler by method and path: exact paths ({@code /health}) and prefixes ending in {@code /}
 * ({@code /taxii2/}); the longest match wins. Built at startup, then read-only (safe from any event loop).
 * An unknown path gives 404, a known path with another method 405 (both as JSON errors).
 */
public final class Router {
    private static final class Route {
        final HttpMethod method;
        final String path;
        final boolean prefix;
        final HttpHandler handler;

        Route(final HttpMethod method, final String path, final boolean prefix, final HttpHandler handler) {
            this.method = method;
            this.path = path;
            this.prefix = prefix;
            this.handler = handler;
        }

        boolean matches(final String p) {
            return prefix ? p.startsWith(path) : p.equals(path);
        }
    }

    /** Result of a lookup: a handler, or an HTTP status (404/405) to answer with. */
    public static final class Match {
        public final HttpHandler handler;
        public final int status;

        Match(final HttpHandler handler, final int status) {
            this.handler = handler;
            this.status = status;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds a handler for an exact path. */
    public Router exact(final HttpMethod method, final String path, final HttpHandler handler) {
        routes.add(new Route(method, path, false, handler));
        return this;
    }

    /** Adds a handler for every path under a prefix (which should end in {@code /}). */
    public Router prefix(final HttpMethod method, final String prefix, final HttpHandler handler) {
        routes.add(new Route(method, prefix, true, handler));
        return this;
    }

    /** Finds the handler of a request (HEAD is served by GET handlers). */
    public Match route(final HttpMethod method, final String path) {
        final HttpMethod m = HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method;
        Route best = null;
        boolean pathKnown = false;
        for (final Route r : routes) {
            if (!r.matches(path)) {
                continue;
            }
            pathKnown = true;
            if (r.method.equals(m) && (best == null || r.path.length() > best.path.length())) {
                best = r;
            }
        }
        if (best != null) {
            return new Match(best.handler, 200);
        }
        return new Match(null, pathKnown ? 405 : 404);
    }
}
