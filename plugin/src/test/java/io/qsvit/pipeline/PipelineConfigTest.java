package io.qsvit.pipeline;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.step.EvaluateStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PipelineConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsFillEveryFieldLeftOut() {
        PipelineConfig config = PipelineConfig.DEFAULTS;
        assertEquals(PipelineConfig.SCHEMA, config.schema());
        assertEquals(EvaluateStep.DEFAULT_BATCH, config.batch());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.threads());
        assertEquals(new PipelineConfig.Data("auto", "t10k", null, null), config.data());
        assertNull(config.apply().setting());
        assertNull(config.requirement().maxDrop());
    }

    @Test
    void pathsAreRelativeToTheFilesFolderAndEveryFieldIsRead() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("configs"));
        Path file = Files.writeString(folder.resolve("p.yaml"), """
                schema: qsvit.pipeline/v1
                data: {format: idx, split: train, limit: 300, seed: 9}
                batch: 50
                threads: 3
                requirement: {target_accuracy: 0.85}
                sensitivity: {precisions: [uniform8, pow2-4], limit: 100}
                bounds: {tolerance_high: 0.01, tolerance_low: 0.05}
                explore: {strategy: guided, budget: {memory_bytes: 90000}}
                apply: {setting: ../settings/s.yaml}
                evaluate: {energy_table: table.json, limit: 2000}
                """);
        PipelineConfig config = PipelineConfig.read(file);
        assertEquals(dir.resolve("settings/s.yaml").toString(), config.apply().setting());
        assertEquals(folder.resolve("table.json").toString(), config.evaluate().energyTable());
        assertEquals(new PipelineConfig.Requirement(null, 0.85), config.requirement());
        assertEquals(List.of("uniform8", "pow2-4"), config.sensitivity().precisions());
        assertEquals(new PipelineConfig.Bounds(0.01, 0.05), config.bounds());
        assertEquals(new PipelineConfig.Budget(null, 90000L), config.explore().budget());
        assertEquals(50, config.batch());
        assertEquals(3, config.threads());
        // a step's own limit replaces the run's subset; without one it takes the run's
        Request request = new Request(Examples.model("sdtv2"), Examples.subset(), config, Map.of(), dir);
        assertEquals(new EvaluationData(Examples.subset(), DataFormat.IDX, "train", 2000, null), request.data(config.evaluate()));
        assertEquals(new EvaluationData(Examples.subset(), DataFormat.IDX, "train", 300, 9L), request.data(config.explore()));
    }

    @Test
    void exploresAcceptanceAndHoldoutAreRead() throws IOException {
        Path file = Files.writeString(dir.resolve("a.yaml"), "explore: {acceptance: paired, holdout: 500, objective: energy}\n");
        PipelineConfig.Explore explore = PipelineConfig.read(file).explore();
        assertEquals("paired", explore.acceptance());
        assertEquals(true, explore.paired());
        assertEquals(500, explore.heldOut());
        assertEquals("energy", explore.objective());
        PipelineConfig.Explore none = PipelineConfig.DEFAULTS.explore();
        assertEquals(false, none.paired());
        assertEquals(0, none.heldOut());
        file = Files.writeString(dir.resolve("a.yaml"), "explore: {acceptance: observed}\n");
        assertEquals(false, PipelineConfig.read(file).explore().paired());
    }

    @Test
    void theQsvitPresetIsAPrecisionList() throws IOException {
        Path file = Files.writeString(dir.resolve("preset.yaml"), "sensitivity: {precisions: [qsvit]}\n");
        PipelineConfig config = PipelineConfig.read(file);
        assertEquals(List.of("qsvit"), config.sensitivity().precisions());
        assertEquals(List.of("fixed16:q3.12:truncate", "fixed12:q3.8:truncate", "fixed8:q3.4:truncate", "fixed4:q3.0:truncate"),
                io.qsvit.quant.PrecisionPreset.expand(config.sensitivity().precisions()).stream()
                        .map(io.qsvit.quant.Scheme::id).toList());
        file = Files.writeString(dir.resolve("preset.yaml"), "sensitivity: {precisions: ['fixed8:q3.5']}\n");
        Path bad = file;
        assertEquals(file + ": sensitivity.precisions: format q3.5 does not fit 'fixed8:q3.5': 1 sign bit + 3 integer bits "
                + "+ 5 fraction bits make 9, not 8",
                org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class,
                        () -> PipelineConfig.read(bad)).getMessage());
    }

    @Test
    void badValuesAreOneLineErrorsNamingTheField() throws IOException {
        Map<String, String> cases = Map.of(
                "schema: qsvit.pipeline/v2\n", "schema must be qsvit.pipeline/v1, not qsvit.pipeline/v2",
                "batch: 0\n", "batch must be 1 to 65536 images, not 0",
                "requirement: {max_drop: 1.5}\n", "requirement.max_drop must be between 0 and 1, not 1.5",
                "sensitivity: {precisions: [uniform8, int4]}\n", "sensitivity.precisions: unknown quantization scheme 'int4': "
                        + "expected float32, uniform<bits>[-asym][-tensor] (2..16 bits), pow2-<bits>[-tensor] (2..8 bits) or fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]][:saturate|:wrap] (2..32 bits)",
                "explore: {strategy: random}\n", "explore.strategy 'random' is not one of guided, heterogeneous",
                "sensitivity: {sweep: fast}\n", "sensitivity.sweep must be full or raced, got 'fast'",
                "explore: {budget: {effective_bits: 4, memory_bytes: 100}}\n", "explore.budget takes effective_bits or memory_bytes, not both",
                "data: {limit: 0}\n", "data.limit must be at least 1, not 0",
                "data: {format: csv}\n", "unknown data format 'csv' (auto, idx, npy, libsvm, images or events)");
        cases = new java.util.LinkedHashMap<>(cases);
        cases.put("explore: {acceptance: safe}\n", "explore.acceptance 'safe' is not one of observed, paired");
        cases.put("explore: {holdout: -1}\n", "explore.holdout must be 0 or more images, not -1");
        cases.put("explore: {holdout: 300, limit: 300}\n", "explore.holdout 300 leaves no images to search: explore.limit is 300");
        cases.put("data: {limit: 500}\nexplore: {holdout: 500}\n",
                "explore.holdout 500 leaves no images to search: data.limit is 500");
        cases.put("requirement: {target_accuracy: 0.8}\nexplore: {acceptance: paired}\n",
                "explore.acceptance paired bounds the drop against the float model: give requirement.max_drop, not target_accuracy");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(dir.resolve("bad.yaml"), c.getKey());
            assertEquals(file + ": " + c.getValue(),
                    assertThrows(UserInputException.class, () -> PipelineConfig.read(file)).getMessage(), c.getKey());
        }
        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "aply: {setting: s.yaml}\n");
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "explore: {hold_out: 5}\n");
        String wrong = assertThrows(UserInputException.class, () -> PipelineConfig.read(typo)).getMessage();
        assertEquals(typo + " cannot be read: Unrecognized field \"hold_out\"", wrong.substring(0, wrong.indexOf(" (")));
        String message = assertThrows(UserInputException.class, () -> PipelineConfig.read(unknown)).getMessage();
        assertEquals(unknown + " cannot be read: Unrecognized field \"aply\"", message.substring(0, message.indexOf(" (")));
    }
}
