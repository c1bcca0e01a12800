package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.Group;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.ComputedQuantization;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The calibration of computed tensors: the largest magnitude each computed group takes on some images with
 * float32 arithmetic, from one ONNX Runtime pass (the maximum is exact and order-free, so the same on any
 * machine), which places the binary point of a {@code uniform<B>} width on a computed tensor; and the size of
 * each group per image: the values it computes (every timestep) and the state it keeps (one value per neuron).
 *
 * @param ranges  computed group -> largest magnitude
 * @param states  computed group -> values kept from one timestep to the next, per image (membranes; else 0)
 * @param updates computed group -> values computed per image
 */
public record ComputedRanges(Map<String, Double> ranges, Map<String, Long> states, Map<String, Long> updates) {

    /** The computed groups, sized, for a search to set ({@link Group#computed}). */
    public java.util.List<Group> groups(ComputedSites sites) {
        java.util.List<Group> groups = new java.util.ArrayList<>();
        sites.groups().forEach((name, kind) -> groups.add(Group.computed(name, kind, states.getOrDefault(name, 0L),
                updates.getOrDefault(name, 0L))));
        return groups;
    }

    /** Calibrates the given sites on {@code data}. */
    public static ComputedRanges measure(ModelLayers model, ComputedSites sites, Dataset data, int threads, int batch,
                                         InputLayout layout, String inputName) {
        GraphProto.Builder graph = model.model().proto().getGraph().toBuilder();
        ComputedQuantization.addRangeOutputs(graph, sites.sites());
        Map<String, String> groupOf = new HashMap<>();
        sites.sites().forEach(s -> groupOf.put(s.tensor(), s.computedGroup()));
        Map<String, Double> ranges = new TreeMap<>();
        sites.sites().forEach(s -> ranges.put(s.computedGroup(), 0.0));
        Map<String, Long> sizes = new HashMap<>(); // site -> values per image
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
                        } else if (e.getKey().startsWith(ComputedQuantization.SIZE)) {
                            long values = (Long) e.getValue().getValue();
                            sizes.putIfAbsent(e.getKey().substring(ComputedQuantization.SIZE.length()), values / next.size());
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime cannot calibrate " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, Long> states = new TreeMap<>();
        Map<String, Long> updates = new TreeMap<>();
        Map<String, Long> moduleStates = new HashMap<>();
        for (var site : sites.sites()) {
            long size = sizes.getOrDefault(site.tensor(), 0L);
            updates.merge(site.computedGroup(), size, Long::sum);
            if (site.kind() == io.qsvit.model.ComputedKind.MEMBRANE) {
                moduleStates.merge(site.computedGroup() + "/" + ComputedSites.module(site.tensor()), size, Math::max);
            }
            states.putIfAbsent(site.computedGroup(), 0L);
        }
        moduleStates.forEach((module, size) -> states.merge(module.substring(0, module.lastIndexOf('/')), size, Long::sum));
        return new ComputedRanges(ranges, states, updates);
    }
}
