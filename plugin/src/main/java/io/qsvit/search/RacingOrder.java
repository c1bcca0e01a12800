package io.qsvit.search;

import io.qsvit.eval.data.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Puts the exploration images in an order whose every prefix keeps the class proportions, so racing can
 * evaluate a small prefix first and extend it without skewing classes. Each class is shuffled with
 * {@code java.util.Random(seed)} (Fisher-Yates); the j-th of the c images of a class is placed at
 * position (j + 0.5) / c on a common scale, ties broken by class id. The order depends only on the labels
 * and the seed.
 */
public final class RacingOrder {
    private RacingOrder() {
    }

    public static Dataset of(Dataset images, long seed) {
        return images.select(indices(images, seed));
    }

    static int[] indices(Dataset images, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k <= images.maxLabel(); k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < images.size(); i++) {
            byClass.get(images.label(i)).add(i);
        }
        Random random = new Random(seed);
        List<double[]> keyed = new ArrayList<>(); // {position, class, image index}
        for (int k = 0; k < byClass.size(); k++) {
            List<Integer> members = byClass.get(k);
            shuffle(members, random);
            for (int j = 0; j < members.size(); j++) {
                keyed.add(new double[] {(j + 0.5) / members.size(), k, members.get(j)});
            }
        }
        keyed.sort(Comparator.<double[]>comparingDouble(e -> e[0]).thenComparingDouble(e -> e[1]));
        int[] order = new int[keyed.size()];
        Arrays.setAll(order, i -> (int) keyed.get(i)[2]);
        return order;
    }

    private static void shuffle(List<Integer> list, Random random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
    }
}
