package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.eval.Accuracy;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.Setting;

/**
 * One evaluated setting: its accuracy on the images it was evaluated on (with the Wilson 95% interval), the
 * memory of its weights, and the energy estimate. {@code images} is the evaluation's cost in images, a
 * deterministic measure (seconds are not, so trials never record them).
 */
public record Trial(Setting setting, int images, int correct, double accuracy,
                    @JsonProperty("accuracy_interval95") double[] interval95,
                    @JsonProperty("effective_bits") double effectiveBits,
                    @JsonProperty("storage_bytes") long storageBytes,
                    @JsonProperty("energy_microjoules") double energyMicrojoules) {

    static Trial of(Setting setting, Accuracy top1, MemoryAccount memory, double energyMicrojoules) {
        return new Trial(setting, top1.total(), top1.correct(), top1.value(), top1.interval95(),
                memory.effectiveBits(), memory.storageBytes(), energyMicrojoules);
    }
}
