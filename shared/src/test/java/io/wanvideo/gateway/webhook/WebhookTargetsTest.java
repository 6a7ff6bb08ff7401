package io.wanvideo.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.wanvideo.gateway.webhook.WebhookTargetRefusedException.Rule;
import io.wanvideo.gateway.webhook.WebhookTargets.Policy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which webhook URLs may be called. No DNS: names resolve through the table below. */
class WebhookTargetsTest {
    /** The test's DNS. Every name not here does not resolve. */
    private static final Map<String, List<String>> DNS = Map.ofEntries(
            Map.entry("hooks.example.com", List.of("93.184.215.14")),
            Map.entry("two.example.com", List.of("93.184.215.14", "8.8.8.8")),
            Map.entry("v6.example.com", List.of("2606:2800:21f:cb07:6820:80da:af6b:8b2c")),
            Map.entry("nat64-public.example.com", List.of("64:ff9b::808:808")),
            Map.entry("evil.example", List.of("10.0.0.1")),
            Map.entry("public-then-private.example", List.of("93.184.215.14", "10.0.0.1")),
            Map.entry("private-then-public.example", List.of("192.168.0.10", "93.184.215.14")),
            Map.entry("metadata.example", List.of("169.254.169.254")),
            Map.entry("loopback.example", List.of("127.0.0.1")),
            Map.entry("ula.example", List.of("fd00::1")),
            Map.entry("mapped.example", List.of("::ffff:10.0.0.1")),
            Map.entry("nat64-private.example", List.of("64:ff9b::a00:1")),
            Map.entry("cgnat.example", List.of("100.64.1.1")),
            Map.entry("10.0.0.1.nip.io", List.of("10.0.0.1")),
            Map.entry("localhost", List.of("127.0.0.1", "::1")),
            Map.entry("hooks", List.of("127.0.0.1")),
            Map.entry("local-and-private.example", List.of("127.0.0.1", "10.0.0.1")));

    private static final HostResolver RESOLVER = name -> {
        List<String> literals = DNS.get(name);
        if (literals == null) {
            throw new UnknownHostException(name);
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal)); // literals only: parsed, never looked up
        }
        return addresses;
    };

    private static final WebhookTargets DEPLOYED = new WebhookTargets(Policy.DEPLOYED, RESOLVER);
    private static final WebhookTargets LOCAL = new WebhookTargets(Policy.LOCAL, RESOLVER);

    static Stream<Arguments> refusedWhereDeployed() {
        return Stream.of(
                // loopback, in every notation
                arguments("https://127.0.0.1/hook", Rule.ADDRESS),
                arguments("https://127.1/hook", Rule.ADDRESS),
                arguments("https://127.255.255.254/hook", Rule.ADDRESS),
                arguments("https://2130706433/hook", Rule.ADDRESS),
                arguments("https://0x7f.0.0.1/hook", Rule.ADDRESS),
                arguments("https://0177.0.0.1/hook", Rule.ADDRESS),
                arguments("https://[::1]/hook", Rule.ADDRESS),
                arguments("https://[::ffff:127.0.0.1]/hook", Rule.ADDRESS),
                arguments("https://[::ffff:7f00:1]/hook", Rule.ADDRESS),
                // private networks and their edges
                arguments("https://10.0.0.1/hook", Rule.ADDRESS),
                arguments("https://10.255.255.255/hook", Rule.ADDRESS),
                arguments("https://172.16.0.1/hook", Rule.ADDRESS),
                arguments("https://172.31.255.254/hook", Rule.ADDRESS),
                arguments("https://192.168.1.1/hook", Rule.ADDRESS),
                arguments("https://100.64.0.1/hook", Rule.ADDRESS),
                arguments("https://100.127.255.254/hook", Rule.ADDRESS),
                arguments("https://[::ffff:10.0.0.1]/hook", Rule.ADDRESS),
                arguments("https://[::ffff:192.168.0.1]/hook", Rule.ADDRESS),
                // link-local, the metadata service, unique-local
                arguments("https://169.254.169.254/latest/meta-data/", Rule.ADDRESS),
                arguments("https://[fe80::1]/hook", Rule.ADDRESS),
                arguments("https://[fd00::1]/hook", Rule.ADDRESS),
                arguments("https://[fd00:ec2::254]/hook", Rule.ADDRESS),
                arguments("https://[fc00::1]/hook", Rule.ADDRESS),
                // unspecified, multicast, broadcast, reserved, documentation
                arguments("https://0.0.0.0/hook", Rule.ADDRESS),
                arguments("https://[::]/hook", Rule.ADDRESS),
                arguments("https://224.0.0.1/hook", Rule.ADDRESS),
                arguments("https://[ff02::1]/hook", Rule.ADDRESS),
                arguments("https://255.255.255.255/hook", Rule.ADDRESS),
                arguments("https://240.0.0.1/hook", Rule.ADDRESS),
                arguments("https://198.51.100.7/hook", Rule.ADDRESS),
                arguments("https://[2001:db8::1]/hook", Rule.ADDRESS),
                // IPv6 forms that lead to a private IPv4 address
                arguments("https://[64:ff9b::a00:1]/hook", Rule.ADDRESS),
                arguments("https://[2002:a00:1::1]/hook", Rule.ADDRESS),
                arguments("https://[::10.0.0.1]/hook", Rule.ADDRESS),
                // names that mean this machine or this network
                arguments("https://localhost/hook", Rule.LOCAL_NAME),
                arguments("https://LOCALHOST./hook", Rule.LOCAL_NAME),
                arguments("https://api.localhost/hook", Rule.LOCAL_NAME),
                arguments("https://hooks/hook", Rule.LOCAL_NAME),
                // names that resolve where they may not lead
                arguments("https://evil.example/hook", Rule.ADDRESS),
                arguments("https://public-then-private.example/hook", Rule.ADDRESS),
                arguments("https://private-then-public.example/hook", Rule.ADDRESS),
                arguments("https://metadata.example/hook", Rule.ADDRESS),
                arguments("https://loopback.example/hook", Rule.ADDRESS),
                arguments("https://ula.example/hook", Rule.ADDRESS),
                arguments("https://mapped.example/hook", Rule.ADDRESS),
                arguments("https://nat64-private.example/hook", Rule.ADDRESS),
                arguments("https://cgnat.example/hook", Rule.ADDRESS),
                arguments("https://10.0.0.1.nip.io/hook", Rule.ADDRESS),
                arguments("https://nowhere.example/hook", Rule.UNRESOLVED),
                // form
                arguments("http://hooks.example.com/hook", Rule.SCHEME),
                arguments("ftp://hooks.example.com/hook", Rule.SCHEME),
                arguments("file:///etc/passwd", Rule.SCHEME),
                arguments("https://user:secret@hooks.example.com/hook", Rule.USER_INFO),
                arguments("https://hooks.example.com@10.0.0.1/hook", Rule.USER_INFO),
                arguments("https://hooks.example.com/" + "a".repeat(WebhookTargets.MAX_URL_CHARS), Rule.LENGTH),
                arguments("/hook", Rule.FORM),
                arguments("", Rule.FORM),
                arguments("https:hooks.example.com", Rule.FORM),
                arguments("https:///hook", Rule.FORM),
                arguments("https://hooks.example.com:99999/hook", Rule.FORM),
                arguments("https://exa_mple.com/hook", Rule.FORM),
                arguments("https://b\u00fccher.example/hook", Rule.FORM),
                arguments("https://8.8.2056/hook", Rule.FORM),
                arguments("https://1.2.3.4.5/hook", Rule.FORM),
                arguments("https://256.1.1.1/hook", Rule.FORM),
                arguments("https://[fe80::1%25eth0]/hook", Rule.FORM),
                arguments("https://hooks.example.com /hook", Rule.FORM),
                arguments("https://hooks.example.com:0/hook", Rule.FORM),
                arguments("https://hooks.example.com:65536/hook", Rule.FORM),
                arguments("https://u@v@hooks.example.com/hook", Rule.USER_INFO),
                arguments("   ", Rule.FORM),
                arguments(null, Rule.FORM));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void refusedWhereDeployed(String url, Rule rule) {
        assertThatThrownBy(() -> DEPLOYED.check(url))
                .isInstanceOfSatisfying(WebhookTargetRefusedException.class, e -> assertThat(e.rule()).isEqualTo(rule));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://hooks.example.com/wan",
        "https://hooks.example.com:8443/wan?tenant=7#ignored",
        "https://HOOKS.Example.COM./wan",
        "https://two.example.com/wan",
        "https://v6.example.com/wan",
        "https://nat64-public.example.com/wan",
        "https://8.8.8.8/wan",
        "https://172.32.0.1/wan",
        "https://100.128.0.1/wan",
        "https://[2606:4700:4700::1111]/wan",
        "https://[64:ff9b::808:808]/wan",
        "https://hooks.example.com:65535/wan",
    })
    void publicHttpsTargetsAreAccepted(String url) {
        WebhookTarget target = DEPLOYED.check(url);

        assertThat(target.url().toString()).isEqualTo(url);
        assertThat(target.addresses()).isNotEmpty();
    }

    @Test
    void aNameIsAcceptedWithEveryAddressItResolvesTo() throws Exception {
        assertThat(DEPLOYED.check("https://two.example.com/wan").addresses())
                .containsExactly(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("8.8.8.8"));
    }

    @Test
    void aUrlOfExactlyTheLimitIsAccepted() {
        String start = "https://hooks.example.com/";
        String url = start + "a".repeat(WebhookTargets.MAX_URL_CHARS - start.length());
        assertThat(DEPLOYED.check(url).url().toString()).hasSize(2048);
        assertThatThrownBy(() -> DEPLOYED.check(url + "a")).hasMessage("it is longer than 2048 characters");
    }

    @Test
    void eachRefusalCompletesASentenceAboutTheUrl() {
        assertThatThrownBy(() -> DEPLOYED.check(null)).hasMessage("it is blank");
        assertThatThrownBy(() -> DEPLOYED.check(" ")).hasMessage("it is blank");
        assertThatThrownBy(() -> DEPLOYED.check("/hook")).hasMessage("it is not an absolute URL");
        assertThatThrownBy(() -> DEPLOYED.check("https:hooks.example.com")).hasMessage("it is not an absolute URL with a host");
        assertThatThrownBy(() -> DEPLOYED.check("https:///hook")).hasMessage("it is not an absolute URL with a host");
        assertThatThrownBy(() -> DEPLOYED.check("https://hooks.example.com /hook"))
                .hasMessageStartingWith("it is not a valid URL (Illegal character in authority");
        assertThatThrownBy(() -> LOCAL.check("ftp://127.0.0.1/hook")).hasMessage("it must use https or http");
        assertThatThrownBy(() -> DEPLOYED.check("https://u@v@hooks.example.com/hook"))
                .hasMessage("it must not contain user info (user:password@)");
        assertThatThrownBy(() -> DEPLOYED.check("https://exa_mple.com/hook"))
                .hasMessage("its host exa_mple.com is not a valid host name (international names go in their xn-- form)");
        assertThatThrownBy(() -> DEPLOYED.check("https://8.8.2056:443/hook"))
                .hasMessage("its host 8.8.2056 is not a valid IPv4 address; write it as four decimal numbers");
        assertThatThrownBy(() -> DEPLOYED.check("https://hooks.example.com:0/hook")).hasMessage("its port 0 is not a valid port");
        assertThatThrownBy(() -> DEPLOYED.check("https://[fe80::1%25eth0]/hook")).hasMessage("its host fe80::1%25eth0 names a network interface");
        assertThatThrownBy(() -> DEPLOYED.resolve("[fe80::1::2]")).hasMessage("its host fe80::1::2 is not a valid IPv6 address");
        assertThatThrownBy(() -> DEPLOYED.check("https://localhost/hook")).hasMessage("its host localhost names this machine");
        assertThatThrownBy(() -> DEPLOYED.check("https://hooks/hook")).hasMessage("its host hooks is not a fully qualified domain name");
        assertThatThrownBy(() -> DEPLOYED.check("https://nowhere.example/hook")).hasMessage("its host nowhere.example does not resolve");
    }

    @Test
    void theSenderResolvesHostsAsTheyAppearInUrls() throws Exception {
        assertThat(DEPLOYED.resolve("HOOKS.example.com.")).containsExactly(InetAddress.getByName("93.184.215.14"));
        assertThat(DEPLOYED.resolve("[2606:4700:4700::1111]")).containsExactly(InetAddress.getByName("2606:4700:4700::1111"));
        assertThat(DEPLOYED.resolve("8.8.8.8")).containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(LOCAL.resolve("127.0.0.1")).containsExactly(InetAddress.getByName("127.0.0.1"));
        // Where loopback is allowed, a legacy notation is still refused for what it is.
        assertThatThrownBy(() -> LOCAL.resolve("0x7f.1")).hasMessage("its host 0x7f.1 is not a valid IPv4 address; write it as four decimal numbers");
        for (String host : new String[] {"256.1.1.1", "8.8.2056", "1.2.3.4.5"}) {
            assertThatThrownBy(() -> DEPLOYED.resolve(host)).as(host)
                    .isInstanceOfSatisfying(WebhookTargetRefusedException.class, e -> assertThat(e.rule()).isEqualTo(Rule.FORM))
                    .hasMessage("its host " + host + " is not a valid IPv4 address; write it as four decimal numbers");
        }
        assertThatThrownBy(() -> DEPLOYED.resolve("0x7f.1")).hasMessage("its host 0x7f.1 is a loopback address");
        assertThatThrownBy(() -> DEPLOYED.resolve("")).hasMessage("it has no host");
        assertThatThrownBy(() -> DEPLOYED.resolve("[]")).hasMessage("it has no host");
    }

    @Test
    void aResolverThatFindsNothingLeavesTheHostUnresolved() {
        for (HostResolver nothing : new HostResolver[] {name -> List.of(), name -> null}) {
            assertThatThrownBy(() -> new WebhookTargets(Policy.DEPLOYED, nothing).check("https://hooks.example.com/wan"))
                    .isInstanceOfSatisfying(WebhookTargetRefusedException.class, e -> assertThat(e.rule()).isEqualTo(Rule.UNRESOLVED))
                    .hasMessage("its host hooks.example.com does not resolve");
        }
    }

    @Test
    void theSystemResolverParsesAddressLiteralsWithoutALookup() throws Exception {
        assertThat(HostResolver.system().resolve("192.0.2.1")).containsExactly(InetAddress.getByName("192.0.2.1"));
        assertThat(new WebhookTargets(Policy.LOCAL).policy()).isEqualTo(Policy.LOCAL);
        assertThat(DEPLOYED.policy()).isEqualTo(Policy.DEPLOYED);
    }

    @Test
    void theRefusalSaysWhichAddressAndWhy() {
        assertThatThrownBy(() -> DEPLOYED.check("https://public-then-private.example/hook"))
                .hasMessage("its host public-then-private.example resolves to 10.0.0.1, a private address");
        assertThatThrownBy(() -> DEPLOYED.check("https://169.254.169.254/latest/meta-data/"))
                .hasMessageContaining("169.254.169.254 is a link-local address");
        assertThatThrownBy(() -> DEPLOYED.check("https://127.1/hook"))
                .hasMessage("its host 127.1 is a loopback address");
        assertThatThrownBy(() -> DEPLOYED.check("https://[::ffff:10.0.0.1]/hook"))
                .hasMessageContaining("a private address");
        assertThatThrownBy(() -> DEPLOYED.check("https://nat64-private.example/hook"))
                .hasMessageContaining("an IPv6 form of 10.0.0.1, a private address");
        assertThatThrownBy(() -> DEPLOYED.check("http://hooks.example.com/hook")).hasMessage("it must use https");
    }

    @Test
    void checkingTheFormLooksNothingUp() {
        WebhookTargets noDns = new WebhookTargets(Policy.DEPLOYED, name -> {
            throw new AssertionError("looked up " + name);
        });

        assertThat(noDns.checkForm("https://nowhere.example/hook").getHost()).isEqualTo("nowhere.example");
        assertThatThrownBy(() -> noDns.checkForm("https://10.0.0.1/hook"))
                .isInstanceOfSatisfying(WebhookTargetRefusedException.class, e -> assertThat(e.rule()).isEqualTo(Rule.ADDRESS));
        assertThat(noDns.resolve("[2606:4700:4700::1111]")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:3000/hook",
        "http://localhost:3000/hook",
        "https://[::1]:8443/hook",
        "http://hooks:8080/hook",
        "https://hooks.example.com/wan",
    })
    void theLocalStackAlsoAcceptsHttpAndLoopback(String url) {
        assertThat(LOCAL.check(url).addresses()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void theLocalStackStillRefusesEverythingElse(String url, Rule rule) {
        assertThatThrownBy(() -> LOCAL.check(url))
                .isInstanceOfSatisfying(WebhookTargetRefusedException.class, e -> assertThat(e.rule()).isEqualTo(rule));
    }

    static Stream<Arguments> theLocalStackStillRefusesEverythingElse() {
        return Stream.of(
                arguments("http://10.0.0.1/hook", Rule.ADDRESS),
                arguments("http://169.254.169.254/latest/meta-data/", Rule.ADDRESS),
                arguments("http://evil.example/hook", Rule.ADDRESS),
                arguments("http://local-and-private.example/hook", Rule.ADDRESS),
                arguments("http://0.0.0.0:3000/hook", Rule.ADDRESS),
                arguments("ftp://127.0.0.1/hook", Rule.SCHEME),
                arguments("http://user@127.0.0.1/hook", Rule.USER_INFO));
    }
}
