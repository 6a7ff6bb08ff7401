package io.wanvideo.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a URL's host says about where it leads before any lookup: a name for this machine, an address literal (IPv6 in
 * brackets, IPv4 in every notation curl, browsers and inet_aton read), or an ordinary name. With
 * {@link SpecialPurposeAddresses}, the table of what is not the public internet, this is how the gateway decides where
 * it may point someone else's requests: the upstream fetching media ({@link #offInternetByNotation}) and a webhook
 * delivery (which also checks each address a name resolves to).
 */
public final class NetworkAddresses {
    /** Names that mean this machine whatever DNS says (RFC 6761), and the usual hosts-file aliases. */
    private static final Pattern LOCAL_NAMES =
            Pattern.compile("localhost|.+\\.localhost|localhost\\.localdomain|ip6-localhost|ip6-loopback");
    /** A last label of digits or 0x-hex: a host that an IPv4 parser (curl's, a browser's) reads as an address. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    private NetworkAddresses() {}

    /** Lower case, no brackets, no final dot: the form checks, lookups and TLS see. */
    public static String hostName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** A name (as {@link #hostName} gives it) that means this machine, whatever DNS says. */
    public static boolean isLocalName(String name) {
        return LOCAL_NAMES.matcher(name).matches();
    }

    /** A name (as {@link #hostName} gives it) that IPv4 parsers read as an address, valid or not: 127.1, 0x7f.1, 1.2.3.4.5. */
    public static boolean isNumeric(String name) {
        return NUMERIC_LABEL.matcher(name.substring(name.lastIndexOf('.') + 1)).matches();
    }

    /**
     * Why a URL's host leads off the public internet, when its notation alone says so: a name for this machine, an
     * address literal in a special-purpose block (in any notation), or a numeric host that is no address. Nothing is
     * looked up: an ordinary name is for whoever fetches it to resolve.
     *
     * @param allowLoopback whether this machine is a fit target (the one-machine stack)
     * @return the words for a refusal ("a loopback address"), or empty for an ordinary name or a public address
     */
    public static Optional<String> offInternetByNotation(String host, boolean allowLoopback) {
        String name = hostName(host);
        InetAddress address;
        if (isLocalName(name)) {
            return allowLoopback ? Optional.empty() : Optional.of("a loopback address");
        } else if (name.contains(":")) {
            if (name.contains("%")) {
                // A zone picks a local interface: only meaningful for link-local addresses.
                return Optional.of("an address scoped to a network interface");
            }
            try {
                // In brackets, InetAddress only parses, and fails rather than falling back to a lookup.
                address = InetAddress.getByName("[" + name + "]");
            } catch (UnknownHostException notAnAddress) {
                return Optional.of("no valid IPv6 address");
            }
        } else if (isNumeric(name)) {
            Optional<InetAddress> ipv4 = legacyIpv4(name);
            if (ipv4.isEmpty()) {
                return Optional.of("a numeric host that is no valid IPv4 address");
            }
            address = ipv4.get();
        } else {
            return Optional.empty();
        }
        if (allowLoopback && SpecialPurposeAddresses.isLoopback(address)) {
            return Optional.empty();
        }
        return SpecialPurposeAddresses.kind(address);
    }

    /**
     * Reads an IPv4 address the way inet_aton, curl and browsers do: one to four parts, each decimal, octal
     * (leading 0) or hex (0x), the last part filling the remaining bytes. So 127.1, 0x7f.1 and 2130706433 are
     * all 127.0.0.1.
     */
    public static Optional<InetAddress> legacyIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int radix = 10;
            if (part.startsWith("0x")) {
                part = part.substring(2);
                radix = 16;
            } else if (part.length() > 1 && part.startsWith("0")) {
                part = part.substring(1);
                radix = 8;
            }
            if (part.isEmpty() && radix == 16) {
                part = "0";
            }
            if (part.isEmpty() || part.length() > 12 || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return Optional.empty();
            }
            try {
                values[i] = Long.parseLong(part, radix);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return Optional.empty();
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[values.length - 1];
        if (last >= 1L << (8 * (5 - values.length))) {
            return Optional.empty();
        }
        address |= last;
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
