package io.wanvideo.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A launched stack's ports come from below the ephemeral range, where no outgoing connection can take them first. */
class ListenPortsTest {
    @Test
    void aPortIsBelowTheEphemeralRangeAndFreeToBind() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int low = Files.exists(range) ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32768;
        for (int i = 0; i < 20; i++) {
            int port = ListenPorts.outsideEphemeralRange();
            assertThat(port).isGreaterThanOrEqualTo(1024).isLessThan(low);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
