package org.drbdj.config;

/**
 * Per-volume settings of a connection ({@code volume N { disk { ... } }} inside {@code
 * connection}), or the implicit one every volume has.
 *
 * @param volume   volume number
 * @param implicit not written in the configuration
 * @param declared peer-device options written for it
 * @param options  effective peer-device options: these, then the connection's {@code disk { }},
 *                 then the volume's peer-device options (common, resource, volume levels)
 */
public record PeerDeviceConfig(int volume, boolean implicit, OptionSet declared, OptionSet options) {
}
