package io.wanvideo.local.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface. */
public final class LoopbackPorts {
    private LoopbackPorts() {}

    /**
     * A port that was free a moment ago. Servers that cannot bind port 0 and report the port they got
     * (DynamoDB Local) need one chosen for them; the window in which another process could take it is tiny.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
