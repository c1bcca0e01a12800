package io.qsvit.quant;

import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme.Pow2;
import io.qsvit.quant.Scheme.Uniform;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The grammar of scheme ids, kept apart from {@link Scheme} so that the interface reads as the vocabulary. */
final class SchemeText {
    private static final String FORMS =
            "float32, uniform<bits>[-asym][-tensor] (2..16 bits) or pow2-<bits>[-tensor] (2..8 bits)";
    // a leading zero would not round-trip, so "uniform08" is a format error rather than 8 bits
    private static final Pattern UNIFORM = Pattern.compile("uniform(0|[1-9][0-9]*)(-asym)?(-tensor)?");
    private static final Pattern POW2 = Pattern.compile("pow2-(0|[1-9][0-9]*)(-tensor)?");

    private SchemeText() {
    }

    static Scheme parse(String text) {
        if (text == null) {
            throw new UserInputException("missing quantization scheme: expected " + FORMS);
        }
        if (text.equals("float32")) {
            return Scheme.FLOAT32;
        }
        Matcher uniform = UNIFORM.matcher(text);
        if (uniform.matches()) {
            int bits = bits(text, uniform.group(1), "uniform", Uniform.MIN_BITS, Uniform.MAX_BITS);
            return new Uniform(bits, uniform.group(2) == null, uniform.group(3) == null);
        }
        Matcher pow2 = POW2.matcher(text);
        if (pow2.matches()) {
            int bits = bits(text, pow2.group(1), "pow2", Pow2.MIN_BITS, Pow2.MAX_BITS);
            return new Pow2(bits, pow2.group(2) == null);
        }
        throw new UserInputException("unknown quantization scheme '" + text + "': expected " + FORMS);
    }

    private static int bits(String text, String digits, String family, int min, int max) {
        // three or more digits are out of range whatever they say, and long ones would overflow parseInt
        int bits = digits.length() > 2 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (bits < min || bits > max) {
            throw new UserInputException(
                    "bits out of range in '" + text + "': " + family + " takes " + min + ".." + max + " bits");
        }
        return bits;
    }
}
