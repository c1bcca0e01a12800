package io.qsvit.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Granularity;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes real inputs for explore in the formats of the sensitivity and bounds steps: every cell measured with
 * {@link TrialEvaluator}, and per group the high bound (fewest bits losing at most tolerance_high) and the
 * low bound (fewest bits losing at most tolerance_low), float32 where none does. The checked-in test
 * fixtures under src/test/resources/io/qsvit/search were written by
 * {@code main(model, data, limit, granularity, maxDrop, toleranceHigh, toleranceLow, out)}.
 */
public final class SearchFixtures {
    static final List<Scheme> PRECISIONS = List.of(Scheme.parse("uniform16"), Scheme.parse("uniform12"),
            Scheme.parse("uniform8"), Scheme.parse("uniform4"));
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SearchFixtures() {
    }

    public static void main(String[] args) throws IOException {
        Integer limit = args[2].equals("all") ? null : Integer.parseInt(args[2]);
        write(OnnxModel.load(Path.of(args[0])), new EvaluationData(Path.of(args[1]), DataFormat.AUTO,
                        IdxDataset.TEST_SPLIT, limit, limit == null ? null : 7L),
                Grouping.by(Granularity.parse(args[3])), Double.parseDouble(args[4]), Double.parseDouble(args[5]),
                Double.parseDouble(args[6]), Path.of(args[7]));
    }

    static void write(OnnxModel model, EvaluationData data, Grouping grouping, double maxDrop, double toleranceHigh,
                      double toleranceLow, Path out) throws IOException {
        ModelLayers layers = ModelLayers.of(model, grouping);
        Dataset images = data.load(null);
        try (TrialEvaluator evaluator = TrialEvaluator.open(layers, images, EnergyTable.defaults(), 2, 250)) {
            Trial baseline = evaluator.evaluate(Setting.uniform(grouping, Scheme.FLOAT32));
            Map<String, Map<String, Trial>> cells = new LinkedHashMap<>();
            List<Map<String, Object>> groups = new ArrayList<>();
            Map<String, Scheme> high = new LinkedHashMap<>();
            Map<String, Scheme> low = new LinkedHashMap<>();
            Map<String, Object> bounds = new LinkedHashMap<>();
            for (Group g : layers.groups()) {
                groups.add(Map.of("name", g.name(), "kind", g.kind().id(), "params", g.params()));
                Map<String, Trial> row = new LinkedHashMap<>();
                high.put(g.name(), Scheme.FLOAT32);
                low.put(g.name(), Scheme.FLOAT32);
                for (Scheme s : PRECISIONS) {
                    Trial cell = evaluator.evaluate(new Setting(grouping, Scheme.FLOAT32, Map.of(g.name(), s)));
                    row.put(s.id(), cell);
                    double drop = baseline.accuracy() - cell.accuracy();
                    if (drop <= toleranceHigh) {
                        high.put(g.name(), s);
                    }
                    if (drop <= toleranceLow) {
                        low.put(g.name(), s);
                    }
                }
                cells.put(g.name(), row);
                bounds.put(g.name(), Map.of("high", high.get(g.name()), "low", low.get(g.name())));
            }
            Map<String, Object> matrix = new LinkedHashMap<>();
            matrix.put("schema", SensitivityMatrix.SCHEMA);
            matrix.put("grouping", grouping);
            matrix.put("precisions", PRECISIONS);
            matrix.put("baseline", baseline);
            matrix.put("groups", groups);
            matrix.put("cells", cells);
            Files.createDirectories(out.resolve("sensitivity"));
            JSON.writeValue(out.resolve("sensitivity").resolve(SensitivityMatrix.FILE).toFile(), matrix);

            double required = baseline.accuracy() - maxDrop;
            Map<String, Object> requirement = new LinkedHashMap<>();
            requirement.put("baseline_accuracy", baseline.accuracy());
            requirement.put("max_drop", maxDrop);
            requirement.put("required_accuracy", required);
            requirement.put("tolerance_high", toleranceHigh);
            requirement.put("tolerance_low", toleranceLow);
            Setting settingHigh = new Setting(grouping, Scheme.FLOAT32, high);
            Setting settingLow = new Setting(grouping, Scheme.FLOAT32, low);
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("schema", Bounds.SCHEMA);
            document.put("requirement", requirement);
            document.put("groups", bounds);
            document.put("high", base(evaluator.evaluate(settingHigh), required));
            document.put("low", base(evaluator.evaluate(settingLow), required));
            Path folder = Files.createDirectories(out.resolve("bounds"));
            JSON.writeValue(folder.resolve(Bounds.FILE).toFile(), document);
            settingHigh.write(folder.resolve(Bounds.HIGH_FILE));
            settingLow.write(folder.resolve(Bounds.LOW_FILE));
        }
    }

    private static Map<String, Object> base(Trial trial, double required) {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("setting", trial.setting());
        base.put("trial", trial);
        base.put("meets_requirement", trial.accuracy() >= required);
        return base;
    }
}
