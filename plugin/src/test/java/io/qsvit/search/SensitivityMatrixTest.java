package io.qsvit.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;
import io.qsvit.model.GroupKind;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SensitivityMatrixTest {
    static final List<Scheme> PRECISIONS = List.of(Scheme.parse("uniform8"), Scheme.parse("uniform4"), Scheme.parse("pow2-4"));

    @TempDir
    Path dir;

    static Trial trial(int correct) {
        return new Trial(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32), 1000, correct, correct / 1000.0,
                new double[] {0, 1}, 32, 0, 0);
    }

    /** Float model 900 of 1000; rows are correct counts at uniform8, uniform4, pow2-4. */
    static SensitivityMatrix matrix(Map<String, GroupKind> kinds, Map<String, int[]> rows) {
        List<SensitivityMatrix.GroupEntry> groups = kinds.entrySet().stream()
                .map(e -> new SensitivityMatrix.GroupEntry(e.getKey(), e.getValue(), 100)).toList();
        Map<String, Map<String, Trial>> cells = new LinkedHashMap<>();
        rows.forEach((group, counts) -> {
            Map<String, Trial> row = new LinkedHashMap<>();
            for (int i = 0; i < counts.length; i++) {
                row.put(PRECISIONS.get(i).id(), trial(counts[i]));
            }
            cells.put(group, row);
        });
        return SensitivityMatrix.of(null, Grouping.QSVIT, PRECISIONS, trial(900), groups, cells);
    }

    static SensitivityMatrix example() {
        Map<String, GroupKind> kinds = new LinkedHashMap<>();
        kinds.put("stage1.downsample", GroupKind.DOWNSAMPLE);
        kinds.put("stage3.block1", GroupKind.ATTENTION);
        kinds.put("stage3.block2", GroupKind.ATTENTION);
        kinds.put("head", GroupKind.HEAD);
        Map<String, int[]> rows = new LinkedHashMap<>();
        rows.put("stage1.downsample", new int[] {900, 850, 895});  // pow2-4 saves the 4-bit level
        rows.put("stage3.block1", new int[] {895, 889, 880});      // 4 bits: 1.1 points lost
        rows.put("stage3.block2", new int[] {901, 899, 890});      // alone it would take 4 bits; its kind does not
        rows.put("head", new int[] {870, 900, 900});               // misses at 8 bits, so 4 bits is never reached
        return matrix(kinds, rows);
    }

    @Test
    void findingsTakeTheWorstGroupOfEachKindLevelByLevel() {
        Findings f = example().findings();
        assertEquals(0.01, f.maxDrop(), 0);
        assertEquals(List.of("downsample", "attention", "head"), List.copyOf(f.kinds().keySet()));
        assertEquals(Scheme.parse("pow2-4"), f.kinds().get("downsample").lowestPrecision());
        assertEquals(0.005, f.kinds().get("downsample").worstDrop(), 1e-12);
        assertEquals(Scheme.parse("uniform8"), f.kinds().get("attention").lowestPrecision());
        assertEquals(List.of("stage3.block1", "stage3.block2"), f.kinds().get("attention").groups());
        assertEquals(Scheme.FLOAT32, f.kinds().get("head").lowestPrecision());
        assertEquals(0.0, f.kinds().get("head").worstDrop(), 0);
        assertEquals(List.of("downsample"), f.tolerate4Bits());
        assertEquals(List.of("attention", "head"), f.needMoreThan4Bits());
    }

    @Test
    void withoutAFourBitColumnTheFourBitListsStayEmpty() {
        SensitivityMatrix m = example();
        SensitivityMatrix eightOnly = SensitivityMatrix.of(null, m.grouping(), List.of(Scheme.parse("uniform8")),
                m.baseline(), m.groups(), m.cells());
        assertEquals(List.of(), eightOnly.findings().tolerate4Bits());
        assertEquals(List.of(), eightOnly.findings().needMoreThan4Bits());
        assertEquals(Scheme.parse("uniform8"), eightOnly.findings().kinds().get("downsample").lowestPrecision());
    }

    @Test
    void writesAndReadsBackTheSameBytes() throws IOException {
        SensitivityMatrix m = example();
        m.write(dir.resolve(SensitivityMatrix.FILE));
        byte[] first = Files.readAllBytes(dir.resolve(SensitivityMatrix.FILE));
        SensitivityMatrix read = SensitivityMatrix.read(dir);
        assertEquals(m.findings(), read.findings());
        assertEquals(0.011, read.drop("stage3.block1", Scheme.parse("uniform4")), 1e-12);
        read.write(dir.resolve("again.json"));
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("again.json")));
        assertEquals("qsvit.sensitivity/v1", new ObjectMapper().readTree(first).get("schema").asText());
    }

    @Test
    void aMissingCellOrForeignFileIsAUserError() throws IOException {
        assertEquals("the sensitivity matrix has no cell for group 'stage9' at uniform8",
                assertThrows(UserInputException.class, () -> example().trial("stage9", Scheme.parse("uniform8"))).getMessage());
        Files.writeString(dir.resolve(SensitivityMatrix.FILE), "{\"schema\": \"qsvit.bounds/v1\"}");
        assertEquals(dir.resolve(SensitivityMatrix.FILE) + ": schema 'qsvit.bounds/v1' is not qsvit.sensitivity/v1",
                assertThrows(UserInputException.class, () -> SensitivityMatrix.read(dir)).getMessage());
        Files.writeString(dir.resolve(SensitivityMatrix.FILE), "{\"schema\": ");
        assertTrue(assertThrows(UserInputException.class, () -> SensitivityMatrix.read(dir)).getMessage()
                .startsWith(dir.resolve(SensitivityMatrix.FILE) + " cannot be read: "));
    }
}
