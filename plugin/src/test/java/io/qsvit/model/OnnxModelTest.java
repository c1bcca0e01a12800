package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OnnxModelTest {
    @TempDir
    Path dir;

    private String error(Path path) {
        return assertThrows(UserInputException.class, () -> OnnxModel.load(path)).getMessage();
    }

    @Test
    void missingFileAndFolderWithoutModel() throws IOException {
        assertEquals("model file not found: " + dir.resolve("x.onnx"), error(dir.resolve("x.onnx")));
        Path folder = Files.createDirectory(dir.resolve("artifact"));
        assertEquals("no model.onnx in model folder " + folder, error(folder));
    }

    @Test
    void textIsNotAModel() throws IOException {
        Path file = Files.writeString(dir.resolve("m.onnx"), "definitely not a protobuf, just words\n");
        String message = error(file);
        assertEquals(true, message.startsWith(file + " is not"), message);
    }

    @Test
    void truncatedProtobufIsNamed() throws IOException {
        byte[] bytes = TestGraphs.mlp().toByteArray();
        Path file = Files.write(dir.resolve("m.onnx"), Arrays.copyOf(bytes, bytes.length - 40));
        assertEquals(file + " is not a valid ONNX model: the protobuf is truncated", error(file));
    }

    @Test
    void unsupportedVersionsAreRefused() throws IOException {
        Path old = Files.write(dir.resolve("old.onnx"), withOpset(TestGraphs.mlp(), 5).toByteArray());
        assertEquals(old + " uses op-set 5 of the default domain; qsvit reads 6 to 21", error(old));
        Path newer = Files.write(dir.resolve("new.onnx"), withOpset(TestGraphs.mlp(), 22).toByteArray());
        assertEquals(newer + " uses op-set 22 of the default domain; qsvit reads 6 to 21", error(newer));
        Path ir = Files.write(dir.resolve("ir.onnx"), TestGraphs.mlp().toBuilder().setIrVersion(12).build().toByteArray());
        assertEquals(ir + " has IR version 12; qsvit reads 3 to 10", error(ir));
        Path none = Files.write(dir.resolve("none.onnx"), TestGraphs.mlp().toBuilder().clearOpsetImport().build().toByteArray());
        assertEquals(none + " imports no op-set of the default domain; qsvit reads 6 to 21", error(none));
    }

    @Test
    void olderIrAndOpsetsAreReadAsTheyAre() throws IOException {
        for (int opset : new int[] {7, 9, 11, 12}) {
            ModelProto old = withOpset(TestGraphs.mlp(), opset).toBuilder().setIrVersion(3).build();
            Path file = Files.write(dir.resolve("v" + opset + ".onnx"), old.toByteArray());
            OnnxModel model = OnnxModel.load(file);
            assertEquals(opset, model.opset());
            assertEquals(old, model.proto());
        }
    }

    @Test
    void opset6IsRaisedTo7OnReading() throws IOException {
        ModelProto old = withOpset(TestGraphs.mlp(), 6).toBuilder().setIrVersion(3).build();
        OnnxModel model = OnnxModel.load(Files.write(dir.resolve("v6.onnx"), old.toByteArray()));
        assertEquals(7, model.opset());
        assertEquals(3, model.proto().getIrVersion());
        assertEquals(old.getGraph(), model.proto().getGraph()); // Gemm, MatMul and Relu kept their meaning
    }

    private static ModelProto withOpset(ModelProto model, int opset) {
        return model.toBuilder().setOpsetImport(0, model.getOpsetImport(0).toBuilder().setVersion(opset)).build();
    }

    @Test
    void modelWithoutQuantizableLayers() throws IOException {
        ModelProto relu = TestGraphs.model(GraphProto.newBuilder()
                .addNode(TestGraphs.node("Relu", "r", new String[] {"x"}, "y")).build(), 13);
        Path file = Files.write(dir.resolve("relu.onnx"), relu.toByteArray());
        OnnxModel model = OnnxModel.load(file);
        assertEquals(file + " has no quantizable layers (no constant float weight feeds a Conv, ConvTranspose, Gemm or MatMul)",
                assertThrows(UserInputException.class, () -> ModelLayers.of(model, Grouping.QSVIT)).getMessage());
    }

    /** The MLP with its first weight moved to a side file, as ONNX external data. */
    private Path externalModel(String location, byte[] sideFileContent) throws IOException {
        ModelProto mlp = TestGraphs.mlp();
        TensorProto w = mlp.getGraph().getInitializer(0);
        TensorProto external = w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("16"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("128")).build();
        if (sideFileContent != null) {
            Files.write(dir.resolve("weights.bin"), sideFileContent);
        }
        ModelProto model = mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().setInitializer(0, external)).build();
        return Files.write(dir.resolve("ext.onnx"), model.toByteArray());
    }

    @Test
    void externalDataIsReadFromItsOffset() throws IOException {
        byte[] side = new byte[16 + 128];
        byte[] raw = TestGraphs.mlp().getGraph().getInitializer(0).getRawData().toByteArray();
        System.arraycopy(raw, 0, side, 16, 128);
        OnnxModel model = OnnxModel.load(externalModel("weights.bin", side));
        float[] expected = TensorData.floats(TestGraphs.mlp().getGraph().getInitializer(0), model);
        assertArrayEquals(expected, TensorData.floats(model.proto().getGraph().getInitializer(0), model));
    }

    @Test
    void missingOrShortExternalDataIsNamed() throws IOException {
        Path missing = externalModel("weights.bin", null);
        assertEquals(missing + ": external data file 'weights.bin' of tensor 'encoder.fc.weight' is missing", error(missing));
        Path shortFile = externalModel("weights.bin", new byte[100]);
        assertEquals(shortFile + ": external data file 'weights.bin' is too short for tensor 'encoder.fc.weight': "
                + "it needs 128 bytes at offset 16, the file has 100", error(shortFile));
        Path escaping = externalModel("../weights.bin", null);
        assertEquals(escaping + ": external data location '../weights.bin' of tensor 'encoder.fc.weight' leaves the model's folder",
                error(escaping));
    }
}
