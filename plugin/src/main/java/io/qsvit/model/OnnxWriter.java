package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.qsvit.UserInputException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a model into a folder as {@value OnnxModel#MODEL_FILE}. Small models are written whole; a model
 * that read external data, or that would pass the protobuf's 2 GiB limit, gets its large tensors in one
 * side file {@value #DATA_FILE} (ONNX external data), copied from the source model's files where unchanged.
 */
public final class OnnxWriter {
    public static final String DATA_FILE = "model.onnx.data";
    /** Protobuf messages are limited to 2 GiB; stay well below. */
    static final long INLINE_LIMIT = 1_800_000_000L;
    /** Tensors at least this large go to the side file in external mode (small ones stay in the graph). */
    static final int EXTERNAL_MIN_BYTES = 1024;

    private OnnxWriter() {
    }

    /** Writes {@code proto} (whose external tensors refer to {@code source}'s folder) into {@code folder}. */
    public static Path write(ModelProto proto, OnnxModel source, Path folder) {
        Path file = folder.resolve(OnnxModel.MODEL_FILE);
        try {
            Files.createDirectories(folder);
            ModelProto out = needsExternal(proto) ? externalize(proto, source, folder.resolve(DATA_FILE)) : proto;
            try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                out.writeTo(stream);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot write " + file + ": " + e.getMessage());
        }
        return file;
    }

    private static boolean needsExternal(ModelProto proto) {
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (ExternalData.isExternal(t)) {
                return true;
            }
        }
        return proto.getSerializedSize() < 0 || proto.getSerializedSize() > INLINE_LIMIT;
    }

    private static ModelProto externalize(ModelProto proto, OnnxModel source, Path dataFile) throws IOException {
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        try (FileChannel data = FileChannel.open(dataFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                TensorProto t = graph.getInitializer(i);
                boolean external = ExternalData.isExternal(t);
                if (!external && t.getRawData().size() < EXTERNAL_MIN_BYTES) {
                    continue;
                }
                long offset = data.position();
                ByteBuffer bytes = external ? ExternalData.of(t, source.folder(), source.file()).read()
                        : t.getRawData().asReadOnlyByteBuffer();
                while (bytes.hasRemaining()) {
                    data.write(bytes);
                }
                graph.setInitializer(i, t.toBuilder().clearRawData().clearExternalData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", DATA_FILE))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(data.position() - offset))));
            }
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    /**
     * The model with every external tensor's bytes read into the protobuf, for readers that take a model's bytes
     * and cannot follow external data (Tribuo's ONNXExternalModel reads the file into memory); refused when the
     * result would pass the protobuf's 2 GiB limit.
     */
    public static ModelProto inlined(ModelProto proto, OnnxModel source) {
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (ExternalData.isExternal(t)) {
                ByteBuffer bytes = ExternalData.of(t, source.folder(), source.file()).read();
                graph.setInitializer(i, t.toBuilder().clearExternalData().clearDataLocation()
                        .setRawData(ByteString.copyFrom(bytes)));
            }
        }
        ModelProto inlined = proto.toBuilder().setGraph(graph).build();
        if (inlined.getSerializedSize() < 0 || inlined.getSerializedSize() > INLINE_LIMIT) {
            throw new UserInputException(source.file() + " is too large to hold in one protobuf (over "
                    + INLINE_LIMIT + " bytes) with its external data");
        }
        return inlined;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Wraps bytes we own and will not modify, without copying (tensors of large models are big). */
    public static ByteString wrap(byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

}
