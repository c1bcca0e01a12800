package io.qsvit.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Python {@code repr} of a list of strings, the form PyTorch's exporter writes node metadata in
 * ({@code ['', 'blocks.0', "it's"]}): single or double quotes, backslash escapes. Anything else gives null.
 */
final class PythonStrings {
    private PythonStrings() {
    }

    static List<String> list(String text) {
        List<String> out = new ArrayList<>();
        int[] at = {skipSpace(text, 0)};
        if (at[0] >= text.length() || text.charAt(at[0]) != '[') {
            return null;
        }
        at[0] = skipSpace(text, at[0] + 1);
        if (at[0] < text.length() && text.charAt(at[0]) == ']') {
            return skipSpace(text, at[0] + 1) == text.length() ? out : null;
        }
        while (true) {
            String s = string(text, at);
            if (s == null) {
                return null;
            }
            out.add(s);
            at[0] = skipSpace(text, at[0]);
            if (at[0] >= text.length()) {
                return null;
            }
            char c = text.charAt(at[0]);
            if (c == ']') {
                return skipSpace(text, at[0] + 1) == text.length() ? out : null;
            }
            if (c != ',') {
                return null;
            }
            at[0] = skipSpace(text, at[0] + 1);
        }
    }

    /** One quoted string starting at at[0]; at[0] is left after its closing quote. */
    private static String string(String text, int[] at) {
        if (at[0] >= text.length() || text.charAt(at[0]) != '\'' && text.charAt(at[0]) != '"') {
            return null;
        }
        char quote = text.charAt(at[0]);
        StringBuilder s = new StringBuilder();
        int i = at[0] + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == quote) {
                at[0] = i + 1;
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                return null;
            }
            char e = text.charAt(i + 1);
            int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
            if (hex > 0) {
                if (i + 2 + hex > text.length()) {
                    return null;
                }
                try {
                    s.appendCodePoint(Integer.parseInt(text.substring(i + 2, i + 2 + hex), 16));
                } catch (IllegalArgumentException bad) {
                    return null;
                }
                i += 2 + hex;
                continue;
            }
            s.append(switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case '0' -> '\0';
                default -> e; // \\, \', \"
            });
            i += 2;
        }
        return null;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
