package io.qsvit.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs timed tasks in turns (A B C, A B C, ...) after one uncounted warm-up turn. On a machine shared with
 * other work, noise then hits every task of a turn alike, and per-turn ratios cancel most of it.
 */
final class Interleaved {
    /** One measured piece of work; what it returns is ignored (it keeps the work from being optimised away). */
    @FunctionalInterface
    interface Task {
        Object run() throws Exception;
    }

    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, Task> setups = new LinkedHashMap<>();

    Interleaved add(String name, Task task) {
        return add(name, () -> null, task);
    }

    /** A task with untimed work that puts it in its starting state before each run. */
    Interleaved add(String name, Task setup, Task task) {
        tasks.put(name, task);
        setups.put(name, setup);
        return this;
    }

    /** Seconds of each task per counted turn, in the order the tasks were added. */
    Map<String, Samples> run(int repeats) throws Exception {
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        tasks.keySet().forEach(name -> seconds.put(name, new ArrayList<>()));
        for (int turn = 0; turn <= repeats; turn++) {
            for (Map.Entry<String, Task> task : tasks.entrySet()) {
                setups.get(task.getKey()).run();
                long start = System.nanoTime();
                task.getValue().run();
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (turn > 0) {
                    seconds.get(task.getKey()).add(elapsed);
                }
            }
        }
        Map<String, Samples> samples = new LinkedHashMap<>();
        seconds.forEach((name, values) -> samples.put(name, new Samples(values)));
        return samples;
    }
}
