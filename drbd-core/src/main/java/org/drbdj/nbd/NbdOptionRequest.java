package org.drbdj.nbd;

/**
 * A decoded option request ({@link OptionHeader} plus its data). Option data is small and bounded
 * by the decoder, so it is copied to a heap array: nothing to release.
 */
public record NbdOptionRequest(int option, byte[] data) {
}
