package io.qsvit.step;

import io.qsvit.eval.ClassMetrics;
import io.qsvit.eval.EnergyEstimate;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.ModelEvaluation;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.quant.MemoryAccount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The numbers of an evaluation, with its baseline and the comparison of the two, as metadata results. */
record EvaluationResults(Measured model, Measured baseline, EnergyTable table) {

    /** One evaluated model: its file, content digest and measurements. */
    record Measured(OnnxModel file, String digest, ModelEvaluation evaluation) {
        /** Bytes of the model file and of its external data file, as a registry would store them. */
        long fileBytes() {
            Path onnx = file.file();
            Path data = onnx.resolveSibling(onnx.getFileName() + ".data");
            try {
                return Files.size(onnx) + (Files.isRegularFile(data) ? Files.size(data) : 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", summary(model));
        if (baseline != null) {
            results.put("baseline", summary(baseline));
            results.put("comparison", comparison());
        }
        results.put("energy_table", table.source());
        return results;
    }

    Map<String, Object> comparison() {
        ModelEvaluation m = model.evaluation();
        ModelEvaluation b = baseline.evaluation();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("accuracy_change", m.top1().value() - b.top1().value());
        c.put("agreement", m.agreementWith(b));
        c.put("weight_memory_saving", 1 - (double) m.memory().storageBytes() / b.memory().storageBytes());
        c.put("file_bytes_saving", 1 - (double) model.fileBytes() / baseline.fileBytes());
        c.put("energy_saving", 1 - m.energy().totalPj() / b.energy().totalPj());
        return c;
    }

    private static Map<String, Object> summary(Measured measured) {
        ModelEvaluation e = measured.evaluation();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("digest", measured.digest());
        s.put("setting", e.setting());
        s.put("images", e.top1().total());
        s.put("correct", e.top1().correct());
        s.put("accuracy", e.top1().value());
        s.put("accuracy_interval95", e.top1().interval95());
        s.put("top5_accuracy", e.top5().value());
        ClassMetrics metrics = e.metrics();
        s.put("macro_f1", metrics.macroF1());
        s.put("balanced_error_rate", metrics.balancedErrorRate());
        s.put("per_class", metrics.perClass());
        s.put("confusion_matrix", metrics.confusion());
        MemoryAccount memory = e.memory();
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("params", memory.totalParams());
        weights.put("effective_bits", memory.effectiveBits());
        weights.put("storage_bytes", memory.storageBytes());
        weights.put("saving_vs_float32", memory.savingVsFloat32());
        weights.put("model_file_bytes", measured.fileBytes());
        if (!e.neuronState().isEmpty()) { // the state of the neuron groups held in fixed point, per image
            weights.put("neuron_state_bytes_per_image", e.neuronState().values().stream()
                    .mapToDouble(io.qsvit.eval.NeuronStateCost::stateBytesPerImage).sum());
        }
        s.put("memory", weights);
        EnergyEstimate energy = e.energy();
        Map<String, Object> groups = new LinkedHashMap<>();
        energy.groups().forEach((name, g) -> {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("macs", g.macs());
            group.put("sops", g.sops());
            group.put("microjoules", g.pj() / 1e6);
            groups.put(name, group);
        });
        Map<String, Object> energyMap = new LinkedHashMap<>();
        energyMap.put("microjoules_per_image", energy.totalMicrojoules());
        if (!e.neuronState().isEmpty()) { // their updates, outside the weight layers' total above
            energyMap.put("neuron_update_microjoules_per_image", e.neuronState().values().stream()
                    .mapToDouble(io.qsvit.eval.NeuronStateCost::updateMicrojoulesPerImage).sum());
        }
        energyMap.put("groups", groups);
        s.put("energy", energyMap);
        s.put("firing_rates", e.firingRates());
        if (!e.computed().isEmpty()) { // only models whose setting holds computed tensors in fixed point
            Map<String, Object> computed = new LinkedHashMap<>();
            Map<String, io.qsvit.quant.ComputedFormat> formats = e.setting().computedFormats();
            e.computed().forEach((group, c) -> {
                Map<String, Object> counts = new LinkedHashMap<>();
                counts.put("format", formats.containsKey(group) ? formats.get(group).id() : null);
                counts.put("values", c.values());
                counts.put("saturated", c.saturated());
                counts.put("zeroed", c.zeroed());
                io.qsvit.eval.NeuronStateCost state = e.neuronState().get(group);
                if (state != null) {
                    counts.put("state_bytes_per_image", state.stateBytesPerImage());
                    counts.put("updates_per_image", state.updatesPerImage());
                    counts.put("update_microjoules_per_image", state.updateMicrojoulesPerImage());
                    counts.put("float32_update_microjoules_per_image", state.float32UpdateMicrojoulesPerImage());
                }
                Map<String, Object> tensors = new LinkedHashMap<>(); // each site: a tensor at one timestep
                e.computedTensors().getOrDefault(group, Map.of()).forEach((tensor, t) -> {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("values", t.values());
                    one.put("saturated", t.saturated());
                    one.put("zeroed", t.zeroed());
                    tensors.put(tensor, one);
                });
                counts.put("tensors", tensors);
                computed.put(group, counts);
            });
            s.put("computed", computed);
        }
        s.put("preparation", Preparation.recordedIn(measured.file()).orElseThrow().toMap());
        return s;
    }
}
