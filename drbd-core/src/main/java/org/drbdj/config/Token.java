package org.drbdj.config;

/**
 * One token of drbd.conf, as drbd-utils' flex scanner ({@code drbdadm_scanner.fl}) cuts them.
 *
 * @param kind what it is
 * @param text its text (a quoted string without quotes and escapes)
 * @param line 1-based line number
 */
record Token(Kind kind, String text, int line) {
    /** Token kinds. Keywords are WORDs whose text is in {@link Lexer#KEYWORDS}. */
    enum Kind {
        /** An unquoted word {@code [a-zA-Z0-9/._-]{1,128}} (a keyword or a plain string). */
        WORD,
        /** A double-quoted string. */
        QUOTED,
        /** {@code [0-9]{1,8}[MKGs]?}. */
        INTEGER,
        /** A dotted IPv4 address. */
        IPV4,
        /** An IPv6 address (inside brackets in drbd.conf). */
        IPV6,
        /** A {@code N.N.N} version number. */
        KMODVERS,
        /** One of {@code { } ; [ ] :}. */
        PUNCT,
        /** Any other character. */
        ELSE,
        /** End of file. */
        EOF,
    }

    boolean is(String punctOrKeyword) {
        return (kind == Kind.PUNCT || kind == Kind.WORD) && text.equals(punctOrKeyword);
    }

    boolean isKeyword() {
        return kind == Kind.WORD && Lexer.KEYWORDS.contains(text);
    }

    /** What drbdadm's TK_STRING accepts: a quoted string or a word that is no keyword. */
    boolean isString() {
        return kind == Kind.QUOTED || (kind == Kind.WORD && !Lexer.KEYWORDS.contains(text));
    }

    /** How the token is shown in "but got '...'" messages (drbdadm shows at most 20 chars). */
    String shown() {
        if (kind == Kind.EOF) {
            return "";
        }
        return text.length() > 20 ? text.substring(0, 20) + "..." : text;
    }
}
