package org.drbdj.meta;

/** Fixed texts of drbdmeta's show-gi and its size formatting. */
final class GiText {
    private GiText() {
    }

    static final String SHOW_HEAD = "\n"
            + "       +--<  Current data generation UUID  >-\n"
            + "       |               +--<  Bitmap's base data generation UUID  >-\n"
            + "       |               |                 +--<  younger history UUID  >-\n"
            + "       |               |                 |         +-<  older history  >-\n"
            + "       V               V                 V         V\n";

    static final String SHOW_V08_LEGEND =
              "                                                                    ^ ^ ^ ^ ^ ^ ^\n"
            + "                                      -<  Data consistency flag  >--+ | | | | | |\n"
            + "                             -<  Data was/is currently up-to-date  >--+ | | | | |\n"
            + "                                  -<  Node was/is currently primary  >--+ | | | |\n"
            + "                                  -<  Node was/is currently connected  >--+ | | |\n"
            + "         -<  Node was in the progress of setting all bits in the bitmap  >--+ | |\n"
            + "                        -<  The peer's disk was out-dated or inconsistent  >--+ |\n"
            + "      -<  This node was a crashed primary, and has not seen its peer since   >--+\n"
            + "\n";

    static final String SHOW_V09_LEGEND =
              "                                                                    ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^\n"
            + "                                      -<  Data consistency flag  >--+ | | | | | | | | | | |\n"
            + "                             -<  Data was/is currently up-to-date  >--+ | | | | | | | | | |\n"
            + "                                  -<  Node was/is currently primary  >--+ | | | | | | | | |\n"
            + " -<  This node was a crashed primary, and has not seen its peer since  >--+ | | | | | | | |\n"
            + "             -<  The activity-log was applied, the disk can be attached  >--+ | | | | | | |\n"
            + "        -<  The activity-log was disabled, peer is completely out of sync  >--+ | | | | | |\n"
            + "                              -<  This node was primary when it lost quorum  >--+ | | | | |\n"
            + "                                          -<  Node was/is currently connected  >--+ | | | |\n"
            + "                              -<  The peer's disk was out-dated or inconsistent  >--+ | | |\n"
            + "                                 -<   A fence policy other the dont-care was used  >--+ | |\n"
            + "                  -<  Node was in the progress of marking all blocks as out of sync  >--+ |\n"
            + "                     -<  At least once we saw this node with a backing device attached >--+\n"
            + "\n";

    /** drbd-utils' {@code ppsize}: a size in KiB as "N KB/MB/GB...", rounding at each step. */
    static String ppsize(long kib) {
        char[] units = {'K', 'M', 'G', 'T', 'P', 'E'};
        int base = 0;
        long size = kib;
        while (Long.compareUnsigned(size, 10000) >= 0 && base < units.length - 1) {
            size = (size >>> 10) + ((size & (1 << 9)) != 0 ? 1 : 0);
            base++;
        }
        return Integer.toUnsignedString((int) size) + " " + units[base] + "B";
    }
}
