package org.drbdj.config;

/**
 * The option sections of drbd.conf, named as drbd-utils 9 names them. Each section has its own
 * option table in {@link OptionSchema} (drbd-utils {@code config_flags.c}: {@code
 * show_net_options_ctx}, {@code attach_cmd_ctx}, {@code peer_device_options_ctx}, {@code
 * resource_options_ctx}, {@code startup_options_ctx}, {@code handlers_ctx}).
 */
public enum OptionSection {
    /** {@code net { }}: connection settings (drbdsetup new-peer / net-options). */
    NET("net"),
    /** {@code disk { }}: local disk settings (drbdsetup attach / disk-options). */
    DISK("disk"),
    /**
     * Per peer-device settings (resync controller). In drbd.conf they are written inside
     * {@code disk { }} sections (resource, volume, connection level), as in drbd-utils 9.
     */
    PEER_DEVICE("disk"),
    /** {@code options { }}: resource options (drbdsetup resource-options). */
    RESOURCE("options"),
    /** {@code startup { }}: drbdadm wait-connect timeouts. */
    STARTUP("startup"),
    /** {@code handlers { }}: shell commands run on events. */
    HANDLERS("handlers");

    private final String keyword;

    OptionSection(String keyword) {
        this.keyword = keyword;
    }

    /** The section keyword in drbd.conf. */
    public String keyword() {
        return keyword;
    }
}
