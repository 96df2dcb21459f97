package io.vigie.rules.ioc;

/** Kinds of indicators Vigie matches, and the event fields each is matched against. */
public enum IndicatorType {
    /** IPv4 address or CIDR: source.ip, destination.ip, host.ip. */
    IPV4("ipv4-addr"),
    /** IPv6 address or CIDR: source.ip, destination.ip, host.ip. */
    IPV6("ipv6-addr"),
    /** Domain name (also matches its sub-domains): dns.question.name, url.domain, host of url.original. */
    DOMAIN("domain-name"),
    /** Exact URL: url.original. */
    URL("url"),
    MD5("file:hashes.MD5"),
    SHA1("file:hashes.SHA-1"),
    SHA256("file:hashes.SHA-256");

    private final String label;

    IndicatorType(final String label) {
        this.label = label;
    }

    /** The STIX name of the type. */
    public String label() {
        return label;
    }
}
