package org.drbdj.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeShimTest {

    @Test
    void libraryLoadsOnLinux() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "Linux only");
        assertThat(NativeLibrary.unavailableReason()).isNull();
        assertThat(NativeLibrary.isAvailable()).isTrue();
    }

    @Test
    void pageSizeMatchesTheKernel() throws Exception {
        assumeTrue(NativeLibrary.isAvailable(), () -> "shim unavailable: " + NativeLibrary.unavailableReason());
        long page = NativeShim.pageSize();
        assertThat(page).isPositive();
        assertThat(Long.bitCount(page)).as("page size is a power of two").isEqualTo(1);
    }

    @Test
    void socketPairGivesTwoDistinctDescriptorsThatClose() throws Exception {
        assumeTrue(NativeLibrary.isAvailable(), () -> "shim unavailable: " + NativeLibrary.unavailableReason());
        int[] fds = NativeShim.socketPair();
        assertThat(fds[0]).isGreaterThan(2);
        assertThat(fds[1]).isGreaterThan(2).isNotEqualTo(fds[0]);
        NativeShim.close(fds[0]);
        NativeShim.close(fds[1]);
        // A second close of the same descriptor must surface EBADF with its errno.
        assertThatThrownBy(() -> NativeShim.close(fds[0]))
                .isInstanceOf(NativeIoException.class)
                .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(Errno.EBADF));
    }
}
