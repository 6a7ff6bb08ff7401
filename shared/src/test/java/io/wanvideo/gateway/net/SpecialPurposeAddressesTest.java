package io.wanvideo.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The address ranges no webhook may reach, by the edges of each block and the words a refusal uses. Literals only:
 * parsed, never looked up.
 */
class SpecialPurposeAddressesTest {
    private static InetAddress literal(String text) throws Exception {
        return InetAddress.getByName(text.contains(":") ? "[" + text + "]" : text);
    }

    /** An IPv6 address kept as IPv6 even where it maps an IPv4 one, as a resolver may hand it over. */
    private static Inet6Address ipv6(int... bytes) throws Exception {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) bytes[i];
        }
        return Inet6Address.getByAddress(null, b, -1);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "0.255.255.255 | an unspecified address", "1.0.0.0 | -", "9.255.255.255 | -", "10.0.0.0 | a private address",
            "11.0.0.0 | -", "100.63.255.255 | -", "100.64.0.0 | a shared (carrier-grade NAT) address",
            "100.127.255.255 | a shared (carrier-grade NAT) address", "100.128.0.0 | -", "127.0.0.0 | a loopback address",
            "169.254.0.1 | a link-local address (where cloud metadata services live)", "169.255.0.1 | -",
            "172.15.255.255 | -", "172.16.0.0 | a private address", "172.31.255.255 | a private address", "172.32.0.0 | -",
            "192.0.0.255 | an IETF protocol address", "192.0.1.0 | -", "192.0.2.1 | a documentation address",
            "192.88.99.1 | a 6to4 relay address", "192.168.255.255 | a private address", "192.169.0.0 | -",
            "198.17.255.255 | -", "198.18.0.0 | a benchmarking address", "198.19.255.255 | a benchmarking address", "198.20.0.0 | -",
            "198.51.100.1 | a documentation address", "203.0.113.1 | a documentation address", "223.255.255.255 | -",
            "224.0.0.0 | a multicast address", "239.255.255.255 | a multicast address", "240.0.0.0 | a reserved address",
            "255.255.255.254 | a reserved address", "255.255.255.255 | the broadcast address", "8.8.8.8 | -",
            ":: | an unspecified address", "::1 | a loopback address", "::2 | an IPv4-compatible address (deprecated)",
            "::a00:1 | an IPv4-compatible address (deprecated)", "64:ff9b:1::1 | a local-use NAT64 address",
            "100::1 | a discard-only address", "100:0:0:1::1 | not a global unicast address",
            "2001:db8::1 | a documentation address", "2001::1 | an IETF protocol address (such as Teredo)",
            "2001:1ff::1 | an IETF protocol address (such as Teredo)", "2001:200::1 | -", "3fff::1 | a documentation address",
            "3fff:1000::1 | -", "fc00::1 | a unique-local address", "fdff::1 | a unique-local address",
            "fe80::1 | a link-local address", "febf::1 | a link-local address", "fec0::1 | a site-local address (deprecated)",
            "ff00::1 | a multicast address", "4000::1 | not a global unicast address", "1fff::1 | not a global unicast address",
            "2000::1 | -", "3ffe::1 | -", "2606:4700::1111 | -",
            "64:ff9b::808:808 | -", "64:ff9b::a00:1 | an IPv6 form of 10.0.0.1, a private address",
            "64:ff9b::7f00:1 | an IPv6 form of 127.0.0.1, a loopback address",
            "2002:808:808::1 | -", "2002:c0a8:101::1 | an IPv6 form of 192.168.1.1, a private address"})
    void eachBlockToItsEdges(String address, String kind) throws Exception {
        assertThat(SpecialPurposeAddresses.kind(literal(address))).isEqualTo(Optional.ofNullable(kind));
    }

    @Test
    void anIpv4MappedAddressIsJudgedByTheIpv4AddressItMaps() throws Exception {
        assertThat(SpecialPurposeAddresses.kind(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1)))
                .contains("an IPv6 form of 10.0.0.1, a private address");
        assertThat(SpecialPurposeAddresses.kind(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 8, 8, 8, 8))).isEmpty();
        // Near misses are other IPv6 addresses, outside global unicast.
        for (Inet6Address near : new Inet6Address[] {
                ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 10, 0, 0, 1), ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 10, 0, 0, 1),
                ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 10, 0, 0, 1), ipv6(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 8, 8, 8, 8)}) {
            assertThat(SpecialPurposeAddresses.kind(near)).as("%s", near).contains("not a global unicast address");
        }
    }

    @Test
    void loopbackIsTheWhole127BlockAndTheIpv6LoopbackInAnyForm() throws Exception {
        assertThat(SpecialPurposeAddresses.isLoopback(literal("127.0.0.1"))).isTrue();
        assertThat(SpecialPurposeAddresses.isLoopback(literal("127.255.255.255"))).isTrue();
        assertThat(SpecialPurposeAddresses.isLoopback(literal("::1"))).isTrue();
        assertThat(SpecialPurposeAddresses.isLoopback(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1))).isTrue();
        assertThat(SpecialPurposeAddresses.isLoopback(literal("128.0.0.1"))).isFalse();
        assertThat(SpecialPurposeAddresses.isLoopback(literal("126.255.255.255"))).isFalse();
        assertThat(SpecialPurposeAddresses.isLoopback(literal("::2"))).isFalse();
        assertThat(SpecialPurposeAddresses.isLoopback(literal("::7f00:1"))).as("IPv4-compatible, not mapped").isFalse();
        assertThat(SpecialPurposeAddresses.isLoopback(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1))).isFalse();
    }
}
