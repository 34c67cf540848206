package org.drbdj.storage;

import org.drbdj.nativeio.NativeIoException;

/**
 * A failed operation on a backing device: carries the errno (from {@link NativeIoException}), the
 * device path and the byte range, so that the device layer can apply DRBD's {@code on-io-error}
 * policy ({@code detach}, {@code pass_on}, {@code call-local-io-error}) to exactly that range.
 */
public class DeviceIoException extends NativeIoException {
    private static final long serialVersionUID = 1L;
    private final String devicePath;
    private final long offsetBytes;
    private final long lengthBytes;

    public DeviceIoException(String operation, String devicePath, long offsetBytes, long lengthBytes, int errno) {
        super(operation + "(" + devicePath + ", offset " + offsetBytes + ", " + lengthBytes + " bytes)", errno);
        this.devicePath = devicePath;
        this.offsetBytes = offsetBytes;
        this.lengthBytes = lengthBytes;
    }

    /** The path the device was opened with. */
    public String devicePath() {
        return devicePath;
    }

    /** First byte of the failed request (0 for whole-device operations such as flush). */
    public long offsetBytes() {
        return offsetBytes;
    }

    /** Length of the failed request in bytes (0 for flush). */
    public long lengthBytes() {
        return lengthBytes;
    }
}
