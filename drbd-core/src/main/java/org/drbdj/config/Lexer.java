package org.drbdj.config;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drbd.conf scanner, cutting tokens as drbd-utils 9's flex scanner does: longest match wins,
 * on equal length the earlier rule (keywords, then version numbers, IP addresses, integers, then
 * plain words). {@code #} starts a comment to the end of the line. Double-quoted strings have
 * {@code \"} and {@code \\} escapes (a backslash quotes any character), may not span lines and are
 * at most 255 characters; words are at most 128.
 */
final class Lexer {
    /** drbd-utils 9 scanner keywords (they are not accepted where a plain string is expected). */
    static final Set<String> KEYWORDS = Set.of(
            "on", "stacked-on-top-of", "floating", "no", "net", "yes", "ask", "via", "skip",
            "require-drbd-module-version-eq", "require-drbd-module-version-ne",
            "require-drbd-module-version-gt", "require-drbd-module-version-ge",
            "require-drbd-module-version-lt", "require-drbd-module-version-le",
            "disk", "host", "hosts", "port", "proxy", "minor", "inside", "volume",
            "cmd-timeout-short", "cmd-timeout-medium", "cmd-timeout-long", "syncer", "device",
            "global", "common", "options", "outside", "address", "startup", "include", "handlers",
            "connection", "connection-mesh", "minor-count", "disable-ip-verification",
            "udev-always-use-vnr", "dialog-refresh", "resource", "meta-disk", "flexible-meta-disk",
            "node-id", "usage-count", "_this_host", "_remote_host", "_peer_node_id", "_is_standalone",
            "template-file", "path", "sci", "ssocks", "sdp", "ipv4", "ipv6");

    private static final Pattern NUM = Pattern.compile("[0-9]{1,8}[MKGs]?");
    private static final Pattern KMODVERS = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3}\\.){3}[0-9]{1,3}");
    private static final String HEX4 = "[0-9a-fA-F]{1,4}";
    private static final Pattern IPV6 = Pattern.compile(
            "(((" + HEX4 + ":){0,5}" + HEX4 + ")?:(" + HEX4 + ")?:(" + HEX4 + "(:" + HEX4 + "){0,5})?"
            + "(%[a-zA-Z0-9/._-]{1,128})?)|(::[fF]{4}:([0-9]{1,3}\\.){3}[0-9]{1,3})");
    private static final Pattern WORD = Pattern.compile("[a-zA-Z0-9/._-]+");

    private final String file;
    private final String text;
    private int pos;
    private int line = 1;
    private Token peeked;

    Lexer(String file, String text) {
        this.file = file;
        this.text = text;
    }

    String file() {
        return file;
    }

    /** The current line: where the last token ended. */
    int line() {
        return line;
    }

    Token peek() throws ConfigException {
        if (peeked == null) {
            peeked = scan();
        }
        return peeked;
    }

    Token next() throws ConfigException {
        Token t = peek();
        peeked = null;
        return t;
    }

    private Token scan() throws ConfigException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
        if (pos >= text.length()) {
            return new Token(Token.Kind.EOF, "", line);
        }
        char c = text.charAt(pos);
        if ("{};[]:".indexOf(c) >= 0) {
            pos++;
            return new Token(Token.Kind.PUNCT, String.valueOf(c), line);
        }
        if (c == '"') {
            return quoted();
        }
        int kmod = match(KMODVERS);
        int ipv4 = match(IPV4);
        int ipv6 = match(IPV6);
        int num = match(NUM);
        int word = match(WORD);
        int best = Math.max(Math.max(Math.max(kmod, ipv4), Math.max(ipv6, num)), word);
        if (best == 0) {
            pos++;
            return new Token(Token.Kind.ELSE, String.valueOf(c), line);
        }
        Token.Kind kind;
        if (word == best && KEYWORDS.contains(text.substring(pos, pos + best))) {
            kind = Token.Kind.WORD;
        } else if (kmod == best) {
            kind = Token.Kind.KMODVERS;
        } else if (ipv4 == best) {
            kind = Token.Kind.IPV4;
        } else if (ipv6 == best) {
            kind = Token.Kind.IPV6;
        } else if (num == best) {
            kind = Token.Kind.INTEGER;
        } else {
            kind = Token.Kind.WORD;
            if (best > 128) {
                throw new ConfigException(file, line, "Token too long >>>" + text.substring(pos, pos + 20) + "...<<<");
            }
        }
        String t = text.substring(pos, pos + best);
        pos += best;
        return new Token(kind, t, line);
    }

    private int match(Pattern p) {
        Matcher m = p.matcher(text);
        m.region(pos, text.length());
        return m.lookingAt() ? m.end() - pos : 0;
    }

    private Token quoted() throws ConfigException {
        int start = pos;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw new ConfigException(file, line, "Unterminated double quoted string\n"
                        + "  we don't allow embedded newlines\n  >>>" + excerpt(start) + "...<<<");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\') {
                pos++;
                if (pos >= text.length() || text.charAt(pos) == '\n') {
                    throw new ConfigException(file, line, "Unterminated double quoted string\n"
                            + "  we don't allow embedded newlines\n  >>>" + excerpt(start) + "...<<<");
                }
                c = text.charAt(pos);
            }
            sb.append(c);
            pos++;
            if (sb.length() > 255) {
                throw new ConfigException(file, line, "Double quoted string too long >>>" + excerpt(start) + "...<<<");
            }
        }
        return new Token(Token.Kind.QUOTED, sb.toString(), line);
    }

    private String excerpt(int start) {
        return text.substring(start, Math.min(text.length(), start + 20));
    }
}
