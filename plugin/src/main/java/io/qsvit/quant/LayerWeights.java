package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;
import io.qsvit.model.DecodeChains;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.PackedCodes;
import io.qsvit.model.TensorShapes;
import io.qsvit.model.TensorData;
import io.qsvit.model.WeightEncoding;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The float32 weights of a model's layers as ONNX Runtime computes them from the file: a stored weight's
 * values (initializer or Constant node), or an encoded weight's codes decoded by {@link QuantizedTensor},
 * whose float((code - zero point)) * scale and table[code] * scale are the single float products that
 * DequantizeLinear, and Gather then Mul, compute. Indexes the model's tensors once; reading is thread-safe.
 */
public final class LayerWeights {
    private final OnnxModel model;
    private final Map<String, TensorProto> tensors = new HashMap<>();

    private LayerWeights(OnnxModel model) {
        this.model = model;
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            tensors.put(t.getName(), t);
        }
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                node.getAttributeList().stream().filter(a -> a.getName().equals("value")).map(AttributeProto::getT)
                        .findFirst().ifPresent(t -> tensors.put(node.getOutput(0), t.toBuilder().setName(node.getOutput(0)).build()));
            }
        }
    }

    public static LayerWeights of(OnnxModel model) {
        return new LayerWeights(model);
    }

    public float[] floats(Layer layer) {
        return floats(layer, null);
    }

    /** As {@link #floats(Layer)}, into {@code scratch} when it has exactly the layer's size. */
    public float[] floats(Layer layer, float[] scratch) {
        if (!layer.encoded()) {
            return TensorData.floats(tensor(layer.tensorName()), model, scratch);
        }
        TensorProto codes = tensor(layer.encoding().codes());
        if (codes.getDataType() == OnnxDataType.FLOAT) { // a simulated model's split layer: float levels times scale
            return levelsTimesScale(layer, TensorData.floats(codes, model, scratch));
        }
        float[] values = scratch != null && scratch.length == layer.params() ? scratch : new float[(int) layer.params()];
        stored(layer).dequantizeInto(values);
        return values;
    }

    /**
     * The model with its encoded weights stored as float32 again: decode nodes (and the tensors only they read)
     * removed, each weight an initializer of its own name holding the decoded values. A setting applied to it
     * quantizes what the real artifact computes.
     */
    public static OnnxModel decodedModel(ModelLayers model) {
        LayerWeights weights = of(model.model());
        GraphProto.Builder graph = model.model().proto().getGraph().toBuilder();
        DecodeChains.remove(graph, model.layers());
        java.util.Set<String> decoded = new java.util.HashSet<>();
        model.layers().stream().filter(Layer::encoded).forEach(l -> decoded.add(l.tensorName()));
        // a simulated model's split layers hold their levels under the weight's own name: replaced, not added
        java.util.List<TensorProto> kept = new java.util.ArrayList<>(graph.getInitializerList());
        kept.removeIf(t -> decoded.contains(t.getName()));
        graph.clearInitializer().addAllInitializer(kept);
        for (Layer layer : model.layers()) {
            if (layer.encoded()) {
                graph.addInitializer(DequantizeForm.floats(layer.tensorName(), layer.dims(), weights.floats(layer)));
            }
        }
        return new OnnxModel(model.model().proto().toBuilder().setGraph(graph).build(), model.model().file());
    }

    /** Levels times the per-channel (or one) scale, one float product each: the simulated weights, bit for bit. */
    private float[] levelsTimesScale(Layer layer, float[] levels) {
        float[] scales = TensorData.floats(tensor(layer.encoding().scale()), model);
        int axis = layer.encoding().scaleAxis();
        ChannelLayout channels = ChannelLayout.of(layer.dims(), axis);
        int inner = channels.inner();
        int index = 0;
        for (int o = 0; o < channels.outer(); o++) {
            for (int c = 0; c < channels.channels(); c++) {
                float scale = scales[axis < 0 ? 0 : c];
                for (int end = index + inner; index < end; index++) {
                    levels[index] = levels[index] * scale;
                }
            }
        }
        return levels;
    }

    /**
     * An encoded layer's codes and scales as the file holds them. The scheme is read from the containers, so a
     * uniform6 weight in INT8 reads as uniform8 (same values); the artifact's setting names the scheme applied.
     */
    QuantizedTensor stored(Layer layer) {
        WeightEncoding encoding = layer.encoding();
        TensorProto codeTensor = tensor(encoding.codes());
        int count = (int) layer.params();
        int containerBits = encoding.packed() ? 8 : containerBits(codeTensor);
        boolean signed = !encoding.packed() && isSigned(codeTensor);
        Codes codes = encoding.packed() ? packed(codeTensor, count, encoding.packedBits(), layer) : codes(codeTensor, count, containerBits, signed);
        float[] scales = TensorData.floats(tensor(encoding.scale()), model);
        boolean perChannel = encoding.scaleAxis() >= 0;
        if (encoding.pow2()) {
            TensorProto tableTensor = tensor(encoding.table());
            float[] table = encoding.integerLevels() ? unitLevels(tableTensor, scales, layer) : TensorData.floats(tableTensor, model);
            int bits = Integer.numberOfTrailingZeros(table.length + 1);
            if (!Arrays.equals(table, Pow2Levels.table(bits))) {
                throw new UserInputException(model.file() + ": weight '" + layer.tensorName() + "' is decoded from a "
                        + "table of " + table.length + " levels that are not the " + bits + "-bit power-of-two levels");
            }
            requireBelow(table.length, codes, layer);
            return QuantizedTensor.pow2(new Scheme.Pow2(bits, perChannel), layer.dims(), encoding.scaleAxis(), scales, codes);
        }
        int[] zeroPoints = new int[encoding.zeroPoint().isEmpty() ? 0 : scales.length];
        if (zeroPoints.length > 0) {
            TensorProto zeroTensor = tensor(encoding.zeroPoint());
            int[] zero = switch (zeroTensor.getDataType()) {
                case OnnxDataType.INT32 -> int32s(zeroTensor);
                case OnnxDataType.FLOAT -> integral(TensorData.floats(zeroTensor, model), layer);
                default -> intsOf(codes(zeroTensor, (int) TensorShapes.elements(zeroTensor), containerBits, signed));
            };
            if (zero.length != zeroPoints.length && zero.length != 1) {
                throw new UserInputException(model.file() + ": weight '" + layer.tensorName() + "' has " + zero.length
                        + " zero points for " + scales.length + " scales");
            }
            Arrays.setAll(zeroPoints, i -> zero[zero.length == 1 ? 0 : i]);
        }
        if (containerBits == 32) {
            return QuantizedTensor.uniform(int32Scheme(scales, layer), layer.dims(), encoding.scaleAxis(), scales,
                    zeroPoints, codes);
        }
        // packed codes are unsigned with a zero point (the bias of symmetric codes): read as asymmetric, same values
        return QuantizedTensor.uniform(new Scheme.Uniform(encoding.packed() ? encoding.packedBits() : containerBits,
                        signed || zeroPoints.length == 0, perChannel), layer.dims(), encoding.scaleAxis(), scales,
                zeroPoints, codes);
    }

    /** INT32 codes are fixed point's alone: one power-of-two scale 2^-n, n = 0..31, names the format. */
    private Scheme.Fixed int32Scheme(float[] scales, Layer layer) {
        float scale = scales.length == 1 ? scales[0] : Float.NaN;
        int n = -Math.getExponent(scale);
        if (scales.length != 1 || n < 0 || n > 31 || scale != Math.scalb(1f, -n)) {
            throw new UserInputException(model.file() + ": weight '" + layer.tensorName() + "' has int32 codes with "
                    + scales.length + " scale(s) " + Arrays.toString(Arrays.copyOf(scales, Math.min(scales.length, 4)))
                    + ", not the one power-of-two scale 2^-n (n = 0..31) of a fixed-point format");
        }
        return Scheme.Fixed.of(32, 31 - n);
    }

    /**
     * The unit levels an integer kernel's int32 levels stand for: level / 2^(n-1), with the scales times 2^(n-1)
     * in place, both exact (powers of two), so the dequantized values are the pow2 decode's bit for bit.
     */
    private float[] unitLevels(TensorProto levelsTensor, float[] scales, Layer layer) {
        int[] levels = int32s(levelsTensor);
        int bits = Integer.numberOfTrailingZeros(levels.length + 1);
        int top = Pow2Levels.magnitudes(Math.max(bits, Scheme.Pow2.MIN_BITS)) - 1;
        float[] table = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            table[i] = Math.scalb((float) levels[i], -top);
        }
        for (int c = 0; c < scales.length; c++) {
            scales[c] = Math.scalb(scales[c], top);
        }
        return table;
    }

    private int[] int32s(TensorProto t) {
        ByteBuffer raw = TensorData.rawBytes(t, model, 4 * TensorShapes.elements(t));
        if (raw == null) {
            throw new UserInputException(model.file() + ": '" + t.getName() + "' is not in raw or external data");
        }
        int[] values = new int[raw.remaining() / 4];
        raw.asIntBuffer().get(values);
        return values;
    }

    /** Zero points stored as floats (for a Sub of float codes): whole numbers within the codes' range. */
    private int[] integral(float[] values, Layer layer) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 0 || values[i] > 65535) {
                throw new UserInputException(model.file() + ": weight '" + layer.tensorName() + "' has zero point "
                        + values[i] + ", not a code");
            }
            ints[i] = (int) values[i];
        }
        return ints;
    }

    private static int[] intsOf(Codes codes) {
        int[] values = new int[codes.length()];
        Arrays.setAll(values, codes::get);
        return values;
    }

    private Codes packed(TensorProto tensor, int count, int bits, Layer layer) {
        ByteBuffer raw = TensorData.rawBytes(tensor, model, PackedCodes.bytes(count, bits));
        if (raw == null) {
            throw new UserInputException(model.file() + ": codes '" + tensor.getName() + "' are not in raw or "
                    + "external data, the forms qsvit writes");
        }
        int[] values = PackedCodes.unpack(raw, count, bits);
        Codes codes = Codes.allocate(count, 8, false);
        for (int i = 0; i < count; i++) {
            codes.set(i, values[i]);
        }
        return codes;
    }

    private TensorProto tensor(String name) {
        TensorProto t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("tensor " + name + " not in " + model.file());
        }
        return t;
    }

    private Codes codes(TensorProto tensor, int count, int containerBits, boolean signed) {
        ByteBuffer raw = TensorData.rawBytes(tensor, model, Codes.packedSize(count, containerBits));
        if (raw == null) {
            throw new UserInputException(model.file() + ": codes '" + tensor.getName() + "' are not in raw or "
                    + "external data, the forms qsvit writes");
        }
        return Codes.unpack(raw, count, containerBits, signed);
    }

    /** Gather refuses an index past the table; so do we, rather than read a level that is not there. */
    private void requireBelow(int levels, Codes codes, Layer layer) {
        for (int i = 0; i < codes.length(); i++) {
            if (codes.get(i) >= levels) {
                throw new UserInputException(model.file() + ": weight '" + layer.tensorName() + "' has code "
                        + codes.get(i) + " at element " + i + ", past its " + levels + " power-of-two levels");
            }
        }
    }

    private static int containerBits(TensorProto codes) {
        return switch (codes.getDataType()) {
            case OnnxDataType.INT4, OnnxDataType.UINT4 -> 4;
            case OnnxDataType.INT8, OnnxDataType.UINT8 -> 8;
            case OnnxDataType.INT16, OnnxDataType.UINT16 -> 16;
            case OnnxDataType.INT32 -> 32;
            default -> throw new IllegalStateException("not a code type: " + codes.getDataType());
        };
    }

    private static boolean isSigned(TensorProto codes) {
        int type = codes.getDataType();
        return type == OnnxDataType.INT4 || type == OnnxDataType.INT8 || type == OnnxDataType.INT16
                || type == OnnxDataType.INT32;
    }
}
