package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The converter against ONNX's own operator test data (Debian's libonnx-testdata, installed by {@code .ci/run}):
 * every model below op-set 21 is upgraded to every op-set above its own up to 21 and run in ONNX Runtime; the
 * upgraded model must give the expected outputs wherever the original does (rtol 1e-3, atol 1e-7, as ONNX's
 * backend tests). Where ONNX Runtime runs the original but misses the expected outputs itself (its DFT is off
 * by 1e-4, say), the upgraded model must agree with the original instead. Op-set 6 models, which ONNX Runtime
 * has no kernels for, are held to the expected outputs alone. Prints models, covered, passed and refused per
 * category, and every model not passed with the reason.
 */
class BackendCorpusTest {
    static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

    enum Outcome {
        /** Upgraded models give the expected outputs (the original does too, or cannot run: op-set 6). */
        PASSED,
        /** The original runs but misses the expected outputs; the upgraded models agree with the original. */
        AGREES,
        FAILED,
        /** The converter refuses an operator (one line naming it). */
        REFUSED,
        /** ONNX Runtime cannot run the original at op-set 7 or later, or its outputs change from run to run. */
        NOT_COMPARABLE,
        /** Inputs or outputs ONNX Runtime's Java API cannot feed or read (sequences, optionals, unsigned types). */
        UNFEEDABLE,
        /** Op-set below the converter's range (1 to 5), or no default-domain op-set at all. */
        BELOW_RANGE
    }

    record Result(BackendCase c, Outcome outcome, String detail, int upgradedRuns) {
        Result(BackendCase c, Outcome outcome, String detail) {
            this(c, outcome, detail, 0);
        }
    }

    @Test
    void upgradedModelsComputeWhatTheOriginalsDo() throws IOException {
        assertTrue(Files.isDirectory(DATA), DATA + " is missing: install Debian's libonnx-testdata");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Result> results = new ArrayList<>();
        long start = System.nanoTime();
        try (Stream<Path> categories = Files.list(DATA)) {
            for (Path category : categories.sorted().toList()) {
                try (Stream<Path> dirs = Files.list(category)) {
                    for (Path dir : dirs.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList()) {
                        results.add(check(env, BackendCase.read(dir)));
                    }
                }
            }
        }
        report(results, (System.nanoTime() - start) / 1e9);
        List<String> failures = results.stream().filter(r -> r.outcome == Outcome.FAILED)
                .map(r -> r.c.category() + "/" + r.c.name() + ": " + r.detail).toList();
        assertEquals(List.of(), failures);
        List<String> refused = results.stream().filter(r -> r.outcome == Outcome.REFUSED)
                .map(r -> r.c.category() + "/" + r.c.name()).toList();
        assertEquals(List.of("node/test_scan_sum"), refused); // Scan-8: batched, see Scans
    }

    static Result check(OrtEnvironment env, BackendCase c) {
        String unfeedable = c.unfeedable();
        if (unfeedable != null) {
            return new Result(c, Outcome.UNFEEDABLE, unfeedable);
        }
        if (c.opset() < OpsetConverter.MIN_OPSET) {
            return new Result(c, Outcome.BELOW_RANGE, c.opset() < 0 ? "no default-domain op-set" : "op-set " + c.opset());
        }
        List<List<TensorProto>> reference = c.expected();
        boolean agreeing = false;
        if (c.opset() > OpsetConverter.MIN_OPSET) {
            try {
                List<List<TensorProto>> original = c.outputs(env, c.model());
                if (c.mismatch(original, reference) != null) {
                    if (c.mismatch(c.outputs(env, c.model()), original) != null) {
                        return new Result(c, Outcome.NOT_COMPARABLE, "outputs change from run to run");
                    }
                    reference = original;
                    agreeing = true;
                }
            } catch (OrtException | RuntimeException e) {
                return new Result(c, Outcome.NOT_COMPARABLE, "ONNX Runtime: " + firstLine(e));
            }
        }
        List<Integer> targets = IntStream.rangeClosed(c.opset() + 1, OpsetConverter.MAX_OPSET).boxed().toList();
        for (int target : targets) {
            ModelProto upgraded;
            try {
                upgraded = OpsetConverter.upgrade(c.model(), target);
            } catch (UserInputException e) {
                return new Result(c, Outcome.REFUSED, e.getMessage());
            }
            String why;
            try {
                why = c.mismatch(c.outputs(env, upgraded), reference);
            } catch (OrtException | RuntimeException e) {
                why = "ONNX Runtime: " + firstLine(e);
            }
            if (why != null) {
                return new Result(c, Outcome.FAILED, "at op-set " + target + (agreeing ? " (against the original): " : ": ") + why);
            }
        }
        return new Result(c, agreeing ? Outcome.AGREES : Outcome.PASSED, targets.size() + " targets", targets.size());
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }

    private static void report(List<Result> results, double seconds) {
        Map<String, Map<Outcome, Integer>> table = new TreeMap<>();
        for (Result r : results) {
            table.computeIfAbsent(r.c.category(), k -> new EnumMap<>(Outcome.class)).merge(r.outcome, 1, Integer::sum);
        }
        System.out.printf("ONNX backend test data (%s), upgraded to every op-set up to %d: %d models, %d upgraded "
                        + "models run, in %.0f s%n", DATA, OpsetConverter.MAX_OPSET, results.size(),
                results.stream().mapToInt(Result::upgradedRuns).sum(), seconds);
        System.out.printf("%-18s %6s %8s %7s %7s %7s %7s %9s %8s %6s%n", "category", "models", "covered", "passed",
                "agrees", "failed", "refused", "not-comp.", "unfeed.", "below");
        for (var e : table.entrySet()) {
            Map<Outcome, Integer> m = e.getValue();
            int passed = m.getOrDefault(Outcome.PASSED, 0);
            int agrees = m.getOrDefault(Outcome.AGREES, 0);
            int failed = m.getOrDefault(Outcome.FAILED, 0);
            int refused = m.getOrDefault(Outcome.REFUSED, 0);
            int models = m.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("%-18s %6d %8d %7d %7d %7d %7d %9d %8d %6d%n", e.getKey(), models,
                    passed + agrees + failed + refused, passed, agrees, failed, refused,
                    m.getOrDefault(Outcome.NOT_COMPARABLE, 0), m.getOrDefault(Outcome.UNFEEDABLE, 0),
                    m.getOrDefault(Outcome.BELOW_RANGE, 0));
        }
        for (Result r : results) {
            if (r.outcome != Outcome.PASSED) {
                System.out.println("  " + r.outcome + " " + r.c.category() + "/" + r.c.name() + " (op-set "
                        + r.c.opset() + "): " + r.detail);
            }
        }
    }
}
