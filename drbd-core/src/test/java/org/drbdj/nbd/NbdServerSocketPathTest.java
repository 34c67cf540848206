package org.drbdj.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;

class NbdServerSocketPathTest {
    @Test
    void aSocketPathPastTheKernelsLimitIsRefusedBeforeBinding() throws Exception {
        Path deep = Files.createDirectories(TestDirs.create(getClass(), "deep").resolve("d".repeat(60))
                .resolve("e".repeat(60)));
        Path socket = deep.resolve("nbd.sock");
        try (NbdServer server = new NbdServer(new NbdExportRegistry(), NbdServerOptions.defaults())) {
            assertThatThrownBy(() -> server.start(socket))
                    .hasMessageContaining(socket.toString()).hasMessageContaining("at most 107")
                    .hasMessageContaining("shorter directory");
        }
        assertThat(socket).doesNotExist();
    }
}
