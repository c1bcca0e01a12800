package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequirementTest {
    static final Trial FLOAT = new Trial(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32), 2000, 1786, 0.893,
            new double[] {0.88, 0.91}, 32, 0, 0);

    static String refusal(Double maxDrop, Double target, double high, double low) {
        return assertThrows(UserInputException.class, () -> new Requirement(maxDrop, target, high, low)).getMessage();
    }

    @Test
    void requiredAccuracyIsTheTargetOrTheFloatAccuracyLessTheDrop() {
        assertEquals(0.883, new Requirement(0.01, null, 0, 0.05).requiredAccuracy(FLOAT), 1e-12);
        assertEquals(0.88, new Requirement(null, 0.88, 0, 0.05).requiredAccuracy(FLOAT), 0);
        assertEquals(0.893, new Requirement(null, 0.893, 0, 0.05).requiredAccuracy(FLOAT), 0); // float meets itself
    }

    @Test
    void aTargetAboveTheFloatModelCannotBeMet() {
        assertEquals("target accuracy 0.9000 cannot be met: the float model itself reaches 0.8930 (1786 of 2000 images)",
                assertThrows(UserInputException.class, () -> new Requirement(null, 0.9, 0, 0.05).requiredAccuracy(FLOAT)).getMessage());
    }

    @Test
    void badRequirementsAreRefused() {
        assertEquals("give exactly one of --max-drop and --target-accuracy", refusal(0.01, 0.88, 0, 0.05));
        assertEquals("give exactly one of --max-drop and --target-accuracy", refusal(null, null, 0, 0.05));
        assertEquals("--max-drop is a fraction of accuracy in [0, 1) (0.01 = one point), got -0.5", refusal(-0.5, null, 0, 0.05));
        assertEquals("--target-accuracy is a fraction in (0, 1], got 88.0", refusal(null, 88.0, 0, 0.05));
        assertEquals("--tolerance-low (0.01) must exceed --tolerance-high (0.02): the low bound is the looser one",
                refusal(0.01, null, 0.02, 0.01));
        assertEquals("tolerances are fractions of accuracy in [0, 1), got --tolerance-high -0.1 and --tolerance-low 0.05",
                refusal(0.01, null, -0.1, 0.05));
        assertEquals("--max-drop is a fraction of accuracy in [0, 1) (0.01 = one point), got NaN", refusal(Double.NaN, null, 0, 0.05));
    }
}
