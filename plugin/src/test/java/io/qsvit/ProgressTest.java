package io.qsvit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    @Test
    void aHeartbeatWithDoneTotalAndEtaComesOnlyAfterASilence() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        var previous = Progress.printTo(lines::add);
        Progress.heartbeat(Duration.ofMillis(200));
        try {
            Progress.Task task = Progress.task("evaluating", 1000, "images");
            task.advance(100);
            assertEquals(List.of(), lines, "no line before the silence");
            Thread.sleep(250);
            task.advance(150);
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).matches("evaluating: 250/1000 images, ETA 0m0\\d s".replace(" s", "s")), lines.get(0));
            task.advance(10);
            assertEquals(1, lines.size(), "the line just printed restarts the silence");
            Progress.line("sensitivity: 3/11 head at uniform4: accuracy 0.8800, ETA 0m10s");
            Thread.sleep(250);
            task.advance(740); // all done: the step's own line follows, no heartbeat
            assertEquals(2, lines.size());
        } finally {
            Progress.heartbeat(Duration.ofSeconds(Progress.HEARTBEAT_SECONDS));
            Progress.printTo(previous);
        }
    }

    @Test
    void etaIsThePaceSoFar() {
        assertEquals("0m30s", Progress.eta(10_000_000_000L, 25, 100));
        assertEquals("1h15m", Progress.eta(3_600_000_000_000L, 4, 9));
        assertEquals("unknown", Progress.eta(5, 0, 10));
    }
}
