package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.EventStream;
import io.qsvit.eval.events.FrameIntegration;
import io.qsvit.eval.events.GestureLabels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Event-camera recordings with labels, each sample integrated into frames [T, 2, height, width] when it is read
 * (on {@link SampleBatches}' workers). Two layouts, the ones the datasets ship in:
 * <ul>
 *   <li>one sub-folder per class (N-MNIST, N-Caltech101, CIFAR10-DVS, tonic's saved events): class ids are the
 *   sub-folder names in sorted order, recordings ({@code .bin}, {@code .aedat}, {@code .npy}) are sorted by name
 *   within a class, one recording per sample. A folder whose sub-folders are all split names (N-MNIST's
 *   {@code Train}, {@code Test}) is entered at the split asked for ({@code t10k} or {@code test}, {@code train});</li>
 *   <li>DVS Gesture's own: {@code .aedat} recordings beside their {@code *_labels.csv}; each labelled time window is
 *   one sample, in the order of the recordings (those {@code trials_to_<split>.txt} lists, else all by name) and
 *   of the label rows. The label files are read when the folder is opened, so a missing one is reported then.</li>
 * </ul>
 * Names starting with '.' are skipped.
 */
public final class EventFolderDataset implements Dataset {
    private static final Set<String> SPLIT_NAMES = Set.of("train", "test", "val", "validation");
    /** Recordings kept parsed for DVS Gesture, whose consecutive samples are windows of one recording. */
    private static final int CACHED_RECORDINGS = 3;

    private final Path folder;
    private final List<Sample> samples;
    private final List<String> classNames;
    private final FrameIntegration integration;
    private final Map<Path, CompletableFuture<EventStream>> cache = new LinkedHashMap<>(8, 0.75f, true);

    /** One sample: a recording, or a labelled window [start, end) us of one. */
    private record Sample(Path file, int label, long start, long end) {
        boolean whole() {
            return start == Long.MIN_VALUE;
        }
    }

    private EventFolderDataset(Path folder, List<Sample> samples, List<String> classNames, FrameIntegration integration) {
        this.folder = folder;
        this.samples = samples;
        this.classNames = classNames;
        this.integration = integration;
    }

    /** The recordings under {@code folder} as samples of {@code shape} = [frames, 2, height, width]. */
    public static EventFolderDataset load(Path folder, String split, SampleShape shape, EventOptions options) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException("data folder not found: " + folder);
        }
        FrameIntegration integration = options.integration(shape, folder.toString());
        if (options.frames() != 0 && options.frames() != shape.dim(0)) {
            throw new UserInputException("--frames " + options.frames() + " but the model takes " + shape.dim(0)
                    + " frames (its time axis)");
        }
        List<Path> entries = Folders.list(folder);
        if (entries.stream().anyMatch(p -> Files.isRegularFile(p) && EventRecordings.extension(p).equals("aedat"))) {
            return new EventFolderDataset(folder, gestureSamples(folder, entries, split), List.of(), integration);
        }
        Path root = splitFolder(folder, entries, split);
        List<Path> classes = Folders.list(root).stream().filter(Files::isDirectory).toList();
        if (classes.isEmpty()) {
            throw new UserInputException(root + " has no class sub-folders and no .aedat recordings");
        }
        List<Sample> samples = new ArrayList<>();
        for (int id = 0; id < classes.size(); id++) {
            for (Path file : Folders.list(classes.get(id))) {
                if (Files.isDirectory(file)) {
                    throw new UserInputException(file + " is a folder; class folders must hold event recordings only");
                }
                if (!EventRecordings.isRecording(file)) {
                    throw new UserInputException(file + " is not an event recording (.bin, .aedat or .npy)");
                }
                samples.add(new Sample(file, id, Long.MIN_VALUE, Long.MAX_VALUE));
            }
        }
        if (samples.isEmpty()) {
            throw new UserInputException("no event recordings in the class folders of " + root);
        }
        return new EventFolderDataset(root, List.copyOf(samples), classes.stream().map(c -> c.getFileName().toString())
                .toList(), integration);
    }

    /** True when {@code folder} holds event data in one of the two layouts (for format detection). */
    static boolean holdsEvents(Path folder) {
        List<Path> entries = Folders.list(folder);
        if (entries.stream().anyMatch(p -> Files.isRegularFile(p) && EventRecordings.extension(p).equals("aedat"))) {
            return true;
        }
        List<Path> dirs = entries.stream().filter(Files::isDirectory).toList();
        if (!dirs.isEmpty() && dirs.stream().allMatch(EventFolderDataset::isSplitName)) {
            return holdsEvents(dirs.get(0));
        }
        for (Path dir : dirs) {
            for (Path file : Folders.list(dir)) {
                if (Files.isRegularFile(file)) {
                    return EventRecordings.isRecording(file);
                }
            }
        }
        return false;
    }

    private static boolean isSplitName(Path dir) {
        return SPLIT_NAMES.contains(dir.getFileName().toString().toLowerCase(Locale.ROOT));
    }

    /** N-MNIST's Train/Test level: the sub-folder for {@code split}, or the folder itself if it has none. */
    private static Path splitFolder(Path folder, List<Path> entries, String split) {
        List<Path> dirs = entries.stream().filter(Files::isDirectory).toList();
        if (dirs.isEmpty() || !dirs.stream().allMatch(EventFolderDataset::isSplitName)) {
            return folder;
        }
        String wanted = splitName(split);
        return dirs.stream().filter(d -> d.getFileName().toString().toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst().orElseThrow(() -> new UserInputException(folder + " has the split folders "
                        + dirs.stream().map(d -> d.getFileName().toString()).toList() + " but none for split '"
                        + split + "'"));
    }

    private static String splitName(String split) {
        String s = split.toLowerCase(Locale.ROOT);
        return s.equals(IdxDataset.TEST_SPLIT) ? "test" : s;
    }

    private static List<Sample> gestureSamples(Path folder, List<Path> entries, String split) {
        Path trials = folder.resolve("trials_to_" + splitName(split) + ".txt");
        List<Path> recordings;
        if (Files.isRegularFile(trials)) {
            recordings = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(trials, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        Path recording = folder.resolve(line.strip());
                        if (!Files.isRegularFile(recording)) {
                            throw new UserInputException(trials + " names " + line.strip() + ", which is not in "
                                    + folder);
                        }
                        recordings.add(recording);
                    }
                }
            } catch (IOException e) {
                throw new UserInputException("cannot read " + trials + ": " + e.getMessage());
            }
        } else {
            recordings = entries.stream().filter(p -> Files.isRegularFile(p)
                    && EventRecordings.extension(p).equals("aedat")).toList();
        }
        List<Sample> samples = new ArrayList<>();
        for (Path recording : recordings) {
            for (GestureLabels.Window w : GestureLabels.read(GestureLabels.of(recording))) {
                samples.add(new Sample(recording, w.label(), w.start(), w.end()));
            }
        }
        if (samples.isEmpty()) {
            throw new UserInputException(folder + ": no labelled recordings for split '" + split + "'");
        }
        return List.copyOf(samples);
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public int label(int index) {
        return samples.get(index).label();
    }

    @Override
    public SampleShape shape() {
        return SampleShape.of(integration.frames(), 2, integration.height(), integration.width());
    }

    @Override
    public void read(int index, float[] sample) {
        Sample s = samples.get(index);
        EventStream events;
        if (s.whole()) {
            events = EventRecordings.read(s.file());
        } else {
            events = recording(s.file()).window(s.start(), s.end(),
                    s.file() + " (window " + s.start() + ".." + s.end() + " us)");
            if (events.size() == 0) {
                throw new UserInputException(s.file() + ": the labelled window " + s.start() + ".." + s.end()
                        + " us holds no events");
            }
        }
        if (events.size() == 0) {
            throw new UserInputException(s.file() + " holds no events");
        }
        integration.integrate(events, sample);
    }

    /** A DVS Gesture recording, parsed once for all its windows while they are being read. */
    private EventStream recording(Path file) {
        CompletableFuture<EventStream> future;
        boolean mine = false;
        synchronized (cache) {
            future = cache.get(file);
            if (future == null) {
                future = new CompletableFuture<>();
                cache.put(file, future);
                mine = true;
                while (cache.size() > CACHED_RECORDINGS) {
                    cache.remove(cache.keySet().iterator().next());
                }
            }
        }
        if (mine) {
            try {
                future.complete(EventRecordings.read(file));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
                synchronized (cache) {
                    cache.remove(file, future);
                }
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public String source() {
        return folder.toString();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }
}
