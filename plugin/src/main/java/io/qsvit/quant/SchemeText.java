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
    // uniform and pow2 ids may end in ":<scale rule>"
    private static final String SCALES = "mse or p<percentile> (50..99.999, e.g. p99.9), as in uniform4:mse";
    // canonical only (no leading or trailing zeros), so that the text round-trips
    private static final Pattern PERCENTILE = Pattern.compile("p([5-9][0-9])(?:\\.([0-9]{0,2}[1-9]))?");
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
        // fields after the first colon are options of the family the first field names
        int colon = text.indexOf(':');
        String family = colon < 0 ? text : text.substring(0, colon);
        String options = colon < 0 ? null : text.substring(colon + 1);
        Matcher uniform = UNIFORM.matcher(family);
        if (uniform.matches()) {
            int bits = bits(text, uniform.group(1), "uniform", Uniform.MIN_BITS, Uniform.MAX_BITS);
            return new Uniform(bits, uniform.group(2) == null, uniform.group(3) == null, scale(text, options));
        }
        Matcher pow2 = POW2.matcher(family);
        if (pow2.matches()) {
            int bits = bits(text, pow2.group(1), "pow2", Pow2.MIN_BITS, Pow2.MAX_BITS);
            return new Pow2(bits, pow2.group(2) == null, scale(text, options));
        }
        throw new UserInputException("unknown quantization scheme '" + text + "': expected " + FORMS);
    }

    private static ScaleRule scale(String text, String field) {
        if (field == null) {
            return ScaleRule.MAX_ABS;
        }
        if (field.equals("mse")) {
            return ScaleRule.MSE;
        }
        Matcher percentile = PERCENTILE.matcher(field);
        if (percentile.matches()) {
            String decimals = percentile.group(2) == null ? "" : percentile.group(2);
            int thousandths = Integer.parseInt(percentile.group(1)) * 1000
                    + Integer.parseInt((decimals + "000").substring(0, 3));
            return new ScaleRule.Percentile(thousandths);
        }
        throw new UserInputException("unknown scale rule '" + field + "' in '" + text + "': expected " + SCALES);
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
