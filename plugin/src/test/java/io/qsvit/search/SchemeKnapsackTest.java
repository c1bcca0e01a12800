package io.qsvit.search;

import io.qsvit.quant.Scheme;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemeKnapsackTest {
    static final Scheme F = Scheme.FLOAT32;
    static final Scheme U8 = Scheme.parse("uniform8");
    static final Scheme U4 = Scheme.parse("uniform4");
    static final Scheme P3 = Scheme.parse("pow2-3");

    static SchemeKnapsack.Option option(Scheme s, long cost, int drop) {
        return new SchemeKnapsack.Option(s, cost, drop);
    }

    @Test
    void picksTheCheapestChoiceWithinEachDrop() {
        List<List<SchemeKnapsack.Option>> options = List.of(
                List.of(option(F, 400, 0), option(U8, 100, 1), option(U4, 50, 4)),
                List.of(option(F, 800, 0), option(U8, 200, 0), option(P3, 80, 3)));
        SchemeKnapsack knapsack = SchemeKnapsack.solve(options, 5);
        assertEquals(new SchemeKnapsack.Solution(List.of(F, U8), 600, 0), knapsack.within(0));
        assertEquals(new SchemeKnapsack.Solution(List.of(U8, U8), 300, 1), knapsack.within(1));
        assertEquals(new SchemeKnapsack.Solution(List.of(U8, U8), 300, 1), knapsack.within(3)); // F+P3 (480) costs more
        assertEquals(new SchemeKnapsack.Solution(List.of(U8, P3), 180, 4), knapsack.within(4));
        assertEquals(new SchemeKnapsack.Solution(List.of(U8, P3), 180, 4), knapsack.within(5));
        assertEquals(List.of(600L, 300L, 180L), knapsack.frontier().stream().map(SchemeKnapsack.Solution::cost).toList());
    }

    @Test
    void nothingFitsWhenEveryOptionLosesMoreThanTheCapacity() {
        assertNull(SchemeKnapsack.solve(List.of(List.of(option(U4, 10, 2))), 1).within(1));
    }

    @Test
    void agreesWithEnumeratingEveryChoice() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            int groups = 1 + random.nextInt(4);
            List<List<SchemeKnapsack.Option>> options = new java.util.ArrayList<>();
            for (int g = 0; g < groups; g++) {
                List<SchemeKnapsack.Option> list = new java.util.ArrayList<>();
                for (int o = 0; o < 1 + random.nextInt(4); o++) {
                    list.add(option(U8, 1 + random.nextInt(50), random.nextInt(6)));
                }
                options.add(list);
            }
            int capacity = random.nextInt(12);
            SchemeKnapsack.Solution solution = SchemeKnapsack.solve(options, capacity).within(capacity);
            long best = bruteForce(options, 0, capacity);
            if (best == Long.MAX_VALUE) {
                assertNull(solution);
            } else {
                assertEquals(best, solution.cost());
                assertTrue(solution.dropUnits() <= capacity);
            }
        }
    }

    private static long bruteForce(List<List<SchemeKnapsack.Option>> options, int g, int left) {
        if (g == options.size()) {
            return 0;
        }
        long best = Long.MAX_VALUE;
        for (SchemeKnapsack.Option o : options.get(g)) {
            if (o.dropUnits() <= left) {
                long rest = bruteForce(options, g + 1, left - o.dropUnits());
                if (rest != Long.MAX_VALUE) {
                    best = Math.min(best, rest + o.cost());
                }
            }
        }
        return best;
    }
}
