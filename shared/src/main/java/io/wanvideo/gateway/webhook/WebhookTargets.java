package io.wanvideo.gateway.webhook;

import io.wanvideo.gateway.api.ApiErrors;
import io.wanvideo.gateway.net.NetworkAddresses;
import io.wanvideo.gateway.net.SpecialPurposeAddresses;
import io.wanvideo.gateway.webhook.WebhookTargetRefusedException.Rule;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which URLs a webhook may be sent to. A tenant chooses the URL and the gateway calls it from inside AWS, so
 * the URL must not lead into the gateway's own network (server-side request forgery): every address its
 * host stands for must be on the public internet.
 *
 * <p>A refusal repeats the host as the API's errors repeat any client value ({@link ApiErrors#echo}): a URL may be
 * 2048 characters long, what is said about it is not.
 *
 * <p>{@link #check(String)} is for registration (the URL's form and its addresses now);
 * {@link #checkForm(String)} and {@link #resolve(String)} are the two halves, for the sender, which resolves
 * once per connection and connects to exactly the addresses checked.
 */
public final class WebhookTargets {
    /** Far beyond any real endpoint; keeps one field from filling a record. */
    public static final int MAX_URL_CHARS = 2048;

    public enum Policy {
        /** AWS: https only, to public addresses only. */
        DEPLOYED(false),
        /** The one-machine stack: also http, and also loopback, where a developer's receiver runs. */
        LOCAL(true);

        private final boolean local;

        Policy(boolean local) {
            this.local = local;
        }

        boolean allowsHttp() {
            return local;
        }

        boolean allowsLoopback() {
            return local;
        }
    }

    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    private final Policy policy;
    private final HostResolver resolver;

    public WebhookTargets(Policy policy, HostResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    public WebhookTargets(Policy policy) {
        this(policy, HostResolver.system());
    }

    public Policy policy() {
        return policy;
    }

    /**
     * The whole check, for a URL a tenant registers: its form, then every address its host resolves to.
     *
     * @throws WebhookTargetRefusedException the URL may not be called
     */
    public WebhookTarget check(String url) {
        URI uri = checkForm(url);
        return new WebhookTarget(uri, resolve(uri.getHost()));
    }

    /**
     * The URL's form, without any lookup: absolute http(s) as the policy allows, no user info, at most
     * {@link #MAX_URL_CHARS}, a valid host and port, not a local name, not a forbidden address literal.
     *
     * @throws WebhookTargetRefusedException the URL may not be called
     */
    public URI checkForm(String url) {
        if (url == null || url.isBlank()) {
            throw new WebhookTargetRefusedException(Rule.FORM, "it is blank");
        }
        if (url.length() > MAX_URL_CHARS) {
            throw new WebhookTargetRefusedException(Rule.LENGTH, "it is longer than " + MAX_URL_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new WebhookTargetRefusedException(Rule.FORM, "it is not a valid URL (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null) {
            throw new WebhookTargetRefusedException(Rule.FORM, "it is not an absolute URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = "https".equals(scheme) || ("http".equals(scheme) && policy.allowsHttp());
        if (!allowed) {
            throw new WebhookTargetRefusedException(Rule.SCHEME,
                    policy.allowsHttp() ? "it must use https or http" : "it must use https");
        }
        if (uri.getRawAuthority() == null || uri.isOpaque()) {
            throw new WebhookTargetRefusedException(Rule.FORM, "it is not an absolute URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            throw new WebhookTargetRefusedException(Rule.USER_INFO, "it must not contain user info (user:password@)");
        }
        String host = uri.getHost();
        if (host == null) {
            // java.net.URI gives up on hosts it cannot read (127.1, names with _ or non-ASCII letters). A
            // numeric one is still an address to other parsers: refuse it as that address where we can tell.
            String authority = uri.getRawAuthority().replaceFirst(":[0-9]*$", "");
            Optional<InetAddress> numeric = NetworkAddresses.legacyIpv4(authority.toLowerCase(Locale.ROOT));
            if (numeric.isPresent()) {
                checkAddress(authority, numeric.get(), false);
                throw new WebhookTargetRefusedException(Rule.FORM, "its host " + ApiErrors.echo(authority)
                        + " is not a valid IPv4 address; write it as four decimal numbers");
            }
            throw new WebhookTargetRefusedException(Rule.FORM, "its host " + ApiErrors.echo(authority)
                    + " is not a valid host name (international names go in their xn-- form)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new WebhookTargetRefusedException(Rule.FORM, "its port " + uri.getPort() + " is not a valid port");
        }
        checkName(host);
        return uri;
    }

    /**
     * Every address {@code host} stands for, each checked: a literal is parsed (never looked up), a name is
     * resolved once through the {@link HostResolver}. The caller connects to these addresses and no others.
     *
     * @param host a host name or address literal, as in a URL (IPv6 in brackets or not)
     * @throws WebhookTargetRefusedException the host is a local name, does not resolve, or any of its
     *     addresses is not allowed
     */
    public List<InetAddress> resolve(String host) {
        Optional<InetAddress> literal = checkName(host);
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        String name = NetworkAddresses.hostName(host);
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            throw new WebhookTargetRefusedException(Rule.UNRESOLVED, "its host " + ApiErrors.echo(name) + " does not resolve");
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new WebhookTargetRefusedException(Rule.UNRESOLVED, "its host " + ApiErrors.echo(name) + " does not resolve");
        }
        // One bad address refuses the name: a resolver may hand out any of them, in any order.
        for (InetAddress address : addresses) {
            checkAddress(name, address, true);
        }
        return List.copyOf(addresses);
    }

    /**
     * Checks what can be known about a host without a lookup.
     *
     * @return the address, when the host is an address literal (already checked); empty for a name
     */
    private Optional<InetAddress> checkName(String host) {
        String name = NetworkAddresses.hostName(host);
        if (name.isEmpty()) {
            throw new WebhookTargetRefusedException(Rule.FORM, "it has no host");
        }
        if (name.contains(":")) {
            return Optional.of(checkAddress(name, ipv6Literal(name), false));
        }
        if (NetworkAddresses.isNumeric(name)) {
            Optional<InetAddress> address = NetworkAddresses.legacyIpv4(name);
            // Refuse a forbidden address as that, whatever its notation; then refuse the notation itself.
            address.ifPresent(a -> checkAddress(name, a, false));
            if (address.isEmpty() || !DOTTED_QUAD.matcher(name).matches()) {
                throw new WebhookTargetRefusedException(Rule.FORM, "its host " + ApiErrors.echo(name)
                        + " is not a valid IPv4 address; write it as four decimal numbers");
            }
            return address;
        }
        if (!policy.allowsLoopback()) {
            if (NetworkAddresses.isLocalName(name)) {
                throw new WebhookTargetRefusedException(Rule.LOCAL_NAME, "its host " + ApiErrors.echo(name)
                        + " names this machine");
            }
            // A one-label name is completed with the resolver's search domains: it means a host on our network.
            if (!name.contains(".")) {
                throw new WebhookTargetRefusedException(Rule.LOCAL_NAME, "its host " + ApiErrors.echo(name)
                        + " is not a fully qualified domain name");
            }
        }
        return Optional.empty();
    }

    private InetAddress checkAddress(String host, InetAddress address, boolean resolved) {
        if (policy.allowsLoopback() && SpecialPurposeAddresses.isLoopback(address)) {
            return address;
        }
        Optional<String> kind = SpecialPurposeAddresses.kind(address);
        if (kind.isPresent()) {
            String shown = address.getHostAddress();
            throw new WebhookTargetRefusedException(Rule.ADDRESS, resolved
                    ? "its host " + ApiErrors.echo(host) + " resolves to " + shown + ", " + kind.get()
                    : "its host " + ApiErrors.echo(host) + " is " + kind.get());
        }
        return address;
    }

    private static InetAddress ipv6Literal(String literal) {
        if (literal.contains("%")) {
            // A zone picks a local interface: only meaningful for link-local addresses, never for a webhook.
            throw new WebhookTargetRefusedException(Rule.FORM, "its host " + ApiErrors.echo(literal)
                    + " names a network interface");
        }
        try {
            // In brackets, InetAddress only parses, and fails rather than falling back to a lookup.
            return InetAddress.getByName("[" + literal + "]");
        } catch (UnknownHostException e) {
            throw new WebhookTargetRefusedException(Rule.FORM, "its host " + ApiErrors.echo(literal)
                    + " is not a valid IPv6 address");
        }
    }
}
