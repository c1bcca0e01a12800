package io.qsvit.search;

import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParetoFrontTest {
    static LoggedTrial trial(int index, int correct, long bytes, double energy) {
        Setting setting = Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32);
        return new LoggedTrial(index, "candidate", null, LoggedTrial.ACCEPTED,
                new Trial(setting, 100, correct, correct / 100.0, new double[] {0, 1}, 8, bytes, energy));
    }

    @Test
    void keepsExactlyTheTrialsNoOtherBeatsOnBothAccuracyAndCost() {
        List<LoggedTrial> trials = List.of(
                trial(0, 90, 1000, 5.0),  // most accurate: on both fronts
                trial(1, 85, 400, 2.0),   // front
                trial(2, 84, 500, 1.0),   // dominated by 1 on memory (less accurate, more bytes); best energy
                trial(3, 85, 400, 2.0),   // equal to 1: the first logged stays
                trial(4, 80, 300, 3.0),   // cheapest memory: front; energy dominated by 1
                trial(5, 89, 1000, 4.0),  // dominated by 0 on memory (same bytes, less accurate)
                trial(6, 88, 700, 6.0));  // memory front; energy dominated by 0
        assertEquals(List.of(4, 1, 6, 0), ParetoFront.of(trials, Trial::storageBytes).stream().map(LoggedTrial::index).toList());
        assertEquals(List.of(2, 1, 5, 0), ParetoFront.of(trials, Trial::energyMicrojoules).stream().map(LoggedTrial::index).toList());
    }

    @Test
    void noTrialsNoFront() {
        assertEquals(List.of(), ParetoFront.of(List.of(), Trial::storageBytes));
    }
}
