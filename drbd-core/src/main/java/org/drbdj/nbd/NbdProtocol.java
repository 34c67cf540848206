package org.drbdj.nbd;

/**
 * Numbers of the NBD protocol (NetworkBlockDevice/nbd {@code doc/proto.md}): magics, handshake and
 * transmission flags, option and reply types, info items, commands, command flags and error values.
 * All multi-byte fields on the wire are big-endian. The per-struct layouts (offsets and lengths) live
 * in the wire classes ({@link RequestHeader}, {@link SimpleReplyHeader}, ...); this class only names
 * values.
 */
public final class NbdProtocol {
    private NbdProtocol() {
    }

    // ---- magics ----
    /** "NBDMAGIC": first 8 bytes the server sends. */
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    /** "IHAVEOPT": follows NBDMAGIC in the greeting and starts every option request. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** Starts every option reply. */
    public static final long OPTION_REPLY_MAGIC = 0x0003e889045565a9L;
    /** Starts every transmission request. */
    public static final int REQUEST_MAGIC = 0x25609513;
    /** Starts every simple reply. */
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    /** Starts every structured reply chunk. */
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    // ---- handshake flags (server, u16) ----
    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 1 << 1;

    // ---- client flags (u32) ----
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    public static final int FLAG_C_NO_ZEROES = 1 << 1;
    /** Every client flag this server understands; any other bit makes the server drop the client. */
    public static final int KNOWN_CLIENT_FLAGS = FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES;

    // ---- transmission flags (u16) ----
    public static final int TFLAG_HAS_FLAGS = 1;
    public static final int TFLAG_READ_ONLY = 1 << 1;
    public static final int TFLAG_SEND_FLUSH = 1 << 2;
    public static final int TFLAG_SEND_FUA = 1 << 3;
    public static final int TFLAG_ROTATIONAL = 1 << 4;
    public static final int TFLAG_SEND_TRIM = 1 << 5;
    public static final int TFLAG_SEND_WRITE_ZEROES = 1 << 6;
    public static final int TFLAG_SEND_DF = 1 << 7;
    public static final int TFLAG_CAN_MULTI_CONN = 1 << 8;

    // ---- options ----
    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;
    public static final int OPT_STRUCTURED_REPLY = 8;
    public static final int OPT_LIST_META_CONTEXT = 9;
    public static final int OPT_SET_META_CONTEXT = 10;

    // ---- option reply types ----
    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    private static final int REP_ERROR_BIT = 1 << 31;
    public static final int REP_ERR_UNSUP = REP_ERROR_BIT | 1;
    public static final int REP_ERR_POLICY = REP_ERROR_BIT | 2;
    public static final int REP_ERR_INVALID = REP_ERROR_BIT | 3;
    public static final int REP_ERR_PLATFORM = REP_ERROR_BIT | 4;
    public static final int REP_ERR_TLS_REQD = REP_ERROR_BIT | 5;
    public static final int REP_ERR_UNKNOWN = REP_ERROR_BIT | 6;
    public static final int REP_ERR_SHUTDOWN = REP_ERROR_BIT | 7;
    public static final int REP_ERR_BLOCK_SIZE_REQD = REP_ERROR_BIT | 8;
    public static final int REP_ERR_TOO_BIG = REP_ERROR_BIT | 9;

    // ---- info items (NBD_REP_INFO payload type) ----
    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_DESCRIPTION = 2;
    public static final int INFO_BLOCK_SIZE = 3;

    // ---- commands ----
    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_CACHE = 5;
    public static final int CMD_WRITE_ZEROES = 6;
    public static final int CMD_BLOCK_STATUS = 7;

    // ---- command flags (u16) ----
    public static final int CMD_FLAG_FUA = 1;
    public static final int CMD_FLAG_NO_HOLE = 1 << 1;
    public static final int CMD_FLAG_DF = 1 << 2;

    // ---- structured reply ----
    public static final int REPLY_FLAG_DONE = 1;
    public static final int REPLY_TYPE_NONE = 0;
    public static final int REPLY_TYPE_OFFSET_DATA = 1;
    public static final int REPLY_TYPE_ERROR = (1 << 15) | 1;

    // ---- error values (the NBD protocol's own numbering, not the host's errno) ----
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;
    public static final int ESHUTDOWN = 108;

    /** Longest string (export name, description) the protocol allows, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 4096;

    /** A readable name for a command number, for logs and error messages. */
    public static String commandName(int type) {
        return switch (type) {
            case CMD_READ -> "READ";
            case CMD_WRITE -> "WRITE";
            case CMD_DISC -> "DISC";
            case CMD_FLUSH -> "FLUSH";
            case CMD_TRIM -> "TRIM";
            case CMD_CACHE -> "CACHE";
            case CMD_WRITE_ZEROES -> "WRITE_ZEROES";
            case CMD_BLOCK_STATUS -> "BLOCK_STATUS";
            default -> "command#" + type;
        };
    }

    /** A readable name for an option number, for logs and error messages. */
    public static String optionName(int option) {
        return switch (option) {
            case OPT_EXPORT_NAME -> "EXPORT_NAME";
            case OPT_ABORT -> "ABORT";
            case OPT_LIST -> "LIST";
            case OPT_STARTTLS -> "STARTTLS";
            case OPT_INFO -> "INFO";
            case OPT_GO -> "GO";
            case OPT_STRUCTURED_REPLY -> "STRUCTURED_REPLY";
            case OPT_LIST_META_CONTEXT -> "LIST_META_CONTEXT";
            case OPT_SET_META_CONTEXT -> "SET_META_CONTEXT";
            default -> "option#" + Integer.toUnsignedString(option);
        };
    }
}
