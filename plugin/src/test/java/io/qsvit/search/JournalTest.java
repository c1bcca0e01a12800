package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    @TempDir
    Path dir;

    static Trial trial(int correct) {
        Setting setting = new Setting(Grouping.QSVIT, Scheme.parse("uniform8"), Map.of("head", Scheme.parse("pow2-4")));
        return new Trial(setting, 100, correct, correct / 100.0, new double[] {0.1, 0.9}, 7.5, 1234, 0.25);
    }

    @Test
    void entriesSurviveAReopenWithTheirValues() {
        Path file = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.append("a", trial(80));
            journal.append("b", trial(70));
        }
        try (Journal journal = Journal.open(file)) {
            assertEquals(2, journal.size());
            Trial a = journal.get("a", Trial.class).orElseThrow();
            assertEquals(80, a.correct());
            assertEquals(Scheme.parse("pow2-4"), a.setting().schemeOf("head"));
            assertArrayEquals(new double[] {0.1, 0.9}, a.interval95());
            assertTrue(journal.problems().isEmpty());
        }
    }

    @Test
    void corruptedAndTornLinesAreReportedDroppedAndOverwritten() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.append("a", trial(80));
            journal.append("b", trial(70));
            journal.append("c", trial(60));
        }
        List<String> lines = Files.readAllLines(file);
        String corrupted = lines.get(1).replace("\"correct\":70", "\"correct\":99");
        String torn = lines.get(2).substring(0, 40);
        Files.writeString(file, lines.get(0) + "\n" + corrupted + "\n" + torn, StandardCharsets.UTF_8);
        try (Journal journal = Journal.open(file)) {
            assertEquals(List.of(file + " line 2 is corrupted; its work will be done again",
                    file + " line 3 is corrupted; its work will be done again"), journal.problems());
            assertEquals(1, journal.size());
            assertTrue(journal.get("b").isEmpty());
            journal.append("b", trial(70));
        }
        try (Journal journal = Journal.open(file)) {
            assertTrue(journal.problems().isEmpty(), journal.problems().toString());
            assertEquals(70, journal.get("b", Trial.class).orElseThrow().correct());
        }
    }

    @Test
    void oneRunAtATime() {
        Path file = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(file)) {
            assertEquals("journal " + file + " is in use by another run",
                    assertThrows(UserInputException.class, () -> Journal.open(file)).getMessage());
        }
    }
}
