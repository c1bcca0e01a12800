package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.search.Journal;

import java.nio.file.Path;

/** A journal file as a killed run may leave it (torn, corrupted, edited), opened for resuming. */
class JournalFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("journal");

    @FuzzTest(maxDuration = "5s")
    void open(byte[] bytes) {
        Path file = FuzzFiles.write(FILES.fresh().resolve(".out.journal"), bytes);
        FuzzProperty.check(() -> {
            try (Journal journal = Journal.open(file)) {
                FuzzProperty.require(journal.size() >= 0, "a size");
                journal.append("next", java.util.Map.of("accuracy", 0.5));
                FuzzProperty.require(journal.get("next").isPresent(), "an appended entry reads back");
                return journal.problems();
            }
        }, problems -> problems.forEach(p -> FuzzProperty.require(!p.contains("\n"), "one-line problems")));
    }

    public static void fuzzerTestOneInput(byte[] bytes) {
        new JournalFuzzTest().open(bytes);
    }
}
