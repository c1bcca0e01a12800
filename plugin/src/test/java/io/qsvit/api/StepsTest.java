package io.qsvit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The steps through the public API give what the step classes (and so the CLI) give, and say what is wrong. */
class StepsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Setting SETTING = Setting.builder().optDefault(Scheme.uniform(8))
            .optGroup("stage1.downsample", Scheme.uniform(4)).optGroup("stage3.block1", Scheme.float32())
            .optGroup("stage3.block2", Scheme.pow2(4)).build();

    @TempDir
    static Path dir;
    static Path model;
    static Data data;

    @BeforeAll
    static void useATemporaryCache() {
        Steps.useCache(dir.resolve("cache"));
        model = Examples.model("sdtv2");
        data = Data.builder().setPath(Examples.subset()).optFirst(200).build();
    }

    @AfterAll
    static void noCacheAgain() {
        Steps.useNoCache(); // the build's default (qsvit.cache=off)
    }

    @Test
    void applyWritesWhatTheStepWritesForTheSameSetting() throws IOException {
        Setting setting = Setting.builder().optDefault(Scheme.uniform(6)).optGroup("head", Scheme.uniform(8)).build();
        Path settingFile = dir.resolve("setting.yaml");
        setting.write(settingFile);
        assertEquals(setting, Setting.read(settingFile));
        ApplyResult fromObject = Steps.apply(ApplyRequest.builder().setModel(model).setSetting(setting)
                .setOut(dir.resolve("apply-object")).build());
        ApplyStep.run(model, settingFile, dir.resolve("apply-step"));
        for (String f : List.of("real/model.onnx", "simulated/model.onnx", "setting.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("apply-step").resolve(f)), Files.readAllBytes(fromObject.folder().resolve(f)), f);
        }
        assertEquals(Outcome.WRITTEN, fromObject.outcome());
        assertEquals(setting, fromObject.setting());
        JsonNode weights = JSON.readTree(fromObject.folder().resolve("metadata.json").toFile()).at("/results/weights");
        assertEquals(weights.get("effective_bits").asDouble(), fromObject.effectiveBits());
        assertEquals(weights.get("storage_bytes").asLong(), fromObject.storageBytes());
        assertTrue(fromObject.savingVsFloat32() > 0.7, "saving " + fromObject.savingVsFloat32());
        assertEquals(Files.size(fromObject.model(Form.REAL)), fromObject.realModelBytes());

        // the same request again: from the cache, reading alike
        ApplyResult again = Steps.apply(ApplyRequest.builder().setModel(model).setSetting(settingFile)
                .setOut(dir.resolve("apply-again")).build());
        assertEquals(Outcome.CACHED, again.outcome());
        assertEquals(fromObject.effectiveBits(), again.effectiveBits());

        // the in-memory quantizer gives apply's bytes
        QuantizedModel inMemory = Quantizer.of(setting).quantize(model);
        assertArrayEquals(Files.readAllBytes(fromObject.model(Form.REAL)), inMemory.bytes(Form.REAL));
        assertArrayEquals(Files.readAllBytes(fromObject.model(Form.SIMULATED)), inMemory.bytes(Form.SIMULATED));
        assertEquals(fromObject.storageBytes(), inMemory.storageBytes());
        assertArrayEquals(inMemory.bytes(Form.REAL), Quantizer.of(setting).quantize(Files.readAllBytes(model)).bytes(Form.REAL));
    }

    /** optBiasCorrection is apply --bias-correction: the same artifact bytes as the step with the same images. */
    @Test
    void biasCorrectionThroughTheApiWritesWhatTheStepWrites() throws IOException {
        Setting u4 = Setting.uniform(Scheme.uniform(4));
        Data calibration = Data.builder().setPath(Examples.subset()).optStratified(100, 0).build();
        ApplyResult corrected = Steps.apply(ApplyRequest.builder().setModel(model).setSetting(u4)
                .setOut(dir.resolve("bias-api")).optBiasCorrection(calibration).build());
        Path settingFile = dir.resolve("u4.yaml");
        u4.write(settingFile);
        ApplyStep.run(model, settingFile, dir.resolve("bias-step"), false, io.qsvit.eval.image.Preprocessing.NONE,
                io.qsvit.quant.Runtime.DEFAULT, new io.qsvit.eval.EvaluationData(Examples.subset(),
                        io.qsvit.eval.data.DataFormat.AUTO, "t10k", 100, 0L));
        for (String f : List.of("real/model.onnx", "simulated/model.onnx", "setting.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("bias-step").resolve(f)), Files.readAllBytes(corrected.folder().resolve(f)), f);
        }
        JsonNode results = JSON.readTree(corrected.folder().resolve("metadata.json").toFile());
        assertEquals(true, results.at("/results/bias_correction/enabled").asBoolean());
        assertEquals(results.at("/results/bias_correction/corrected_layers").asInt(), corrected.biasCorrectedLayers());
        assertTrue(corrected.biasCorrectedLayers() > 0, results.at("/results/bias_correction").toString());
        assertEquals(100, results.at("/parameters/calibration/limit").asInt(), results.at("/parameters").toString());
        ApplyResult plain = Steps.apply(ApplyRequest.builder().setModel(model).setSetting(u4).setOut(dir.resolve("bias-off")).build());
        assertEquals(0, plain.biasCorrectedLayers());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(plain.model(Form.REAL)), Files.readAllBytes(corrected.model(Form.REAL))));
        assertFalse(JSON.readTree(plain.folder().resolve("metadata.json").toFile()).get("cache_key")
                .equals(results.get("cache_key")));
    }

    @Test
    void applyTakesAnApplyOutputFolderAndTheFileKeepsTheChain() throws IOException {
        Path first = dir.resolve("first");
        Steps.apply(ApplyRequest.builder().setModel(model).setSetting(SETTING).setOut(first).build());
        Setting second = Setting.uniform(Scheme.uniform(4));
        // an apply output folder is its real model, as evaluate reads it
        ApplyResult fromFolder = Steps.apply(ApplyRequest.builder().setModel(first).setSetting(second)
                .setOut(dir.resolve("second-from-folder")).build());
        ApplyResult fromFile = Steps.apply(ApplyRequest.builder().setModel(first.resolve("real/model.onnx"))
                .setSetting(second).setOut(dir.resolve("second-from-file")).build());
        assertArrayEquals(Files.readAllBytes(fromFile.model(Form.REAL)), Files.readAllBytes(fromFolder.model(Form.REAL)));
        Map<String, String> metadata = metadata(fromFolder.model(Form.REAL));
        assertEquals("[{\"setting\":" + JSON.readTree(metadata(first.resolve("real/model.onnx")).get(QuantizedArtifacts.SETTING_KEY))
                + ",\"form\":\"real\"}]", metadata.get(QuantizedArtifacts.HISTORY_KEY));
        assertEquals(second, Setting.of(io.qsvit.quant.Setting.recordedIn(OnnxModel.load(fromFolder.model(Form.REAL))).orElseThrow()));
        // and the CLI's evaluate and inspect read the same folder
        assertEquals(10, Steps.inspect(fromFolder.folder(), Grouping.qsvit()).size());
    }

    @Test
    void evaluateMeasuresThenPublishesAndReadsTheSameFromTheCache() {
        Path applied = dir.resolve("eval-apply");
        Steps.apply(ApplyRequest.builder().setModel(model).setSetting(SETTING).setOut(applied).build());
        EvaluateRequest.Builder request = EvaluateRequest.builder().setModel(applied).setData(data).optBaseline(model)
                .optRunOptions(new RunOptions(100, 2));
        EvaluateResult measured = Steps.evaluate(request.build());
        assertEquals(Optional.empty(), measured.outcome());
        assertEquals(200, measured.model().images());
        assertEquals(200, measured.model().predictions().size());
        assertEquals(SETTING, measured.model().setting());
        Evaluation baseline = measured.baseline().orElseThrow();
        assertEquals(Setting.uniform(Scheme.float32()), baseline.setting());
        assertEquals(32.0, baseline.effectiveBits());
        assertTrue(measured.model().effectiveBits() < 12, "bits " + measured.model().effectiveBits()); // one float32 block
        assertEquals((double) measured.model().correct() / 200, measured.model().accuracy());
        assertTrue(measured.model().accuracyLow() < measured.model().accuracy() && measured.model().accuracy() < measured.model().accuracyHigh());
        assertTrue(measured.agreement().getAsDouble() > 0.9);

        EvaluateResult published = Steps.evaluate(request.optOut(dir.resolve("evaluated")).build());
        assertEquals(Optional.of(Outcome.WRITTEN), published.outcome());
        EvaluateResult cached = Steps.evaluate(request.optOut(dir.resolve("evaluated-again")).build());
        assertEquals(Optional.of(Outcome.CACHED), cached.outcome());
        assertEquals(List.of(), cached.model().predictions()); // not stored in the artifact
        for (EvaluateResult r : List.of(published, cached)) {
            assertEquals(withoutPredictions(measured.model()), withoutPredictions(r.model()));
            assertEquals(withoutPredictions(baseline), withoutPredictions(r.baseline().orElseThrow()));
            assertEquals(measured.agreement(), r.agreement());
        }
    }

    @Test
    void sensitivityBoundsAndExploreThroughTheApi() {
        Data few = Data.builder().setPath(Examples.subset()).optStratified(100, 1).build();
        SensitivityResult sens = Steps.sensitivity(SensitivityRequest.builder().setModel(model).setData(few)
                .setOut(dir.resolve("sens")).optPrecisions(List.of(Scheme.uniform(8), Scheme.uniform(4)))
                .optRunOptions(new RunOptions(100, 2)).build());
        assertEquals(List.of(Scheme.uniform(8), Scheme.uniform(4)), sens.precisions());
        assertEquals(10, sens.groups().size());
        assertEquals(GroupKind.DOWNSAMPLE, sens.kind("stage1.downsample"));
        assertTrue(sens.accuracy("head", Scheme.uniform(4)) > 0.5);
        assertEquals(Outcome.WRITTEN, sens.outcome());

        BoundsResult bounds = Steps.bounds(BoundsRequest.builder().setSensitivity(sens.folder()).setModel(model)
                .setData(few).setRequirement(Requirement.maxDrop(0.02)).setOut(dir.resolve("bounds"))
                .optRunOptions(new RunOptions(100, 2)).build());
        assertEquals(sens.baselineAccuracy() - 0.02, bounds.requiredAccuracy(), 1e-12);
        assertEquals(sens.groups(), List.copyOf(bounds.groups().keySet()));
        assertEquals(bounds.groups().get("head").high(), bounds.high().schemeOf("head"));

        ExploreResult explored = Steps.explore(ExploreRequest.builder().setModel(model).setData(few)
                .setBounds(bounds.folder()).optSensitivity(sens.folder()).setOut(dir.resolve("explore"))
                .optRacing(List.of()).optRunOptions(new RunOptions(100, 2)).build());
        assertTrue(explored.requirementMet());
        assertTrue(explored.accuracy() >= explored.requiredAccuracy() - 1e-12);
        assertEquals(sens.baselineAccuracy(), explored.floatAccuracy(), 1e-12);
        assertEquals(Setting.read(dir.resolve("explore/setting.json")), explored.chosen());
        assertTrue(explored.trials() > 1);
    }

    @Test
    void runGivesEveryStepAndTheEvaluation() throws IOException {
        Path setting = dir.resolve("run-setting.yaml");
        SETTING.write(setting);
        Path config = Files.writeString(dir.resolve("run.yaml"), "data: {limit: 200}\nbatch: 100\nthreads: 2\n"
                + "apply: {setting: run-setting.yaml}\n");
        RunRequest request = RunRequest.builder().setModel(model).setData(Examples.subset()).setOut(dir.resolve("run"))
                .optConfig(config).build();
        RunResult first = Steps.run(request);
        assertEquals(List.of("apply", "evaluate"), first.steps().stream().map(RunResult.StepRun::step).toList());
        assertEquals(dir.resolve("run/evaluate"), first.evaluation().folder().orElseThrow());
        assertEquals(SETTING, first.evaluation().model().setting());
        assertEquals(200, first.evaluation().model().images());
        assertEquals(Setting.uniform(Scheme.float32()), first.evaluation().baseline().orElseThrow().setting());
        RunResult again = Steps.run(request);
        assertTrue(again.steps().stream().allMatch(s -> s.outcome() != Outcome.WRITTEN), again.steps().toString());
        assertEquals(first.evaluation().model(), again.evaluation().model());
    }

    @Test
    void buildersSayWhatIsMissingOrWrong() {
        assertEquals("an apply request needs the setting (setSetting)", assertThrows(IllegalArgumentException.class,
                () -> ApplyRequest.builder().setModel(model).setOut(dir).build()).getMessage());
        assertEquals("an apply request takes one setting: a Setting or a file, not both", assertThrows(IllegalArgumentException.class,
                () -> ApplyRequest.builder().setModel(model).setSetting(SETTING).setSetting(dir).setOut(dir).build()).getMessage());
        assertEquals("data need a path (setPath)", assertThrows(IllegalArgumentException.class,
                () -> Data.builder().optFirst(5).build()).getMessage());
        assertEquals("the number of images must be above 0, got 0", assertThrows(IllegalArgumentException.class,
                () -> Data.builder().setPath(dir).optFirst(0).build()).getMessage());
        assertEquals("float32 is the baseline every sweep measures; list only lower precisions", assertThrows(IllegalArgumentException.class,
                () -> SensitivityRequest.builder().setModel(model).setData(data).setOut(dir)
                        .optPrecisions(List.of(Scheme.float32())).build()).getMessage());
        assertEquals("a budget applies to the heterogeneous strategy only", assertThrows(IllegalArgumentException.class,
                () -> ExploreRequest.builder().setModel(model).setData(data).setBounds(dir).setOut(dir)
                        .optBudgetBits(4).build()).getMessage());
        assertEquals("the low tolerance (0.01) must exceed the high one (0.02): the low bound is the looser one",
                assertThrows(IllegalArgumentException.class, () -> Requirement.maxDrop(0.01).withTolerances(0.02, 0.01)).getMessage());
        assertEquals("uniform takes 2..16 bits, got 17", assertThrows(IllegalArgumentException.class, () -> Scheme.uniform(17)).getMessage());
        assertEquals("unknown quantization scheme 'int8': expected float32, uniform<bits>[-asym][-tensor] (2..16 bits), "
                + "pow2-<bits>[-tensor] (2..8 bits) or fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]][:saturate|:wrap] (2..32 bits)", assertThrows(IllegalArgumentException.class, () -> Scheme.parse("int8")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Grouping.builder().addRule("stage(", "x").build())
                .getMessage().startsWith("grouping rule 'stage(' is not a valid regex: "));
        assertEquals("the batch must be above 0 images, got 0", assertThrows(IllegalArgumentException.class,
                () -> new RunOptions(0, 1)).getMessage());
    }

    @Test
    void inputProblemsAreQsvitExceptionsAndWriteNothing() {
        Path out = dir.resolve("never");
        Setting unknownGroup = Setting.builder().optGroup("stage9.block1", Scheme.uniform(8)).build();
        QsvitException e = assertThrows(QsvitException.class, () -> Steps.apply(ApplyRequest.builder().setModel(model)
                .setSetting(unknownGroup).setOut(out).build()));
        assertTrue(e.getMessage().startsWith("setting names group 'stage9.block1', which the model does not have"), e.getMessage());
        assertEquals("model not found: " + dir.resolve("no.onnx"), assertThrows(QsvitException.class,
                () -> Steps.inspect(dir.resolve("no.onnx"), Grouping.qsvit())).getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void schemesSettingsAndGroupingsReadAsTheirText() {
        assertEquals("uniform4-asym-tensor", Scheme.uniformAsymmetric(4).perTensor().id());
        assertEquals(Scheme.parse("pow2-5-tensor"), Scheme.pow2(5).perTensor());
        assertEquals(Scheme.Family.POW2, Scheme.parse("pow2-3").family());
        assertFalse(Scheme.parse("uniform8-asym").isSymmetric());
        assertEquals(32, Scheme.float32().bits());
        assertEquals("{\"schema\":\"qsvit.setting/v1\",\"grouping\":{\"granularity\":\"block\",\"rules\":[]},"
                + "\"default\":\"uniform8\",\"groups\":{\"stage1.downsample\":\"uniform4\",\"stage3.block1\":\"float32\","
                + "\"stage3.block2\":\"pow2-4\"}}", SETTING.toJson());
        Grouping rules = Grouping.builder().optGranularity(Granularity.STAGE)
                .addRule("stage(\\d)\\..*\\.attn\\..*", "attention$1", GroupKind.ATTENTION).build();
        assertEquals(List.of(new Grouping.Rule("stage(\\d)\\..*\\.attn\\..*", "attention$1", GroupKind.ATTENTION)), rules.rules());
        List<String> groups = Steps.inspect(model, rules).stream().map(ModelGroup::name).toList();
        assertTrue(groups.contains("attention3") && groups.contains("attention4") && groups.contains("stage1"), groups.toString());
        ModelGroup attention = Steps.inspect(model, rules).stream().filter(g -> g.name().equals("attention3")).findFirst().orElseThrow();
        assertEquals(GroupKind.ATTENTION, attention.kind());
        assertTrue(attention.layers().stream().allMatch(l -> l.startsWith("stage3.") && l.contains(".attn.")), attention.layers().toString());
    }

    private static Evaluation withoutPredictions(Evaluation e) {
        return new Evaluation(e.setting(), e.images(), e.correct(), e.accuracy(), e.accuracyLow(), e.accuracyHigh(),
                e.top5Accuracy(), e.macroF1(), e.effectiveBits(), e.storageBytes(), e.energyMicrojoulesPerImage(), List.of());
    }

    private static Map<String, String> metadata(Path onnx) {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        OnnxModel.load(onnx).proto().getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        return props;
    }
}
