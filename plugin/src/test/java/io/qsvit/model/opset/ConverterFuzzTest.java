package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.qsvit.UserInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The converter never fails other than with a one-line refusal: real old models (the op-set 6 to 12 models of
 * ONNX's backend test data) with nodes damaged at random (inputs, outputs or attributes dropped, attribute
 * values replaced) are upgraded to a random target; the result is a model at that op-set or a
 * {@link UserInputException} whose message is one line naming an operator.
 */
class ConverterFuzzTest {
    private static List<ModelProto> seeds;

    private static synchronized List<ModelProto> seeds() throws IOException {
        if (seeds == null) {
            List<ModelProto> found = new ArrayList<>();
            for (String category : new String[] {"node", "pytorch-converted", "pytorch-operator", "simple"}) {
                try (Stream<Path> dirs = Files.list(BackendCorpusTest.DATA.resolve(category))) {
                    for (Path dir : dirs.sorted().toList()) {
                        Path file = dir.resolve("model.onnx");
                        if (Files.exists(file)) {
                            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
                            int opset = OpsetConverter.opset(m);
                            if (opset >= OpsetConverter.MIN_OPSET && opset <= 12) {
                                found.add(m);
                            }
                        }
                    }
                }
            }
            seeds = found;
        }
        return seeds;
    }

    @Property(tries = 400)
    void upgradesOrRefusesInOneLine(@ForAll @IntRange(min = 0, max = 100000) int pick, @ForAll long seed) throws IOException {
        List<ModelProto> models = seeds();
        ModelProto model = damage(models.get(pick % models.size()), new Random(seed));
        int target = Math.max(OpsetConverter.opset(model) + 1 + (int) Math.floorMod(seed, 15), OpsetConverter.MIN_OPSET);
        target = Math.min(target, OpsetConverter.MAX_OPSET);
        try {
            assertEquals(target, OpsetConverter.opset(OpsetConverter.upgrade(model, target)));
        } catch (UserInputException e) {
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertEquals(true, e.getMessage().contains(" at op-set "), e.getMessage());
        }
    }

    private static ModelProto damage(ModelProto model, Random r) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int k = 0; k < g.getNodeCount(); k++) {
            if (r.nextInt(3) != 0) {
                continue;
            }
            NodeProto.Builder n = g.getNode(k).toBuilder();
            switch (r.nextInt(4)) {
                case 0 -> Ports.keepInputs(n, r.nextInt(n.getInputCount() + 1));
                case 1 -> Ports.keepOutputs(n, r.nextInt(n.getOutputCount() + 1));
                case 2 -> {
                    if (n.getAttributeCount() > 0) {
                        n.removeAttribute(r.nextInt(n.getAttributeCount()));
                    }
                }
                default -> {
                    if (n.getAttributeCount() > 0) {
                        int a = r.nextInt(n.getAttributeCount());
                        AttributeProto.Builder attr = n.getAttribute(a).toBuilder();
                        attr.setI(r.nextInt(9) - 4).setF(r.nextFloat() * 4 - 2).clearInts().addInts(r.nextInt(7) - 3)
                                .clearFloats().addFloats(r.nextFloat());
                        n.setAttribute(a, attr);
                    }
                }
            }
            g.setNode(k, n);
        }
        return model.toBuilder().setGraph(g).build();
    }
}
