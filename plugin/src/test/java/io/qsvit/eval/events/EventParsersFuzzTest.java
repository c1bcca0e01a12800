package io.qsvit.eval.events;

import io.qsvit.UserInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged event files (valid files with bytes overwritten, cut anywhere, or noise): every reader either reads
 * them or refuses them with a UserInputException; nothing else escapes (no index, arithmetic or size errors).
 */
class EventParsersFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("qsvit-event-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static byte[] damage(byte[] valid, long seed, int edits, int cut) {
        Random random = new Random(seed);
        byte[] bytes = valid.clone();
        for (int i = 0; i < edits && bytes.length > 0; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        int length = cut == 0 ? bytes.length : Math.max(0, bytes.length - random.nextInt(Math.min(cut, bytes.length) + 1));
        return java.util.Arrays.copyOf(bytes, length);
    }

    private static void readOrRefuse(byte[] bytes, Function<Path, EventStream> reader) throws IOException {
        Path file = Files.write(dir.resolve("f" + System.nanoTime() + ".ev"), bytes);
        try {
            EventStream s = reader.apply(file);
            new FrameIntegration(3, SplitBy.TIME, 1 << 15, 1 << 15, 64, 64).integrate(s, new float[3 * 2 * 64 * 64]);
        } catch (UserInputException expected) {
            // refused with a message: fine
        } catch (RuntimeException e) {
            fail("unexpected " + e, e);
        } finally {
            Files.delete(file);
        }
    }

    private static EventFiles.Events sample(long seed) {
        return EventFiles.random(new Random(seed), 200, 128, 128, 0, 5000);
    }

    @Property(tries = 300)
    void nmnist(@ForAll long seed, @ForAll @IntRange(max = 20) int edits, @ForAll @IntRange(max = 40) int cut)
            throws IOException {
        EventFiles.Events e = EventFiles.random(new Random(seed), 200, 34, 34, 0, 60_000);
        readOrRefuse(damage(EventFiles.nmnist(e), seed, edits, cut), NmnistBinary::read);
    }

    @Property(tries = 300)
    void aedat2(@ForAll long seed, @ForAll @IntRange(max = 20) int edits, @ForAll @IntRange(max = 40) int cut)
            throws IOException {
        readOrRefuse(damage(EventFiles.aedat2(sample(seed)), seed, edits, cut), Aedat2::read);
    }

    @Property(tries = 300)
    void aedat31(@ForAll long seed, @ForAll @IntRange(max = 20) int edits, @ForAll @IntRange(max = 40) int cut)
            throws IOException {
        readOrRefuse(damage(EventFiles.aedat31(sample(seed), 64), seed, edits, cut), Aedat31::read);
    }

    @Property(tries = 100)
    void noise(@ForAll byte[] bytes) throws IOException {
        readOrRefuse(bytes, NmnistBinary::read);
        readOrRefuse(bytes, Aedat2::read);
        readOrRefuse(bytes, Aedat31::read);
    }
}
