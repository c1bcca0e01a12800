package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heterogeneous search when every try misses: a sensitivity matrix that claims uniform3 loses nothing in any
 * group (the proxy as optimistic as it gets) makes the knapsack race uniform3 everywhere, which loses 11 images
 * of 100. Instead of falling back to the float model, the search repairs that setting: groups go up to 8 bits
 * (where the space has a scheme of 8 bits), else float32, one at a time, the least saving given up first (head,
 * stage1, stage2), until it meets the requirement.
 */
class HeterogeneousRepairTest {
    @TempDir
    Path dir;

    Path fixtures;
    Path sensitivity;

    @org.junit.jupiter.api.BeforeEach
    void optimisticMatrix() throws IOException, URISyntaxException {
        fixtures = Path.of(HeterogeneousRepairTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        ObjectNode matrix = (ObjectNode) ExploreCommandTest.JSON.readTree(fixtures.resolve("sensitivity/sensitivity.json").toFile());
        JsonNode baseline = matrix.get("baseline");
        matrix.putArray("precisions").add("uniform3");
        ObjectNode cells = ExploreCommandTest.JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = matrix.get("cells").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> group = it.next();
            ObjectNode cell = group.getValue().get("uniform4").deepCopy();
            ((ObjectNode) cell.get("setting")).putObject("groups").put(group.getKey(), "uniform3");
            for (String field : List.of("correct", "accuracy", "accuracy_interval95")) {
                cell.set(field, baseline.get(field)); // "loses nothing"
            }
            cells.putObject(group.getKey()).set("uniform3", cell);
        }
        matrix.set("cells", cells);
        sensitivity = Files.createDirectories(dir.resolve("sensitivity"));
        ExploreCommandTest.JSON.writeValue(sensitivity.resolve("sensitivity.json").toFile(), matrix);
    }

    List<String> explore(Path out, String space) throws IOException {
        QsvitCliTest.Run run = QsvitCliTest.run("explore", "--model", Examples.model("sdtv2").toString(),
                "--data", Examples.subset().toString(), "--limit", "100", "--seed", "3",
                "--bounds", fixtures.resolve("bounds").toString(), "--sensitivity", sensitivity.toString(),
                "--strategy", "heterogeneous", "--space", space, "--racing", "50", "--probe-images", "50",
                "--max-drop", "0.02", "--threads", "2", "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        List<String> trials = new ArrayList<>();
        for (JsonNode t : ExploreCommandTest.trials(out)) {
            trials.add(t.get("role").asText() + " " + t.path("group").asText("-") + " " + t.get("verdict").asText() + " "
                    + t.get("correct").asInt() + "/" + t.get("images").asInt());
        }
        return trials;
    }

    @Test
    void withoutAnEightBitSchemeGroupsGoBackToFloat32() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(List.of("float - measured 88/100", "float - measured 45/50", "candidate - rejected 77/100",
                "raise head rejected 77/100", "raise stage1 rejected 85/100", "raise stage2 accepted 86/100"),
                explore(out, "uniform3"));
        JsonNode results = ExploreCommandTest.results(out);
        assertTrue(results.get("requirement_met").asBoolean());
        assertEquals("raise", results.at("/chosen/role").asText());
        assertEquals(0.86, results.at("/chosen/accuracy").asDouble(), 1e-12);
        assertEquals("uniform3", results.at("/chosen/setting/groups/stage3").asText());
        assertEquals("uniform3", results.at("/chosen/setting/groups/stage4").asText());
        assertEquals(7.922, results.at("/chosen/effective_bits").asDouble(), 5e-4);
    }

    @Test
    void withAnEightBitSchemeGroupsGoUpToEightBitsFirst() throws IOException {
        Path out = dir.resolve("out8");
        assertEquals(List.of("float - measured 88/100", "float - measured 45/50", "candidate - rejected 77/100",
                "raise head rejected 77/100", "raise stage1 rejected 84/100", "raise stage2 accepted 87/100"),
                explore(out, "uniform3,uniform8"));
        JsonNode results = ExploreCommandTest.results(out);
        assertTrue(results.get("requirement_met").asBoolean());
        for (String group : List.of("head", "stage1", "stage2")) {
            assertEquals("uniform8", results.at("/chosen/setting/groups/" + group).asText(), group);
        }
        assertEquals(3.849, results.at("/chosen/effective_bits").asDouble(), 5e-4); // half the float32 repair's
    }
}
