package io.qsvit.api;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.qsvit.artifact.Digests;
import io.qsvit.eval.PixelFeatures;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.SampleBatches;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.events.SplitBy;
import org.tribuo.ConfigurableDataSource;
import org.tribuo.Example;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ConfiguredDataSourceProvenance;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Labelled event-camera recordings in any layout and format qsvit reads (class folders of N-MNIST / N-Caltech101
 * {@code .bin}, AEDAT 2.0 / 3.1 or tonic {@code .npy} recordings, DVS Gesture's recordings with label files) as a
 * Tribuo data source. Each sample is one example: a {@link Label} named as qsvit names the class (the class
 * folder's name, else the class id) and one feature per frame value, [frames, 2, height, width] in that order,
 * named by {@link PixelFeatures}, with the event counts qsvit feeds its models; recordings are integrated on
 * worker threads exactly as the steps integrate them. Configurable through OLCUT like Tribuo's own sources; its
 * provenance records the path, split, frames and their integration, the content digest and the number of
 * examples.
 */
public final class EventDataSource implements ConfigurableDataSource<Label> {
    private static final LabelFactory LABELS = new LabelFactory();

    @Config(mandatory = true, description = "Folder of labelled event recordings.")
    private Path path;

    @Config(description = "Split: the Train/Test folder or DVS Gesture trials list to read (t10k or test, train).")
    private String split = IdxDataset.TEST_SPLIT;

    @Config(mandatory = true, description = "Frames per sample (the model's time axis, T).")
    private int frames;

    @Config(mandatory = true, description = "Frame height.")
    private int height;

    @Config(mandatory = true, description = "Frame width.")
    private int width;

    @Config(description = "Frames of equal event count (number) or equal time (time), as SpikingJelly.")
    private String framesBy = SplitBy.NUMBER.toString();

    @Config(description = "The recordings' sensor size WIDTHxHEIGHT, when larger than the frames; empty: the frame size.")
    private String sensor = "";

    private List<Example<Label>> examples;
    private ImageDataSourceProvenance provenance;

    /** For OLCUT, which sets the fields and calls {@link #postConfig}. */
    private EventDataSource() {
    }

    /**
     * The recordings under {@code path}, integrated into samples of [frames, 2, height, width].
     *
     * @param path     folder of labelled event recordings
     * @param split    the split to read (t10k or test, train)
     * @param frames   frames per sample (the model's time axis)
     * @param height   frame height
     * @param width    frame width
     * @param framesBy {@code number} (equal event count per frame) or {@code time} (equal duration), as SpikingJelly
     * @param sensor   the recordings' sensor size {@code WIDTHxHEIGHT} when larger than the frames; empty: the frame size
     */
    public EventDataSource(Path path, String split, int frames, int height, int width, String framesBy,
                           String sensor) {
        this.path = path;
        this.split = split;
        this.frames = frames;
        this.height = height;
        this.width = width;
        this.framesBy = framesBy;
        this.sensor = sensor;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (frames < 1 || height < 1 || width < 1) {
            throw new PropertyException("", "frames, height and width must be positive; found " + frames + ", "
                    + height + ", " + width);
        }
        EventOptions options = EventOptions.of(framesBy, sensor, null, null);
        Dataset data = Datasets.open(path, DatasetSpec.detect().withFormat(DataFormat.EVENTS).withSplit(split)
                .withShape(SampleShape.of(frames, 2, height, width)).withEvents(options));
        String[] names = PixelFeatures.names(data.shape().size());
        Example<Label>[] loaded = newExamples(data.size());
        SampleBatches.forEach(data, SampleBatches.defaultWorkers(), (i, values) -> {
            double[] features = new double[values.length];
            for (int v = 0; v < values.length; v++) {
                features[v] = values[v];
            }
            loaded[i] = new ArrayExample<>(new Label(data.className(data.label(i))), names, features);
        });
        examples = List.of(loaded);
        provenance = new ImageDataSourceProvenance(this, Digests.ofContent(path), examples.size());
    }

    @SuppressWarnings("unchecked")
    private static Example<Label>[] newExamples(int n) {
        return (Example<Label>[]) new Example[n];
    }

    /** @return the number of examples (samples) */
    public int size() {
        return examples.size();
    }

    /** @return frames per sample (the time axis) */
    public int frames() {
        return frames;
    }

    /** @return frame height */
    public int height() {
        return height;
    }

    /** @return frame width */
    public int width() {
        return width;
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return LABELS;
    }

    @Override
    public ConfiguredDataSourceProvenance getProvenance() {
        return provenance;
    }

    @Override
    public Iterator<Example<Label>> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return "EventDataSource(path=" + path + ",split=" + split + ",frames=" + frames + "x2x" + height + "x" + width
                + ",samples=" + size() + ")";
    }
}
