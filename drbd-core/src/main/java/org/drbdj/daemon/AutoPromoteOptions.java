package org.drbdj.daemon;

import java.util.Map;
import org.drbdj.config.OptionDef;
import org.drbdj.config.OptionSchema;
import org.drbdj.config.OptionSection;

/**
 * The resource options of DRBD 9's auto-promote, validated once when a resource is created or
 * adjusted.
 *
 * @param enabled   {@code auto-promote}: default <em>no</em>, unlike DRBD 9 (yes). drbdj implements
 *                  DRBD 8.4 (its wire protocol, its /proc/drbd), where a Secondary's device cannot be
 *                  opened and there is no auto-promote; an 8.4 runbook relies on that ("mount fails
 *                  on the Secondary"). {@code auto-promote yes} turns on DRBD 9's behaviour. The
 *                  default lives in {@code OptionSchema}, so that adjust compares against it too.
 * @param timeoutMs {@code auto-promote-timeout} in milliseconds (configured in 1/10 s, default 2 s):
 *                  how long a write waits for the promotion it triggered
 */
record AutoPromoteOptions(boolean enabled, long timeoutMs) {
    static final String AUTO_PROMOTE = "auto-promote";
    static final String TIMEOUT = "auto-promote-timeout";

    /**
     * Reads the options from a new-resource request; absent ones take the option table's defaults
     * (drbdj's for auto-promote, see {@link #enabled()}).
     *
     * @throws IllegalArgumentException naming the option and value when a value is invalid
     */
    static AutoPromoteOptions of(Map<String, String> resourceOptions) {
        String enabled = value(resourceOptions, AUTO_PROMOTE);
        String timeout = value(resourceOptions, TIMEOUT);
        long tenths = OptionSchema.parseNumber(timeout, '1');
        return new AutoPromoteOptions(enabled.equals("yes"), tenths * 100);
    }

    private static String value(Map<String, String> options, String name) {
        OptionDef def = OptionSchema.find(OptionSection.RESOURCE, name).orElseThrow();
        String v = options.getOrDefault(name, def.defaultValue());
        String problem = OptionSchema.check(def, v);
        if (problem != null) {
            throw new IllegalArgumentException("invalid value '" + v + "' for option " + name + ": " + problem);
        }
        return v;
    }
}
