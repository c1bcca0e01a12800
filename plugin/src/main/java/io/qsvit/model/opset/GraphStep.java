package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.List;

/**
 * One op-set step over one graph (or function body): every node is kept, or replaced by what its adapter
 * emits, in order; graphs held in attributes (If branches, Loop and Scan bodies, whatever the node's domain)
 * take the same step first, seeing the enclosing graph's values.
 */
final class GraphStep {
    private final AdapterTable table;
    private final Names names;
    private final int version;

    GraphStep(AdapterTable table, Names names, int version) {
        this.table = table;
        this.names = names;
        this.version = version;
    }

    GraphProto graph(GraphProto graph, ValueFacts outer) {
        ValueFacts facts = ValueFacts.of(graph, outer);
        List<NodeProto> nodes = nodes(graph.getNodeList(), facts);
        return graph.toBuilder().clearNode().addAllNode(nodes).build();
    }

    List<NodeProto> nodes(List<NodeProto> nodes, ValueFacts facts) {
        List<NodeProto> out = new ArrayList<>(nodes.size() + 8);
        Rewrite rewrite = new Rewrite(version, facts, names, out);
        for (NodeProto node : nodes) {
            node = withSubgraphs(node, facts);
            NodeAdapter adapter = Domains.isDefault(node.getDomain())
                    ? table.find(node.getOpType(), version).orElse(null) : null;
            if (adapter == null) {
                out.add(node);
            } else {
                rewrite.start(node);
                try {
                    adapter.adapt(node, rewrite);
                } catch (IndexOutOfBoundsException e) { // an input or output its operator needs is missing
                    throw rewrite.refuse("it lacks an input or output its operator needs");
                }
            }
        }
        return out;
    }

    private NodeProto withSubgraphs(NodeProto node, ValueFacts facts) {
        boolean any = node.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        if (!any) {
            return node;
        }
        NodeProto.Builder b = node.toBuilder();
        for (int k = 0; k < b.getAttributeCount(); k++) {
            AttributeProto a = b.getAttribute(k);
            AttributeProto.Builder changed = a.toBuilder();
            if (a.hasG()) {
                changed.setG(graph(a.getG(), facts));
            }
            for (int g = 0; g < a.getGraphsCount(); g++) {
                changed.setGraphs(g, graph(a.getGraphs(g), facts));
            }
            b.setAttribute(k, changed);
        }
        return b.build();
    }
}
