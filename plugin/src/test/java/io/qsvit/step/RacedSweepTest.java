package io.qsvit.step;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.Granularity;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.search.BoundsReport;
import io.qsvit.search.CellSource;
import io.qsvit.search.Requirement;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.SweepListener;
import io.qsvit.search.SweepMode;
import io.qsvit.search.Trial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The raced sweep against QSViT's full sweep on the real SDTv2-style model (stage groups, uniform 8/4/2 bits,
 * 160 images): the same verdict on every cell at both thresholds, fewer images, each cell's provenance, the same
 * bytes on a second run, and bounds refusing a raced matrix for another requirement.
 */
class RacedSweepTest {
    static final int IMAGES = 160;
    static final List<Scheme> PRECISIONS = List.of(Scheme.parse("uniform8"), Scheme.parse("uniform4"), Scheme.parse("uniform2"));
    static final Requirement REQUIREMENT = new Requirement(0.01, null, 0.0, 0.05);

    @TempDir
    static Path dir;
    static SensitivityStep.Result full;
    static SensitivityStep.Result raced;

    static EvaluationData data() {
        return new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, IMAGES, null);
    }

    static SensitivityStep.Request request(SweepMode mode, Requirement requirement) {
        return new SensitivityStep.Request(Examples.model("sdtv2"), data(), PRECISIONS, Grouping.by(Granularity.STAGE),
                null, 100, 2, null, mode, requirement);
    }

    @BeforeAll
    static void sweep() {
        full = SensitivityStep.run(request(SweepMode.FULL, null), dir.resolve("full"), SweepListener.NONE);
        raced = SensitivityStep.run(request(SweepMode.RACED, REQUIREMENT), dir.resolve("raced"), SweepListener.NONE);
    }

    @Test
    void racedVerdictsEqualTheFullSweepsAtBothThresholds() {
        SensitivityMatrix f = full.matrix();
        SensitivityMatrix r = raced.matrix();
        assertEquals(f.baseline().accuracy(), r.baseline().accuracy());
        double high = r.sweep().highThreshold();
        double low = r.sweep().lowThreshold();
        assertEquals(f.baseline().accuracy() - 0.01, high, 1e-12);
        assertEquals(f.baseline().accuracy() - 0.06, low, 1e-12);
        for (SensitivityMatrix.GroupEntry g : f.groups()) {
            for (Scheme s : PRECISIONS) {
                double fa = f.trial(g.name(), s).accuracy();
                double ra = r.trial(g.name(), s).accuracy();
                String cell = g.name() + " at " + s.id() + " (" + r.source(g.name(), s).how() + ")";
                assertEquals(fa >= high - 1e-9, ra >= high - 1e-9, cell + " at the high threshold: full " + fa + ", raced " + ra);
                assertEquals(fa >= low - 1e-9, ra >= low - 1e-9, cell + " at the low threshold: full " + fa + ", raced " + ra);
            }
        }
        // and so the same bounds
        assertEquals(io.qsvit.search.PrecisionBounds.of(f, high, low), io.qsvit.search.PrecisionBounds.of(r, high, low));
    }

    @Test
    void everyCellSaysHowItWasObtainedAndTheRaceSavesImages() {
        SensitivityMatrix r = raced.matrix();
        int[] counts = new int[3];
        long images = r.baseline().images();
        for (SensitivityMatrix.GroupEntry g : r.groups()) {
            for (Scheme s : PRECISIONS) {
                CellSource source = r.source(g.name(), s);
                Trial trial = r.trial(g.name(), s);
                assertNotNull(source.weightError(), g.name() + " " + s.id());
                switch (source.how()) {
                    case CellSource.MEASURED -> {
                        counts[0]++;
                        assertEquals(IMAGES, source.images());
                        assertNull(source.inferredFrom());
                    }
                    case CellSource.RACED -> {
                        counts[1]++;
                        assertTrue(source.images() > 0 && source.images() < IMAGES, "" + source);
                        assertEquals(source.images(), trial.images());
                    }
                    case CellSource.INFERRED -> {
                        counts[2]++;
                        assertEquals(0, source.images());
                        Scheme voucher = Scheme.parse(source.inferredFrom());
                        CellSource vouched = r.source(g.name(), voucher);
                        assertTrue(vouched.weightError() >= source.weightError(), "" + source);
                        assertEquals(r.trial(g.name(), voucher).accuracy(), trial.accuracy());
                    }
                    default -> throw new AssertionError(source.how());
                }
                images += source.images();
            }
        }
        assertTrue(counts[1] > 0 && counts[2] > 0, "raced and inferred cells expected: " + java.util.Arrays.toString(counts));
        long fullImages = (long) IMAGES * (1 + r.groups().size() * PRECISIONS.size());
        assertTrue(images < fullImages, images + " of " + fullImages);
        // the full sweep says every cell was measured on all images
        for (SensitivityMatrix.GroupEntry g : full.matrix().groups()) {
            for (Scheme s : PRECISIONS) {
                assertEquals(new CellSource(CellSource.MEASURED, IMAGES, null, null), full.matrix().source(g.name(), s));
            }
        }
        assertEquals("full", full.matrix().sweep().mode());
    }

    @Test
    void aSecondRacedRunWritesTheSameBytesUnderItsOwnCacheKey(@TempDir Path own) throws IOException {
        SensitivityStep.Result again = SensitivityStep.run(request(SweepMode.RACED, REQUIREMENT), own.resolve("again"),
                SweepListener.NONE);
        assertEquals(ArtifactFolder.Outcome.WRITTEN, again.outcome());
        for (String file : SensitivityStepTest.FILES) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("raced").resolve(file)),
                    Files.readAllBytes(own.resolve("again").resolve(file)), file);
        }
        String fullKey = SensitivityStepTest.JSON.readTree(dir.resolve("full/metadata.json").toFile()).path("cache_key").asText();
        String racedKey = SensitivityStepTest.JSON.readTree(dir.resolve("raced/metadata.json").toFile()).path("cache_key").asText();
        String againKey = SensitivityStepTest.JSON.readTree(own.resolve("again/metadata.json").toFile()).path("cache_key").asText();
        assertNotEquals(fullKey, racedKey);
        assertEquals(racedKey, againKey);
        // another requirement races to other thresholds: another key
        SensitivityStep.Request other = request(SweepMode.RACED, new Requirement(0.02, null, 0.0, 0.05));
        assertNotEquals(racedKey, SensitivityStep.context(other, ModelInput.load(other.model()).original(),
                EnergyTable.defaults()).cacheKey());
    }

    @Test
    void boundsOnTheRacedMatrixRacesTheBaseSettingsAndRefusesOtherThresholds(@TempDir Path own) {
        BoundsStep.Result b = BoundsStep.run(new BoundsStep.Request(dir.resolve("raced"), Examples.model("sdtv2"), data(),
                REQUIREMENT, 100, 2, SweepMode.RACED), own.resolve("b"));
        BoundsStep.Result fromFull = BoundsStep.run(new BoundsStep.Request(dir.resolve("full"), Examples.model("sdtv2"),
                data(), REQUIREMENT, 100, 2), own.resolve("f"));
        BoundsReport report = b.report();
        assertEquals(fromFull.report().groups(), report.groups());
        assertEquals(fromFull.report().high().setting(), report.high().setting());
        assertEquals(fromFull.report().high().meetsRequirement(), report.high().meetsRequirement());
        assertEquals(fromFull.report().low().meetsRequirement(), report.low().meetsRequirement());
        assertTrue(report.low().trial().images() <= IMAGES);
        if (report.low().trial().images() < IMAGES) { // stopped early: only a clear miss stops
            assertTrue(report.low().trial().interval95()[1] < report.requirement().requiredAccuracy());
        } else {
            assertEquals(fromFull.report().low().trial().accuracy(), report.low().trial().accuracy());
        }
        UserInputException e = assertThrows(UserInputException.class, () -> BoundsStep.run(new BoundsStep.Request(
                dir.resolve("raced"), Examples.model("sdtv2"), data(), new Requirement(0.03, null, 0.0, 0.05), 100, 2),
                own.resolve("other")));
        assertTrue(e.getMessage().matches("the sensitivity matrix was swept raced for thresholds 0\\.\\d{4}/0\\.\\d{4}, this "
                + "requirement needs 0\\.\\d{4}/0\\.\\d{4}; sweep again with this requirement or with --sweep full"), e.getMessage());
        assertTrue(Files.notExists(own.resolve("other")));
    }

    @Test
    void aRacedSweepNeedsARequirementAndNoShard() {
        assertEquals("--sweep raced decides cells against the requirement: give --max-drop or --target-accuracy (or --sweep full)",
                assertThrows(UserInputException.class, () -> request(SweepMode.RACED, null)).getMessage());
        assertEquals("a raced sweep is not sharded; shard a --sweep full run",
                assertThrows(UserInputException.class, () -> new SensitivityStep.Request(Examples.model("sdtv2"), data(),
                        PRECISIONS, Grouping.by(Granularity.STAGE), new io.qsvit.search.Shard(0, 2), 100, 2, null,
                        SweepMode.RACED, REQUIREMENT)).getMessage());
        assertEquals("--sweep must be full or raced, got 'fast'",
                assertThrows(UserInputException.class, () -> SweepMode.parse("fast")).getMessage());
    }
}
