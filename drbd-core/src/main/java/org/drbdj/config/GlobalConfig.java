package org.drbdj.config;

import java.util.OptionalInt;

/**
 * The {@code global { }} section.
 *
 * @param usageCount             {@code yes}, {@code no} or {@code ask} (default ask; drbdj never reports)
 * @param minorCount             {@code minor-count}, 0 when not set
 * @param dialogRefresh          {@code dialog-refresh} in seconds (default 1)
 * @param disableIpVerification  {@code disable-ip-verification;}
 * @param udevAlwaysUseVnr       {@code udev-always-use-vnr;}
 * @param cmdTimeoutShortSeconds {@code cmd-timeout-short}, if set
 * @param cmdTimeoutMediumSeconds {@code cmd-timeout-medium}, if set
 * @param cmdTimeoutLongSeconds  {@code cmd-timeout-long}, if set
 */
public record GlobalConfig(String usageCount, int minorCount, int dialogRefresh, boolean disableIpVerification,
        boolean udevAlwaysUseVnr, OptionalInt cmdTimeoutShortSeconds, OptionalInt cmdTimeoutMediumSeconds,
        OptionalInt cmdTimeoutLongSeconds) {
}
