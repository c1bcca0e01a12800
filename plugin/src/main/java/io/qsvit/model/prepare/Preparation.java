package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.qsvit.UserInputException;
import io.qsvit.model.OnnxModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The canonical form every model is brought to once, before its float baseline is measured and before any
 * layer is found: what a device would store. Preparation
 * <ol>
 *   <li>refuses a model that is already quantized (QDQ or QOperator nodes) unless qsvit wrote it;</li>
 *   <li>gives float16 and bfloat16 weights a float32 twin behind a Cast ({@link Float16Weights}, exact);</li>
 *   <li>stores each weight as its layer reads it, folding a Transpose, Identity or constant Reshape between
 *       them into it ({@link WeightLayouts}, exact);</li>
 *   <li>folds BatchNormalization into the weight layer before it ({@link BatchNormFolding}).</li>
 * </ol>
 * The baseline, the sensitivity sweep, the search and both artifacts all see the prepared graph, so the float
 * model, the simulated model and the real model differ only in their weights. What was done is a
 * {@link PreparationRecord}, written into the prepared model's metadata.
 */
public final class Preparation {
    /** Version of the preparation; part of every step's cache key. */
    public static final int VERSION = 1;
    /** How a step's parameters name the preparation (in its cache key and metadata). */
    public static final String ID = "fold-batchnorm,float16-weights,weight-layouts/v" + VERSION;
    /** The model metadata entry holding the {@link PreparationRecord} as JSON. */
    public static final String METADATA_KEY = "qsvit.preparation";
    /** The metadata entry qsvit's own artifacts carry (QuantizedArtifacts.FORM_KEY). */
    private static final String QSVIT_FORM_KEY = "qsvit.form";
    /** Default-domain operators that only a quantized model has. */
    private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear",
            "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger");

    private Preparation() {
    }

    /**
     * A model and its prepared form.
     *
     * @param original the model as read (its file and digest identify the step's input)
     * @param model    the prepared model, the record in its metadata; the same file, for messages and external data
     * @param record   what preparing did
     */
    public record Prepared(OnnxModel original, OnnxModel model, PreparationRecord record) {
        /** The same preparation with the check of its outputs recorded. */
        public Prepared withCheck(PreparationRecord.Check check) {
            PreparationRecord checked = record.withCheck(check);
            return new Prepared(original, new OnnxModel(withRecord(model.proto(), checked), model.file()), checked);
        }
    }

    /** Prepares a model; a model prepared before (an artifact) comes back with nothing more done. */
    public static Prepared prepare(OnnxModel original) {
        refuseQuantized(original);
        GraphEdit graph = new GraphEdit(original.proto().getGraph());
        int widened = Float16Weights.widen(graph, original);
        int laidOut = WeightLayouts.run(graph, original);
        BatchNormFolding batchNorms = BatchNormFolding.run(graph, original);
        PreparationRecord now = new PreparationRecord(VERSION, batchNorms.folded(), batchNorms.kept(), widened, laidOut, null);
        Optional<PreparationRecord> earlier = recordedIn(original);
        PreparationRecord record = earlier.isEmpty() ? now : now.unchanged() ? earlier.get() : now.after(earlier.get());
        ModelProto proto = now.unchanged() ? original.proto()
                : original.proto().toBuilder().setGraph(graph.build()).build();
        return new Prepared(original, new OnnxModel(withRecord(proto, record), original.file()), record);
    }

    /** The preparation a model records (an artifact made from a prepared model), if any. */
    public static Optional<PreparationRecord> recordedIn(OnnxModel model) {
        for (StringStringEntryProto p : model.proto().getMetadataPropsList()) {
            if (p.getKey().equals(METADATA_KEY)) {
                return Optional.of(PreparationRecord.parse(p.getValue(), model.file().toString()));
            }
        }
        return Optional.empty();
    }

    /**
     * An artifact made from a prepared model, with weights that were widened from float16 and are still exactly
     * float16 (not quantized) stored as float16 again.
     */
    public static ModelProto restoreFloat16(ModelProto artifact) {
        return Float16Weights.narrow(artifact);
    }

    private static ModelProto withRecord(ModelProto proto, PreparationRecord record) {
        Map<String, String> props = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        props.put(METADATA_KEY, record.toJson());
        ModelProto.Builder b = proto.toBuilder().clearMetadataProps();
        props.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    /**
     * Quantized models are refused rather than quantized again: their codes already carry one rounding and
     * their calibration (activation scales) would be lost, so the float model they came from is what to bring.
     * qsvit's own real artifacts (marked in their metadata) are read: their weights are decoded and re-quantized.
     */
    private static void refuseQuantized(OnnxModel model) {
        boolean ours = model.proto().getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals(QSVIT_FORM_KEY));
        if (ours) {
            return;
        }
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            if (isQuantizationOp(node)) {
                throw new UserInputException(model.file() + " is already quantized (node '"
                        + (node.getName().isEmpty() ? node.getOutput(0) : node.getName()) + "' is "
                        + (node.getDomain().isEmpty() ? "" : node.getDomain() + ".") + node.getOpType()
                        + "); qsvit quantizes float models: give it the float model this one was made from");
            }
        }
    }

    static boolean isQuantizationOp(NodeProto node) {
        String op = node.getOpType();
        if (GraphEdit.isStandard(node)) {
            return QUANTIZED_OPS.contains(op);
        }
        // ONNX Runtime's contrib operators: QLinear*, QGemm, QAttention, MatMulNBits, DynamicQuantizeMatMul, ...
        return op.contains("Quantize") || op.startsWith("QLinear") || op.startsWith("QOrdered") || op.endsWith("Integer")
                || op.endsWith("IntegerToFloat") || op.equals("QGemm") || op.equals("QAttention")
                || op.startsWith("MatMulNBits") || op.startsWith("MatMulBnb4") || op.equals("QEmbedLayerNormalization");
    }
}
