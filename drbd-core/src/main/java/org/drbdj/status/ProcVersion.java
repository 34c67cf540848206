package org.drbdj.status;

import java.util.Objects;

/**
 * The two version lines at the top of {@code /proc/drbd}:
 * <pre>
 * version: 8.4.11-1 (api:1/proto:86-101)
 * GIT-hash: 66145a30... build by mockbuild@, 2018-11-03 01:26:55
 * </pre>
 * Format-identical to DRBD 8.4; the values are ours: the DRBD release whose behaviour and wire
 * protocol range we implement (API 1, protocol 86-101), and a {@code GIT-hash:} line that names
 * drbdj's own commit and version, so nobody mistakes the file for the kernel module's.
 *
 * @param release      DRBD release we are compatible with, e.g. {@code 8.4.11-1}
 * @param apiVersion   genetlink API version of that release (8.4: 1)
 * @param protocolMin  lowest wire protocol version accepted
 * @param protocolMax  highest wire protocol version offered
 * @param buildTag     the whole second line, e.g. {@code GIT-hash: <sha> build by drbdj-0.1.0@host, 2026-11-25 20:00:00}
 */
public record ProcVersion(String release, int apiVersion, int protocolMin, int protocolMax, String buildTag) {
    /** The DRBD 8.4 release whose formats and protocol drbdj follows (the SPEC's user runs 8.4.11-1). */
    public static final String COMPATIBLE_RELEASE = "8.4.11-1";

    public ProcVersion {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(buildTag, "buildTag");
        if (protocolMin > protocolMax) {
            throw new IllegalArgumentException("protocol range " + protocolMin + "-" + protocolMax + " is empty");
        }
    }

    /**
     * drbdj's version lines.
     *
     * @param gitHash      drbdj's git commit (40 hex digits, or whatever the build knows)
     * @param drbdjVersion drbdj's own version, e.g. {@code 0.1.0}
     * @param host         build host
     * @param buildTime    build time as {@code yyyy-MM-dd HH:mm:ss}
     */
    public static ProcVersion drbdj(String gitHash, String drbdjVersion, String host, String buildTime) {
        return new ProcVersion(COMPATIBLE_RELEASE, 1, 86, 101,
                "GIT-hash: " + gitHash + " build by drbdj-" + drbdjVersion + "@" + host + ", " + buildTime);
    }

    /** Where the build records what it built (see drbd-core's pom: git-commit-id-maven-plugin). */
    static final String BUILD_PROPERTIES = "build.properties";

    /**
     * drbdj's version lines for this build: commit, version, host and time from the build's
     * {@value #BUILD_PROPERTIES}; a build without git (a source tarball) says {@code unknown} for the
     * commit, and a commit with uncommitted changes gets drbdj's {@code -dirty} suffix, as git describe.
     */
    public static ProcVersion ofThisBuild() {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = ProcVersion.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            // unreadable build stamp: the fields below say unknown
        }
        String hash = p.getProperty("git.commit.id", "unknown");
        if (Boolean.parseBoolean(p.getProperty("git.dirty", "false"))) {
            hash += "-dirty";
        }
        return drbdj(hash, p.getProperty("git.build.version", "unknown"), p.getProperty("git.build.host", ""),
                p.getProperty("git.build.time", "unknown"));
    }

    /** The two lines, each ending in a newline. */
    public String render() {
        return "version: " + release + " (api:" + apiVersion + "/proto:" + protocolMin + "-" + protocolMax + ")\n"
                + buildTag + "\n";
    }
}
