package dev.switchboard.protocol.binary.wire;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DictionaryTest {

    /** FrameWriter looks up no string of two or more characters starting with a digit: none may be a token. */
    @Test
    void noTokenOfSeveralCharactersStartsWithADigit() {
        Dictionary d = Dictionary.latest();
        for (int t = 1; d.string(t) != null; t++) {
            String s = d.string(t);
            assertFalse(s.length() > 1 && Character.isDigit(s.charAt(0)), "token " + t + " '" + s + "'");
        }
    }
}
