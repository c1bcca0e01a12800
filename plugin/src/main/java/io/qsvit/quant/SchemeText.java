package io.qsvit.quant;

import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme.Fixed;
import io.qsvit.quant.Scheme.Pow2;
import io.qsvit.quant.Scheme.Uniform;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of scheme ids, kept apart from {@link Scheme} so that the interface reads as the vocabulary.
 * An id is a head ({@code uniform8}, {@code pow2-4-tensor}, {@code fixed16}) followed by colon-separated
 * fields that refine it; each family says which fields it takes. Fixed point:
 * <pre>
 *   fixed&lt;bits&gt;[:q&lt;m&gt;.&lt;n&gt;][:truncate|:nearest|:stochastic[:seed=&lt;s&gt;]][:saturate|:wrap]
 * </pre>
 * bits 2..32 with 1 + m + n = bits; the fields in any order, each at most once. Defaults: {@code q0.<bits-1>}
 * (a pure fraction: trained weights mostly lie within (-1, 1)), {@code nearest} (half to even),
 * {@code saturate}, seed 0. The canonical id ({@link Scheme#id()}) always names the format, names the rounding
 * and overflow only where they differ from the defaults, and always records a stochastic seed.
 */
final class SchemeText {
    private static final String FORMS = "float32, uniform<bits>[-asym][-tensor] (2..16 bits), "
            + "pow2-<bits>[-tensor] (2..8 bits) or fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]]"
            + "[:saturate|:wrap] (2..32 bits)";
    // uniform and pow2 ids may end in ":<scale rule>"
    private static final String SCALES = "mse or p<percentile> (50..99.999, e.g. p99.9), as in uniform4:mse";
    // canonical only (no leading or trailing zeros), so that the text round-trips
    private static final Pattern PERCENTILE = Pattern.compile("p([5-9][0-9])(?:\\.([0-9]{0,2}[1-9]))?");
    // a leading zero would not round-trip, so "uniform08" is a format error rather than 8 bits
    private static final Pattern UNIFORM = Pattern.compile("uniform(0|[1-9][0-9]*)(-asym)?(-tensor)?");
    private static final Pattern POW2 = Pattern.compile("pow2-(0|[1-9][0-9]*)(-tensor)?");
    private static final Pattern FIXED = Pattern.compile("fixed(0|[1-9][0-9]*)");
    private static final Pattern Q_FORMAT = Pattern.compile("q(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)");
    private static final Pattern SEED = Pattern.compile("seed=(0|-?[1-9][0-9]{0,18})");

    private SchemeText() {
    }

    static Scheme parse(String text) {
        if (text == null) {
            throw new UserInputException("missing quantization scheme: expected " + FORMS);
        }
        List<String> fields = Arrays.asList(text.split(":", -1));
        String head = fields.get(0);
        List<String> rest = fields.subList(1, fields.size());
        Matcher fixed = FIXED.matcher(head);
        if (fixed.matches()) {
            return fixed(text, bits(text, fixed.group(1), "fixed", Fixed.MIN_BITS, Fixed.MAX_BITS), rest);
        }
        // uniform and pow2 take one field, the scale rule: all after the first colon
        return plain(text, head, rest.isEmpty() ? null : String.join(":", rest));
    }

    private static Scheme plain(String text, String head, String options) {
        if (head.equals("float32")) {
            if (options != null) {
                throw new UserInputException("unknown quantization scheme '" + text + "': float32 takes no fields");
            }
            return Scheme.FLOAT32;
        }
        Matcher uniform = UNIFORM.matcher(head);
        if (uniform.matches()) {
            int bits = bits(text, uniform.group(1), "uniform", Uniform.MIN_BITS, Uniform.MAX_BITS);
            return new Uniform(bits, uniform.group(2) == null, uniform.group(3) == null, scale(text, options));
        }
        Matcher pow2 = POW2.matcher(head);
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

    private static Fixed fixed(String text, int bits, List<String> fields) {
        Integer intBits = null;
        Fixed.Rounding rounding = null;
        Fixed.Overflow overflow = null;
        Long seed = null;
        for (String field : fields) {
            Matcher q = Q_FORMAT.matcher(field);
            Matcher s = SEED.matcher(field);
            if (q.matches()) {
                once(text, field, intBits);
                int m = Integer.parseInt(q.group(1));
                int n = Integer.parseInt(q.group(2));
                if (1 + m + n != bits) {
                    throw new UserInputException("format " + field + " does not fit '" + text + "': 1 sign bit + "
                            + m + " integer bits + " + n + " fraction bits make " + (1 + m + n) + ", not " + bits);
                }
                intBits = m;
            } else if (s.matches()) {
                once(text, field, seed);
                try {
                    seed = Long.parseLong(s.group(1));
                } catch (NumberFormatException e) {
                    throw new UserInputException("seed out of range in '" + text + "': a seed is a 64-bit integer");
                }
            } else if (rounding(field) != null) {
                once(text, field, rounding);
                rounding = rounding(field);
            } else if (overflow(field) != null) {
                once(text, field, overflow);
                overflow = overflow(field);
            } else {
                throw new UserInputException("unknown field '" + field + "' in quantization scheme '" + text
                        + "': fixed point takes q<m>.<n>, truncate, nearest, stochastic, seed=<s>, saturate or wrap");
            }
        }
        if (seed != null && rounding != Fixed.Rounding.STOCHASTIC) {
            throw new UserInputException("seed in quantization scheme '" + text + "' without stochastic rounding");
        }
        Fixed.Rounding r = rounding == null ? Fixed.Rounding.NEAREST_EVEN : rounding;
        int m = intBits == null ? 0 : intBits;
        return new Fixed(bits, m, bits - 1 - m, r, overflow == null ? Fixed.Overflow.SATURATE : overflow,
                seed == null ? 0 : seed);
    }

    private static void once(String text, String field, Object earlier) {
        if (earlier != null) {
            throw new UserInputException("quantization scheme '" + text + "' sets " + kind(field) + " twice");
        }
    }

    private static String kind(String field) {
        if (field.startsWith("q")) {
            return "the format";
        }
        if (field.startsWith("seed")) {
            return "the seed";
        }
        return rounding(field) != null ? "the rounding" : "the overflow";
    }

    private static Fixed.Rounding rounding(String field) {
        for (Fixed.Rounding r : Fixed.Rounding.values()) {
            if (r.text().equals(field)) {
                return r;
            }
        }
        return null;
    }

    private static Fixed.Overflow overflow(String field) {
        for (Fixed.Overflow o : Fixed.Overflow.values()) {
            if (o.text().equals(field)) {
                return o;
            }
        }
        return null;
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
