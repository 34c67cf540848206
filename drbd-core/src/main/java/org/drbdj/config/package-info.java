/**
 * The drbd.conf language: parsing both the DRBD 8.4 and DRBD 9 dialects as drbd-utils 9.22 does,
 * validating every option against drbd-utils' schema, resolving inheritance and the host section
 * of this node, and rendering {@code drbdadm dump}.
 *
 * <p>Entry point: {@link org.drbdj.config.ConfigLoader#load}. The result, {@link
 * org.drbdj.config.DrbdConfig}, is immutable and validated; errors are {@link
 * org.drbdj.config.ConfigException}s with drbdadm's {@code FILE:LINE:} wording and exit code. The
 * daemon never sees this package's input files, only requests built from the resolved model.
 * See {@code docs/configuration.md}.
 */
package org.drbdj.config;
