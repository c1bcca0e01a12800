package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.Examples;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.quant.TensorCost;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real artifact of fixed-point weights (packed codes below 8 bits, INT8, INT16 and INT32 containers, every
 * rounding and overflow) on the SDTv2 reference model: decoded by ONNX Runtime to the simulated weights, scored
 * exactly like the simulated model, its code bytes what memory accounting says.
 */
class FixedPointArtifactTest {
    static final String SETTING = """
            default: fixed8:q2.5
            groups:
              stage1.downsample: fixed4:q1.2:truncate
              stage2.downsample: fixed6:q2.3:wrap
              stage3.downsample: fixed16:q4.11:truncate
              stage3.block1: fixed12:q3.8:stochastic:seed=5
              stage4.block1: fixed24:q4.19
              head: fixed32:q8.23:wrap
            """;

    @TempDir
    static Path dir;
    static Dataset images;

    @BeforeAll
    static void apply() throws IOException {
        Path setting = Files.writeString(dir.resolve("fixed.yaml"), SETTING);
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("sdtv2"));
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(200);
    }

    private static ModelLayers layers(String form) {
        return ModelLayers.of(OnnxModel.load(dir.resolve("sdtv2").resolve(form)), Grouping.QSVIT);
    }

    @Test
    void everyLayerIsEncodedInTheContainerOfItsFormat() {
        ModelLayers real = layers(ApplyStep.REAL);
        Setting setting = Setting.recordedIn(real.model()).orElseThrow();
        Map<String, TensorProto> tensors = real.model().proto().getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, Function.identity()));
        Map<String, Integer> containers = new TreeMap<>();
        for (Group group : real.groups()) {
            Scheme scheme = setting.schemeOf(group);
            assertTrue(scheme instanceof Scheme.Fixed, group.name());
            for (Layer layer : group.layers()) {
                assertTrue(layer.encoded(), layer.path());
                TensorProto codes = tensors.get(layer.encoding().codes());
                containers.merge(scheme.id() + " " + codes.getDataType(), 1, Integer::sum);
            }
        }
        // packed codes are uint8 bytes (2); INT8 3, INT16 5, INT32 6
        assertEquals("{fixed12:q3.8:stochastic:seed=5 5=6, fixed16:q4.11:truncate 5=1, fixed24:q4.19 6=6, "
                + "fixed32:q8.23:wrap 6=1, fixed4:q1.2:truncate 2=1, fixed6:q2.3:wrap 2=1, fixed8:q2.5 3=17}",
                containers.toString());
    }

    @Test
    void decodedWeightsEqualTheSimulatedOnesAndOnnxRuntimeScoresThemAlike() {
        ModelLayers real = layers(ApplyStep.REAL);
        ModelLayers simulated = layers(ApplyStep.SIMULATED);
        LayerWeights decoded = LayerWeights.of(real.model());
        LayerWeights stored = LayerWeights.of(simulated.model());
        for (int i = 0; i < real.layers().size(); i++) {
            assertArrayEquals(stored.floats(simulated.layers().get(i)), decoded.floats(real.layers().get(i)),
                    real.layers().get(i).path());
        }
        float[][] expected;
        try (OnnxClassifier s = OnnxClassifier.open(dir.resolve("sdtv2").resolve(ApplyStep.SIMULATED).resolve("model.onnx"), 2)) {
            expected = s.scores(images, 100);
        }
        try (OnnxClassifier r = OnnxClassifier.open(dir.resolve("sdtv2").resolve(ApplyStep.REAL).resolve("model.onnx"), 2)) {
            float[][] actual = r.scores(images, 100);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i], "image " + i);
            }
        }
    }

    /** Codes, the scale and (packed codes) the bias: the bytes the artifact stores per layer are the accounting's. */
    @Test
    void storedBytesAreTheAccountedBytes() {
        ModelLayers real = layers(ApplyStep.REAL);
        Setting setting = Setting.recordedIn(real.model()).orElseThrow();
        Map<String, TensorProto> tensors = real.model().proto().getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, Function.identity()));
        long accounted = 0;
        long stored = 0;
        for (Group group : real.groups()) {
            for (Layer layer : group.layers()) {
                String w = layer.tensorName();
                long bytes = 0;
                for (String suffix : new String[] {".qcodes", ".qscale", ".qzero"}) {
                    TensorProto t = tensors.get(w + suffix);
                    bytes += t == null ? 0 : t.getRawData().size();
                }
                long cost = TensorCost.of(setting.schemeOf(group), layer.dims(), layer.channelAxis()).storageBytes();
                assertEquals(cost, bytes, layer.path());
                accounted += cost;
                stored += bytes;
            }
        }
        assertEquals(accounted, stored);
        assertTrue(stored > 0);
    }
}
