package io.qsvit.cli;

import io.qsvit.step.GateStep;
import io.qsvit.step.ReleaseGates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The release gate of a retraining flow on the command line. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Release gate: evaluate the new quantized model and the released one on the same images and "
                + "check that accuracy is not lower by more than --max-accuracy-drop and energy and stored weight bytes "
                + "are not higher. Writes the verdict, each gate's margin and a report into --out; exits 3 when a gate "
                + "fails.")
final class GateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Qsvit root;

    @Option(names = "--model", required = true, description = "The new quantized model: an apply or run output folder, or an ONNX file.")
    Path model;

    @Option(names = "--release", required = true, description = "The released model: oci://HOST/REPO:TAG (or @sha256:...), "
            + "or a local run or apply output folder or ONNX file.")
    String release;

    @Mixin
    DataOptions data;

    @Option(names = "--energy-table", description = "Energy per operation (JSON/YAML, schema qsvit.energy-table/v1) "
            + "instead of the bundled 45 nm figures.")
    Path energyTable;

    @Mixin
    GateOptions gates;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--out", required = true, description = "Output folder: metadata.json (verdict, gates) and report.md.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        Path released = RegistryInputs.location(release, root.registry, spec.commandLine().getErr());
        GateStep.Result result = GateStep.run(new GateStep.Request(model, released, data.request(),
                gates.over(ReleaseGates.DEFAULTS), energyTable, runtime.batch, runtime.threads()), out);
        console.println(Published.describe(GateStep.NAME, result.outcome(), out));
        return report(console, result);
    }

    /** Prints every gate and the verdict; the exit code of the verdict. */
    static int report(PrintWriter console, GateStep.Result result) {
        result.lines().forEach(line -> console.println("gate  " + line));
        console.println("gate: " + (result.passed() ? GateStep.PASSED : GateStep.FAILED + " (exit " + Qsvit.EXIT_GATE_FAILED + ")"));
        console.flush();
        return result.passed() ? 0 : Qsvit.EXIT_GATE_FAILED;
    }
}
