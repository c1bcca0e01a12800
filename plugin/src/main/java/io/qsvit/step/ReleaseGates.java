package io.qsvit.step;

import io.qsvit.UserInputException;
import io.qsvit.eval.ModelEvaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conditions a retrained, re-quantized model must meet against the released one, both measured on the
 * same images, before it may replace it: accuracy not lower by more than {@code maxAccuracyDrop} (absolute,
 * 0.005 = half a point), energy per image and stored weight bytes not higher by more than the given
 * fractions (0 = not higher at all).
 */
public record ReleaseGates(double maxAccuracyDrop, double maxEnergyIncrease, double maxStorageIncrease) {
    public static final ReleaseGates DEFAULTS = new ReleaseGates(0.005, 0.0, 0.0);

    public ReleaseGates {
        check("max_accuracy_drop", maxAccuracyDrop, 1);
        check("max_energy_increase", maxEnergyIncrease, Double.MAX_VALUE);
        check("max_storage_increase", maxStorageIncrease, Double.MAX_VALUE);
    }

    /**
     * One gate's outcome.
     *
     * @param candidate the new model's value
     * @param released  the released model's value
     * @param limit     the worst value the candidate may have
     * @param margin    how far inside the limit the candidate is (negative: by how much it failed), in the
     *                  gate's unit
     */
    public record Check(String gate, String unit, double candidate, double released, double limit, double margin,
                        boolean passed) {
        /** One line for people: "accuracy 0.8725 >= 0.8700 (released 0.8750 - 0.0025): passed by 0.0025". */
        public String describe() {
            boolean lowerIsBetter = !gate.equals("accuracy");
            String op = lowerIsBetter ? "<=" : ">=";
            return String.format(Locale.ROOT, "%-14s %s %.6g %s limit %.6g (released %.6g): %s by %.6g %s", gate,
                    passed ? "ok  " : "FAIL", candidate, op, limit, released, passed ? "passed" : "failed",
                    Math.abs(margin), unit);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gate", gate);
            m.put("unit", unit);
            m.put("candidate", candidate);
            m.put("released", released);
            m.put("limit", limit);
            m.put("margin", margin);
            m.put("passed", passed);
            return m;
        }
    }

    /** Checks {@code candidate} against {@code released}; both evaluated on the same images. */
    public List<Check> check(ModelEvaluation candidate, ModelEvaluation released) {
        List<Check> checks = new ArrayList<>();
        double acc = candidate.top1().value();
        double accReleased = released.top1().value();
        double accLimit = accReleased - maxAccuracyDrop;
        checks.add(new Check("accuracy", "accuracy", acc, accReleased, accLimit, acc - accLimit, acc >= accLimit - 1e-12));
        double energy = candidate.energy().totalMicrojoules();
        double energyReleased = released.energy().totalMicrojoules();
        double energyLimit = energyReleased * (1 + maxEnergyIncrease);
        checks.add(new Check("energy", "uJ/image", energy, energyReleased, energyLimit, energyLimit - energy,
                energy <= energyLimit * (1 + 1e-12)));
        double bytes = candidate.memory().storageBytes();
        double bytesReleased = released.memory().storageBytes();
        double bytesLimit = Math.floor(bytesReleased * (1 + maxStorageIncrease));
        checks.add(new Check("stored_bytes", "bytes", bytes, bytesReleased, bytesLimit, bytesLimit - bytes, bytes <= bytesLimit));
        return checks;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_accuracy_drop", maxAccuracyDrop);
        m.put("max_energy_increase", maxEnergyIncrease);
        m.put("max_storage_increase", maxStorageIncrease);
        return m;
    }

    private static void check(String name, double value, double max) {
        if (!(value >= 0 && value <= max)) {
            throw new UserInputException("gate." + name + " must be " + (max == 1 ? "between 0 and 1" : "at least 0")
                    + ", not " + value);
        }
    }
}
