package org.drbdj.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A {@link BackingDevice} in a heap array, for model-based tests that need thousands of cheap writes. */
public final class MemoryDevice implements BackingDevice {
    private final byte[] data;

    public MemoryDevice(int sizeBytes) {
        this.data = new byte[sizeBytes];
    }

    /** The backing array (live). */
    public byte[] data() {
        return data;
    }

    @Override
    public Path path() {
        return Path.of("memory");
    }

    @Override
    public boolean isBlockDevice() {
        return false;
    }

    @Override
    public boolean isDirect() {
        return false;
    }

    @Override
    public long sizeBytes() {
        return data.length;
    }

    @Override
    public int logicalBlockSizeBytes() {
        return 512;
    }

    @Override
    public synchronized void read(ByteBuffer dst, long offsetBytes) {
        BackingDevice.checkRange("read", path(), offsetBytes, dst.remaining(), data.length);
        dst.put(data, (int) offsetBytes, dst.remaining());
    }

    @Override
    public synchronized void write(ByteBuffer src, long offsetBytes) {
        BackingDevice.checkRange("write", path(), offsetBytes, src.remaining(), data.length);
        src.get(data, (int) offsetBytes, src.remaining());
    }

    @Override
    public void writeFua(ByteBuffer src, long offsetBytes) {
        write(src, offsetBytes);
    }

    @Override
    public void flush() {
    }

    @Override
    public synchronized void discard(long offsetBytes, long lengthBytes) {
        writeZeroes(offsetBytes, lengthBytes);
    }

    @Override
    public synchronized void writeZeroes(long offsetBytes, long lengthBytes) {
        BackingDevice.checkRange("writeZeroes", path(), offsetBytes, lengthBytes, data.length);
        java.util.Arrays.fill(data, (int) offsetBytes, (int) (offsetBytes + lengthBytes), (byte) 0);
    }

    @Override
    public void close() throws IOException {
    }
}
