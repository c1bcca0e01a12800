package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code bounds} step's output as explore reads it (QSViT Alg. 2): the accuracy requirement, and the
 * base settings bSettingH ({@value #HIGH_FILE}: every group at its high bound) and bSettingL
 * ({@value #LOW_FILE}: every group at its low bound).
 */
public record Bounds(Requirement requirement, Setting high, Setting low, String digest) {
    public static final String FILE = "bounds.json";
    public static final String SCHEMA = "qsvit.bounds/v1";
    public static final String HIGH_FILE = "setting-high.json";
    public static final String LOW_FILE = "setting-low.json";

    /** The requirement bounds was given, and the accuracy it implies on the bounds step's own data. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Requirement(@JsonProperty("baseline_accuracy") double baselineAccuracy,
                              @JsonProperty("max_drop") Double maxDrop,
                              @JsonProperty("target_accuracy") Double targetAccuracy,
                              @JsonProperty("required_accuracy") double requiredAccuracy,
                              @JsonProperty("tolerance_high") double toleranceHigh,
                              @JsonProperty("tolerance_low") double toleranceLow) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Document(String schema, Requirement requirement) {
    }

    public Scheme highOf(String group) {
        return high.schemeOf(group);
    }

    public Scheme lowOf(String group) {
        return low.schemeOf(group);
    }

    /** Reads a bounds output folder. */
    public static Bounds read(Path folder) {
        Path file = folder.resolve(FILE);
        for (Path needed : new Path[] {file, folder.resolve(HIGH_FILE), folder.resolve(LOW_FILE)}) {
            if (!Files.isRegularFile(needed)) {
                throw new UserInputException("bounds folder " + folder + " has no " + needed.getFileName());
            }
        }
        Document document = Documents.read(file, Document.class);
        if (!SCHEMA.equals(document.schema())) {
            throw new UserInputException(file + ": schema '" + document.schema() + "' is not " + SCHEMA);
        }
        if (document.requirement() == null) {
            throw new UserInputException(file + ": requirement is missing");
        }
        Setting high = Setting.read(folder.resolve(HIGH_FILE));
        Setting low = Setting.read(folder.resolve(LOW_FILE));
        if (!high.grouping().equals(low.grouping())) {
            throw new UserInputException("bounds folder " + folder + ": " + HIGH_FILE + " and " + LOW_FILE
                    + " group the model differently");
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : new String[] {FILE, HIGH_FILE, LOW_FILE}) {
            files.put(name, Digests.ofFile(folder.resolve(name)));
        }
        return new Bounds(document.requirement(), high, low, Digests.ofCanonicalJson(files));
    }
}
