package io.qsvit.quant;

import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme.Fixed;
import io.qsvit.quant.Scheme.Fixed.Overflow;
import io.qsvit.quant.Scheme.Fixed.Rounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fixed-point scheme syntax: fields, defaults, canonical ids, containers, costs and every refusal. */
class FixedSchemeTextTest {

    @Test
    void everyFormatRoundingAndOverflowRoundTripsThroughItsId() {
        List<Fixed> all = new ArrayList<>();
        for (int bits = Fixed.MIN_BITS; bits <= Fixed.MAX_BITS; bits++) {
            for (int m = 0; m < bits; m++) {
                for (Rounding r : Rounding.values()) {
                    for (Overflow o : Overflow.values()) {
                        all.add(new Fixed(bits, m, bits - 1 - m, r, o, r == Rounding.STOCHASTIC ? -7L * bits : 0));
                    }
                }
            }
        }
        assertEquals(6 * 527, all.size()); // bits formats for each of 2..32 bits (527 in all), 3 roundings x 2 overflows
        for (Fixed scheme : all) {
            assertEquals(scheme, Scheme.parse(scheme.id()), scheme.id());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "fixed16:q4.11:truncate, fixed16:q4.11:truncate",
        "fixed16, fixed16:q0.15",
        "fixed8:nearest:saturate, fixed8:q0.7",
        "fixed8:wrap:q3.4, fixed8:q3.4:wrap",
        "fixed12:stochastic, fixed12:q0.11:stochastic:seed=0",
        "fixed12:seed=42:stochastic:q2.9:wrap, fixed12:q2.9:stochastic:seed=42:wrap",
        "fixed32:q31.0, fixed32:q31.0",
        "fixed2:q1.0:truncate, fixed2:q1.0:truncate",
        "fixed4:stochastic:seed=-3, fixed4:q0.3:stochastic:seed=-3",
    })
    void fieldsInAnyOrderGiveTheCanonicalId(String text, String id) {
        assertEquals(id, Scheme.parse(text).id());
    }

    @Test
    void defaultsAreAFractionNearestEvenAndSaturation() {
        assertEquals(new Fixed(16, 0, 15, Rounding.NEAREST_EVEN, Overflow.SATURATE, 0), Scheme.parse("fixed16"));
        assertEquals(Fixed.of(8, 3), Scheme.parse("fixed8:q3.4"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "fixed16:q4.12|format q4.12 does not fit 'fixed16:q4.12': 1 sign bit + 4 integer bits + 12 fraction bits make 17, not 16",
        "fixed8:q0.0|format q0.0 does not fit 'fixed8:q0.0': 1 sign bit + 0 integer bits + 0 fraction bits make 1, not 8",
        "fixed1|bits out of range in 'fixed1': fixed takes 2..32 bits",
        "fixed33:q32.0|bits out of range in 'fixed33:q32.0': fixed takes 2..32 bits",
        "fixed999|bits out of range in 'fixed999': fixed takes 2..32 bits",
        "fixed8:q3.4:q3.4|quantization scheme 'fixed8:q3.4:q3.4' sets the format twice",
        "fixed8:truncate:nearest|quantization scheme 'fixed8:truncate:nearest' sets the rounding twice",
        "fixed8:wrap:saturate|quantization scheme 'fixed8:wrap:saturate' sets the overflow twice",
        "fixed8:stochastic:seed=1:seed=2|quantization scheme 'fixed8:stochastic:seed=1:seed=2' sets the seed twice",
        "fixed8:seed=5|seed in quantization scheme 'fixed8:seed=5' without stochastic rounding",
        "fixed8:truncate:seed=5|seed in quantization scheme 'fixed8:truncate:seed=5' without stochastic rounding",
        "fixed8:stochastic:seed=99999999999999999999|unknown field 'seed=99999999999999999999' in quantization scheme 'fixed8:stochastic:seed=99999999999999999999': fixed point takes q<m>.<n>, truncate, nearest, stochastic, seed=<s>, saturate or wrap",
        "fixed8:stochastic:seed=9223372036854775808|seed out of range in 'fixed8:stochastic:seed=9223372036854775808': a seed is a 64-bit integer",
        "fixed8:round|unknown field 'round' in quantization scheme 'fixed8:round': fixed point takes q<m>.<n>, truncate, nearest, stochastic, seed=<s>, saturate or wrap",
        "fixed8:|unknown field '' in quantization scheme 'fixed8:': fixed point takes q<m>.<n>, truncate, nearest, stochastic, seed=<s>, saturate or wrap",
        "fixed8:Q3.4|unknown field 'Q3.4' in quantization scheme 'fixed8:Q3.4': fixed point takes q<m>.<n>, truncate, nearest, stochastic, seed=<s>, saturate or wrap",
        "fixed8:q03.4|unknown field 'q03.4' in quantization scheme 'fixed8:q03.4': fixed point takes q<m>.<n>, truncate, nearest, stochastic, seed=<s>, saturate or wrap",
        "uniform8:truncate|unknown scale rule 'truncate' in 'uniform8:truncate': expected mse or p<percentile> (50..99.999, e.g. p99.9), as in uniform4:mse",
        "float32:|unknown quantization scheme 'float32:': float32 takes no fields",
    })
    void badFixedTextIsRefusedWithOneLine(String text, String message) {
        assertEquals(message, assertThrows(UserInputException.class, () -> Scheme.parse(text)).getMessage());
    }

    @Test
    void unknownHeadsKeepTheGeneralMessage() {
        UserInputException e = assertThrows(UserInputException.class, () -> Scheme.parse("fixed:q3.4"));
        assertEquals(true, e.getMessage().startsWith("unknown quantization scheme 'fixed:q3.4': expected float32"));
    }

    @Test
    void recordRefusesFormatsThatDoNotAddUp() {
        assertThrows(IllegalArgumentException.class, () -> Fixed.of(8, 8));
        assertThrows(IllegalArgumentException.class, () -> new Fixed(8, 3, 3, Rounding.TRUNCATE, Overflow.WRAP, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fixed(8, 3, 4, Rounding.TRUNCATE, Overflow.WRAP, 1));
    }

    @ParameterizedTest
    @CsvSource({
        "fixed2, 3, 8", "fixed7:q3.3, 3, 8", "fixed8:q3.4, 3, 8", "fixed9, 5, 16", "fixed16:q4.11, 5, 16",
        "fixed17, 6, 32", "fixed32:q8.23, 6, 32",
    })
    void containersAreSignedAndFollowBits(String id, int onnxType, int containerBits) {
        Scheme scheme = Scheme.parse(id);
        assertEquals(onnxType, scheme.onnxDataType(), id);
        assertEquals(containerBits, scheme.containerBits(), id);
        assertEquals(false, scheme.perChannel(), id);
    }

    /** One power-of-two scale per tensor; packed codes (b < 8) add their bias as a stored zero point. */
    @ParameterizedTest
    @CsvSource({
        // id, weightBits, overheadBits, storageBytes for a [64, 3, 3, 3] Conv weight (1728 weights)
        "fixed4:q1.2, 6912, 32, 872",     // 864 bytes of 4-bit codes + scale + bias
        "fixed6:q0.5, 10368, 32, 1304",   // 1296 bytes of 6-bit codes + scale + bias
        "fixed8:q2.5, 13824, 32, 1732",   // one byte each + scale
        "fixed12:q3.8, 20736, 32, 3460",  // two bytes each + scale
        "fixed16:q4.11, 27648, 32, 3460",
        "fixed24:q4.19, 41472, 32, 6916", // four bytes each + scale
        "fixed32:q8.23, 55296, 32, 6916",
    })
    void memoryAccountingCountsBitsAndStoredBytes(String id, long weightBits, long overheadBits, long storage) {
        TensorCost cost = TensorCost.of(Scheme.parse(id), new int[] {64, 3, 3, 3}, 0);
        assertEquals(1728, cost.params());
        assertEquals(1, cost.scales());
        assertEquals(weightBits, cost.weightBits(), id);
        assertEquals(overheadBits, cost.overheadBits(), id);
        assertEquals(storage, cost.storageBytes(), id);
    }
}
