package io.qsvit.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns layers to groups: the first user rule whose regex matches the layer's path wins; layers no rule
 * matches are grouped by granularity. Groups are listed in the order of their first layer.
 */
public record Grouping(Granularity granularity, List<GroupRule> rules) {
    public static final Grouping QSVIT = new Grouping(Granularity.BLOCK, List.of());

    @JsonCreator
    public static Grouping of(@JsonProperty("granularity") Granularity granularity,
                              @JsonProperty("rules") List<GroupRule> rules) {
        return new Grouping(granularity != null ? granularity : Granularity.BLOCK, rules != null ? List.copyOf(rules) : List.of());
    }

    public static Grouping by(Granularity granularity) {
        return new Grouping(granularity, List.of());
    }

    public List<Group> apply(List<Layer> layers) {
        Map<String, List<Layer>> members = new LinkedHashMap<>();
        Map<String, GroupKind> fixedKinds = new LinkedHashMap<>();
        for (Layer layer : layers) {
            String name = null;
            for (GroupRule rule : rules) {
                name = rule.groupOf(layer.path());
                if (name != null) {
                    if (rule.kind() != null) {
                        fixedKinds.putIfAbsent(name, rule.kind());
                    }
                    break;
                }
            }
            if (name == null) {
                name = granularity.groupOf(layer.path());
            }
            members.computeIfAbsent(name, k -> new ArrayList<>()).add(layer);
        }
        List<Group> groups = new ArrayList<>();
        members.forEach((name, list) -> groups.add(new Group(name,
                fixedKinds.getOrDefault(name, inferKind(list)), List.copyOf(list))));
        return groups;
    }

    private static GroupKind inferKind(List<Layer> layers) {
        GroupKind kind = GroupKind.OTHER;
        for (Layer layer : layers) {
            GroupKind k = GroupKind.infer(layer.path(), layer.opType());
            if (k.ordinal() < kind.ordinal()) {
                kind = k;
            }
        }
        return kind;
    }
}
