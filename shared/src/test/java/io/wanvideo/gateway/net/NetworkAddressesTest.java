package io.wanvideo.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a host says of itself without a lookup: names for this machine, address literals in every notation, and why
 * one leads off the internet (the words come from {@link SpecialPurposeAddresses}, tested block by block there).
 */
class NetworkAddressesTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "localhost | a loopback address", "LOCALHOST | a loopback address", "localhost. | a loopback address",
            "api.localhost | a loopback address", "localhost.localdomain | a loopback address",
            "ip6-localhost | a loopback address", "notlocalhost | -", "localhost.example.com | -", "example.com | -",
            "cdn-1.example.com. | -", "123.example.com | -", "example.123x | -",
            "[::1] | a loopback address", "[FE80::1] | a link-local address", "[2001:4860:4860::8888] | -",
            "[::ffff:10.0.0.1] | a private address", "[64:ff9b::a00:1] | an IPv6 form of 10.0.0.1, a private address",
            "[2001:db8::1] | a documentation address", "[fe80::1%25eth0] | an address scoped to a network interface",
            "[not:an:address] | no valid IPv6 address", "[::1 | no valid IPv6 address",
            "127.0.0.1 | a loopback address", "127.1 | a loopback address", "2130706433 | a loopback address",
            "0x7f.1 | a loopback address", "0177.0.0.1 | a loopback address", "10.1 | a private address",
            "169.254.169.254 | a link-local address (where cloud metadata services live)",
            "192.0.2.1 | a documentation address", "0.0.0.0 | an unspecified address", "8.8.8.8 | -", "8.8.8.8. | -",
            "1.2.3.4.5 | a numeric host that is no valid IPv4 address", "256.1.1.1 | a numeric host that is no valid IPv4 address",
            "1..2 | a numeric host that is no valid IPv4 address", "08.0.0.1 | a numeric host that is no valid IPv4 address",
            "99999999999999999999 | a numeric host that is no valid IPv4 address"})
    void aHostSaysWhyItLeadsOffTheInternetWithoutALookup(String host, String why) {
        assertThat(NetworkAddresses.offInternetByNotation(host, false)).isEqualTo(Optional.ofNullable(why));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "localhost | -", "127.0.0.1 | -", "127.1 | -", "[::1] | -", "[::ffff:127.0.0.1] | -", "example.com | -",
            "10.0.0.1 | a private address", "[fe80::1] | a link-local address", "0.0.0.0 | an unspecified address",
            "1.2.3.4.5 | a numeric host that is no valid IPv4 address"})
    void theOneMachineStackAllowsLoopbackAndNothingElse(String host, String why) {
        assertThat(NetworkAddresses.offInternetByNotation(host, true)).isEqualTo(Optional.ofNullable(why));
    }

    @Test
    void hostsAreComparedInLowerCaseWithoutBracketsOrTheFinalDot() {
        assertThat(NetworkAddresses.hostName("[::1]")).isEqualTo("::1");
        assertThat(NetworkAddresses.hostName("[::1")).isEqualTo("[::1");
        assertThat(NetworkAddresses.hostName("::1]")).isEqualTo("::1]");
        assertThat(NetworkAddresses.hostName("Hooks.Example.COM.")).isEqualTo("hooks.example.com");
    }

    @ParameterizedTest
    @CsvSource({"127.1, true", "1.2.3.4.5, true", "0x7f, true", "0x, true", "a.0x1f, true", "example.com, false",
            "1.2.3.x, false", "0x1g, false", "123.example, false", "'', false", "1., false"})
    void aHostWhoseLastLabelIsANumberIsReadAsAnAddress(String name, boolean numeric) {
        assertThat(NetworkAddresses.isNumeric(name)).isEqualTo(numeric);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, 127.0.0.1", "127.1, 127.0.0.1", "10.1, 10.0.0.1", "192.168.257, 192.168.1.1",
            "2130706433, 127.0.0.1", "0x7f000001, 127.0.0.1", "0x7f.0.0.1, 127.0.0.1", "0177.0.0.1, 127.0.0.1",
            "0x, 0.0.0.0", "8.8.2056, 8.8.8.8", "0x00000000007f, 0.0.0.127", "1.2.3.4, 1.2.3.4",
            "255.255.255.255, 255.255.255.255", "255.1, 255.0.0.1", "1.16777215, 1.255.255.255",
            "1.2.65535, 1.2.255.255", "10.1.258, 10.1.1.2", "4294967295, 255.255.255.255", "1234567890, 73.150.2.210",
            "0, 0.0.0.0"})
    void legacyIpv4NotationsReadAsCurlAndBrowsersReadThem(String host, String address) throws Exception {
        assertThat(NetworkAddresses.legacyIpv4(host)).contains(InetAddress.getByName(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3.4.5", "1.2.3.4.0", "4294967296", "08.0.0.1", "1..1", "example.com", "1.2.3.0x1g",
        "0x000000000007f", "1.2.3.+4", "+127.0.0.1", "1.2.3.-4", "1.16777216", "1.2.65536", "1.2.3.256", "256.1",
        "1.256.1", "1.2.256.1", "12345678901", "99999999999999999999", "", "1."})
    void notIpv4InAnyNotation(String host) {
        assertThat(NetworkAddresses.legacyIpv4(host)).isEmpty();
    }
}
