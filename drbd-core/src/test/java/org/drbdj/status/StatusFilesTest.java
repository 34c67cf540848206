package org.drbdj.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The status file on a real file system: replaced atomically, readable by everyone, no leftovers. */
class StatusFilesTest {
    @Test
    @Timeout(60)
    void readersOnlyEverSeeWholeVersions() throws Exception {
        Path dir = TestDirs.create(StatusFilesTest.class, "status-files");
        Path proc = dir.resolve("proc");
        String a = ProcDrbdRenderer.render(ProcVersion.drbdj("a", "0", "h", "t"), List.of(ProcDrbdRendererTest.specSample()));
        String b = a.replace("ns:10557016", "ns:10557020").repeat(50);
        StatusFiles.publish(proc, a);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    String seen = Files.readString(proc, StandardCharsets.UTF_8);
                    if (!seen.equals(a) && !seen.equals(b)) {
                        torn.set(seen);
                    }
                } catch (IOException e) {
                    torn.set("read failed: " + e);
                }
            }
        }, "status-file-reader");
        reader.start();
        try {
            for (int i = 0; i < 300; i++) {
                StatusFiles.publish(proc, i % 2 == 0 ? b : a);
            }
        } finally {
            stop.set(true);
            reader.join(10_000);
        }
        assertThat(torn.get()).isNull();
        assertThat(Files.readString(proc)).isEqualTo(a);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(proc))).isEqualTo("rw-r--r--");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("proc");
        }
    }

    @Test
    void missingDirectoryIsNamed() throws Exception {
        Path missing = TestDirs.create(StatusFilesTest.class, "missing").resolve("no/such/dir/proc");
        assertThatThrownBy(() -> StatusFiles.publish(missing, "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("no/such/dir").hasMessageContaining("does not exist");
    }
}
