package io.qsvit.eval;

import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnergyTableTest {
    private final EnergyTable table = EnergyTable.defaults();

    @Test
    void bundledFiguresAreHorowitz45nm() {
        assertEquals(0.9, table.accumulatePj(Scheme.FLOAT32), 1e-12);
        assertEquals(4.6, table.multiplyAccumulatePj(Scheme.FLOAT32), 1e-12);
        assertEquals(0.03, table.accumulatePj(Scheme.parse("uniform8")), 1e-12);
        assertEquals(0.2 + 0.03, table.multiplyAccumulatePj(Scheme.parse("uniform8")), 1e-12);
    }

    @Test
    void otherWidthsFollowThePowerLawThroughTheTable() {
        double exponent = Math.log(0.1 / 0.03) / Math.log(4);
        assertEquals(0.03 * Math.pow(0.5, exponent), table.accumulatePj(Scheme.parse("uniform4")), 1e-12);
        assertEquals(0.03 * Math.pow(2, exponent), table.accumulatePj(Scheme.parse("uniform16")), 1e-12);
        double multExponent = Math.log(3.1 / 0.2) / Math.log(4);
        assertEquals(0.2 * Math.pow(0.5, multExponent) + 0.03 * Math.pow(0.5, exponent),
                table.multiplyAccumulatePj(Scheme.parse("uniform4")), 1e-12);
        // fewer bits never cost more
        assertTrue(table.accumulatePj(Scheme.parse("uniform2")) < table.accumulatePj(Scheme.parse("uniform4")));
        assertEquals(table.accumulatePj(Scheme.parse("uniform4")), table.accumulatePj(Scheme.parse("pow2-4")), 0);
    }

    @Test
    void aUserTableReplacesTheFigures(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("energy.yaml"), """
                schema: qsvit.energy-table/v1
                source: our 22 nm chip
                float32: {add_pj: 0.5, mult_pj: 2.0}
                integer:
                  add_pj: {"4": 0.01, "8": 0.02}
                  mult_pj: {"4": 0.05, "8": 0.1}
                """);
        EnergyTable user = EnergyTable.read(file);
        assertEquals("our 22 nm chip", user.source());
        assertEquals(2.5, user.multiplyAccumulatePj(Scheme.FLOAT32), 1e-12);
        assertEquals(0.01, user.accumulatePj(Scheme.parse("uniform4")), 1e-12);
        assertEquals(0.04, user.accumulatePj(Scheme.parse("uniform16")), 1e-12, "linear table extrapolates linearly");
    }

    @Test
    void badTablesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path wrongSchema = Files.writeString(dir.resolve("a.json"), "{\"schema\": \"v0\"}");
        assertEquals(wrongSchema + ": schema must be qsvit.energy-table/v1, not v0",
                assertThrows(UserInputException.class, () -> EnergyTable.read(wrongSchema)).getMessage());
        Path negative = Files.writeString(dir.resolve("b.json"), """
                {"schema": "qsvit.energy-table/v1", "float32": {"add_pj": 0.9, "mult_pj": 3.7},
                 "integer": {"add_pj": {"8": -1, "32": 0.1}, "mult_pj": {"8": 0.2, "32": 3.1}}}""");
        assertEquals(negative + ": integer add_pj at 8 bits must be a positive energy for 1..64 bits",
                assertThrows(UserInputException.class, () -> EnergyTable.read(negative)).getMessage());
        Path onePoint = Files.writeString(dir.resolve("c.json"), """
                {"schema": "qsvit.energy-table/v1", "float32": {"add_pj": 0.9, "mult_pj": 3.7},
                 "integer": {"add_pj": {"8": 0.03}, "mult_pj": {"8": 0.2, "32": 3.1}}}""");
        assertEquals(onePoint + ": integer add_pj needs at least two bit widths",
                assertThrows(UserInputException.class, () -> EnergyTable.read(onePoint)).getMessage());
    }
}
