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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        ModelProto relu = TestGraphs.model(GraphProto.newBuilder().addInput(TestGraphs.floatValue("x", -1, 8))
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

    /** A readable file outside the model's folder: its bytes must never reach an artifact, its size never a message. */
    private Path secret() throws IOException {
        byte[] bytes = new byte[1221];
        Arrays.fill(bytes, (byte) 7);
        return Files.write(Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-outside")).resolve("secret"), bytes);
    }

    @Test
    void aSymbolicLinkToAFileOutsideTheFolderIsRefused() throws IOException {
        Files.createSymbolicLink(dir.resolve("weights.bin"), secret());
        Path model = externalModel("weights.bin", null);
        assertEquals(model + ": external data file 'weights.bin' of tensor 'encoder.fc.weight' is a link that leads out "
                + "of the model's folder (or to nothing); copy the file into the folder", error(model));
    }

    @Test
    void aFolderLinkOnTheWayOutIsRefusedAndTheOutsideFileIsNotDescribed() throws IOException {
        Path secret = secret();
        Files.createSymbolicLink(dir.resolve("sub"), secret.getParent());
        Path model = externalModel("sub/secret", null);
        String message = error(model);
        assertEquals(model + ": external data file 'sub/secret' of tensor 'encoder.fc.weight' is a link that leads out "
                + "of the model's folder (or to nothing); copy the file into the folder", message);
        assertFalse(message.contains("1221"));
        // a link to a missing outside file gets the same message: no telling whether an outside file exists
        Path ghost = externalModel("sub/nothing-here", null);
        assertEquals(ghost + ": external data file 'sub/nothing-here' of tensor 'encoder.fc.weight' is a link that leads "
                + "out of the model's folder (or to nothing); copy the file into the folder", error(ghost));
        // nor does ".." through the link reach it
        Path dots = externalModel("sub/../x", null);
        assertEquals(dots + ": external data location 'sub/../x' of tensor 'encoder.fc.weight' leaves the model's folder",
                error(dots));
    }

    @Test
    void aLinkThatStaysInsideTheFolderIsFollowed() throws IOException {
        byte[] side = new byte[16 + 128];
        System.arraycopy(TestGraphs.mlp().getGraph().getInitializer(0).getRawData().toByteArray(), 0, side, 16, 128);
        Files.createDirectories(dir.resolve("blobs"));
        Files.write(dir.resolve("blobs/abc"), side);
        Files.createSymbolicLink(dir.resolve("weights.bin"), Path.of("blobs/abc"));
        OnnxModel model = OnnxModel.load(externalModel("weights.bin", null));
        assertArrayEquals(TensorData.floats(TestGraphs.mlp().getGraph().getInitializer(0), model),
                TensorData.floats(model.proto().getGraph().getInitializer(0), model));
    }

    @Test
    void aFileWithOtherHardLinksIsRefused() throws IOException {
        Path secret = secret();
        try {
            Files.createLink(dir.resolve("weights.bin"), secret);
        } catch (IOException e) {
            return; // another file system: no hard link between the two folders can exist there either
        }
        Path model = externalModel("weights.bin", null);
        String message = error(model);
        assertEquals(model + ": external data file 'weights.bin' of tensor 'encoder.fc.weight' has other hard links, so it "
                + "may be a file from outside the model's folder; copy it into the folder", message);
        assertFalse(message.contains("1221"));
    }

    @Test
    void aSpecialFileIsRefused() throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("weights.bin").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Path model = externalModel("weights.bin", null);
        assertEquals(model + ": external data file 'weights.bin' of tensor 'encoder.fc.weight' is not a regular file",
                error(model));
    }

    private Path externalModelWith(String offset, String length) throws IOException {
        Path model = externalModel("weights.bin", new byte[16 + 128]);
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        TensorProto w = proto.getGraph().getInitializer(0).toBuilder().clearExternalData()
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length)).build();
        return Files.write(model, proto.toBuilder().setGraph(proto.getGraph().toBuilder().setInitializer(0, w)).build().toByteArray());
    }

    @Test
    void negativeHugeOrWrongExternalLengthsAreRefused() throws IOException {
        Path model = externalModelWith("16", "-5");
        assertEquals(model + ": tensor 'encoder.fc.weight' has a negative external data length (-5)", error(model));
        externalModelWith("-1", "128");
        assertEquals(model + ": tensor 'encoder.fc.weight' has a negative external data offset (-1)", error(model));
        externalModelWith("16", "9223372036854775807");
        assertEquals(model + ": tensor 'encoder.fc.weight' has 9223372036854775807 bytes of external data where its "
                + "type and shape need 128", error(model));
        externalModelWith("9223372036854775807", "128");
        assertEquals(model + ": external data file 'weights.bin' is too short for tensor 'encoder.fc.weight': it needs "
                + "128 bytes at offset 9223372036854775807, the file has 144", error(model));
    }

    @Test
    void hugeOrNegativeDimsAreAUserError() throws IOException {
        for (long dim : new long[] {1099511627776L, -3}) {
            ModelProto mlp = TestGraphs.mlp();
            TensorProto w = mlp.getGraph().getInitializer(0).toBuilder().setDims(0, dim).build();
            Path model = Files.write(dir.resolve("dims.onnx"),
                    mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().setInitializer(0, w)).build().toByteArray());
            assertEquals("tensor 'encoder.fc.weight' has dimension " + dim + ", outside 0 to 2147483647",
                    assertThrows(UserInputException.class, () -> ModelLayers.of(OnnxModel.load(model), Grouping.QSVIT)).getMessage());
        }
    }

    /** Fuzz findings: a Transpose whose perm names a negative axis; a weight whose dims multiply past a Java array. */
    @Test
    void transposeAxesOutsideTheRankAndWeightsPastAnArrayAreHandled() throws IOException {
        ModelProto mlp = TestGraphs.mlp();
        GraphProto.Builder graph = mlp.getGraph().toBuilder();
        graph.setNode(0, graph.getNode(0).toBuilder().setAttribute(0, graph.getNode(0).getAttribute(0).toBuilder()
                .clearInts().addInts(1).addInts(-2)));
        Path model = Files.write(dir.resolve("perm.onnx"), mlp.toBuilder().setGraph(graph).build().toByteArray());
        ModelLayers layers = ModelLayers.of(OnnxModel.load(model), Grouping.QSVIT);
        assertEquals(-1, layers.layers().get(0).channelAxis(), "a perm outside the rank leaves the axis unknown");

        TensorProto w = mlp.getGraph().getInitializer(0).toBuilder().clearDims()
                .addDims(65536).addDims(65536).clearFloatData().build();
        Path huge = Files.write(dir.resolve("huge.onnx"),
                mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().setInitializer(0, w)).build().toByteArray());
        assertEquals("weight 'encoder.fc.weight' has shape [65536, 65536], more than 2147483647 elements",
                assertThrows(UserInputException.class, () -> ModelLayers.of(OnnxModel.load(huge), Grouping.QSVIT)).getMessage());
    }
}
