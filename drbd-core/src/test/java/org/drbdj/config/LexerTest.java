package org.drbdj.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
    private static List<Token> tokens(String text) throws ConfigException {
        Lexer lx = new Lexer("t.conf", text);
        List<Token> out = new ArrayList<>();
        for (Token t = lx.next(); t.kind() != Token.Kind.EOF; t = lx.next()) {
            out.add(t);
        }
        return out;
    }

    @Test
    void cutsTokensLikeTheFlexScanner() throws ConfigException {
        List<Token> t = tokens("rate 1024M; max-buffers 8k; address 10.0.0.1:7789; on online;");
        assertThat(t).extracting(Token::kind).containsExactly(
                Token.Kind.WORD, Token.Kind.INTEGER, Token.Kind.PUNCT,
                Token.Kind.WORD, Token.Kind.WORD, Token.Kind.PUNCT,
                Token.Kind.WORD, Token.Kind.IPV4, Token.Kind.PUNCT, Token.Kind.INTEGER, Token.Kind.PUNCT,
                Token.Kind.WORD, Token.Kind.WORD, Token.Kind.PUNCT);
        assertThat(t.get(11).isKeyword()).isTrue();
        assertThat(t.get(12).isKeyword()).as("'online' is longer than the keyword 'on'").isFalse();
        assertThat(t.get(12).isString()).isTrue();
    }

    @Test
    void ipv6InBracketsAndVersionNumbers() throws ConfigException {
        List<Token> t = tokens("ipv6 [fd00::3]:7790; require-drbd-module-version-ge 9.1.2;");
        assertThat(t.get(2)).isEqualTo(new Token(Token.Kind.IPV6, "fd00::3", 1));
        assertThat(t.get(5).text()).isEqualTo("7790");
        assertThat(t.get(8).kind()).isEqualTo(Token.Kind.KMODVERS);
    }

    @Test
    void quotedStringsLoseQuotesAndEscapesAndCommentsAreSkipped() throws ConfigException {
        List<Token> t = tokens("# comment ; {\n  x \"a \\\"b\\\" \\\\ c # not a comment\"; # tail\n  y");
        assertThat(t).hasSize(4);
        assertThat(t.get(1)).isEqualTo(new Token(Token.Kind.QUOTED, "a \"b\" \\ c # not a comment", 2));
        assertThat(t.get(1).isString()).isTrue();
        assertThat(t.get(3).line()).isEqualTo(3);
    }

    @Test
    void quotedKeywordIsAPlainString() throws ConfigException {
        Token t = tokens("\"on\"").get(0);
        assertThat(t.isKeyword()).isFalse();
        assertThat(t.isString()).isTrue();
    }

    @Test
    void unterminatedStringNamesItsLine() {
        assertThatThrownBy(() -> tokens("a;\nshared-secret \"abc;\n}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.conf:2: Unterminated double quoted string");
    }

    @Test
    void overlongTokensAreRejected() {
        assertThatThrownBy(() -> tokens("x".repeat(129))).hasMessageContaining("Token too long");
        assertThatThrownBy(() -> tokens("\"" + "y".repeat(256) + "\"")).hasMessageContaining("string too long");
    }
}
