package org.drbdj.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonOptionsTest {
    @Test
    void defaultsServeNbdOnTheUnixSocketOnly() {
        DaemonOptions o = DaemonOptions.parse(List.of("--run-dir", "/tmp/r"));
        assertThat(o.runDir()).isEqualTo(Path.of("/tmp/r"));
        assertThat(o.nbdListen()).isNull();
        assertThat(o.deviceStrategy()).isEqualTo("auto");
    }

    @Test
    void nbdListenTakesLiteralIpv4AndBracketedIpv6() {
        InetSocketAddress v4 = DaemonOptions.parse(List.of("--nbd-listen", "127.0.0.1:10809")).nbdListen();
        assertThat(v4.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(v4.getPort()).isEqualTo(10809);
        InetSocketAddress v6 = DaemonOptions.parse(List.of("--nbd-listen", "[::1]:0")).nbdListen();
        assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
        assertThat(v6.getPort()).isZero();
    }

    @Test
    void badValuesAreRefusedNamingTheValueAndTheForm() {
        for (String bad : List.of("10809", "localhost:10809", "127.0.0.1:", "127.0.0.1:70000", ":10809")) {
            assertThatThrownBy(() -> DaemonOptions.parse(List.of("--nbd-listen", bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("127.0.0.1:10809");
        }
        assertThatThrownBy(() -> DaemonOptions.parse(List.of("--nbd-listen")))
                .hasMessageContaining("--nbd-listen needs a value");
        assertThatThrownBy(() -> DaemonOptions.parse(List.of("--log-file", "x")))
                .hasMessageContaining("bin/drbdd launcher");
    }
}
