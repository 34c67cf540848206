package org.drbdj.state;

/**
 * The configured settings the state rules depend on (resolved from the config by drbdadm and sent to
 * the daemon; validated once, immutable).
 *
 * @param allowTwoPrimaries net option {@code allow-two-primaries}
 * @param fencing           net option {@code fencing}
 * @param verifyAlgConfigured a {@code verify-alg} is configured (online verify needs one)
 */
public record ResourcePolicy(boolean allowTwoPrimaries, Fencing fencing, boolean verifyAlgConfigured) {
    /** DRBD's defaults: single primary, {@code fencing dont-care}, no verify algorithm. */
    public static final ResourcePolicy DEFAULT = new ResourcePolicy(false, Fencing.DONT_CARE, false);

    /** DRBD's {@code enum drbd_fencing_p}. */
    public enum Fencing {
        /** {@code dont-care} (FP_DONT_CARE). */
        DONT_CARE,
        /** {@code resource-only} (FP_RESOURCE). */
        RESOURCE_ONLY,
        /** {@code resource-and-stonith} (FP_STONITH). */
        RESOURCE_AND_STONITH
    }
}
