package io.wanvideo.gateway.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into the addresses it stands for. A seam so that tests can make a name resolve to
 * any address without DNS; the gateway uses {@link #system()}.
 */
@FunctionalInterface
public interface HostResolver {
    /**
     * @param name a host name, never an address literal
     * @return every address the name stands for, at least one
     * @throws UnknownHostException the name does not resolve
     */
    List<InetAddress> resolve(String name) throws UnknownHostException;

    /** The JVM's resolver (DNS and the hosts file, with the JVM's short positive cache). */
    static HostResolver system() {
        return name -> List.of(InetAddress.getAllByName(name));
    }
}
