package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A libsvm/svmlight text file, one sample per line: {@code label index:value index:value ...}. Features are
 * the sample's values in the model's input order (feature count = the product of the sample shape, e.g.
 * channels x height x width); missing features are 0; values are taken as they are, so they must already be
 * in the model's input scale (e.g. [0, 1]). Labels must be class ids 0..K-1 ({@code 3} or {@code 3.0}). Blank
 * lines and {@code #} comments are skipped, as are svmlight {@code qid:} tokens.
 *
 * <p>Opening checks every line once (errors name the line) and keeps only where each sample's line starts and
 * its label; a sample's values are parsed from its line when it is read, so the file may exceed memory.
 *
 * <p>We parse the file ourselves rather than with Tribuo's LibSVMDataSource: that reader throws unchecked
 * exceptions without a line number on comments, empty files and negative indices, and boxes every value.
 */
public final class LibsvmDataset implements Dataset {
    /** Where feature numbering starts. */
    public enum IndexBase {
        /** 0-based if any feature index is 0, else 1-based (libsvm's own convention; sklearn and Tribuo agree). */
        AUTO,
        ZERO,
        ONE
    }

    private static final Pattern CLASS_ID = Pattern.compile("\\+?\\d+(\\.0*)?");

    private final Path file;
    private final SampleShape shape;
    private final long[] offsets;
    private final int[] lengths;
    private final int[] labels;
    private final boolean zeroBased;

    private LibsvmDataset(Path file, SampleShape shape, Scan scan, boolean zeroBased) {
        this.file = file;
        this.shape = shape;
        this.offsets = Arrays.copyOf(scan.offsets, scan.count);
        this.lengths = Arrays.copyOf(scan.lengths, scan.count);
        this.labels = Arrays.copyOf(scan.labels, scan.count);
        this.zeroBased = zeroBased;
    }

    public static LibsvmDataset load(Path file, SampleShape shape) {
        return load(file, shape, IndexBase.AUTO);
    }

    /**
     * With {@link IndexBase#AUTO} a sparse 0-based file that never uses feature 0 (an always-black first pixel,
     * common in MNIST-like data) is read as 1-based, shifted by one; state {@link IndexBase#ZERO} for such files
     * (sklearn's dump_svmlight_file writes 0-based indices by default).
     */
    public static LibsvmDataset load(Path file, SampleShape shape, IndexBase base) {
        Scan scan = new Scan(file, shape, base);
        try (InputStream in = Files.newInputStream(file)) {
            scan.all(in);
        } catch (NoSuchFileException e) {
            throw new UserInputException("libsvm file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read libsvm file " + file + ": " + e.getMessage());
        }
        if (scan.count == 0) {
            throw new UserInputException(file + " holds no examples");
        }
        boolean zeroBased = base == IndexBase.ZERO || (base == IndexBase.AUTO && scan.firstZeroLine > 0);
        if (zeroBased && scan.firstTopLine > 0) {
            throw new UserInputException(file + ":" + scan.firstTopLine + ": " + beyond(scan.features, shape)
                    + " (indices are 0-based: index 0 appears on line " + scan.firstZeroLine + ")");
        }
        return new LibsvmDataset(file, shape, scan, zeroBased);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public SampleShape shape() {
        return shape;
    }

    @Override
    public void read(int index, float[] sample) {
        ByteBuffer bytes = ByteBuffer.allocate(lengths[index]);
        try (FileChannel channel = FileChannel.open(file)) {
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, offsets[index] + bytes.position()) < 0) {
                    throw new UserInputException(file + " changed while being read");
                }
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read libsvm file " + file + ": " + e.getMessage());
        }
        String line = new String(bytes.array(), StandardCharsets.ISO_8859_1);
        float[] row = new float[shape.size() + 1];
        String[] tokens = tokens(line);
        for (int t = 1; t < tokens.length; t++) {
            if (!tokens[t].startsWith("qid:")) {
                int colon = tokens[t].indexOf(':');
                row[Integer.parseInt(tokens[t].substring(0, colon))] = Float.parseFloat(tokens[t].substring(colon + 1));
            }
        }
        System.arraycopy(row, zeroBased ? 0 : 1, sample, 0, shape.size());
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    private static String[] tokens(String line) {
        int comment = line.indexOf('#');
        return (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
    }

    private static String beyond(int index, SampleShape shape) {
        return "feature index " + index + " is beyond the " + shape.size() + " features of " + shape + " samples";
    }

    /** One pass over the file: checks every line, notes where each example's line starts and its label. */
    private static final class Scan {
        private final Path file;
        private final SampleShape shape;
        private final IndexBase base;
        private final int features;
        private final int[] seenOnLine;
        private long[] offsets = new long[1024];
        private int[] lengths = new int[1024];
        private int[] labels = new int[1024];
        private int count;
        private int lineNumber;
        private int firstZeroLine;
        private int firstTopLine;

        Scan(Path file, SampleShape shape, IndexBase base) {
            this.file = file;
            this.shape = shape;
            this.base = base;
            this.features = shape.size();
            this.seenOnLine = new int[features + 1];
        }

        void all(InputStream in) throws IOException {
            byte[] buffer = new byte[1 << 16];
            StringBuilder line = new StringBuilder();
            long position = 0;
            long lineStart = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line(line.toString(), lineStart, (int) (position + i - lineStart));
                        line.setLength(0);
                        lineStart = position + i + 1;
                    } else {
                        line.append((char) (buffer[i] & 0xff));
                    }
                }
                position += n;
            }
            if (!line.isEmpty()) {
                line(line.toString(), lineStart, (int) (position - lineStart));
            }
        }

        private void line(String text, long offset, int length) {
            lineNumber++;
            String[] tokens = tokens(text);
            if (tokens[0].isEmpty()) {
                return;
            }
            if (!CLASS_ID.matcher(tokens[0]).matches() || Double.parseDouble(tokens[0]) > Integer.MAX_VALUE) {
                throw error("label '" + tokens[0] + "' is not a class id (an integer 0..K-1)");
            }
            for (int t = 1; t < tokens.length; t++) {
                feature(tokens[t]);
            }
            if (count == labels.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
                labels = Arrays.copyOf(labels, count * 2);
            }
            offsets[count] = offset;
            lengths[count] = length;
            labels[count] = (int) Double.parseDouble(tokens[0]);
            count++;
        }

        private void feature(String token) {
            if (token.startsWith("qid:")) {
                return;
            }
            int colon = token.indexOf(':');
            int index;
            try {
                index = Integer.parseInt(token.substring(0, Math.max(colon, 0)));
            } catch (NumberFormatException e) {
                throw error("'" + token + "' is not index:value");
            }
            if (index < 0) {
                throw error("feature index " + index + " is negative");
            }
            if (index > features || (index == features && base == IndexBase.ZERO)) {
                throw error(beyond(index, shape));
            }
            if (index == 0 && base == IndexBase.ONE) {
                throw error("feature index 0 in a file read with 1-based indices");
            }
            if (seenOnLine[index] == lineNumber) {
                throw error("feature index " + index + " appears twice");
            }
            seenOnLine[index] = lineNumber;
            try {
                Float.parseFloat(token.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw error("value '" + token.substring(colon + 1) + "' of feature " + index + " is not a number");
            }
            if (index == 0 && firstZeroLine == 0) {
                firstZeroLine = lineNumber;
            }
            if (index == features && firstTopLine == 0) {
                firstTopLine = lineNumber;
            }
        }

        private UserInputException error(String problem) {
            return new UserInputException(file + ":" + lineNumber + ": " + problem);
        }
    }
}
