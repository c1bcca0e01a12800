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
import io.qsvit.eval.data.TimeLayout;
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

    /** The recordings under {@code path} as samples of {@code shape} = [frames, 2, height, width]. */
    public EventDataSource(Path path, String split, SampleShape shape, EventOptions options) {
        this.path = path;
        this.split = split;
        if (shape.rank() != 4 || shape.dim(1) != 2) {
            throw new IllegalArgumentException("event samples are [frames, 2, height, width], not " + shape);
        }
        this.frames = shape.dim(0);
        this.height = shape.dim(2);
        this.width = shape.dim(3);
        this.framesBy = options.splitBy().toString();
        this.sensor = options.sensorWidth() == 0 ? "" : options.sensorWidth() + "x" + options.sensorHeight();
        postConfig();
    }

    @Override
    public void postConfig() {
        if (frames < 1 || height < 1 || width < 1) {
            throw new PropertyException("", "frames, height and width must be positive; found " + frames + ", "
                    + height + ", " + width);
        }
        int[] size = EventOptions.parseSensor(sensor);
        EventOptions options = new EventOptions(SplitBy.parse(framesBy), size[0], size[1], 0, TimeLayout.AUTO);
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

    /** Number of examples (samples). */
    public int size() {
        return examples.size();
    }

    /** The shape of every sample: [frames, 2, height, width]. */
    public SampleShape sampleShape() {
        return SampleShape.of(frames, 2, height, width);
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
