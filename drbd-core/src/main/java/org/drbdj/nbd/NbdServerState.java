package org.drbdj.nbd;

/** What every connection of one {@link NbdServer} shares: exports, settings, the shutdown flag. */
final class NbdServerState {
    final NbdExportRegistry registry;
    final NbdServerOptions options;
    volatile boolean shuttingDown;

    NbdServerState(NbdExportRegistry registry, NbdServerOptions options) {
        this.registry = registry;
        this.options = options;
    }
}
