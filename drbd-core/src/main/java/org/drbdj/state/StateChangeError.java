package org.drbdj.state;

/**
 * Why a state change was refused: DRBD's {@code enum drbd_state_rv} error codes ({@code SS_*},
 * drbd-headers {@code linux/drbd.h}) with the exact messages of {@code drbd_strings.c}, which
 * {@code drbdsetup}/{@code drbdadm} print as {@code <obj>: State change failed: (<code>) <message>}.
 */
public enum StateChangeError {
    TWO_PRIMARIES(-1, "Multiple primaries not allowed by config"),
    NO_UP_TO_DATE_DISK(-2, "Need access to UpToDate data"),
    NO_LOCAL_DISK(-4, "Can not resync without local disk"),
    NO_REMOTE_DISK(-5, "Can not resync without remote disk"),
    CONNECTED_OUTDATES(-6, "Refusing to be Outdated while Connected"),
    PRIMARY_NOP(-7, "Refusing to be Primary while peer is not outdated"),
    RESYNC_RUNNING(-8, "Can not start OV/resync since it is already active"),
    ALREADY_STANDALONE(-9, "Can not disconnect a StandAlone device"),
    CW_FAILED_BY_PEER(-10, "State change was refused by peer node"),
    IS_DISKLESS(-11, "Device is diskless, the requested operation requires a disk"),
    DEVICE_IN_USE(-12, "Device is held open by someone"),
    NO_NET_CONFIG(-13, "Have no net/connection configuration"),
    NO_VERIFY_ALG(-14, "Need a verify algorithm to start online verify"),
    NEED_CONNECTION(-15, "State change requires a connection"),
    LOWER_THAN_OUTDATED(-16, "Disk state is lower than outdated"),
    NOT_SUPPORTED(-17, "Peer does not support protocol"),
    IN_TRANSIENT_STATE(-18, "In transient state, retry after next state change"),
    CONCURRENT_ST_CHG(-19, "Concurrent state changes detected and aborted"),
    O_VOL_PEER_PRI(-20, "Other vol primary on peer not allowed by config"),
    INTERRUPTED(-21, "Interrupted state change"),
    PRIMARY_READER(-22, "Peer may not become primary while device is opened read-only"),
    TIMEOUT(-23, "Timeout in operation"),
    WEAKLY_CONNECTED(-24, "Primary nodes must be strongly connected among each other"),
    NO_QUORUM(-25, "No quorum"),
    ATTACH_NO_BITMAP(-26, "Intentional diskless peer may not attach a disk"),
    HANDSHAKE_DISCONNECT(-27, "Disconnect chosen in handshake"),
    HANDSHAKE_RETRY(-28, "Retry chosen in handshake");

    private final int code;
    private final String message;

    StateChangeError(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** DRBD's negative {@code SS_*} value. */
    public int code() {
        return code;
    }

    /** DRBD's message text. */
    public String message() {
        return message;
    }

    /**
     * The exit code drbdsetup uses for this failure: 17 for {@code SS_NO_UP_TO_DATE_DISK}, 5 for
     * {@code SS_LOWER_THAN_OUTDATED}, 16 for {@code SS_NO_LOCAL_DISK}, otherwise 11
     * (drbd-utils {@code user/v9/drbdsetup.c}).
     */
    public int drbdsetupExitCode() {
        switch (this) {
            case NO_UP_TO_DATE_DISK: return 17;
            case LOWER_THAN_OUTDATED: return 5;
            case NO_LOCAL_DISK: return 16;
            default: return 11;
        }
    }

    /** The line drbdsetup prints: {@code State change failed: (-2) Need access to UpToDate data}. */
    public String drbdsetupText() {
        return "State change failed: (" + code + ") " + message;
    }

    /** Looks up an error by its {@code SS_*} code. */
    public static StateChangeError fromCode(int code) {
        return EnumLookup.find(values(), e -> e.code == code,
                () -> "unknown SS_* state change error code " + code);
    }
}
