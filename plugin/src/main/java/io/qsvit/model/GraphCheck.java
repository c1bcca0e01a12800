package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.qsvit.UserInputException;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The main graph is a graph ONNX Runtime runs: every value produced once, every node input provided (by a graph
 * input, an initializer or a node), and no cycle, whatever the order of the nodes in the file. Checked when a
 * model is read, so every command refuses such a model the same way, before any work (ONNX Runtime would refuse
 * it only when evaluate or inspect builds a session).
 */
final class GraphCheck {
    private GraphCheck() {
    }

    static void check(GraphProto graph, Path file) {
        Set<String> given = new HashSet<>();
        given.add(""); // an omitted optional input
        for (ValueInfoProto input : graph.getInputList()) {
            given.add(input.getName());
        }
        for (TensorProto initializer : graph.getInitializerList()) {
            given.add(initializer.getName());
        }
        Map<String, Integer> producer = new HashMap<>();
        for (int n = 0; n < graph.getNodeCount(); n++) {
            if (graph.getNode(n).getOutputCount() == 0) { // as ONNX's checker: a node computes something
                throw new UserInputException(file + ": node '" + name(graph, n) + "' has no output");
            }
            for (String output : graph.getNode(n).getOutputList()) {
                if (output.isEmpty()) {
                    continue;
                }
                if (given.contains(output) || producer.putIfAbsent(output, n) != null) {
                    throw new UserInputException(file + ": value '" + output + "' is produced twice (node '"
                            + name(graph, n) + "')");
                }
            }
        }
        int[] waiting = new int[graph.getNodeCount()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int n = 0; n < graph.getNodeCount(); n++) {
            consumers.add(new ArrayList<>());
        }
        for (int n = 0; n < graph.getNodeCount(); n++) {
            NodeProto node = graph.getNode(n);
            for (String input : new HashSet<>(node.getInputList())) {
                if (given.contains(input)) {
                    continue;
                }
                Integer from = producer.get(input);
                if (from == null) {
                    throw new UserInputException(file + ": node '" + name(graph, n) + "' reads '" + input
                            + "', which no node, graph input or initializer provides");
                }
                waiting[n]++;
                consumers.get(from).add(n);
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int n = 0; n < waiting.length; n++) {
            if (waiting[n] == 0) {
                ready.add(n);
            }
        }
        int done = 0;
        while (!ready.isEmpty()) {
            int n = ready.poll();
            done++;
            for (int consumer : consumers.get(n)) {
                if (--waiting[consumer] == 0) {
                    ready.add(consumer);
                }
            }
        }
        if (done < waiting.length) {
            int stuck = 0;
            while (waiting[stuck] == 0) {
                stuck++;
            }
            throw new UserInputException(file + ": the graph has a cycle (node '" + name(graph, stuck)
                    + "' depends on its own output); ONNX Runtime cannot run it");
        }
    }

    private static String name(GraphProto graph, int n) {
        NodeProto node = graph.getNode(n);
        return node.getName().isEmpty() ? node.getOpType() + " #" + n : node.getName();
    }
}
