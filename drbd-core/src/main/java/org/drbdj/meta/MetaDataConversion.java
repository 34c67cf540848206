package org.drbdj.meta;

/**
 * Converts a superblock between v08 and v09 in place, as drbdmeta's create-md does when it finds
 * meta-data of the other version and the operator agrees: the 8.4 connection, full-sync and
 * peer-outdated flags move to (or from) peer slot 0; the bitmap itself is left where it is.
 */
public final class MetaDataConversion {
    private MetaDataConversion() {
    }

    /** drbdmeta's {@code md_convert_08_to_09}; offsets are re-initialized for the layout. */
    public static void v08ToV09(MetaData md, MetaDiskLocation location, long mdDeviceBytes) {
        for (MetaData.Peer p : md.peers) {
            p.bitmapUuid = 0;
            p.flags = 0;
            p.bitmapIndex = -1;
        }
        if ((md.flags & MdFlags.CONNECTED_IND) != 0) {
            md.peers[0].flags |= MdFlags.PEER_CONNECTED;
        }
        if ((md.flags & MdFlags.FULL_SYNC) != 0) {
            md.peers[0].flags |= MdFlags.PEER_FULL_SYNC;
        }
        if ((md.flags & MdFlags.PEER_OUT_DATED) != 0) {
            md.peers[0].flags |= MdFlags.PEER_OUTDATED;
        }
        md.flags &= ~(MdFlags.CONNECTED_IND | MdFlags.FULL_SYNC | MdFlags.PEER_OUT_DATED);
        md.nodeId = -1;
        md.magic = MetaDataVersion.V09.magic();
        MetaDataLayout.initializeOffsets(md, location, mdDeviceBytes);
    }

    /** drbdmeta's {@code md_convert_09_to_08}: only peer slot 0 survives; max-peers becomes 1. */
    public static void v09ToV08(MetaData md, MetaDiskLocation location, long mdDeviceBytes) {
        if ((md.peers[0].flags & MdFlags.PEER_CONNECTED) != 0) {
            md.flags |= MdFlags.CONNECTED_IND;
        }
        if ((md.peers[0].flags & MdFlags.PEER_FULL_SYNC) != 0) {
            md.flags |= MdFlags.FULL_SYNC;
        }
        if ((md.peers[0].flags & MdFlags.PEER_OUTDATED) != 0) {
            md.flags |= MdFlags.PEER_OUT_DATED;
        }
        md.magic = MetaDataVersion.V08.magic();
        md.maxPeers = 1;
        MetaDataLayout.initializeOffsets(md, location, mdDeviceBytes);
    }
}
