package org.drbdj.status;

/**
 * Line wrapping exactly as drbd-utils' {@code wrap_printf} ({@code user/shared/wrap_printf.c}) does
 * it for {@code drbdsetup status}: each piece of text is printed at the current position unless it
 * would run past the column limit, in which case a newline and the piece's indentation come first
 * (and the piece's leading spaces are dropped). Leading newlines in a piece reset the position.
 *
 * <p>The column count deliberately reproduces wrap_printf's bookkeeping, which does not count the
 * indentation and starts at -1 after it, so wrapped lines can run a few characters past the limit
 * just as DRBD's do. When standard output is not a terminal, DRBD uses 80 columns.
 */
final class WrapPrinter {
    private final StringBuilder out;
    private final int columns;
    private int col;

    WrapPrinter(StringBuilder out, int columns) {
        this.out = out;
        this.columns = columns;
    }

    /** Prints {@code text} with the given indentation for a fresh line. */
    void print(int indent, String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) == '\n') {
            out.append('\n');
            col = 0;
            i++;
        }
        String rest = text.substring(i);
        if (rest.isEmpty()) {
            return;
        }
        int n = rest.length();
        if (col > 0 && col + n > columns) {
            out.append('\n');
            col = 0;
        }
        if (col == 0) {
            int j = 0;
            while (j < rest.length() && rest.charAt(j) == ' ') {
                j++;
            }
            rest = rest.substring(j);
            out.append(" ".repeat(indent));
            col = -1;
        }
        out.append(rest);
        col += rest.length();
        if (rest.endsWith("\n")) {
            col = 0;
        }
    }
}
