package org.drbdj.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.drbdj.meta.MdFlags;
import org.drbdj.meta.MetaData;
import org.drbdj.meta.MetaDataException;
import org.drbdj.meta.MetaDataLayout;
import org.drbdj.meta.MetaDataTool;
import org.drbdj.meta.MetaDataVersion;
import org.drbdj.meta.MetaDiskLocation;
import org.drbdj.meta.al.ApplyAl;
import org.drbdj.storage.BackingDevice;

/**
 * The meta-data of one attached volume as the daemon keeps it: the superblock in memory, written
 * back (and flushed) on every change of flags or generation UUIDs, as DRBD's {@code drbd_md_sync}.
 * While attached the superblock says "unclean" (AL not clean), so that a crash is noticed at the
 * next attach; a clean detach marks it clean again.
 */
final class VolumeMetaData implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetaDataTool.Opened opened;
    private final MetaDataVersion version;
    private final MetaData md;

    private VolumeMetaData(MetaDataTool.Opened opened, MetaDataVersion version) {
        this.opened = opened;
        this.version = version;
        this.md = opened.metaData();
    }

    /**
     * Opens the meta-data of {@code metaDevice}, in whichever of DRBD 9's (v09) or 8.4's (v08)
     * formats it holds.
     *
     * @throws MetaDataException with drbdsetup's "No valid meta-data signature found" advice when
     *                           neither is there
     */
    static VolumeMetaData open(Path metaDevice, MetaDiskLocation location, String resource) {
        String reason = null;
        for (MetaDataVersion v : new MetaDataVersion[] {MetaDataVersion.V09, MetaDataVersion.V08}) {
            MetaDataTool.Opened o = MetaDataTool.open(new MetaDataTool.Target(metaDevice, location, v), true);
            if (o.metaData() != null) {
                return new VolumeMetaData(o, v);
            }
            reason = o.invalidReason();
            o.close();
        }
        throw new MetaDataException(10, "(119) No valid meta-data signature found (" + reason + ").\n\n"
                + "\t==> Use 'drbdadm create-md " + resource + "' to initialize meta-data area. <==");
    }

    MetaDataVersion version() {
        return version;
    }

    /** Bytes of the backing device that hold data (DRBD's usable size; the rest is meta-data). */
    long usableBytes(long backingBytes) {
        long sectors = opened.maxUsableSectors();
        return Math.min(sectors * MetaDataLayout.SECTOR_BYTES, backingBytes) & ~4095L;
    }

    long alOffsetBytes() {
        return opened.alOffsetBytes();
    }

    long bmOffsetBytes() {
        return opened.bmOffsetBytes();
    }

    int alSizeBytes() {
        return md.alSizeSectors() * MetaDataLayout.SECTOR_BYTES;
    }

    boolean isAlClean() {
        return md.isAlClean();
    }

    boolean has(int flag) {
        return (md.flags & flag) != 0;
    }

    long currentUuid() {
        return md.currentUuid;
    }

    int maxPeers() {
        return Math.max(1, md.maxPeers);
    }

    /** drbdmeta's apply-al (after an unclean stop), the same code as {@code drbdadm apply-al}. */
    ApplyAl.Outcome applyAl(BackingDevice metaIo, long dataBytes) throws IOException {
        return MetaDataTool.applyAl(opened, metaIo, dataBytes);
    }

    /** Sets and clears device flags, then writes the superblock. */
    synchronized void updateFlags(int set, int clear) throws IOException {
        int before = md.flags;
        md.flags = (md.flags | set) & ~clear;
        if (md.flags != before) {
            write();
        }
    }

    /**
     * DRBD's "new current UUID": the current UUID moves to the bitmap UUID (8.4) or to the history,
     * a fresh random one becomes current, its lowest bit saying whether we are Primary.
     */
    synchronized void newCurrentUuid(boolean primary) throws IOException {
        long old = md.currentUuid;
        if (version == MetaDataVersion.V08) {
            md.historyUuids[1] = md.historyUuids[0];
            md.historyUuids[0] = md.peers[0].bitmapUuid;
            md.peers[0].bitmapUuid = old;
        } else {
            System.arraycopy(md.historyUuids, 0, md.historyUuids, 1, md.historyUuids.length - 1);
            md.historyUuids[0] = old;
        }
        md.currentUuid = (RANDOM.nextLong() & ~1L) | (primary ? 1L : 0L);
        write();
    }

    /** Records the effective (announced) size, DRBD's la-size. */
    synchronized void setEffectiveSizeSectors(long sectors) throws IOException {
        if (md.effectiveSizeSectors != sectors) {
            md.effectiveSizeSectors = sectors;
            write();
        }
    }

    private void write() throws IOException {
        try {
            opened.device().write(opened.mdOffsetBytes(), MetaDataTool.encode(version, md));
            opened.device().flush();
        } catch (RuntimeException e) {
            throw new IOException("writing the superblock of " + opened.device().path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        opened.close();
    }
}
