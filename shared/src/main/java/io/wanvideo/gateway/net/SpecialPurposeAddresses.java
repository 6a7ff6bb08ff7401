package io.wanvideo.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The IPv4 and IPv6 ranges that are not the public internet (after the IANA special-purpose address
 * registries): the one table of them in the gateway. A webhook must never reach into them, or a tenant could make
 * the gateway call its own network, the cloud metadata service, or itself; a media URL pointing into them is one
 * the upstream cannot fetch.
 *
 * <p>IPv6 forms that carry an IPv4 address (IPv4-mapped {@code ::ffff:a.b.c.d}, NAT64 {@code 64:ff9b::/96},
 * 6to4 {@code 2002::/16}) are judged by the IPv4 address they lead to. Any other IPv6 address outside
 * global unicast ({@code 2000::/3}) is refused.
 */
public final class SpecialPurposeAddresses {
    private record Block(byte[] network, int prefixLength, String kind) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixLength / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private static final String LOOPBACK = "a loopback address";
    private static final String PRIVATE = "a private address";
    private static final String DOCUMENTATION = "a documentation address";

    // First match names the kind, so narrower blocks come before the ones that hold them.
    private static final List<Block> IPV4 = List.of(
            block("0.0.0.0/8", "an unspecified address"),
            block("10.0.0.0/8", PRIVATE),
            block("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
            block("127.0.0.0/8", LOOPBACK),
            block("169.254.0.0/16", "a link-local address (where cloud metadata services live)"),
            block("172.16.0.0/12", PRIVATE),
            block("192.0.0.0/24", "an IETF protocol address"),
            block("192.0.2.0/24", DOCUMENTATION),
            block("192.88.99.0/24", "a 6to4 relay address"),
            block("192.168.0.0/16", PRIVATE),
            block("198.18.0.0/15", "a benchmarking address"),
            block("198.51.100.0/24", DOCUMENTATION),
            block("203.0.113.0/24", DOCUMENTATION),
            block("224.0.0.0/4", "a multicast address"),
            block("255.255.255.255/32", "the broadcast address"),
            block("240.0.0.0/4", "a reserved address"));

    private static final List<Block> IPV6 = List.of(
            block("::/128", "an unspecified address"),
            block("::1/128", LOOPBACK),
            block("::/96", "an IPv4-compatible address (deprecated)"),
            block("64:ff9b:1::/48", "a local-use NAT64 address"),
            block("100::/64", "a discard-only address"),
            block("2001:db8::/32", DOCUMENTATION),
            block("2001::/23", "an IETF protocol address (such as Teredo)"),
            block("3fff::/20", DOCUMENTATION),
            block("fc00::/7", "a unique-local address"),
            block("fe80::/10", "a link-local address"),
            block("fec0::/10", "a site-local address (deprecated)"),
            block("ff00::/8", "a multicast address"));

    private static final byte[] IPV6_LOOPBACK = block("::1/128", LOOPBACK).network();
    private static final Block GLOBAL_UNICAST = block("2000::/3", "global unicast");
    private static final Block NAT64 = block("64:ff9b::/96", "NAT64");
    private static final Block SIX_TO_FOUR = block("2002::/16", "6to4");

    private SpecialPurposeAddresses() {}

    /**
     * @return what kind of non-public address this is ("a private address", ...), or empty for a public one
     */
    public static Optional<String> kind(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return kindOfIpv4(bytes);
        }
        byte[] embedded = embeddedIpv4(bytes);
        if (embedded != null) {
            return kindOfIpv4(embedded).map(kind -> "an IPv6 form of " + dotted(embedded) + ", " + kind);
        }
        for (Block block : IPV6) {
            if (block.contains(bytes)) {
                return Optional.of(block.kind());
            }
        }
        return GLOBAL_UNICAST.contains(bytes) ? Optional.empty() : Optional.of("not a global unicast address");
    }

    /** 127.0.0.0/8, ::1, or an IPv4-mapped form of 127.0.0.0/8. */
    public static boolean isLoopback(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isMapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes.length == 4 ? (bytes[0] & 0xff) == 127 : Arrays.equals(bytes, IPV6_LOOPBACK);
    }

    private static Optional<String> kindOfIpv4(byte[] bytes) {
        return IPV4.stream().filter(b -> b.contains(bytes)).map(Block::kind).findFirst();
    }

    /** The IPv4 address an IPv4-mapped, NAT64 or 6to4 address leads to; null for any other IPv6 address. */
    private static byte[] embeddedIpv4(byte[] bytes) {
        if (isMapped(bytes) || NAT64.contains(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        if (SIX_TO_FOUR.contains(bytes)) {
            return Arrays.copyOfRange(bytes, 2, 6);
        }
        return null;
    }

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static String dotted(byte[] bytes) {
        return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
    }

    private static Block block(String cidr, String kind) {
        int slash = cidr.indexOf('/');
        String literal = cidr.substring(0, slash);
        byte[] network;
        try {
            // Literals only: InetAddress parses them without any lookup. Brackets make that explicit for IPv6.
            network = InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
        return new Block(network, Integer.parseInt(cidr.substring(slash + 1)), kind);
    }
}
