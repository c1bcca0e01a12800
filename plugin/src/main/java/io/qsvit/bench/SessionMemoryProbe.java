package io.qsvit.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link RuntimeBenchmark}: the resident memory (Linux VmRSS) one ONNX Runtime session adds
 * when it loads a model (constant folding and weight pre-packing included, no inference yet, so no activations):
 * what the model's weights cost at run time. Prints "rss_before_kib rss_after_kib load_ms".
 */
public final class SessionMemoryProbe {
    private SessionMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Integer.parseInt(args[1]));
            options.setInterOpNumThreads(1);
            System.gc();
            long before = residentKib();
            long start = System.nanoTime();
            try (OrtSession session = env.createSession(args[0], options)) {
                long loaded = System.nanoTime();
                System.out.println(before + " " + residentKib() + " " + (loaded - start) / 1_000_000);
            }
        }
    }

    static long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
