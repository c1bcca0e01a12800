package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the computed tensors of a spiking model, read from the graph's structure, not from names:
 * <ul>
 * <li>membrane potentials: the input of every threshold comparison ({@code GreaterOrEqual}, {@code Greater})
 * whose other input is a constant (the firing threshold). Quantizing the value there quantizes the state as the
 * neuron stores it: the comparison and the reset path (which carries the potential to the next timestep) both
 * read it;</li>
 * <li>attention products: the output of every MatMul neither of whose operands is a weight.</li>
 * </ul>
 * Each belongs to the weight group of the first weight layer its values reach downstream (the layer the
 * neuron's spikes drive, the projection after attention), so a setting addresses it as
 * {@code <group>:membrane} or {@code <group>:attention-product}.
 */
public final class ComputedSites {
    private static final Set<String> THRESHOLDS = Set.of("GreaterOrEqual", "Greater");
    private static final String SEPARATOR = ":";

    private final List<ComputedSite> sites;
    private final Map<String, ComputedKind> groups = new LinkedHashMap<>();

    private ComputedSites(List<ComputedSite> sites) {
        this.sites = List.copyOf(sites);
        sites.forEach(s -> groups.putIfAbsent(s.computedGroup(), s.kind()));
    }

    /** The computed group name of a weight group's tensors of one kind. */
    public static String groupName(String weightGroup, ComputedKind kind) {
        return weightGroup + SEPARATOR + kind.id();
    }

    /** True when {@code name} has the form of a computed group's name (a weight group's name, ':', a kind). */
    public static boolean isComputedGroupName(String name) {
        int at = name.lastIndexOf(SEPARATOR);
        return at > 0 && java.util.Arrays.stream(ComputedKind.values()).anyMatch(k -> k.id().equals(name.substring(at + 1)));
    }

    /**
     * The neuron module a membrane tensor belongs to, read from its name ({@code /stage1/block1/lif1/Add_output_0}:
     * {@code stage1.block1.lif1}); the tensor's own name where the name says nothing (each site then counts as a
     * module of its own, which overstates a multi-timestep neuron's state).
     */
    public static String module(String tensor) {
        int slash = tensor.lastIndexOf('/');
        String path = slash <= 0 ? "" : java.util.Arrays.stream(tensor.substring(0, slash).split("/"))
                .filter(segment -> !segment.isEmpty()).collect(java.util.stream.Collectors.joining("."));
        return path.isEmpty() ? tensor : path; // the exporter's scope, without the operator output's own name
    }

    /** Every computed tensor of the model, in graph order. */
    public static ComputedSites of(ModelLayers model) {
        GraphProto graph = model.model().proto().getGraph();
        Set<String> constants = new HashSet<>();
        graph.getInitializerList().forEach(t -> constants.add(t.getName()));
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                constants.addAll(node.getOutputList());
            }
            for (String input : node.getInputList()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
        Map<String, String> groupOfOutput = new HashMap<>(); // a layer's node by its output: node names may be empty
        for (Group group : model.groups()) {
            group.layers().forEach(l -> groupOfOutput.putIfAbsent(l.output(), group.name()));
        }
        Set<String> weights = new HashSet<>();
        model.layers().forEach(l -> weights.add(l.tensorName()));
        String lastGroup = model.groups().get(model.groups().size() - 1).name();
        List<ComputedSite> sites = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            String tensor = null;
            ComputedKind kind = null;
            if (THRESHOLDS.contains(node.getOpType()) && node.getInputCount() == 2
                    && constants.contains(node.getInput(1)) && !constants.contains(node.getInput(0))) {
                tensor = node.getInput(0);
                kind = ComputedKind.MEMBRANE;
            } else if (node.getOpType().equals("MatMul") && node.getInputCount() == 2 && node.getOutputCount() == 1
                    && !groupOfOutput.containsKey(node.getOutput(0))
                    && node.getInputList().stream().noneMatch(i -> constants.contains(i) || weights.contains(i))) {
                tensor = node.getOutput(0);
                kind = ComputedKind.ATTENTION_PRODUCT;
            }
            if (tensor != null && !tensor.isEmpty() && seen.add(tensor)) {
                String group = downstreamGroup(node, consumers, groupOfOutput);
                sites.add(new ComputedSite(tensor, kind, group != null ? group : lastGroup));
            }
        }
        return new ComputedSites(sites);
    }

    /** The group of the first weight layer reached from the node's outputs, breadth first; null if none is. */
    private static String downstreamGroup(NodeProto start, Map<String, List<NodeProto>> consumers,
                                          Map<String, String> groupOfOutput) {
        Deque<NodeProto> queue = new ArrayDeque<>(List.of(start));
        Set<NodeProto> visited = new HashSet<>(List.of(start));
        while (!queue.isEmpty()) {
            NodeProto node = queue.poll();
            for (String output : node.getOutputList()) {
                for (NodeProto next : consumers.getOrDefault(output, List.of())) {
                    String group = next.getOutputCount() == 0 ? null : groupOfOutput.get(next.getOutput(0));
                    if (group != null) {
                        return group;
                    }
                    if (visited.add(next)) {
                        queue.add(next);
                    }
                }
            }
        }
        return null;
    }

    public List<ComputedSite> sites() {
        return sites;
    }

    /** The computed groups, in order of their first tensor: name -> kind. */
    public Map<String, ComputedKind> groups() {
        return java.util.Collections.unmodifiableMap(groups);
    }

    /** The tensors of one computed group. */
    public List<ComputedSite> sitesOf(String computedGroup) {
        return sites.stream().filter(s -> s.computedGroup().equals(computedGroup)).toList();
    }

    /** Only the sites of the given kinds. */
    public ComputedSites only(Set<ComputedKind> kinds) {
        return new ComputedSites(sites.stream().filter(s -> kinds.contains(s.kind())).toList());
    }

    /** Only the sites of the named computed groups. */
    public ComputedSites onlyGroups(java.util.Collection<String> computedGroups) {
        return new ComputedSites(sites.stream().filter(s -> computedGroups.contains(s.computedGroup())).toList());
    }

    public boolean isEmpty() {
        return sites.isEmpty();
    }
}
