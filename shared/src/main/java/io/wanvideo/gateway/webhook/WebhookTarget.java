package io.wanvideo.gateway.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A webhook URL that passed {@link WebhookTargets#check(String)}, with the addresses its host stood for at
 * that moment. Those addresses are for the record; a delivery resolves again and checks again.
 */
public record WebhookTarget(URI url, List<InetAddress> addresses) {
    public WebhookTarget {
        addresses = List.copyOf(addresses);
    }
}
