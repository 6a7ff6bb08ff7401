package io.wanvideo.local.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a stack a benchmark launches as a separate process and binds later. A port the OS handed out for port 0
 * lies in its ephemeral range, which every outgoing connection draws its local port from: while the launched stack
 * starts (hundreds of connections to its embedded servers) one of them can take the chosen port before the stack
 * binds it, and the stack then stops, its port taken (seen about once in forty launches). A free port below that
 * range is never handed out by the OS, so it stays free for the stack.
 */
final class ListenPorts {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private ListenPorts() {}

    /** A port free now on loopback, below the ephemeral range (Linux's 32768 unless configured otherwise). */
    static int outsideEphemeralRange() throws IOException {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(Math.max(1024, below / 2), below);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another, then
            }
        }
        throw new IOException("no free port below " + below + " on loopback");
    }

    private static int ephemeralLow() {
        try {
            int low = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
            return low > 4096 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
