package io.wanvideo.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.net.NetworkAddresses.Kind;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which network an address is on, by the edges of each range: the first and last address inside, and the
 * neighbours outside. Literals only; nothing is looked up.
 */
class NetworkAddressesTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "0.255.255.255, UNSPECIFIED", "1.0.0.0, PUBLIC",
            "9.255.255.255, PUBLIC", "10.0.0.0, PRIVATE", "10.255.255.255, PRIVATE", "11.0.0.0, PUBLIC",
            "100.63.255.255, PUBLIC", "9.100.0.1, PUBLIC", "100.64.0.0, SHARED", "100.127.255.255, SHARED", "100.128.0.0, PUBLIC",
            "126.255.255.255, PUBLIC", "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "128.0.0.0, PUBLIC",
            "169.254.169.254, LINK_LOCAL", "169.253.255.255, PUBLIC", "169.255.0.0, PUBLIC",
            "172.15.255.255, PUBLIC", "172.16.0.0, PRIVATE", "172.31.255.255, PRIVATE", "172.32.0.0, PUBLIC",
            "171.16.0.1, PUBLIC", "192.167.255.255, PUBLIC", "192.168.0.0, PRIVATE", "192.168.255.255, PRIVATE",
            "192.169.0.0, PUBLIC", "193.168.0.1, PUBLIC", "10.168.0.1, PRIVATE", "8.8.8.8, PUBLIC",
            "223.255.255.255, PUBLIC", "224.0.0.1, MULTICAST", "239.255.255.255, MULTICAST",
            "240.0.0.0, UNSPECIFIED", "255.255.255.255, UNSPECIFIED",
            "::, UNSPECIFIED", "::1, LOOPBACK", "fe80::1, LINK_LOCAL", "ff02::1, MULTICAST",
            "fc00::1, UNIQUE_LOCAL", "fdff:ffff::1, UNIQUE_LOCAL", "fbff::1, PUBLIC", "fe00::1, PUBLIC",
            "fec0::1, PRIVATE", "2001:4860:4860::8888, PUBLIC", "2606:4700::1111, PUBLIC"})
    void classifiesEachRangeToItsEdges(String literal, Kind kind) throws Exception {
        InetAddress address = InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
        assertThat(NetworkAddresses.classify(address)).isEqualTo(kind);
    }

    private static Inet6Address ipv6(int... bytes) throws Exception {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) bytes[i];
        }
        // Inet6Address.getByAddress keeps an IPv4-mapped address as IPv6, as an address from a resolver may be.
        return Inet6Address.getByAddress(null, b, -1);
    }

    @Test
    void anIpv4MappedAddressIsTheIpv4AddressItMaps() throws Exception {
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1))).isEqualTo(Kind.PRIVATE);
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1))).isEqualTo(Kind.LOOPBACK);
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 100, 64, 0, 1))).isEqualTo(Kind.SHARED);
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 8, 8, 8, 8))).isEqualTo(Kind.PUBLIC);
        // Anything else with 10.0.0.1 in its last bytes is an IPv6 address like any other.
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 10, 0, 0, 1))).isEqualTo(Kind.PUBLIC);
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 10, 0, 0, 1))).isEqualTo(Kind.PUBLIC);
        assertThat(NetworkAddresses.classify(ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 10, 0, 0, 1))).isEqualTo(Kind.PUBLIC);
        assertThat(NetworkAddresses.classify(ipv6(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1))).isEqualTo(Kind.PUBLIC);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(nullValues = "-", value = {
            "localhost, LOOPBACK", "LOCALHOST, LOOPBACK", "localhost., LOOPBACK", "api.localhost, LOOPBACK",
            "notlocalhost, -", "localhost.example.com, -", "example.com, -", "cdn-1.example.com., -",
            "[::1], LOOPBACK", "[FE80::1], LINK_LOCAL", "[2001:4860:4860::8888], PUBLIC", "[::ffff:10.0.0.1], PRIVATE",
            "[not-an-address], UNSPECIFIED", "[::1, -", "1::1], -",
            "127.0.0.1, LOOPBACK", "127.1, LOOPBACK", "2130706433, LOOPBACK", "10.1, PRIVATE", "8.8.8.8, PUBLIC",
            "8.8.8.8., PUBLIC", "1.2.3.4.5, UNSPECIFIED", "256.1.1.1, UNSPECIFIED", "1..2, UNSPECIFIED",
            "99999999999999999999, UNSPECIFIED"})
    void aHostThatIsAnAddressSaysItsKindWithoutALookup(String host, Kind kind) {
        assertThat(NetworkAddresses.literalKind(host)).isEqualTo(Optional.ofNullable(kind));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(nullValues = "-", value = {
            "1.2.3.4, 1.2.3.4", "255.255.255.255, 255.255.255.255", "127.1, 127.0.0.1", "255.1, 255.0.0.1",
            "1.16777215, 1.255.255.255", "1.2.65535, 1.2.255.255", "10.1.258, 10.1.1.2", "1.2.3.255, 1.2.3.255",
            "4294967295, 255.255.255.255", "1234567890, 73.150.2.210", "0, 0.0.0.0",
            "4294967296, -", "1.16777216, -", "1.2.65536, -", "1.2.3.256, -", "256.1, -", "1.256.1, -", "1.2.256.1, -",
            "12345678901, -", "99999999999999999999, -", "1.2.3.4.5, -", "1.2.3.4.0, -", "1..2, -", "'', -", "1., -"})
    void readsIpv4InEveryFormResolversAccept(String text, String dotted) throws Exception {
        byte[] address = NetworkAddresses.ipv4(text);
        if (dotted == null) {
            assertThat(address).isNull();
        } else {
            assertThat(address).isEqualTo(InetAddress.getByName(dotted).getAddress());
        }
    }

    @Test
    void eachKindIsWordedForAnErrorMessage() {
        assertThat(EnumSet.allOf(Kind.class)).extracting(Kind::describe).containsExactly("a public address",
                "a loopback address", "a private network address", "a link-local address (cloud metadata lives there)",
                "an IPv6 unique-local address", "a carrier-grade NAT address", "the unspecified address",
                "a multicast address");
    }
}
