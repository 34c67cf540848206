package org.drbdj.config;

/**
 * One end of a path: {@code host NAME [address ADDR:PORT | port PORT];} or {@code address
 * ADDR:PORT;} inside a {@code connection}/{@code path}, or an end of an implicit connection.
 *
 * @param hostName        the host's name (for by-address endpoints the matching host's name)
 * @param address         the resolved address (the host section's address unless given here)
 * @param byAddress       written as {@code address ...;} without {@code host}
 * @param addressDeclared an address was written on this endpoint
 * @param portDeclared    only a port was written ({@code host NAME port N;})
 * @param line            where it was written (0 for implicit endpoints)
 * @param thisHost        this end is the host section selected for this node
 */
public record Endpoint(String hostName, Address address, boolean byAddress, boolean addressDeclared,
        boolean portDeclared, int line, boolean thisHost) {
}
