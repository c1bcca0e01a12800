package io.qsvit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.step.ExploreStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heterogeneous explore on the SDTv2 reference model writes the same bytes with the float-prefix cache
 * off (every trial on the whole model) and at its default budget.
 */
class ExplorePrefixReuseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void exploreWritesTheSameBytesWithTheCacheOnAndOff() throws IOException {
        Path model = Examples.model("sdtv2");
        Data few = Data.builder().setPath(Examples.subset()).optStratified(200, 1).build();
        RunOptions options = new RunOptions(100, 2);
        SensitivityResult sens = Steps.sensitivity(SensitivityRequest.builder().setModel(model).setData(few)
                .setOut(dir.resolve("sens")).optPrecisions(List.of(Scheme.uniform(8), Scheme.uniform(4)))
                .optRunOptions(options).build());
        BoundsResult bounds = Steps.bounds(BoundsRequest.builder().setSensitivity(sens.folder()).setModel(model)
                .setData(few).setRequirement(Requirement.maxDrop(0.01)).setOut(dir.resolve("bounds"))
                .optRunOptions(options).build());
        ExploreStep.Request r = ExploreRequest.builder().setModel(model).setData(few).setBounds(bounds.folder())
                .optSensitivity(sens.folder()).setOut(dir.resolve("unused")).optRacing(List.of(50, 100))
                .optStrategy(ExploreRequest.Strategy.HETEROGENEOUS).optRunOptions(options).build().internal();
        Path off = run(r, 0, "off");
        JsonNode offTimings = JSON.readTree(off.resolve("metadata.json").toFile()).get("timings");
        assertEquals(0, offTimings.get("suffix_only_evaluations").asInt());
        Path on = run(r, r.prefixBudget(), "on");
        assertSameOutput(off, on);
        System.out.println("suffix-only evaluations with the cache on: "
                + JSON.readTree(on.resolve("metadata.json").toFile()).at("/timings/suffix_only_evaluations"));
        assertTrue(Files.readString(off.resolve(ExploreStep.TRIALS_FILE)).lines().count() > 5);
    }

    private Path run(ExploreStep.Request r, long budget, String name) {
        Path out = dir.resolve(name);
        ExploreStep.run(new ExploreStep.Request(r.model(), r.data(), r.bounds(), r.sensitivity(), r.strategy(),
                r.maxDrop(), r.targetAccuracy(), r.budget(), r.racing(), r.space(), r.probeImages(), r.racingSeed(),
                r.energyTable(), r.batch(), r.threads(), r.start(), r.objective(), r.paired(), r.holdout(), budget), out);
        return out;
    }

    /** Every file byte for byte; the metadata apart from its timings and the parameters' budget. */
    private static void assertSameOutput(Path expected, Path actual) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(expected)) {
            files = list.map(expected::relativize).sorted().toList();
        }
        try (Stream<Path> list = Files.list(actual)) {
            assertEquals(files, list.map(actual::relativize).sorted().toList());
        }
        for (Path file : files) {
            if (file.toString().equals("metadata.json")) {
                assertEquals(withoutTimings(expected.resolve(file)), withoutTimings(actual.resolve(file)));
            } else {
                assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)),
                        file.toString());
            }
        }
    }

    private static JsonNode withoutTimings(Path metadata) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(metadata.toFile());
        node.remove("timings");
        return node;
    }
}
