package io.qsvit.cli;

import io.qsvit.ConfigFiles;
import io.qsvit.eval.LayerCosts;
import io.qsvit.model.Granularity;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.model.prepare.PreparationRecord;
import io.qsvit.eval.PreparedModels;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.Quantizer;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.WeightLoss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Lists a model's quantizable layers and their groups. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the groups and quantizable layers of an ONNX model: kind, shape, parameters, "
                + "MACs per image, share of model size; with --scheme, what that scheme loses per group.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "ONNX file or model artifact folder.")
    Path model;

    @Option(names = "--granularity", defaultValue = "block",
            description = "stage, block (QSViT's), module or layer (default: ${DEFAULT-VALUE}).")
    String granularity;

    @Option(names = "--groups", description = "Grouping file (JSON or YAML): granularity and ordered regex rules.")
    Path groupsFile;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--scheme", description = "Also count, per group, the weights this scheme saturates (or wraps) and "
            + "the non-zero weights it rounds to zero, e.g. fixed8:q3.4:truncate.")
    String scheme;

    @Override
    public Integer call() throws Exception {
        Grouping grouping = groupsFile != null ? ConfigFiles.read(groupsFile, Grouping.class)
                : Grouping.by(Granularity.parse(granularity));
        Preparation.Prepared prepared = PreparedModels.prepare(OnnxModel.load(model));
        ModelLayers layers = ModelLayers.of(prepared.model(), grouping);
        LayerCosts costs = LayerCosts.measureIfPossible(layers);
        Map<String, WeightLoss> losses = scheme == null ? Map.of() : losses(layers, Scheme.parse(scheme));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> report = report(layers, costs, prepared.record());
            if (scheme != null) {
                report.put("scheme", Scheme.parse(scheme).id());
                report.put("losses", losses);
            }
            out.println(Qsvit.JSON.writeValueAsString(report));
        } else {
            printTable(out, layers, costs);
            printComputed(out, ComputedSites.of(layers));
            printPreparation(out, prepared.record());
            if (scheme != null) {
                printLosses(out, Scheme.parse(scheme), losses);
            }
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> report(ModelLayers layers, LayerCosts costs, PreparationRecord preparation) {
        List<Object> groups = new ArrayList<>();
        for (Group g : layers.groups()) {
            List<Object> members = new ArrayList<>();
            for (Layer l : g.layers()) {
                Map<String, Object> layer = new LinkedHashMap<>();
                layer.put("path", l.path());
                layer.put("path_source", l.pathSource().name().toLowerCase());
                layer.put("kind", l.kind().kind().id());
                layer.put("kind_source", l.kind().source().id());
                if (l.kind().evidence() != null) {
                    layer.put("kind_evidence", l.kind().evidence());
                }
                layer.put("tensor", l.tensorName());
                layer.put("node", l.nodeName());
                layer.put("op", l.opType());
                layer.put("shape", l.dims());
                layer.put("channel_axis", l.channelAxis());
                layer.put("via", l.via());
                layer.put("params", l.params());
                layer.put("macs_per_image", costs.macsPerImage(l));
                layer.put("share", (double) l.params() / layers.params());
                members.add(layer);
            }
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("name", g.name());
            group.put("kind", g.kind().id());
            group.put("kind_source", g.kindSource().id());
            group.put("params", g.params());
            group.put("macs_per_image", g.layers().stream().mapToLong(costs::macsPerImage).sum());
            group.put("share", (double) g.params() / layers.params());
            group.put("layers", members);
            groups.add(group);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", layers.model().file().toString());
        report.put("opset", layers.model().opset());
        report.put("params", layers.params());
        report.put("macs_per_image", layers.layers().stream().mapToLong(costs::macsPerImage).sum());
        if (costs.unmeasured() != null) {
            report.put("macs_unmeasured", costs.unmeasured());
        }
        report.put("groups", groups);
        Map<String, Object> computed = new java.util.LinkedHashMap<>();
        ComputedSites sites = ComputedSites.of(layers);
        sites.groups().forEach((name, kind) -> {
            Map<String, Object> group = new java.util.LinkedHashMap<>();
            group.put("kind", kind.groupKind().id());
            group.put("tensors", sites.sitesOf(name).size());
            computed.put(name, group);
        });
        report.put("computed_groups", computed);
        report.put("preparation", preparation.toMap());
        return report;
    }

    private static void printTable(PrintWriter out, ModelLayers layers, LayerCosts costs) {
        String format = "%-44s %-30s %-18s %10s %12s %7s%n";
        out.printf(format, "GROUP / layer", "KIND (from) / op", "SHAPE", "PARAMS", "MACS/IMAGE", "SHARE");
        for (Group g : layers.groups()) {
            out.printf(format, g.name(), g.kind().id() + " (" + g.kindSource().id() + ")",
                    g.layers().size() + " layer" + (g.layers().size() == 1 ? "" : "s"),
                    g.params(), g.layers().stream().mapToLong(costs::macsPerImage).sum(), percent(g.params(), layers));
            for (Layer l : g.layers()) {
                out.printf(format, "  " + l.path(), l.opType() + " " + l.kind().kind().id() + " (" + l.kind().source().id() + ")",
                        shape(l.dims()), l.params(), costs.macsPerImage(l), percent(l.params(), layers));
            }
        }
        out.printf("%d layers in %d groups, %d weight parameters, %d MACs per image%n", layers.layers().size(),
                layers.groups().size(), layers.params(), layers.layers().stream().mapToLong(costs::macsPerImage).sum());
        if (costs.unmeasured() != null) {
            out.println("MACs not measured: " + costs.unmeasured());
        }
    }

    /** The computed groups a setting may hold in fixed point ({@code <group>:membrane}, ...), with their tensors. */
    private static void printComputed(PrintWriter out, ComputedSites sites) {
        if (sites.isEmpty()) {
            out.println("computed tensors: none found (no threshold comparison, no product of two computed tensors)");
            return;
        }
        out.println("computed groups (settable as <group>:<kind>, float32 unless named):");
        sites.groups().forEach((name, kind) -> out.printf("  %-42s %-18s %d tensor%s%n", name, kind.groupKind().id(),
                sites.sitesOf(name).size(), sites.sitesOf(name).size() == 1 ? "" : "s"));
    }

    /** Per group (then the whole model): the weights the scheme overflows and zeroes. */
    private static Map<String, WeightLoss> losses(ModelLayers layers, Scheme scheme) {
        LayerWeights weights = LayerWeights.of(layers.model());
        Map<String, WeightLoss> losses = new LinkedHashMap<>();
        WeightLoss total = WeightLoss.NONE;
        for (Group g : layers.groups()) {
            WeightLoss loss = WeightLoss.NONE;
            for (Layer l : g.layers()) {
                float[] w = weights.floats(l);
                loss = loss.plus(WeightLoss.of(w, Quantizer.quantize(l.tensorName(), w, l.dims(), l.channelAxis(), scheme), scheme));
            }
            losses.put(g.name(), loss);
            total = total.plus(loss);
        }
        losses.put("total", total);
        return losses;
    }

    private static void printLosses(PrintWriter out, Scheme scheme, Map<String, WeightLoss> losses) {
        String format = "%-44s %10s %12s %8s %12s %8s %9s%n";
        out.printf("%nunder %s:%n", scheme.id());
        out.printf(format, "GROUP", "PARAMS", "OVERFLOWED", "%", "ZEROED", "%", "MAX |W|");
        losses.forEach((group, l) -> out.printf(format, group, l.params(), l.overflowed(),
                String.format("%.2f", 100.0 * l.overflowed() / Math.max(1, l.params())), l.zeroed(),
                String.format("%.2f", 100.0 * l.zeroed() / Math.max(1, l.params())), String.format("%.4f", l.maxAbs())));
    }

    /** One line on what preparing the model did (nothing, for most exports). */
    private static void printPreparation(PrintWriter out, PreparationRecord record) {
        List<String> done = new ArrayList<>();
        if (!record.folded().isEmpty()) {
            done.add(record.folded().size() + " BatchNormalization folded into their layers");
        }
        if (!record.kept().isEmpty()) {
            done.add(record.kept().size() + " kept (" + record.kept().get(0).batchNorm() + ": " + record.kept().get(0).reason()
                    + (record.kept().size() > 1 ? ", ..." : "") + ")");
        }
        if (record.float16() > 0) {
            done.add(record.float16() + " float16 weights read as float32 behind a Cast");
        }
        if (record.laidOut() > 0) {
            done.add(record.laidOut() + " weights stored as their layer reads them");
        }
        PreparationRecord.Check check = record.check();
        if (check != null && check.skipped() == null) {
            done.add(String.format("outputs within %.2g of the original's on %d of %d probe inputs (max %.2g)",
                    check.tolerance(), check.within(), check.probes(), check.maxRelative()));
        }
        out.println("prepared: " + (done.isEmpty() ? "nothing to fold" : String.join("; ", done)));
    }

    private static String percent(long params, ModelLayers layers) {
        return String.format("%.1f%%", 100.0 * params / layers.params());
    }

    private static String shape(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int d : dims) {
            s.append(s.length() == 0 ? "" : "x").append(d);
        }
        return s.toString();
    }
}
