package io.wanvideo.gateway.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What kind of network an address is on, for deciding where the gateway may point someone else's requests:
 * the upstream fetching media, a webhook delivery. Only public addresses are fit for either on AWS.
 */
public final class NetworkAddresses {
    /** Anything made of digits and dots is an IPv4 literal to the JDK (127.1, 2130706433 included): no DNS. */
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");

    public enum Kind {
        PUBLIC, LOOPBACK, PRIVATE, LINK_LOCAL, UNIQUE_LOCAL, SHARED, UNSPECIFIED, MULTICAST;

        /** Wording for an error message: "a loopback address". */
        public String describe() {
            return switch (this) {
                case PUBLIC -> "a public address";
                case LOOPBACK -> "a loopback address";
                case PRIVATE -> "a private network address";
                case LINK_LOCAL -> "a link-local address (cloud metadata lives there)";
                case UNIQUE_LOCAL -> "an IPv6 unique-local address";
                case SHARED -> "a carrier-grade NAT address";
                case UNSPECIFIED -> "the unspecified address";
                case MULTICAST -> "a multicast address";
            };
        }
    }

    private NetworkAddresses() {}

    public static Kind classify(InetAddress address) {
        InetAddress a = unmapped(address);
        if (a.isAnyLocalAddress()) {
            return Kind.UNSPECIFIED;
        }
        if (a.isLoopbackAddress()) {
            return Kind.LOOPBACK;
        }
        if (a.isLinkLocalAddress()) {
            return Kind.LINK_LOCAL;
        }
        if (a.isMulticastAddress()) {
            return Kind.MULTICAST;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return Kind.UNSPECIFIED;
            }
            if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
                return Kind.PRIVATE;
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return Kind.SHARED;
            }
            if (first >= 240) {
                return Kind.UNSPECIFIED;
            }
            return Kind.PUBLIC;
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return Kind.UNIQUE_LOCAL;
        }
        if (a.isSiteLocalAddress()) {
            return Kind.PRIVATE;
        }
        return Kind.PUBLIC;
    }

    /** IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address it maps. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        return address;
    }

    /**
     * The kind of a URL host when the host itself says it, without asking DNS: an IP literal, or a name that is
     * loopback by definition ({@code localhost} and its subdomains). Empty for ordinary names.
     */
    public static Optional<Kind> literalKind(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return Optional.of(Kind.LOOPBACK);
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            try {
                // A bracketed literal is parsed, never looked up.
                return Optional.of(classify(InetAddress.getByName(h.substring(1, h.length() - 1))));
            } catch (UnknownHostException notAnAddress) {
                return Optional.of(Kind.UNSPECIFIED);
            }
        }
        if (!IPV4_LITERAL.matcher(h).matches()) {
            return Optional.empty();
        }
        byte[] address = ipv4(h);
        if (address == null) {
            // Digits and dots that are no address (1.2.3.4.5): nothing anyone can reach.
            return Optional.of(Kind.UNSPECIFIED);
        }
        try {
            return Optional.of(classify(InetAddress.getByAddress(address)));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * IPv4 in every form resolvers accept (inet_aton): a.b.c.d, a.b.c (c fills 16 bits), a.b (b fills 24),
     * a (32 bits), each part decimal. Null when it is none of them.
     */
    static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 10) {
                return null;
            }
            values[i] = Long.parseLong(parts[i]);
        }
        long value = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            value |= values[i] << (24 - 8 * i);
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (5 - parts.length))) {
            return null;
        }
        value |= last;
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
