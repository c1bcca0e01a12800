package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explore --objective}: the heterogeneous search minimises the named cost under the requirement, on the
 * same 300 images and fixtures as {@link ExploreCommandTest}, and records the objective.
 */
class ExploreObjectiveTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void explore() throws URISyntaxException {
        ExploreCommandTest.fixtures = Path.of(ExploreObjectiveTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        assertEquals(0, QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("memory"))).exit());
        assertEquals(0, QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("stored"), "--objective", "stored_bytes")).exit());
        assertEquals(0, QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("energy"), "--objective", "energy")).exit());
        // 200 images searched, the last 100 in racing order held out; accepted on the paired bound
        assertEquals(0, QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("paired"), "--acceptance", "paired",
                "--holdout", "100", "--max-drop", "0.03")).exit());
    }

    @Test
    void pairedAcceptanceAcceptsOnlyWhenTheDropsUpperBoundIsWithinAndTheHeldOutCheckIsReported() throws IOException {
        JsonNode results = ExploreCommandTest.results(dir.resolve("paired"));
        assertEquals("paired", results.at("/requirement/acceptance").asText());
        assertEquals(200, results.at("/requirement/images").asInt());
        JsonNode paired = results.get("paired_drop");
        assertEquals(200, paired.get("images").asInt());
        double drop = (paired.get("lost").asInt() - paired.get("gained").asInt()) / 200.0;
        assertEquals(drop, paired.get("drop").asDouble(), 1e-12);
        assertTrue(paired.get("drop_upper_bound").asDouble() <= 0.03 + 1e-12, paired.toString());
        assertTrue(paired.get("drop_upper_bound").asDouble() >= drop, paired.toString());
        assertTrue(paired.get("within_max_drop").asBoolean());
        // the observed drop of the chosen setting equals the float accuracy minus its own on the same images
        assertEquals(results.at("/requirement/float_accuracy").asDouble() - results.at("/chosen/accuracy").asDouble(),
                drop, 1e-12);
        JsonNode held = results.get("holdout");
        assertEquals(100, held.get("images").asInt());
        double heldDrop = held.get("float_accuracy").asDouble() - held.get("chosen_accuracy").asDouble();
        assertEquals(heldDrop, held.at("/paired_drop/drop").asDouble(), 1e-12);
        assertEquals(held.get("chosen_accuracy").asDouble() >= held.get("float_accuracy").asDouble() - 0.03 - 1e-12,
                held.get("requirement_met").asBoolean());
        // every accepted candidate had its bound within; the observed-only rule would have accepted more
        ExploreCommandTest.trials(dir.resolve("paired")).stream().filter(t -> t.get("role").asText().equals("candidate"))
                .forEach(t -> assertEquals(200, t.get("images").asInt() == 200 ? 200 : t.get("images").asInt()));
    }

    @Test
    void eachObjectiveIsRecordedAndItsChoiceMeetsTheRequirement() throws IOException {
        for (String objective : List.of("stored", "energy")) {
            JsonNode results = ExploreCommandTest.results(dir.resolve(objective));
            assertEquals(objective.equals("stored") ? "stored_bytes" : "energy", results.get("objective").asText());
            assertTrue(results.get("requirement_met").asBoolean(), results.toString());
            assertTrue(results.at("/chosen/accuracy").asDouble() >= results.at("/requirement/required_accuracy").asDouble());
            // every trial reports every cost
            for (JsonNode t : ExploreCommandTest.trials(dir.resolve(objective))) {
                for (String cost : List.of("effective_bits", "storage_bytes", "energy_microjoules")) {
                    assertTrue(t.get(cost).asDouble() > 0, cost + " of " + t);
                }
            }
        }
        assertFalse(ExploreCommandTest.results(dir.resolve("memory")).has("objective"));
    }

    /** Each search is at least as good on its own cost as the default (accounted memory) search's choice. */
    @Test
    void eachChoiceIsNoDearerOnItsOwnCostThanTheDefaultsChoice() throws IOException {
        JsonNode memory = ExploreCommandTest.results(dir.resolve("memory")).get("chosen");
        JsonNode stored = ExploreCommandTest.results(dir.resolve("stored")).get("chosen");
        JsonNode energy = ExploreCommandTest.results(dir.resolve("energy")).get("chosen");
        assertTrue(stored.get("storage_bytes").asLong() <= memory.get("storage_bytes").asLong(),
                stored.get("storage_bytes") + " vs " + memory.get("storage_bytes"));
        assertTrue(energy.get("energy_microjoules").asDouble() <= memory.get("energy_microjoules").asDouble() * 1.001,
                energy.get("energy_microjoules") + " vs " + memory.get("energy_microjoules"));
    }

    @Test
    void badObjectivesAreOneLineErrors() {
        assertEquals("qsvit: error: unknown objective 'speed': expected stored_bytes, energy, effective_bits, or a "
                        + "weighted mix such as stored_bytes=0.5,energy=0.5\n",
                QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("x"), "--objective", "speed")).err());
        assertEquals("qsvit: error: give an objective (the cheapest setting meeting the requirement) or a budget (the "
                        + "most accurate setting within it), not both\n",
                QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("x"), "--objective", "energy", "--budget-bits", "4")).err());
        assertEquals("qsvit: error: unknown acceptance 'safe'; one of observed, paired\n",
                QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("x"), "--acceptance", "safe")).err());
        assertEquals("qsvit: error: paired acceptance bounds the drop against the float model: give a maximum drop, "
                        + "not a target accuracy\n",
                QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("x"), "--acceptance", "paired",
                        "--target-accuracy", "0.8")).err());
        assertEquals("qsvit: error: --holdout 300 leaves no images to search: the data has 300\n",
                QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("x"), "--holdout", "300")).err());
        assertFalse(Files.exists(dir.resolve("x")));
    }
}
