package io.qsvit.kfp;

import io.qsvit.kfp.Derivation.ConfusionMatrix;
import io.qsvit.kfp.Derivation.FileCopy;
import io.qsvit.kfp.Derivation.ScalarMetrics;

import java.util.List;
import java.util.Optional;

import static io.qsvit.kfp.ArtifactType.ARTIFACT;
import static io.qsvit.kfp.ArtifactType.CLASSIFICATION_METRICS;
import static io.qsvit.kfp.ArtifactType.DATASET;
import static io.qsvit.kfp.ArtifactType.MARKDOWN;
import static io.qsvit.kfp.ArtifactType.METRICS;
import static io.qsvit.kfp.ArtifactType.MODEL;

/**
 * The Kubeflow side of each step command. Options not named here become parameters, so a new CLI option
 * reaches the components by regenerating the specs; a new path option must be declared here (the generator
 * refuses an undeclared one).
 */
public final class StepDeclarations {
    public static final StepDeclaration SENSITIVITY = StepDeclaration.step("sensitivity")
            .input("--model", "model", MODEL)
            .input("--data", "data", DATASET)
            .output("--out", "sensitivity", ARTIFACT)
            .build();

    public static final StepDeclaration SENSITIVITY_MERGE = StepDeclaration.step("sensitivity-merge")
            .inputList("--shards", "shards", ARTIFACT)
            .output("--out", "sensitivity", ARTIFACT)
            .derived("metrics", METRICS, "sensitivity", ScalarMetrics.everyNumberUnder("/results"))
            .build();

    public static final StepDeclaration BOUNDS = StepDeclaration.step("bounds")
            .input("--sensitivity", "sensitivity", ARTIFACT)
            .input("--model", "model", MODEL)
            .input("--data", "data", DATASET)
            .output("--out", "bounds", ARTIFACT)
            .derived("metrics", METRICS, "bounds", ScalarMetrics.everyNumberUnder("/results"))
            .build();

    public static final StepDeclaration EXPLORE = StepDeclaration.step("explore")
            .input("--model", "model", MODEL)
            .input("--data", "data", DATASET)
            .input("--bounds", "bounds", ARTIFACT)
            .input("--sensitivity", "sensitivity", ARTIFACT)
            .input("--energy-table", "energy_table", ARTIFACT)
            .output("--out", "exploration", ARTIFACT)
            .derived("metrics", METRICS, "exploration", ScalarMetrics.everyNumberUnder("/results"))
            .build();

    public static final StepDeclaration APPLY = StepDeclaration.step("apply")
            .input("--model", "model", MODEL)
            .input("--setting", "setting", ARTIFACT)
            .input("--calibration-data", "calibration_data", DATASET)
            .output("--out", "quantized_model", MODEL)
            .derived("metrics", METRICS, "quantized_model", ScalarMetrics.named(
                    "effective_bits", "/results/weights/effective_bits",
                    "weight_storage_bytes", "/results/weights/storage_bytes",
                    "weight_saving_vs_float32", "/results/weights/saving_vs_float32",
                    "real_model_file_bytes", "/results/real_model/bytes"))
            .build();

    public static final StepDeclaration EVALUATE = StepDeclaration.step("evaluate")
            .input("--model", "model", MODEL)
            .input("--data", "data", DATASET)
            .input("--baseline", "baseline", MODEL)
            .input("--energy-table", "energy_table", ARTIFACT)
            .output("--out", "evaluation", ARTIFACT)
            .derived("metrics", METRICS, "evaluation", ScalarMetrics.named(
                    "accuracy", "/results/model/accuracy",
                    "top5_accuracy", "/results/model/top5_accuracy",
                    "macro_f1", "/results/model/macro_f1",
                    "images", "/results/model/images",
                    "correct", "/results/model/correct",
                    "effective_bits", "/results/model/memory/effective_bits",
                    "weight_storage_bytes", "/results/model/memory/storage_bytes",
                    "energy_microjoules_per_image", "/results/model/energy/microjoules_per_image",
                    "baseline_accuracy", "/results/baseline/accuracy",
                    "accuracy_change", "/results/comparison/accuracy_change",
                    "agreement", "/results/comparison/agreement",
                    "weight_memory_saving", "/results/comparison/weight_memory_saving",
                    "energy_saving", "/results/comparison/energy_saving"))
            .derived("confusion_matrix", CLASSIFICATION_METRICS, "evaluation",
                    new ConfusionMatrix("/results/model/confusion_matrix"))
            .derived("report", MARKDOWN, "evaluation", new FileCopy("report.md"))
            .consoleOnly("--json")
            .build();

    /** The release gate: the new quantized model against the released one (a registry reference or path parameter). */
    public static final StepDeclaration GATE = StepDeclaration.step("gate")
            .input("--model", "model", MODEL)
            .input("--data", "data", DATASET)
            .input("--energy-table", "energy_table", ARTIFACT)
            .output("--out", "gate", ARTIFACT)
            .derived("metrics", METRICS, "gate", ScalarMetrics.named(
                    "failed_gates", "/results/failed_gates",
                    "accuracy", "/results/gates/0/candidate",
                    "released_accuracy", "/results/gates/0/released",
                    "accuracy_margin", "/results/gates/0/margin",
                    "energy_microjoules_per_image", "/results/gates/1/candidate",
                    "released_energy_microjoules_per_image", "/results/gates/1/released",
                    "energy_margin", "/results/gates/1/margin",
                    "stored_bytes", "/results/gates/2/candidate",
                    "released_stored_bytes", "/results/gates/2/released",
                    "stored_bytes_margin", "/results/gates/2/margin"))
            .derived("report", MARKDOWN, "gate", new FileCopy("report.md"))
            .build();

    /** Pushes a run's step outputs to a registry as one run artifact, unless the gate failed. */
    public static final StepDeclaration PUSH = StepDeclaration.step("push")
            .input("--sensitivity", "sensitivity", ARTIFACT)
            .input("--bounds", "bounds", ARTIFACT)
            .input("--explore", "exploration", ARTIFACT)
            .input("--apply", "quantized_model", MODEL)
            .input("--evaluate", "evaluation", ARTIFACT)
            .input("--gate", "gate", ARTIFACT)
            .build();

    /** Splits the sensitivity sweep into shards {@code 0/n .. n-1/n}: the items of the pipeline's fan-out. */
    public static final StepDeclaration SHARDS = StepDeclaration.plainCommand("kfp", "shards")
            .parameterOutput("--out", "shards", ParameterType.LIST)
            .build();

    /** Every step with a component spec of its own, in pipeline order. */
    public static final List<StepDeclaration> STEPS = List.of(SENSITIVITY, SENSITIVITY_MERGE, BOUNDS, EXPLORE, APPLY, EVALUATE,
            GATE, PUSH);

    private StepDeclarations() {
    }

    /** The declaration of a step run through {@code qsvit kfp exec}, by its command name. */
    public static Optional<StepDeclaration> byCommand(String command) {
        return STEPS.stream().filter(s -> s.commandName().equals(command)).findFirst();
    }
}
