package io.qsvit.eval.data;

import io.qsvit.InputLimits;
import io.qsvit.UserInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a libsvm/svmlight text file, one image per line: {@code label index:value index:value ...}. Features
 * are the image's values in NCHW order (feature count = channels x height x width); missing features are 0;
 * values are taken as they are, so they must already be in the model's input scale (e.g. [0, 1]). Labels must
 * be class ids 0..K-1 ({@code 3} or {@code 3.0}). Blank lines and {@code #} comments are skipped, as are
 * svmlight {@code qid:} tokens.
 *
 * <p>We parse the file ourselves rather than with Tribuo's LibSVMDataSource: that reader throws unchecked
 * exceptions without a line number on comments, empty files and negative indices, and boxes every value.
 */
public final class LibsvmDataset {
    /** Where feature numbering starts. */
    public enum IndexBase {
        /** 0-based if any feature index is 0, else 1-based (libsvm's own convention; sklearn and Tribuo agree). */
        AUTO,
        ZERO,
        ONE
    }

    private static final Pattern CLASS_ID = Pattern.compile("\\+?\\d+(\\.0*)?");

    private LibsvmDataset() {
    }

    public static LabeledImages load(Path file, ImageShape shape) {
        return load(file, shape, IndexBase.AUTO);
    }

    /**
     * With {@link IndexBase#AUTO} a sparse 0-based file that never uses feature 0 (an always-black first pixel,
     * common in MNIST-like data) is read as 1-based, shifted by one; state {@link IndexBase#ZERO} for such files
     * (sklearn's dump_svmlight_file writes 0-based indices by default).
     */
    public static LabeledImages load(Path file, ImageShape shape, IndexBase base) {
        Parser parser = new Parser(file, shape, base);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            StringBuilder line = new StringBuilder();
            int lineNumber = 1;
            for (int c = reader.read(); ; c = reader.read()) {
                if (c == '\n' || c < 0) {
                    if (c >= 0 || !line.isEmpty()) {
                        parser.line(line.toString());
                    }
                    if (c < 0) {
                        break;
                    }
                    line.setLength(0);
                    lineNumber++;
                } else if (line.length() == InputLimits.LINE_CHARS) {
                    throw new UserInputException(file + ": line " + lineNumber + " is longer than " + InputLimits.LINE_CHARS
                            + " characters");
                } else if (c != '\r') {
                    line.append((char) c);
                }
            }
        } catch (NoSuchFileException e) {
            throw new UserInputException("libsvm file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read libsvm file " + file + ": " + e.getMessage());
        }
        return parser.images();
    }

    /** Collects each line's values at their raw index (0..features) until the index base is known. */
    private static final class Parser {
        private final Path file;
        private final ImageShape shape;
        private final IndexBase base;
        private final int features;
        private final List<float[]> rows = new ArrayList<>();
        private int[] labels = new int[1024];
        private final int[] seenOnLine;
        private int lineNumber;
        private int firstZeroLine;
        private int firstTopLine;

        Parser(Path file, ImageShape shape, IndexBase base) {
            this.file = file;
            this.shape = shape;
            this.base = base;
            this.features = shape.size();
            this.seenOnLine = new int[features + 1];
        }

        void line(String text) {
            lineNumber++;
            int comment = text.indexOf('#');
            String[] tokens = (comment < 0 ? text : text.substring(0, comment)).trim().split("\\s+");
            if (tokens[0].isEmpty()) {
                return;
            }
            if (!CLASS_ID.matcher(tokens[0]).matches() || Double.parseDouble(tokens[0]) > Integer.MAX_VALUE) {
                throw error("label '" + tokens[0] + "' is not a class id (an integer 0..K-1)");
            }
            float[] row = new float[features + 1];
            for (int t = 1; t < tokens.length; t++) {
                feature(tokens[t], row);
            }
            if (rows.size() == labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            labels[rows.size()] = (int) Double.parseDouble(tokens[0]);
            rows.add(row);
        }

        private void feature(String token, float[] row) {
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
                throw error(beyond(index));
            }
            if (index == 0 && base == IndexBase.ONE) {
                throw error("feature index 0 in a file read with 1-based indices");
            }
            if (seenOnLine[index] == lineNumber) {
                throw error("feature index " + index + " appears twice");
            }
            seenOnLine[index] = lineNumber;
            try {
                row[index] = Float.parseFloat(token.substring(colon + 1));
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

        LabeledImages images() {
            if (rows.isEmpty()) {
                throw new UserInputException(file + " holds no examples");
            }
            boolean zeroBased = base == IndexBase.ZERO || (base == IndexBase.AUTO && firstZeroLine > 0);
            if (zeroBased && firstTopLine > 0) {
                throw new UserInputException(file + ":" + firstTopLine + ": " + beyond(features)
                        + " (indices are 0-based: index 0 appears on line " + firstZeroLine + ")");
            }
            float[] pixels = new float[rows.size() * features];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), zeroBased ? 0 : 1, pixels, i * features, features);
            }
            return new LabeledImages(pixels, Arrays.copyOf(labels, rows.size()), shape.channels(), shape.height(),
                    shape.width());
        }

        private String beyond(int index) {
            return "feature index " + index + " is beyond the " + features + " features of " + shape + " images";
        }

        private UserInputException error(String problem) {
            return new UserInputException(file + ":" + lineNumber + ": " + problem);
        }
    }
}
