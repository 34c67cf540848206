package org.drbdj.control;

import java.io.IOException;

/** A malformed or incompatible control-socket message; the connection carrying it is closed. */
public class ControlProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ControlProtocolException(String message) {
        super(message);
    }
}
