package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.EventFiles;
import io.qsvit.eval.events.EventFiles.Events;
import io.qsvit.eval.events.FrameIntegration;
import io.qsvit.eval.events.FramesAgainstNumpyTest;
import io.qsvit.eval.events.SplitBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventFolderDatasetTest {
    static final SampleShape NMNIST = SampleShape.of(4, 2, 34, 34);

    @TempDir
    Path dir;

    private static Events events(long seed, int n, int size) {
        return EventFiles.random(new Random(seed), n, size, size, 0, 100);
    }

    private static float[] sample(Dataset data, int i) {
        float[] values = new float[data.shape().size()];
        data.read(i, values);
        return values;
    }

    private static float[] frames(Events e, FrameIntegration f) {
        io.qsvit.eval.events.EventStream.Builder b = new io.qsvit.eval.events.EventStream.Builder("x", e.size());
        for (int i = 0; i < e.size(); i++) {
            b.add(e.x()[i], e.y()[i], e.t()[i], e.p()[i]);
        }
        float[] out = new float[f.sampleSize()];
        f.integrate(b.build(), out);
        return out;
    }

    private String error(Runnable action) {
        return assertThrows(UserInputException.class, action::run).getMessage();
    }

    @Test
    void classFoldersInNmnistLayoutWithTrainAndTestAreDetectedAndRead() throws IOException {
        Events a = events(1, 300, 34);
        Events b = events(2, 500, 34);
        Events c = events(3, 200, 34);
        EventFiles.write(dir.resolve("Test/0/00003.bin"), EventFiles.nmnist(a));
        EventFiles.write(dir.resolve("Test/1/00001.bin"), EventFiles.nmnist(b));
        EventFiles.write(dir.resolve("Test/1/00002.bin"), EventFiles.nmnist(c));
        EventFiles.write(dir.resolve("Train/0/00000.bin"), EventFiles.nmnist(c));
        assertEquals(DataFormat.EVENTS, Datasets.detect(dir));
        Dataset test = Datasets.open(dir, DatasetSpec.detect().withShape(NMNIST));
        assertEquals(3, test.size());
        assertEquals(List.of("0", "1"), test.classNames());
        assertEquals(List.of(0, 1, 1), List.of(test.label(0), test.label(1), test.label(2)));
        assertEquals(NMNIST, test.shape());
        FrameIntegration f = new FrameIntegration(4, SplitBy.NUMBER, 34, 34, 34, 34);
        assertArrayEquals(frames(a, f), sample(test, 0));
        assertArrayEquals(frames(c, f), sample(test, 2));
        Dataset train = Datasets.open(dir, DatasetSpec.detect().withSplit("train").withShape(NMNIST));
        assertEquals(1, train.size());
        assertEquals(dir + " has the split folders [Test, Train] but none for split 'val'", error(() ->
                Datasets.open(dir, DatasetSpec.detect().withSplit("val").withShape(NMNIST))));
    }

    @Test
    void downSampledTimeFramesOfAedat2ClassFolders() throws IOException {
        Events e = events(4, 2000, 128);
        EventFiles.write(dir.resolve("airplane/cifar10_airplane_0.aedat"), EventFiles.aedat2(e));
        EventFiles.write(dir.resolve("automobile/cifar10_automobile_0.aedat"), EventFiles.aedat2(events(5, 10, 128)));
        EventOptions options = new EventOptions(SplitBy.TIME, 128, 128, 0, TimeLayout.AUTO);
        Dataset data = Datasets.open(dir, DatasetSpec.detect().withShape(SampleShape.of(10, 2, 48, 48)).withEvents(options));
        assertEquals(List.of("airplane", "automobile"), data.classNames());
        assertArrayEquals(frames(e, new FrameIntegration(10, SplitBy.TIME, 128, 128, 48, 48)), sample(data, 0));
    }

    @Test
    void dvsGestureRecordingsGiveOneSamplePerLabelledWindow() throws IOException {
        Events one = EventFiles.random(new Random(6), 4000, 128, 128, 1_000_000, 1000);
        Events two = EventFiles.random(new Random(7), 3000, 128, 128, 5_000_000, 1000);
        EventFiles.write(dir.resolve("user01_fluorescent.aedat"), EventFiles.aedat31(one, 700));
        EventFiles.write(dir.resolve("user24_led.aedat"), EventFiles.aedat31(two, 700));
        long[] w1 = {1, one.t()[100], one.t()[1500]};
        long[] w2 = {11, one.t()[2000], one.t()[3999] + 1};
        long[] w3 = {4, two.t()[10], two.t()[2900]};
        Files.writeString(dir.resolve("user01_fluorescent_labels.csv"), EventFiles.labels(List.of(w1, w2)));
        Files.writeString(dir.resolve("user24_led_labels.csv"), EventFiles.labels(List.of(w3)));
        Files.writeString(dir.resolve("trials_to_train.txt"), "user01_fluorescent.aedat\n");
        Files.writeString(dir.resolve("trials_to_test.txt"), "user24_led.aedat\n\n");
        assertEquals(DataFormat.EVENTS, Datasets.detect(dir));
        SampleShape shape = SampleShape.of(16, 2, 32, 32);
        EventOptions sensor = new EventOptions(SplitBy.NUMBER, 128, 128, 0, TimeLayout.AUTO);
        Dataset train = Datasets.open(dir, DatasetSpec.detect().withSplit("train").withShape(shape).withEvents(sensor));
        assertEquals(2, train.size());
        assertEquals(List.of(0, 10), List.of(train.label(0), train.label(1)));
        FrameIntegration f = new FrameIntegration(16, SplitBy.NUMBER, 128, 128, 32, 32);
        assertArrayEquals(frames(slice(one, 100, 1500), f), sample(train, 0));
        assertArrayEquals(frames(slice(one, 2000, 4000), f), sample(train, 1));
        Dataset test = Datasets.open(dir, DatasetSpec.detect().withShape(shape).withEvents(sensor));
        assertEquals(1, test.size());
        assertEquals(3, test.label(0));
        assertArrayEquals(frames(slice(two, 10, 2900), f), sample(test, 0));
    }

    private static Events slice(Events e, int from, int to) {
        return new Events(Arrays.copyOfRange(e.x(), from, to), Arrays.copyOfRange(e.y(), from, to),
                Arrays.copyOfRange(e.t(), from, to), Arrays.copyOfRange(e.p(), from, to));
    }

    @Test
    void aMissingLabelFileIsReportedWhenTheFolderIsOpened() throws IOException {
        EventFiles.write(dir.resolve("user02_lab.aedat"), EventFiles.aedat31(events(8, 50, 128), 100));
        assertEquals("label file not found: " + dir.resolve("user02_lab_labels.csv"), error(() ->
                Datasets.open(dir, DatasetSpec.detect().withShape(SampleShape.of(8, 2, 128, 128)))));
    }

    @Test
    void tonicNumpyEventsInEitherDtypeMatchTheNumpyReference() throws Exception {
        Events e = events(9, 5000, 34);
        Path tonic = EventFiles.write(dir.resolve("a/0.npy"), TonicEvents.tonic(e));
        Path shuffled = EventFiles.write(dir.resolve("b/0.npy"), TonicEvents.shuffled(e));
        assertEquals(DataFormat.EVENTS, Datasets.detect(dir));
        Dataset data = Datasets.open(dir, DatasetSpec.detect().withShape(SampleShape.of(5, 2, 17, 17))
                .withEvents(new EventOptions(SplitBy.TIME, 34, 34, 0, TimeLayout.AUTO)));
        FrameIntegration f = new FrameIntegration(5, SplitBy.TIME, 34, 34, 17, 17);
        float[] reference = FramesAgainstNumpyTest.reference(dir, "npy", tonic, f, null);
        assertArrayEquals(reference, sample(data, 0));
        assertArrayEquals(reference, sample(data, 1));
        assertArrayEquals(reference, FramesAgainstNumpyTest.reference(dir, "npy", shuffled, f, null));
    }

    @Test
    void badRecordingsAreNamedWhenTheirSampleIsRead() throws IOException {
        byte[] whole = EventFiles.nmnist(events(10, 20, 34));
        Path cut = EventFiles.write(dir.resolve("0/cut.bin"), Arrays.copyOf(whole, whole.length - 1));
        Events outside = new Events(new int[] {3, 40}, new int[] {3, 3}, new long[] {0, 5}, new int[] {1, 1});
        Path wide = EventFiles.write(dir.resolve("1/wide.bin"), EventFiles.nmnist(outside));
        Events backwards = new Events(new int[] {1, 1}, new int[] {1, 1}, new long[] {9, 5}, new int[] {1, 0});
        Path back = EventFiles.write(dir.resolve("2/back.npy"), TonicEvents.tonic(backwards));
        Path empty = EventFiles.write(dir.resolve("3/empty.bin"), new byte[0]);
        Dataset data = Datasets.open(dir, DatasetSpec.detect().withShape(NMNIST));
        assertEquals(cut + " is cut mid-event: 99 bytes is not a whole number of 5-byte N-MNIST events (4 bytes left"
                + " over)", error(() -> sample(data, 0)));
        assertEquals(wide + ": event 1 at (x 40, y 3) is outside the 34x34 (width x height) sensor; give the"
                + " recording's sensor size (--sensor WIDTHxHEIGHT)", error(() -> sample(data, 1)));
        assertEquals(back + ": timestamps go backwards at event 1 (5 us after 9 us); events must be in time order",
                error(() -> sample(data, 2)));
        assertEquals(empty + " holds no events", error(() -> sample(data, 3)));
    }

    @Test
    void wrongShapesAndStrayFilesAreRefused() throws IOException {
        EventFiles.write(dir.resolve("0/a.bin"), EventFiles.nmnist(events(11, 20, 34)));
        assertEquals(dir + " holds event recordings, which become samples [frames, 2, height, width]; the model"
                + " takes samples 1x28x28", error(() -> Datasets.open(dir, DatasetSpec.detect()
                .withShape(SampleShape.of(1, 28, 28)))));
        assertEquals("events data needs the sample shape (the model input's, or given)",
                error(() -> Datasets.open(dir, DatasetSpec.detect())));
        Files.writeString(dir.resolve("0/notes.txt"), "x");
        assertEquals(dir.resolve("0/notes.txt") + " is not an event recording (.bin, .aedat or .npy)",
                error(() -> Datasets.open(dir, DatasetSpec.detect().withFormat(DataFormat.EVENTS).withShape(NMNIST))));
        assertTrue(error(() -> Datasets.open(dir, DatasetSpec.detect().withFormat(DataFormat.IDX)
                .withEvents(new EventOptions(SplitBy.TIME, 0, 0, 0, TimeLayout.AUTO)))).startsWith("event options"));
    }
}
