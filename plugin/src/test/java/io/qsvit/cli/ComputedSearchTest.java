package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Neuron-state precision end to end on SDTv2 (200 images): sensitivity sweeps the membrane groups, bounds sets
 * them, explore searches them with the weights (their state priced in memory and energy), apply holds them in
 * the chosen fixed-point formats and evaluate counts what that did.
 */
class ComputedSearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static String[] common(String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--model", Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(),
                "--limit", "200", "--no-cache"));
        return args.toArray(String[]::new);
    }

    static void ok(QsvitCliTest.Run run) {
        assertEquals(0, run.exit(), run.err());
    }

    @BeforeAll
    static void pipeline() {
        ok(QsvitCliTest.run(common("sensitivity", "--precisions", "uniform8,uniform4", "--computed", "membrane",
                "--out", dir.resolve("sensitivity").toString())));
        ok(QsvitCliTest.run(common("bounds", "--sensitivity", dir.resolve("sensitivity").toString(), "--max-drop", "0.02",
                "--out", dir.resolve("bounds").toString())));
        ok(QsvitCliTest.run(common("explore", "--bounds", dir.resolve("bounds").toString(), "--sensitivity",
                dir.resolve("sensitivity").toString(), "--strategy", "heterogeneous", "--space", "uniform4,uniform8",
                "--probe-images", "100", "--objective", "energy", "--out", dir.resolve("explore").toString())));
        ok(QsvitCliTest.run("apply", "--model", Examples.model("sdtv2").toString(), "--setting",
                dir.resolve("explore").resolve("setting.json").toString(), "--out", dir.resolve("applied").toString()));
        ok(QsvitCliTest.run("evaluate", "--model", dir.resolve("applied").resolve("real").toString(), "--data",
                Examples.subset().toString(), "--limit", "200", "--no-cache", "--out", dir.resolve("evaluated").toString()));
    }

    @Test
    void exploreSetsTheMembraneGroupsAndApplyHoldsThemInFixedPoint() throws IOException {
        JsonNode setting = JSON.readTree(dir.resolve("explore").resolve("setting.json").toFile());
        List<String> membranes = new ArrayList<>();
        setting.get("groups").fieldNames().forEachRemaining(g -> {
            if (g.endsWith(":membrane")) {
                membranes.add(g);
            }
        });
        // the energy objective prices a membrane update at its width: six of the nine membrane groups leave float32
        // (the other three lost too much on the probe images at both widths)
        assertEquals("[head:membrane, stage1.block1:membrane, stage2.block1:membrane, stage3.block1:membrane, "
                + "stage4.block1:membrane, stage4.downsample:membrane]", membranes.toString(), setting.toString());
        assertEquals("uniform4", setting.at("/groups/head:membrane").asText());
        for (String g : membranes) {
            assertTrue(setting.at("/ranges/" + g.replace("/", "~1")).asDouble() > 0, g + " has its calibrated range");
        }
        JsonNode computed = JSON.readTree(dir.resolve("evaluated").resolve("metadata.json").toFile())
                .at("/results/model/computed");
        assertEquals(6, computed.size(), computed.toString());
        JsonNode head = computed.get("head:membrane");
        assertEquals("fixed4:q3.0", head.get("format").asText()); // |v| <= 6.04 needs 3 integer bits
        assertEquals(3072 * 200, head.get("values").asLong()); // 3,072 potentials per image (1,536 neurons x 2 steps)
        assertEquals(1536 * 4 / 8.0, head.get("state_bytes_per_image").asDouble(), 0);
        assertEquals(3072, head.get("updates_per_image").asDouble(), 0);
        // per tensor: each site's counts, summing to the group's
        for (JsonNode group : computed) {
            long values = 0;
            long saturated = 0;
            long zeroed = 0;
            for (JsonNode t : group.get("tensors")) {
                values += t.get("values").asLong();
                saturated += t.get("saturated").asLong();
                zeroed += t.get("zeroed").asLong();
            }
            assertEquals(group.get("values").asLong(), values);
            assertEquals(group.get("saturated").asLong(), saturated);
            assertEquals(group.get("zeroed").asLong(), zeroed);
        }
        assertEquals(2, head.get("tensors").size()); // one neuron module, two timesteps
        // the totals: state in the memory section, updates next to the weight layers' energy
        JsonNode results = JSON.readTree(dir.resolve("evaluated").resolve("metadata.json").toFile()).at("/results/model");
        double state = 0;
        double updates = 0;
        for (JsonNode group : computed) {
            state += group.get("state_bytes_per_image").asDouble();
            updates += group.get("update_microjoules_per_image").asDouble();
        }
        assertEquals(state, results.at("/memory/neuron_state_bytes_per_image").asDouble(), 1e-9);
        assertEquals(updates, results.at("/energy/neuron_update_microjoules_per_image").asDouble(), 1e-12);
        assertTrue(head.get("update_microjoules_per_image").asDouble()
                < head.get("float32_update_microjoules_per_image").asDouble() / 4, head.toString());
    }

    @Test
    void inspectListsTheComputedGroups() throws IOException {
        QsvitCliTest.Run run = QsvitCliTest.run("inspect", Examples.model("sdtv2").toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode computed = JSON.readTree(run.out()).get("computed_groups");
        assertEquals(12, computed.size());
        int tensors = 0;
        for (JsonNode g : computed) {
            tensors += g.get("tensors").asInt();
        }
        assertEquals(72, tensors); // 66 membrane potentials, 6 attention products
        assertEquals("attention-product", computed.at("/stage3.block1:attention-product/kind").asText());
        QsvitCliTest.Run table = QsvitCliTest.run("inspect", Examples.model("sdtv2").toString());
        assertTrue(table.out().contains("computed groups (settable as <group>:<kind>, float32 unless named):"), table.out());
    }
}
