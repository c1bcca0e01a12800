package io.qsvit.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.Examples;
import io.qsvit.model.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model with external data, run from a working directory that is not the model's folder (ONNX Runtime finds
 * external data relative to the model file, or to the working directory when it is given bytes).
 */
class ExternalDataElsewhereTest {
    @TempDir
    Path dir;

    /** The reference model with every initializer in {@code model.onnx.data} beside it. */
    static Path externalCopy(Path folder) throws IOException {
        ModelProto.Builder model = OnnxModel.load(Examples.model("sdtv2")).proto().toBuilder();
        var graph = model.getGraphBuilder();
        Files.createDirectories(folder);
        long offset = 0;
        try (var side = Files.newOutputStream(folder.resolve("model.onnx.data"))) {
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                TensorProto t = graph.getInitializer(i);
                byte[] raw = t.getRawData().toByteArray();
                side.write(raw);
                graph.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "model.onnx.data")).addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(raw.length))));
                offset += raw.length;
            }
        }
        return Files.write(folder.resolve("model.onnx"), model.build().toByteArray());
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Runs qsvit in a process of its own whose working directory is {@code workingDirectory}. */
    static QsvitCliTest.Run qsvitIn(Path workingDirectory, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dqsvit.cache=off", "-cp", System.getProperty("java.class.path"), Qsvit.class.getName()));
        line.addAll(List.of(args));
        Path err = workingDirectory.resolve("stderr.txt");
        Process process = new ProcessBuilder(line).directory(workingDirectory.toFile()).redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        return new QsvitCliTest.Run(exit, out, Files.readString(err));
    }

    static String accuracy(String out) {
        Matcher m = Pattern.compile("(?m)^accuracy +(\\S+ \\(\\d+ of \\d+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    @Test
    void evaluateAndRunFindExternalDataFromAnyWorkingDirectory() throws IOException, InterruptedException {
        Path model = externalCopy(dir.resolve("models/ext"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        String data = Examples.subset().toString();
        QsvitCliTest.Run external = qsvitIn(elsewhere, "evaluate", "--model", model.toString(), "--data", data, "--limit", "40",
                "--threads", "2");
        assertEquals(0, external.exit(), external.err());
        QsvitCliTest.Run inline = qsvitIn(elsewhere, "evaluate", "--model", Examples.model("sdtv2").toString(), "--data", data,
                "--limit", "40", "--threads", "2");
        assertEquals(accuracy(inline.out()), accuracy(external.out()));

        Files.writeString(dir.resolve("setting.yaml"), "default: uniform8\n");
        Files.writeString(dir.resolve("pipeline.yaml"), "data: {limit: 30}\nthreads: 2\napply: {setting: setting.yaml}\n");
        QsvitCliTest.Run run = qsvitIn(elsewhere, "run", "--model", model.toString(), "--data", data,
                "--out", dir.resolve("out").toString(), "--config", dir.resolve("pipeline.yaml").toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.isRegularFile(dir.resolve("out/apply/real/model.onnx.data")));
        assertTrue(Files.isRegularFile(dir.resolve("out/evaluate/report.md")));
    }
}
