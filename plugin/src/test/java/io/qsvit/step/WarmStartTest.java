package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.Granularity;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.search.PrecisionBounds;
import io.qsvit.search.Requirement;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.SweepListener;
import io.qsvit.search.Trial;
import io.qsvit.search.WarmSweep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sensitivity sweep warm-started from a released matrix re-measures only the cells that could change a
 * bound, and decides the same bounds. Checked on the real SDTv2 model (stage groups, three precisions,
 * 200 images), with the release being the cold sweep of the same model: every carried cell must then keep
 * its accuracy exactly, and the bounds at the requirement's thresholds must be the cold sweep's.
 */
class WarmStartTest {
    static final int IMAGES = 200;
    static final Requirement REQUIREMENT = new Requirement(0.01, null, 0.0, 0.05);
    static final List<Scheme> PRECISIONS = List.of(Scheme.parse("uniform8"), Scheme.parse("uniform4"), Scheme.parse("pow2-4"));

    @TempDir
    static Path dir;
    static SensitivityMatrix cold;

    @BeforeAll
    static void sweepCold() {
        cold = SensitivityStep.run(request("sdtv2", null), dir.resolve("cold"), SweepListener.NONE).matrix();
    }

    static SensitivityStep.Request request(String model, Path release) {
        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, IMAGES, null);
        return new SensitivityStep.Request(Examples.model(model), data, PRECISIONS, Grouping.by(Granularity.STAGE), null, 100, 2,
                release == null ? null : new SensitivityStep.WarmStart(release, REQUIREMENT, WarmSweep.DEFAULT_MARGIN));
    }

    static PrecisionBounds bounds(SensitivityMatrix m) {
        double required = m.baseline().accuracy() - REQUIREMENT.maxDrop();
        return PrecisionBounds.of(m, required - REQUIREMENT.toleranceHigh(), required - REQUIREMENT.toleranceLow());
    }

    @Test
    void aWarmSweepOfTheSameModelCarriesFarCellsOverAndDecidesTheSameBounds() throws IOException {
        SensitivityStep.Result warm = SensitivityStep.run(request("sdtv2", dir.resolve("cold")), dir.resolve("warm"), SweepListener.NONE);
        SensitivityMatrix matrix = warm.matrix();
        assertEquals(cold.baseline().accuracy(), matrix.baseline().accuracy());
        assertEquals(bounds(cold), bounds(matrix));
        JsonNode tally = new ObjectMapper().readTree(dir.resolve("warm/metadata.json").toFile()).at("/results/warm_start");
        int carried = tally.path("cells_carried_over").asInt();
        int cells = cold.cells().size() * PRECISIONS.size();
        assertEquals(cells, carried + tally.path("cells_raced").asInt() + tally.path("cells_measured").asInt());
        assertTrue(carried > 0, tally.toString());
        long coldImages = (long) IMAGES * (cells + 1);
        assertTrue(tally.path("images_evaluated").asLong() < coldImages, tally + " vs " + coldImages);
        int seenCarried = 0;
        for (var row : matrix.cells().entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                Trial trial = cell.getValue();
                Trial before = cold.cells().get(row.getKey()).get(cell.getKey());
                if (trial.images() == 0) { // carried over: the released drop on the same float accuracy
                    seenCarried++;
                    assertEquals(before.accuracy(), trial.accuracy(), 1e-12, row.getKey() + " " + cell.getKey());
                } else if (trial.images() == IMAGES) { // measured again on every image: the same count
                    assertEquals(before.correct(), trial.correct(), row.getKey() + " " + cell.getKey());
                }
            }
        }
        assertEquals(carried, seenCarried);
        // the warm start is part of the cache key; the same request again is the same artifact
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE,
                SensitivityStep.run(request("sdtv2", dir.resolve("cold")), dir.resolve("warm"), SweepListener.NONE).outcome());
    }

    @Test
    void aReleaseOfAnotherStructureIsIgnoredWithAWarningAndTheSweepRunsCold() throws IOException {
        // the release's model had a wider stage3 (other shapes, so other parameter counts)
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        String released = Files.readString(dir.resolve("cold").resolve(SensitivityMatrix.FILE));
        Files.writeString(other.resolve(SensitivityMatrix.FILE), released.replace("\"params\" : 116736", "\"params\" : 233472"));
        List<String> warnings = new ArrayList<>();
        SweepListener listener = new SweepListener() {
            @Override
            public void warn(String message) {
                warnings.add(message);
            }
        };
        SensitivityStep.Result result = SensitivityStep.run(request("sdtv2", other), dir.resolve("cold"), listener);
        assertEquals(List.of("no warm start: the model's groups (names, kinds or sizes) differ from the released model's; "
                + "sweeping cold"), warnings);
        // the same cache key as the cold sweep: the published cold output is found up to date
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE, result.outcome());
        assertEquals(Digests.canonicalJson(cold), Digests.canonicalJson(result.matrix()));
    }
}
