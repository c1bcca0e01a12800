package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Random;

/**
 * A deterministic choice of images that every step (calibration, search, evaluation) can agree on: the same
 * data and the same subset always give the same images.
 *
 * <p>{@link #stratified} keeps class proportions as closely as possible: class k with c_k of N images gets
 * floor(n c_k / N) places, and the places left over go to the classes with the largest remainders
 * (n c_k mod N), ties to the smaller class id; so every class gets its share n c_k / N rounded down or up. The
 * images are then taken by walking all indices in the order of a Fisher-Yates shuffle driven by
 * {@code java.util.Random(seed)} (whose algorithm the JDK specifies, so the choice is the same on every JVM),
 * keeping an index while its class has places left; the result is in original index order.
 */
public final class Subset {
    private final int count;
    private final Long seed;

    private Subset(int count, Long seed) {
        this.count = count;
        this.seed = seed;
    }

    /** The first {@code n} images, in order. */
    public static Subset first(int n) {
        return new Subset(n, null);
    }

    /** {@code n} images with the class proportions of the data, chosen with {@code seed}. */
    public static Subset stratified(int n, long seed) {
        return new Subset(n, seed);
    }

    /** The chosen samples of {@code data} (a view: nothing is read). */
    public Dataset of(Dataset data) {
        return data.select(indices(data));
    }

    /** Indices of the chosen images, ascending. */
    public int[] indices(Dataset data) {
        if (count < 1 || count > data.size()) {
            throw new UserInputException(seed == null
                    ? "cannot take the first " + count + " of " + data.size() + " images"
                    : "cannot take a stratified subset of " + count + " from " + data.size() + " images");
        }
        if (seed == null) {
            int[] prefix = new int[count];
            Arrays.setAll(prefix, i -> i);
            return prefix;
        }
        int[] places = places(data);
        int[] order = shuffledIndices(data.size(), seed);
        int[] chosen = new int[count];
        int taken = 0;
        for (int i : order) {
            if (places[data.label(i)] > 0) {
                places[data.label(i)]--;
                chosen[taken++] = i;
            }
        }
        Arrays.sort(chosen);
        return chosen;
    }

    /** Places per class by the largest-remainder rule. */
    private int[] places(Dataset data) {
        int n = data.size();
        long[] perClass = new long[data.maxLabel() + 1];
        for (int i = 0; i < n; i++) {
            perClass[data.label(i)]++;
        }
        int[] places = new int[perClass.length];
        Integer[] byRemainder = new Integer[perClass.length];
        int left = count;
        for (int k = 0; k < perClass.length; k++) {
            places[k] = (int) (count * perClass[k] / n);
            left -= places[k];
            byRemainder[k] = k;
        }
        Arrays.sort(byRemainder, (a, b) -> Long.compare(count * perClass[b] % n, count * perClass[a] % n));
        for (int i = 0; i < left; i++) {
            places[byRemainder[i]]++;
        }
        return places;
    }

    private static int[] shuffledIndices(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    @Override
    public String toString() {
        return seed == null ? "first " + count : "stratified " + count + " (seed " + seed + ")";
    }
}
