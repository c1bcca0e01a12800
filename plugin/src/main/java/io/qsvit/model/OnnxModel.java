package io.qsvit.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.qsvit.UserInputException;
import io.qsvit.model.opset.OpsetConverter;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A parsed ONNX model and the folder its external data is resolved against. Loading checks what the rest of
 * the toolkit relies on (a graph, supported IR and op-set versions, external data present and long enough),
 * so later stages never meet a half-valid model.
 * <p>
 * IR versions 3 to 10 and default-domain op-sets 7 to 21 are read as they are; other domains (ai.onnx.ml,
 * com.microsoft, custom) are not looked at. Op-set 6 is read too and raised to 7 in memory by the
 * {@linkplain OpsetConverter converter}, since ONNX Runtime has no kernels older than op-set 7. Artifacts that
 * need a newer op-set (per-channel DequantizeLinear: 13, 4-bit codes: 21) raise it when they are built.
 */
public final class OnnxModel {
    public static final String MODEL_FILE = "model.onnx";
    /** The oldest op-set ONNX Runtime runs; older models (down to the converter's 6) are raised to it. */
    public static final int MIN_OPSET = 7;
    public static final int MAX_OPSET = OpsetConverter.MAX_OPSET;
    public static final long MIN_IR_VERSION = 3;
    public static final long MAX_IR_VERSION = 10;

    private final ModelProto proto;
    private final Path file;

    public OnnxModel(ModelProto proto, Path file) {
        this.proto = proto;
        this.file = file;
    }

    public ModelProto proto() {
        return proto;
    }

    /** The .onnx file this model was read from; external data locations are relative to its folder. */
    public Path file() {
        return file;
    }

    public Path folder() {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of(".");
    }

    /** Version of the default ("" / ai.onnx) operator set. */
    public long opset() {
        return opset(proto);
    }

    static long opset(ModelProto proto) {
        return OpsetConverter.opset(proto);
    }

    /**
     * Reads a model from an .onnx file, or from an artifact folder holding {@value #MODEL_FILE}.
     */
    public static OnnxModel load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(MODEL_FILE) : path;
        if (!Files.exists(file)) {
            throw new UserInputException(Files.isDirectory(path)
                    ? "no " + MODEL_FILE + " in model folder " + path : "model file not found: " + path);
        }
        ModelProto proto = readable(parse(file), file);
        OnnxModel model = new OnnxModel(proto, file);
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            ExternalData.check(tensor, model.folder(), file);
        }
        return model;
    }

    /**
     * Reads a model held in memory (the ONNX bytes inside a Tribuo model, say), named {@code origin} in
     * messages. Its weights must be inline: there is no folder to resolve external data against.
     */
    public static OnnxModel fromBytes(byte[] bytes, String origin) {
        Path name = Path.of(origin);
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UserInputException(origin + " is not a valid ONNX model: the protobuf is malformed");
        }
        proto = readable(proto, name);
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            if (ExternalData.isExternal(tensor)) {
                throw new UserInputException(origin + " keeps tensor '" + tensor.getName()
                        + "' in external data; a model in memory must hold its weights inline");
            }
        }
        return new OnnxModel(proto, name);
    }

    /**
     * Parses from a memory-mapped file with aliasing on: tensor bytes stay in the mapping instead of being
     * copied to the heap, which halves the memory and time of reading large models.
     */
    private static ModelProto parse(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new UserInputException(file + " is over 2 GiB; ONNX models that large keep their weights "
                        + "in external data files");
            }
            MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            CodedInputStream coded = CodedInputStream.newInstance(bytes);
            coded.enableAliasing(true);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            String why = e.getMessage() != null && e.getMessage().contains("truncated")
                    ? "the protobuf is truncated" : "the protobuf is malformed";
            throw new UserInputException(file + " is not a valid ONNX model: " + why);
        } catch (IOException e) {
            throw new UserInputException("cannot read model " + file + ": " + e.getMessage());
        }
    }

    /** The model checked, and raised to {@value #MIN_OPSET} where it is older. */
    private static ModelProto readable(ModelProto proto, Path file) {
        validate(proto, file);
        if (opset(proto) >= MIN_OPSET) {
            return proto;
        }
        try {
            return OpsetConverter.upgrade(proto, MIN_OPSET);
        } catch (UserInputException e) {
            throw new UserInputException(file + ": " + e.getMessage());
        }
    }

    private static void validate(ModelProto proto, Path file) {
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0 || proto.getIrVersion() == 0) {
            throw new UserInputException(file + " is not an ONNX model (no IR version or no graph)");
        }
        if (proto.getIrVersion() < MIN_IR_VERSION || proto.getIrVersion() > MAX_IR_VERSION) {
            throw new UserInputException(file + " has IR version " + proto.getIrVersion() + "; qsvit reads "
                    + MIN_IR_VERSION + " to " + MAX_IR_VERSION);
        }
        long opset = opset(proto);
        if (opset < OpsetConverter.MIN_OPSET || opset > MAX_OPSET) {
            throw new UserInputException(file + (opset < 0 ? " imports no op-set of the default domain"
                    : " uses op-set " + opset + " of the default domain") + "; qsvit reads " + OpsetConverter.MIN_OPSET
                    + " to " + MAX_OPSET);
        }
    }
}
