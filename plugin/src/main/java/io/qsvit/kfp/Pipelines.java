package io.qsvit.kfp;

import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.kfp.Component.Parameter;
import io.qsvit.kfp.Component.Slot;
import io.qsvit.kfp.PipelineBuilder.LoopHandle;
import io.qsvit.kfp.PipelineBuilder.TaskHandle;

import static io.qsvit.kfp.ArtifactType.ARTIFACT;
import static io.qsvit.kfp.ArtifactType.DATASET;
import static io.qsvit.kfp.ArtifactType.MODEL;

/** The pipelines qsvit ships, and the one-task pipeline that is each component's own spec file. */
public final class Pipelines {
    private static final String MODEL_URI = "URI of the float ONNX model: a model.onnx file, or a folder holding one "
            + "(s3://, minio:// or gs:// on a cluster; a local path for qsvit kfp run).";
    private static final String DATA_URI = "URI of the labelled images: an IDX folder, a folder of .npy arrays, a "
            + "libsvm file or a folder of class folders.";
    private static final String SETTING_URI = "URI of the precision setting: a JSON/YAML file, or a folder holding "
            + "setting.json (an explore or apply output).";

    private Pipelines() {
    }

    /** apply a given setting to the model, then evaluate the result against the float model. */
    static ObjectNode applyEvaluate(Components components, String sdkVersion) {
        PipelineBuilder b = new PipelineBuilder("qsvit-apply-evaluate", "Apply a precision setting to a float model "
                + "(QSViT Alg. 4) and evaluate the quantized model against it.", sdkVersion);
        b.parameter("model_uri", ParameterType.STRING, null, MODEL_URI);
        b.parameter("setting_uri", ParameterType.STRING, null, SETTING_URI);
        b.parameter("data_uri", ParameterType.STRING, null, DATA_URI);
        Source model = b.importer("import-model", "model_uri", MODEL);
        Source setting = b.importer("import-setting", "setting_uri", ARTIFACT);
        Source data = b.importer("import-data", "data_uri", DATASET);
        TaskHandle apply = b.task("apply", components.get(StepDeclarations.APPLY))
                .bind("model", model).bind("setting", setting);
        b.task("evaluate", components.get(StepDeclarations.EVALUATE))
                .bind("model", apply.artifact("quantized_model")).bind("data", data).bind("baseline", model);
        return b.build();
    }

    /**
     * The whole QSViT flow: the sensitivity sweep fanned out over {@code shards} pods (at most
     * {@code parallelism} at a time; 0 for no limit) and merged, then bounds, guided exploration, apply and
     * evaluate.
     */
    static ObjectNode full(Components components, String sdkVersion, int parallelism) {
        PipelineBuilder b = new PipelineBuilder("qsvit", "Mixed-precision post-training quantization of a spiking "
                + "vision transformer (QSViT): layer-wise sensitivity sweep in parallel shards, precision bounds, "
                + "guided exploration, apply and evaluate.", sdkVersion);
        b.parameter("model_uri", ParameterType.STRING, null, MODEL_URI);
        b.parameter("data_uri", ParameterType.STRING, null, DATA_URI);
        Source shards = b.parameter("shards", ParameterType.NUMBER_INTEGER, LongNode.valueOf(4),
                "Parts the sensitivity sweep is split into, each a pod of its own.");
        Source model = b.importer("import-model", "model_uri", MODEL);
        Source data = b.importer("import-data", "data_uri", DATASET);
        TaskHandle plan = b.task("shard-plan", components.get(StepDeclarations.SHARDS)).bind("count", shards);
        LoopHandle loop = b.loop("for-loop-1", plan.parameter("shards"), parallelism);
        TaskHandle sweep = loop.task("sensitivity", components.get(StepDeclarations.SENSITIVITY))
                .bind("model", model).bind("data", data).bind("shard", new Source.LoopItem());
        TaskHandle merge = b.task("sensitivity-merge", components.get(StepDeclarations.SENSITIVITY_MERGE))
                .bind("shards", loop.collect(sweep, "sensitivity"));
        TaskHandle bounds = b.task("bounds", components.get(StepDeclarations.BOUNDS))
                .bind("sensitivity", merge.artifact("sensitivity")).bind("model", model).bind("data", data);
        TaskHandle explore = b.task("explore", components.get(StepDeclarations.EXPLORE))
                .bind("model", model).bind("data", data).bind("bounds", bounds.artifact("bounds"))
                .bind("sensitivity", merge.artifact("sensitivity"));
        TaskHandle apply = b.task("apply", components.get(StepDeclarations.APPLY))
                .bind("model", model).bind("setting", explore.artifact("exploration"));
        b.task("evaluate", components.get(StepDeclarations.EVALUATE))
                .bind("model", apply.artifact("quantized_model")).bind("data", data).bind("baseline", model);
        return b.build();
    }

    /**
     * A retraining flow: the five steps on a retrained model (one sensitivity pod), then the release gate against
     * the released model ({@code release}: an {@code oci://} reference or a path the containers see), then, if the
     * gate passed, a push of the run to {@code push_to}. A failed gate fails its task (exit 3), so nothing is
     * pushed; the push component checks the gate's verdict again before it sends anything.
     */
    static ObjectNode retrain(Components components, String sdkVersion) {
        PipelineBuilder b = new PipelineBuilder("qsvit-retrain", "Re-quantize a retrained spiking vision transformer "
                + "(QSViT: sensitivity, bounds, guided exploration, apply, evaluate), gate it against the released "
                + "model on the same images, and push the run to an OCI registry when the gate passes.", sdkVersion);
        b.parameter("model_uri", ParameterType.STRING, null, MODEL_URI);
        b.parameter("data_uri", ParameterType.STRING, null, DATA_URI);
        Source pushTo = b.parameter("push_to", ParameterType.STRING, null,
                "Where a run that passes the gate is pushed: oci://HOST/REPOSITORY:TAG.");
        Source model = b.importer("import-model", "model_uri", MODEL);
        Source data = b.importer("import-data", "data_uri", DATASET);
        TaskHandle sweep = b.task("sensitivity", components.get(StepDeclarations.SENSITIVITY))
                .bind("model", model).bind("data", data);
        TaskHandle bounds = b.task("bounds", components.get(StepDeclarations.BOUNDS))
                .bind("sensitivity", sweep.artifact("sensitivity")).bind("model", model).bind("data", data);
        TaskHandle explore = b.task("explore", components.get(StepDeclarations.EXPLORE))
                .bind("model", model).bind("data", data).bind("bounds", bounds.artifact("bounds"))
                .bind("sensitivity", sweep.artifact("sensitivity"));
        TaskHandle apply = b.task("apply", components.get(StepDeclarations.APPLY))
                .bind("model", model).bind("setting", explore.artifact("exploration"));
        TaskHandle evaluate = b.task("evaluate", components.get(StepDeclarations.EVALUATE))
                .bind("model", apply.artifact("quantized_model")).bind("data", data).bind("baseline", model);
        TaskHandle gate = b.task("gate", components.get(StepDeclarations.GATE))
                .bind("model", apply.artifact("quantized_model")).bind("data", data);
        b.task("push", components.get(StepDeclarations.PUSH))
                .bind("sensitivity", sweep.artifact("sensitivity")).bind("bounds", bounds.artifact("bounds"))
                .bind("exploration", explore.artifact("exploration")).bind("quantized_model", apply.artifact("quantized_model"))
                .bind("evaluation", evaluate.artifact("evaluation")).bind("gate", gate.artifact("gate"))
                .bind("to", pushTo);
        return b.build();
    }

    /**
     * A component's own spec: a pipeline of its one task, inputs and outputs passed straight through, the form
     * Kubeflow's compiler gives a single component: {@code pipelineInfo.name} is the component's name, so
     * {@code kfp.components.load_component_from_file} finds its executor and loads a container component.
     */
    static ObjectNode single(Component c, String description, String sdkVersion) {
        ObjectNode spec = KfpJson.object();
        spec.putObject("components").set(c.componentKey(), c.definition());
        spec.putObject("deploymentSpec").putObject("executors").set(c.executorLabel(), c.executor());
        ObjectNode info = spec.putObject("pipelineInfo");
        info.put("name", c.name()); // as Kubeflow's compiler names it: the loader then finds exec-<name>
        info.put("description", description);
        ObjectNode task = KfpJson.object();
        task.putObject("cachingOptions").put("enableCache", true);
        task.putObject("componentRef").put("name", c.componentKey());
        ObjectNode inputs = KfpJson.object();
        for (Slot slot : c.inputs()) {
            inputs.with("artifacts").putObject(slot.name()).put("componentInputArtifact", slot.name());
        }
        for (Parameter p : c.parameters()) {
            inputs.with("parameters").putObject(p.name()).put("componentInputParameter", p.name());
        }
        if (!inputs.isEmpty()) {
            task.set("inputs", inputs);
        }
        task.putObject("taskInfo").put("name", c.name());
        ObjectNode root = spec.putObject("root");
        ObjectNode dag = root.putObject("dag");
        ObjectNode outputs = KfpJson.object();
        for (Slot slot : c.outputs()) {
            ObjectNode selector = KfpJson.object();
            selector.put("outputArtifactKey", slot.name());
            selector.put("producerSubtask", c.name());
            outputs.with("artifacts").putObject(slot.name()).putArray("artifactSelectors").add(selector);
        }
        for (Parameter p : c.parameterOutputs()) {
            ObjectNode selector = outputs.with("parameters").putObject(p.name()).putObject("valueFromParameter");
            selector.put("outputParameterKey", p.name());
            selector.put("producerSubtask", c.name());
        }
        if (!outputs.isEmpty()) {
            dag.set("outputs", outputs);
        }
        dag.putObject("tasks").set(c.name(), task);
        if (c.definition().has("inputDefinitions")) {
            root.set("inputDefinitions", c.definition().get("inputDefinitions"));
        }
        if (c.definition().has("outputDefinitions")) {
            root.set("outputDefinitions", c.definition().get("outputDefinitions"));
        }
        spec.put("schemaVersion", PipelineBuilder.SCHEMA_VERSION);
        spec.put("sdkVersion", sdkVersion);
        return spec;
    }
}
