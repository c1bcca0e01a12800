package io.qsvit.quant;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrecisionPresetTest {

    @Test
    void qsvitIsTheFourWidthsInFixedPointWithTruncationAndOneBinaryPoint() {
        List<Scheme> schemes = PrecisionPreset.expand(List.of("qsvit"));
        assertEquals(List.of("fixed16:q3.12:truncate", "fixed12:q3.8:truncate", "fixed8:q3.4:truncate",
                "fixed4:q3.0:truncate"), schemes.stream().map(Scheme::id).toList());
        assertEquals(List.of(16, 12, 8, 4), schemes.stream().map(Scheme::bits).toList());
        for (Scheme s : schemes) {
            Scheme.Fixed f = (Scheme.Fixed) s;
            assertEquals(3, f.intBits());
            assertEquals(Scheme.Fixed.Rounding.TRUNCATE, f.rounding());
            assertEquals(Scheme.Fixed.Overflow.SATURATE, f.overflow());
        }
        assertEquals(schemes, PrecisionPreset.expand(List.of(" qsvit ")));
        assertEquals("qsvit", PrecisionPreset.QSVIT.text());
    }

    @Test
    void otherListsAreParsedSchemeByScheme() {
        assertEquals(List.of(new Scheme.Uniform(8, true, true), Scheme.Fixed.of(8, 2)),
                PrecisionPreset.expand(List.of("uniform8", "fixed8:q2.5")));
        // a preset name is a whole list, not a scheme among others
        UserInputException e = assertThrows(UserInputException.class,
                () -> PrecisionPreset.expand(List.of("uniform8", "qsvit")));
        assertEquals(true, e.getMessage().startsWith("unknown quantization scheme 'qsvit': expected float32"));
    }

    @Test
    void weightLossCountsOverflowAndZeroing() {
        float[] w = {1.0f, -1.5f, 0.001f, -0.001f, 0f, 0.25f};
        Scheme fixed = Scheme.parse("fixed4:q0.3:truncate");
        WeightLoss loss = WeightLoss.of(w, Quantizer.quantize(w, new int[] {6}, -1, fixed), fixed);
        // 1.0 and -1.5 are beyond [-1, 7/8]; 0.001 truncates to 0, -0.001 down to -1/8; 0 stays 0 (not counted)
        assertEquals(new WeightLoss(6, 2, 1, 1.5f), loss);
        Scheme uniform = Scheme.parse("uniform4-tensor");
        assertEquals(new WeightLoss(6, 0, 2, 1.5f), WeightLoss.of(w, Quantizer.quantize(w, new int[] {6}, -1, uniform), uniform));
        assertEquals(new WeightLoss(12, 2, 3, 1.5f), loss.plus(new WeightLoss(6, 0, 2, 1.5f)));
    }
}
