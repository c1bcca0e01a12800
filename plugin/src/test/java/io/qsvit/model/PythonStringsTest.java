package io.qsvit.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PythonStringsTest {
    @Test
    void theExportersForm() {
        assertEquals(List.of("", "blocks.0", "blocks.0.attn", "blocks.0.attn.q", "blocks.0.attn.q.fc", "linear_12"),
                PythonStrings.list("['', 'blocks.0', 'blocks.0.attn', 'blocks.0.attn.q', 'blocks.0.attn.q.fc', 'linear_12']"));
        assertEquals(List.of("it's", "a\\b", "tab\there", "é"), PythonStrings.list("[\"it's\", 'a\\\\b', 'tab\\there', '\\xe9']"));
        assertEquals(List.of(), PythonStrings.list(" [ ] "));
        for (String bad : List.of("", "[", "['a'", "['a',]x", "[a]", "['a' 'b']", "'a'", "['\\x4']", "['a'] tail")) {
            assertNull(PythonStrings.list(bad), bad);
        }
    }

    /** Python's repr of a list of str, for the round trip. */
    static String repr(List<String> values) {
        StringBuilder s = new StringBuilder("[");
        for (String v : values) {
            if (s.length() > 1) {
                s.append(", ");
            }
            char quote = v.contains("'") && !v.contains("\"") ? '"' : '\'';
            s.append(quote);
            for (char c : v.toCharArray()) {
                if (c == '\\' || c == quote) {
                    s.append('\\').append(c);
                } else if (c == '\n') {
                    s.append("\\n");
                } else if (c < 0x20) {
                    s.append(String.format("\\x%02x", (int) c));
                } else {
                    s.append(c);
                }
            }
            s.append(quote);
        }
        return s.append(']').toString();
    }

    @Provide
    Arbitrary<List<String>> scopes() {
        return Arbitraries.strings().ofMaxLength(12).list().ofMaxSize(8);
    }

    @Property(tries = 500)
    void readsWhatPythonWrites(@ForAll("scopes") List<String> values) {
        assertEquals(values, PythonStrings.list(repr(values)));
    }

    /** Whatever the metadata holds, reading it gives a list or null, never an exception. */
    @Property(tries = 2000)
    void neverThrows(@ForAll String text) {
        PythonStrings.list(text);
        PythonStrings.list("['" + text);
        PythonStrings.list("[" + text + "]");
    }
}
