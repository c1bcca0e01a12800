package io.qsvit.eval.image;

import io.qsvit.UserInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How image files become model input, in the order a torchvision eval transform applies it: decode (EXIF
 * orientation applied or not), convert to grey or RGB as PIL's {@code convert} does, resize so the shorter side
 * is {@code resize} (PIL bilinear with antialiasing), center crop to {@code crop} x {@code crop}, then per
 * channel {@code (pixel / divideBy - mean) / std} in channel order RGB or BGR, laid out channels-first (CHW) or
 * channels-last (HWC).
 *
 * <p>Presets: {@code none} (no resize, no crop: images must have the model's size; [0, 1]; no normalization)
 * and {@code imagenet} (resize 256, crop 224, ImageNet mean and std). Explicit values override a preset's.
 *
 * @param resize   the shorter side after resizing, null for no resize
 * @param crop     the side of the square center crop, null for no crop
 * @param divideBy what pixels (0..255) are divided by before mean and std: 255 gives [0, 1], 1 keeps 0..255
 * @param mean     per channel (in channel order), or one value for every channel
 * @param std      per channel (in channel order), or one value for every channel
 */
public record Preprocessing(String preset, Integer resize, Integer crop, ChannelOrder channelOrder, double divideBy,
                            List<Double> mean, List<Double> std, Layout layout, Exif exif) {
    public static final List<String> PRESETS = List.of("none", "imagenet");
    /** Today's behaviour: images at the model's size, scaled to [0, 1]. */
    public static final Preprocessing NONE = new Preprocessing("none", null, null, ChannelOrder.RGB, 255,
            List.of(0.0), List.of(1.0), Layout.CHW, Exif.IGNORE);
    /** torchvision's ImageNet evaluation transform: Resize(256), CenterCrop(224), ToTensor, Normalize. */
    public static final Preprocessing IMAGENET = new Preprocessing("imagenet", 256, 224, ChannelOrder.RGB, 255,
            List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), Layout.CHW, Exif.IGNORE);

    /** Order of the colour channels in the model input. */
    public enum ChannelOrder { RGB, BGR }

    /** Channels-first [C, H, W] or channels-last [H, W, C]. */
    public enum Layout { CHW, HWC }

    /**
     * Whether the EXIF orientation tag turns the image upright. torchvision's ImageFolder loader (PIL's
     * {@code Image.open(f).convert('RGB')}) ignores it, so IGNORE is the default: the tensors a PyTorch user
     * compares against.
     */
    public enum Exif { IGNORE, APPLY }

    public Preprocessing {
        if (preset == null || !PRESETS.contains(preset)) {
            throw new UserInputException("unknown preprocessing preset '" + preset + "' (" + String.join(", ", PRESETS) + ")");
        }
        if (resize != null && (resize < 1 || resize > 1 << 16)) {
            throw new UserInputException("resize must be between 1 and 65536 pixels, not " + resize);
        }
        if (crop != null && (crop < 1 || crop > 1 << 16)) {
            throw new UserInputException("crop must be between 1 and 65536 pixels, not " + crop);
        }
        if (!(divideBy > 0) || Double.isInfinite(divideBy)) {
            throw new UserInputException("divide-by must be a positive number, not " + divideBy);
        }
        mean = values("mean", mean, false);
        std = values("std", std, true);
    }

    /** The preset called {@code name} (any case). */
    public static Preprocessing preset(String name) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (key) {
            case "none" -> NONE;
            case "imagenet" -> IMAGENET;
            default -> throw new UserInputException("unknown preprocessing preset '" + name + "' ("
                    + String.join(", ", PRESETS) + ")");
        };
    }

    /** True when images go in as stored: the {@code none} preset's values (whatever the name says). */
    public boolean isIdentity() {
        return resize == null && crop == null && channelOrder == ChannelOrder.RGB && divideBy == 255
                && mean.equals(NONE.mean) && std.equals(NONE.std) && layout == Layout.CHW && exif == Exif.IGNORE;
    }

    public Preprocessing withResize(Integer value) {
        return new Preprocessing(preset, value, crop, channelOrder, divideBy, mean, std, layout, exif);
    }

    public Preprocessing withCrop(Integer value) {
        return new Preprocessing(preset, resize, value, channelOrder, divideBy, mean, std, layout, exif);
    }

    public Preprocessing withChannelOrder(ChannelOrder value) {
        return new Preprocessing(preset, resize, crop, value, divideBy, mean, std, layout, exif);
    }

    public Preprocessing withDivideBy(double value) {
        return new Preprocessing(preset, resize, crop, channelOrder, value, mean, std, layout, exif);
    }

    public Preprocessing withMean(List<Double> value) {
        return new Preprocessing(preset, resize, crop, channelOrder, divideBy, value, std, layout, exif);
    }

    public Preprocessing withStd(List<Double> value) {
        return new Preprocessing(preset, resize, crop, channelOrder, divideBy, mean, value, layout, exif);
    }

    public Preprocessing withLayout(Layout value) {
        return new Preprocessing(preset, resize, crop, channelOrder, divideBy, mean, std, value, exif);
    }

    public Preprocessing withExif(Exif value) {
        return new Preprocessing(preset, resize, crop, channelOrder, divideBy, mean, std, layout, value);
    }

    /** A preset with explicit values over it; null (or blank) values keep the preset's. */
    public static Preprocessing of(String preset, Integer resize, Integer crop, String channelOrder, Double divideBy,
                                   String mean, String std, String layout, String exif) {
        Preprocessing p = preset(preset == null || preset.isBlank() ? "none" : preset);
        if (resize != null) {
            p = p.withResize(resize == 0 ? null : resize);
        }
        if (crop != null) {
            p = p.withCrop(crop == 0 ? null : crop);
        }
        if (channelOrder != null && !channelOrder.isBlank()) {
            p = p.withChannelOrder(option(ChannelOrder.class, "channel order", channelOrder));
        }
        if (divideBy != null) {
            p = p.withDivideBy(divideBy);
        }
        if (mean != null && !mean.isBlank()) {
            p = p.withMean(numbers("mean", mean));
        }
        if (std != null && !std.isBlank()) {
            p = p.withStd(numbers("std", std));
        }
        if (layout != null && !layout.isBlank()) {
            p = p.withLayout(option(Layout.class, "layout", layout));
        }
        if (exif != null && !exif.isBlank()) {
            p = p.withExif(option(Exif.class, "exif", exif));
        }
        return p;
    }

    /** The effective values, as metadata and cache keys record them. */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("preset", preset);
        p.put("resize", resize);
        p.put("crop", crop);
        p.put("channel_order", channelOrder.toString().toLowerCase(Locale.ROOT));
        p.put("divide_by", divideBy);
        p.put("mean", mean);
        p.put("std", std);
        p.put("layout", layout.toString().toLowerCase(Locale.ROOT));
        p.put("exif", exif.toString().toLowerCase(Locale.ROOT));
        return p;
    }

    /** Mean of channel {@code c} of {@code channels}. */
    double meanOf(int c) {
        return mean.size() == 1 ? mean.get(0) : mean.get(c);
    }

    double stdOf(int c) {
        return std.size() == 1 ? std.get(0) : std.get(c);
    }

    /** Checks that mean and std have one value or one per channel. */
    void checkChannels(int channels) {
        if ((mean.size() != 1 && mean.size() != channels) || (std.size() != 1 && std.size() != channels)) {
            throw new UserInputException("mean and std need 1 or " + channels + " values for a " + channels
                    + "-channel model; found " + mean.size() + " and " + std.size());
        }
    }

    private static List<Double> values(String name, List<Double> values, boolean positive) {
        if (values == null || values.isEmpty()) {
            throw new UserInputException(name + " needs at least one value");
        }
        for (Double v : values) {
            if (v == null || !Double.isFinite(v) || (positive && !(v > 0))) {
                throw new UserInputException(name + " values must be " + (positive ? "positive " : "finite ")
                        + "numbers, found " + values);
            }
        }
        return List.copyOf(values);
    }

    private static List<Double> numbers(String name, String text) {
        List<Double> values = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                values.add(Double.parseDouble(part.strip()));
            } catch (NumberFormatException e) {
                throw new UserInputException(name + " '" + text + "' is not a comma-separated list of numbers");
            }
        }
        return values;
    }

    private static <E extends Enum<E>> E option(Class<E> type, String name, String text) {
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(text.strip())) {
                return value;
            }
        }
        List<String> names = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            names.add(value.name().toLowerCase(Locale.ROOT));
        }
        throw new UserInputException("unknown " + name + " '" + text + "' (" + String.join(" or ", names) + ")");
    }
}
