package io.qsvit.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.step.ApplyStep;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** apply never publishes a model that inspect or evaluate would refuse. */
class InvalidModelsTest {
    @TempDir
    Path dir;

    Path write(String name, ModelProto model) throws IOException {
        return Files.write(dir.resolve(name), model.toByteArray());
    }

    Path setting() throws IOException {
        return Files.writeString(dir.resolve("s.yaml"), "default: uniform8\n");
    }

    /** The MLP with its Relu reading the Gemm's output: Relu -> Gemm -> Relu. */
    static ModelProto cyclic() {
        ModelProto mlp = TestGraphs.mlp();
        GraphProto.Builder graph = mlp.getGraph().toBuilder();
        graph.setNode(2, graph.getNode(2).toBuilder().setInput(0, "y"));
        return mlp.toBuilder().setGraph(graph).build();
    }

    @Test
    void aCyclicGraphIsRefusedByEveryCommandBeforeAnyWork() throws IOException {
        Path model = write("cyclic.onnx", cyclic());
        String expected = "qsvit: error: " + model + ": the graph has a cycle (node 'node_Relu_2' depends on its own "
                + "output); ONNX Runtime cannot run it\n";
        QsvitCliTest.Run apply = QsvitCliTest.run("apply", "--model", model.toString(), "--setting", setting().toString(),
                "--out", dir.resolve("out").toString());
        assertEquals(1, apply.exit());
        assertEquals(expected, apply.err());
        assertFalse(Files.exists(dir.resolve("out")));
        QsvitCliTest.Run inspect = QsvitCliTest.run("inspect", model.toString());
        assertEquals(expected, inspect.err());
        QsvitCliTest.Run evaluate = QsvitCliTest.run("evaluate", "--model", model.toString(), "--data",
                Examples.subset().toString());
        assertEquals(expected, evaluate.err());
    }

    @Test
    void valuesProducedTwiceOrByNobodyAreRefused() throws IOException {
        ModelProto mlp = TestGraphs.mlp();
        GraphProto.Builder twice = mlp.getGraph().toBuilder();
        twice.setNode(2, twice.getNode(2).toBuilder().setOutput(0, "h"));
        Path model = write("twice.onnx", mlp.toBuilder().setGraph(twice).build());
        assertEquals(model + ": value 'h' is produced twice (node 'node_Relu_2')",
                assertThrows(UserInputException.class, () -> ApplyStep.run(model, setting(), dir.resolve("o"))).getMessage());
        GraphProto.Builder orphan = mlp.getGraph().toBuilder();
        orphan.setNode(2, orphan.getNode(2).toBuilder().setInput(0, "nowhere"));
        Path other = write("orphan.onnx", mlp.toBuilder().setGraph(orphan).build());
        assertEquals(other + ": node 'node_Relu_2' reads 'nowhere', which no node, graph input or initializer provides",
                assertThrows(UserInputException.class, () -> ApplyStep.run(other, setting(), dir.resolve("o"))).getMessage());
        // nodes out of order are fine: ONNX Runtime sorts them
        GraphProto.Builder shuffled = mlp.getGraph().toBuilder();
        var nodes = new java.util.ArrayList<>(shuffled.getNodeList());
        java.util.Collections.reverse(nodes);
        shuffled.clearNode().addAllNode(nodes);
        ApplyStep.run(write("shuffled.onnx", mlp.toBuilder().setGraph(shuffled).build()), setting(), dir.resolve("o"));
        assertTrue(Files.isRegularFile(dir.resolve("o/real/model.onnx")));
    }

    @Test
    void aWrittenModelThatDoesNotLoadIsNotPublished() throws IOException {
        // an operator ONNX Runtime does not know passes every structural check: only loading finds it
        ModelProto mlp = TestGraphs.mlp();
        GraphProto.Builder graph = mlp.getGraph().toBuilder();
        graph.setNode(2, graph.getNode(2).toBuilder().setOpType("NoSuchOperator"));
        Path model = write("unknown-op.onnx", mlp.toBuilder().setGraph(graph).build());
        Path out = dir.resolve("out");
        String message = assertThrows(UserInputException.class, () -> ApplyStep.run(model, setting(), out)).getMessage();
        assertTrue(message.startsWith("the real model apply wrote does not load in ONNX Runtime, so it is not published: "),
                message);
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(".out.lock", "s.yaml", "unknown-op.onnx"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
