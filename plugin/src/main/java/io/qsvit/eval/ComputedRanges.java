package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.ComputedQuantization;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The calibration of computed tensors: the largest magnitude each computed group takes on some images with
 * float32 arithmetic, from one ONNX Runtime pass (the maximum is exact and order-free, so the same on any
 * machine). It places the binary point of a {@code uniform<B>} width on a computed tensor.
 */
public final class ComputedRanges {
    private ComputedRanges() {
    }

    /** Computed group -> largest magnitude over {@code data}, for the given sites. */
    public static Map<String, Double> measure(ModelLayers model, ComputedSites sites, Dataset data, int threads, int batch,
                                              InputLayout layout, String inputName) {
        GraphProto.Builder graph = model.model().proto().getGraph().toBuilder();
        ComputedQuantization.addRangeOutputs(graph, sites.sites());
        Map<String, String> groupOf = new HashMap<>();
        sites.sites().forEach(s -> groupOf.put(s.tensor(), s.computedGroup()));
        Map<String, Double> ranges = new TreeMap<>();
        sites.sites().forEach(s -> ranges.put(s.computedGroup(), 0.0));
        ModelProto proto = model.model().proto().toBuilder().setGraph(graph).build();
        try (OrtSession.SessionOptions options = Sessions.options(threads);
             OrtSession session = Sessions.create(proto, model.model(), options);
             InputBatches batches = new InputBatches(data, Math.max(1, Math.min(batch, data.size())), layout.batchAxis())) {
            for (int b = 0; b < batches.count(); b++) {
                try (InputBatches.Next next = batches.next();
                     OrtSession.Result result = session.run(Map.of(inputName, next.tensor()))) {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        if (e.getKey().startsWith(ComputedQuantization.RANGE)) {
                            String group = groupOf.get(e.getKey().substring(ComputedQuantization.RANGE.length()));
                            float max = (Float) e.getValue().getValue();
                            if (!Float.isFinite(max)) {
                                throw new UserInputException(model.model().file() + ": computed group '" + group
                                        + "' takes the value " + max + " on the calibration images");
                            }
                            ranges.merge(group, (double) max, Math::max);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime cannot calibrate " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return ranges;
    }
}
