package io.qsvit.bench;

import io.qsvit.Folders;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.OnnxWriter;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.step.ApplyStep;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times the apply step on a synthetic SDTv2-55M-sized model against two baselines measured in the same run:
 * a plain byte copy of the model file, and a protobuf read + write of it (what any ONNX tool must do). Reports
 * medians, ratios, and the peak heap of the apply step relative to the model's size.
 */
public final class ApplyBenchmark {
    static final String SETTING = """
            grouping: {granularity: block}
            default: uniform8
            groups:
              stage1.downsample: uniform4
              stage2.downsample: uniform4
              stage3.downsample: uniform4
              stage4.downsample: uniform4
              stage3.block1: pow2-4
              stage4.block1: uniform4-asym
            """;

    private ApplyBenchmark() {
    }

    public static void run(double scale, int repeats, Path work, PrintWriter out) throws IOException {
        Path model = work.resolve("synthetic/model.onnx");
        Files.createDirectories(model.getParent());
        Files.write(model, SyntheticModel.build(scale).toByteArray());
        Path setting = Files.writeString(work.resolve("setting.yaml"), SETTING);
        long modelBytes = Files.size(model);
        out.printf("model: %s, %.1f MB, %d weights%n", model, modelBytes / 1e6,
                io.qsvit.model.ModelLayers.of(OnnxModel.load(model), io.qsvit.model.Grouping.QSVIT).params());

        List<Double> copy = new ArrayList<>();
        List<Double> protobuf = new ArrayList<>();
        List<Double> apply = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        for (int r = 0; r < repeats + 1; r++) { // the first round warms the JIT and is not counted
            boolean counted = r > 0;
            long t0 = System.nanoTime();
            Files.write(work.resolve("copy.onnx"), Files.readAllBytes(model));
            long t1 = System.nanoTime();
            OnnxWriter.write(OnnxModel.load(model).proto(), OnnxModel.load(model), work.resolve("protobuf"));
            long t2 = System.nanoTime();
            Path applied = work.resolve("apply-" + r);
            resetPeaks();
            long t3 = System.nanoTime();
            if (ApplyStep.run(model, setting, applied) != ArtifactFolder.Outcome.WRITTEN) {
                throw new IllegalStateException("apply did not run");
            }
            long t4 = System.nanoTime();
            double peak = peakHeap();
            Folders.deleteRecursively(applied);
            if (counted) {
                copy.add((t1 - t0) / 1e9);
                protobuf.add((t2 - t1) / 1e9);
                apply.add((t4 - t3) / 1e9);
                heap.add(peak);
            }
        }
        double applyMedian = median(apply);
        out.printf("plain byte copy         median %.3f s%n", median(copy));
        out.printf("protobuf read + write   median %.3f s%n", median(protobuf));
        out.printf("apply (both artifacts)  median %.3f s   (%d runs: %s)%n", applyMedian, repeats, apply);
        out.printf("ratio apply / byte copy        %.2f%n", applyMedian / median(copy));
        out.printf("ratio apply / protobuf r+w     %.2f%n", applyMedian / median(protobuf));
        out.printf("peak heap during apply  median %.0f MB = %.2f x the model's %.0f MB%n", median(heap) / 1e6,
                median(heap) / modelBytes, modelBytes / 1e6);
        out.flush();
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks: an upper bound of the peak heap in use (pools may peak at different times). */
    private static double peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

}
