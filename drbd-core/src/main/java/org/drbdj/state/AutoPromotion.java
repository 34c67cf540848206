package org.drbdj.state;

/**
 * DRBD 9's {@code auto-promote} rules as pure functions: what I/O reaching {@code /dev/drbdN}
 * gets in each role, whether the block layer's read-only flag is set, and when an automatically
 * promoted resource goes back to Secondary. The daemon feeds them facts (role, disk, holders,
 * the time of the last write); time is a parameter.
 *
 * <pre>
 *              write / open for write (auto-promote yes)
 *   Secondary ─────────────────────────────────────────▶ Primary (auto)
 *       ▲                                                   │
 *       └──── no writer, not mounted, no write for quietNs ─┘
 *
 *   drbdadm primary ──▶ Primary (explicit): never demoted automatically
 * </pre>
 *
 * <p>DRBD 9 decides at {@code open()}: an open for write promotes (or fails), the last close
 * demotes. A borrowed block device cannot veto an open from userspace, so here the first write
 * is the decisive event, and "last close" is approximated by the holders we can observe plus a
 * quiet period (see docs/devices.md).
 */
public final class AutoPromotion {
    private AutoPromotion() {
    }

    /** What one request reaching the device gets. */
    public enum Access {
        /** Serve it now. */
        SERVE,
        /** Promote first; serve it if the promotion commits, else refuse it. */
        PROMOTE_FIRST,
        /** Refuse it (EPERM at the export). */
        REFUSE
    }

    /** A write, trim or zeroing: a Primary serves, a Secondary promotes first when auto-promote is on. */
    public static Access write(Role role, boolean autoPromote) {
        if (role == Role.PRIMARY) {
            return Access.SERVE;
        }
        return autoPromote ? Access.PROMOTE_FIRST : Access.REFUSE;
    }

    /**
     * A read: DRBD 9 lets a Secondary with UpToDate data be opened read-only. Here that is tied
     * to auto-promote, because a mount must read the superblock before its first write can
     * promote; with auto-promote off every I/O of a Secondary is refused, as with DRBD 8.4.
     */
    public static Access read(Role role, boolean autoPromote, DiskState disk) {
        if (role == Role.PRIMARY) {
            return Access.SERVE;
        }
        return autoPromote && disk == DiskState.UP_TO_DATE ? Access.SERVE : Access.REFUSE;
    }

    /**
     * Whether the block layer's read-only flag belongs on the device: on a Secondary without
     * auto-promote (writes then fail in the kernel, and mount gives up). With auto-promote the
     * device must stay writable, or the write that should promote would never reach us.
     */
    public static boolean readOnlyFlag(Role role, boolean autoPromote) {
        return role != Role.PRIMARY && !autoPromote;
    }

    /** Where an automatically promoted resource stands with respect to demotion. */
    public enum Demotion {
        /** Not Primary, or promoted by an operator: nothing to do. */
        NOT_AUTO_PROMOTED,
        /** Something still holds the device open for write, or it is mounted. */
        HELD,
        /** Released, but a write arrived less than the quiet period ago: wait. */
        SETTLING,
        /** Released and quiet: demote now. */
        DEMOTE
    }

    /**
     * DRBD 9 demotes an auto-promoted resource on the last close of its devices. We see opens for
     * write and mounts, but not every opener (a file descriptor inherited by a child, an opener of
     * the loop device itself), so a write within {@code quietNs} also counts as "still in use".
     *
     * @param autoPromoted the current Primary role came from auto-promotion
     * @param role         the current role
     * @param held         any volume is open for write by a tracked process, mounted, or has holders
     * @param lastWriteNs  clock time of the last write that reached any volume (or earlier)
     * @param nowNs        the clock now
     * @param quietNs      how long without writes counts as released
     */
    public static Demotion demotion(boolean autoPromoted, Role role, boolean held, long lastWriteNs, long nowNs,
                                    long quietNs) {
        if (!autoPromoted || role != Role.PRIMARY) {
            return Demotion.NOT_AUTO_PROMOTED;
        }
        if (held) {
            return Demotion.HELD;
        }
        return nowNs - lastWriteNs < quietNs ? Demotion.SETTLING : Demotion.DEMOTE;
    }
}
