package org.drbdj.nativeio;

/** Symbolic names of the Linux errno values the product reports (x86_64/generic numbering). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ENOTTY = 25;
    public static final int EROFS = 30;
    public static final int ENAMETOOLONG = 36;
    public static final int EOPNOTSUPP = 95;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EMEDIUMTYPE = 124;

    private Errno() {
    }

    /** The symbolic name, or {@code "errno N"} for values not listed here. */
    public static String name(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EIO: return "EIO";
            case EBADF: return "EBADF";
            case EAGAIN: return "EAGAIN";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EBUSY: return "EBUSY";
            case EEXIST: return "EEXIST";
            case ENODEV: return "ENODEV";
            case EINVAL: return "EINVAL";
            case ENOSPC: return "ENOSPC";
            case ENOTTY: return "ENOTTY";
            case EROFS: return "EROFS";
            case ENAMETOOLONG: return "ENAMETOOLONG";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case ETIMEDOUT: return "ETIMEDOUT";
            case ECONNREFUSED: return "ECONNREFUSED";
            case EMEDIUMTYPE: return "EMEDIUMTYPE";
            default: return "errno " + errno;
        }
    }
}
