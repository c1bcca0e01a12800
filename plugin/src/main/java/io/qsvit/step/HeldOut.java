package io.qsvit.step;

import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.search.AccuracyRequirement;
import io.qsvit.search.PairedDrop;
import io.qsvit.search.TrialEvaluator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The final check of explore's choice on images the search never saw: the float model and the chosen setting
 * on the held-out images, their paired drop and whether the requirement holds there, so that the promise the
 * report makes is measured on data that did not shape it.
 */
final class HeldOut {
    private HeldOut() {
    }

    static Map<String, Object> check(TrialEvaluator evaluator, Dataset held, Grouping grouping, Setting chosen,
                                     AccuracyRequirement requirement) {
        TrialEvaluator.Evaluated floatModel = evaluator.evaluateImages(Setting.uniform(grouping, Scheme.FLOAT32), held);
        TrialEvaluator.Evaluated candidate = evaluator.evaluateImages(chosen, held);
        PairedDrop drop = PairedDrop.of(floatModel.correct(), candidate.correct(), held.size());
        double required = requirement.required(floatModel.trial().accuracy());
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("images", held.size());
        check.put("float_accuracy", floatModel.trial().accuracy());
        check.put("chosen_accuracy", candidate.trial().accuracy());
        check.put("chosen_accuracy_interval95", candidate.trial().interval95());
        check.put("required_accuracy", required);
        check.put("requirement_met", requirement.isMet(candidate.trial().accuracy(), required));
        check.put("paired_drop", describe(drop, requirement));
        return check;
    }

    /** A paired drop as reported: the counts, the drop and its one-sided upper bound, and the verdict on it. */
    static Map<String, Object> describe(PairedDrop drop, AccuracyRequirement requirement) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("images", drop.images());
        d.put("lost", drop.lost());
        d.put("gained", drop.gained());
        d.put("drop", drop.drop());
        d.put("drop_upper_bound", drop.upperBound());
        d.put("confidence", PairedDrop.CONFIDENCE);
        if (requirement.maxDrop() != null) {
            d.put("within_max_drop", requirement.isMet(drop));
        }
        return d;
    }
}
