package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.qsvit.UserInputException;

/**
 * A model with its external data read back into the graph, for consumers that take a model as bytes and
 * cannot be told where its side files are (Tribuo's ONNX model). Limited by the protobuf's 2 GiB.
 */
public final class InlineModel {
    private InlineModel() {
    }

    public static boolean hasExternalData(ModelProto proto) {
        return proto.getGraph().getInitializerList().stream().anyMatch(ExternalData::isExternal);
    }

    public static ModelProto of(OnnxModel model) {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        long total = model.proto().getSerializedSize();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (!ExternalData.isExternal(t)) {
                continue;
            }
            ExternalData data = ExternalData.of(t, model.folder(), model.file());
            total += data.length();
            if (total > OnnxWriter.INLINE_LIMIT) {
                throw new UserInputException(model.file() + " holds more weights than one ONNX file can (2 GiB), so it "
                        + "cannot be handed to Tribuo as bytes");
            }
            graph.setInitializer(i, t.toBuilder().clearExternalData().setDataLocation(TensorProto.DataLocation.DEFAULT)
                    .setRawData(ByteString.copyFrom(data.read())));
        }
        return model.proto().toBuilder().setGraph(graph).build();
    }
}
