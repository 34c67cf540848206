package org.drbdj.config;

/**
 * The option sections of one level (common or resource): {@code options}, {@code net}, {@code
 * disk} (split into disk and peer-device options as drbd-utils 9 does), {@code startup}, {@code
 * handlers}.
 *
 * @param resource   {@code options { }}
 * @param net        {@code net { }} (and {@code protocol}, syncer's verify-alg/csums-alg ...)
 * @param disk       disk options of {@code disk { }}
 * @param peerDevice peer-device options of {@code disk { }} (resync-rate, c-* ...)
 * @param startup    {@code startup { }}
 * @param handlers   {@code handlers { }}
 */
public record SectionOptions(OptionSet resource, OptionSet net, OptionSet disk, OptionSet peerDevice,
        OptionSet startup, OptionSet handlers) {
    /** No options at all. */
    public static final SectionOptions EMPTY = new SectionOptions(OptionSet.EMPTY, OptionSet.EMPTY,
            OptionSet.EMPTY, OptionSet.EMPTY, OptionSet.EMPTY, OptionSet.EMPTY);

    /** Section by section, these options with the parent's filling the gaps. */
    public SectionOptions inheritFrom(SectionOptions parent) {
        return new SectionOptions(resource.inheritFrom(parent.resource), net.inheritFrom(parent.net),
                disk.inheritFrom(parent.disk), peerDevice.inheritFrom(parent.peerDevice),
                startup.inheritFrom(parent.startup), handlers.inheritFrom(parent.handlers));
    }
}
