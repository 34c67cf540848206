package org.drbdj.device;

import java.io.IOException;
import java.nio.file.Path;
import org.drbdj.nativeio.NativeShim;
import org.drbdj.nativeio.NbdIoctl;
import org.drbdj.nativeio.NbdNetlink;
import org.drbdj.nativeio.NbdNetlinkClient;

/**
 * The syscalls of the kernel-nbd strategy, behind a seam so the attach/teardown logic (fallback
 * from netlink to ioctls, rollback after partial failures, reconnect) is unit-tested with a
 * fake; {@link #shim(int)} is the real one on top of the JNI shim.
 */
interface NbdKernelOps {
    int unixConnect(Path socket) throws IOException;

    NbdClientHandshake.Io io(int fd);

    /** NBD_CMD_CONNECT; returns the device index the kernel used. */
    int netlinkConnect(NbdNetlink.ConnectRequest request) throws IOException;

    void netlinkReconfigure(int index, int socketFd, long timeoutSeconds, long deadConnTimeoutSeconds) throws IOException;

    void netlinkDisconnect(int index) throws IOException;

    int openDevice(Path device) throws IOException;

    /** One NBD ioctl; {@link NbdIoctl#DO_IT} blocks until disconnect. */
    void ioctl(int fd, NbdIoctl request, long arg) throws IOException;

    void close(int fd) throws IOException;

    /** The real operations; each netlink exchange uses its own short-lived socket. */
    static NbdKernelOps shim(int ioTimeoutMs) {
        return new NbdKernelOps() {
            @Override
            public int unixConnect(Path socket) throws IOException {
                return NativeShim.unixConnect(socket.toAbsolutePath().toString());
            }

            @Override
            public NbdClientHandshake.Io io(int fd) {
                return new NbdClientHandshake.Io() {
                    @Override
                    public void readFully(byte[] buf) throws IOException {
                        for (int off = 0; off < buf.length; off += 1 << 16) {
                            NativeShim.readFully(fd, buf, off, Math.min(1 << 16, buf.length - off), ioTimeoutMs);
                        }
                    }

                    @Override
                    public void writeFully(byte[] buf) throws IOException {
                        NativeShim.writeFully(fd, buf, 0, buf.length, ioTimeoutMs);
                    }
                };
            }

            @Override
            public int netlinkConnect(NbdNetlink.ConnectRequest request) throws IOException {
                try (NbdNetlinkClient c = new NbdNetlinkClient(NbdNetlinkClient.socketTransport(ioTimeoutMs))) {
                    return c.connect(request);
                }
            }

            @Override
            public void netlinkReconfigure(int index, int socketFd, long timeoutSeconds, long deadConnTimeoutSeconds)
                    throws IOException {
                try (NbdNetlinkClient c = new NbdNetlinkClient(NbdNetlinkClient.socketTransport(ioTimeoutMs))) {
                    c.reconfigure(index, new int[] {socketFd}, timeoutSeconds, deadConnTimeoutSeconds);
                }
            }

            @Override
            public void netlinkDisconnect(int index) throws IOException {
                try (NbdNetlinkClient c = new NbdNetlinkClient(NbdNetlinkClient.socketTransport(ioTimeoutMs))) {
                    c.disconnect(index);
                }
            }

            @Override
            public int openDevice(Path device) throws IOException {
                return NativeShim.openDevice(device.toString());
            }

            @Override
            public void ioctl(int fd, NbdIoctl request, long arg) throws IOException {
                NativeShim.nbdIoctl(fd, request, arg);
            }

            @Override
            public void close(int fd) throws IOException {
                NativeShim.close(fd);
            }
        };
    }
}
