package org.drbdj.meta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The device (or regular file) that holds a volume's meta-data, opened for positional I/O with a
 * plain {@link FileChannel}. The JDK reports the size of block devices correctly
 * ({@code FileChannel.size()} uses BLKGETSIZE64 for them), so no native code is needed here; the
 * storage package will later provide O_DIRECT/FUA access for the running engine.
 *
 * <p>Reads and writes are whole-range: a short read past the end is an error, never silent
 * zeros, because a truncated superblock must not be mistaken for a valid one.
 */
public final class MetaDataDevice implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final long sizeBytes;
    private final int logicalBlockBytes;

    private MetaDataDevice(Path path, FileChannel channel, long sizeBytes, int logicalBlockBytes) {
        this.path = path;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
        this.logicalBlockBytes = logicalBlockBytes;
    }

    /** Opens {@code path} read-only ({@code writable=false}) or read-write. */
    public static MetaDataDevice open(Path path, boolean writable) {
        if (!Files.exists(path)) {
            throw new MetaDataException(20, "open(" + path + ") failed: No such file or directory");
        }
        try {
            FileChannel ch = writable
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            long size = ch.size();
            return new MetaDataDevice(path, ch, size, logicalBlockSize(path));
        } catch (IOException e) {
            throw new MetaDataException(20, "open(" + path + ") failed: " + e.getMessage(), e);
        }
    }

    /**
     * The logical block size of a block device (from sysfs), 512 for regular files; drbdmeta aligns
     * bitmap writes to it ({@code md_hard_sect_size}).
     */
    static int logicalBlockSize(Path path) {
        try {
            Path real = path.toRealPath();
            if (!real.startsWith("/dev/")) {
                return 512;
            }
            Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "queue", "logical_block_size");
            if (Files.isReadable(sys)) {
                return Integer.parseInt(Files.readString(sys).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: 512 is what every device accepts for buffered I/O
        }
        return 512;
    }

    public Path path() {
        return path;
    }

    /** Size of the device in bytes. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The device's logical block size, bytes. */
    public int logicalBlockBytes() {
        return logicalBlockBytes;
    }

    /** Reads exactly {@code length} bytes at {@code offsetBytes}. */
    public ByteBuffer read(long offsetBytes, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            while (buf.hasRemaining()) {
                int n = channel.read(buf, offsetBytes + buf.position());
                if (n < 0) {
                    throw new MetaDataException(10, "short read from " + path + " at byte offset "
                            + (offsetBytes + buf.position()) + ": end of device (size " + sizeBytes + ")");
                }
            }
        } catch (IOException e) {
            throw new MetaDataException(10, "read from " + path + " at byte offset " + offsetBytes
                    + " failed: " + e.getMessage(), e);
        }
        return buf.flip();
    }

    /** Writes all remaining bytes of {@code data} at {@code offsetBytes}. */
    public void write(long offsetBytes, ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        long pos = offsetBytes;
        if (offsetBytes + b.remaining() > sizeBytes) {
            throw new MetaDataException(10, "write to " + path + " at byte offset " + offsetBytes + " of "
                    + b.remaining() + " bytes would go past the end of the device (size " + sizeBytes + ")");
        }
        try {
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        } catch (IOException e) {
            throw new MetaDataException(10, "write to " + path + " at byte offset " + offsetBytes
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Makes every completed write durable (fdatasync). */
    public void flush() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new MetaDataException(10, "flush of " + path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new MetaDataException(10, "close of " + path + " failed: " + e.getMessage(), e);
        }
    }
}
