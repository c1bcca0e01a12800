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
        members.forEach((name, list) -> {
            GroupKind fixed = fixedKinds.get(name);
            Layer.Kind kind = fixed != null ? new Layer.Kind(fixed, Layer.KindSource.RULE, null) : groupKind(list);
            groups.add(new Group(name, kind.kind(), List.copyOf(list), kind.source()));
        });
        return groups;
    }

    /** The first kind, in GroupKind's precedence, of the group's layers, with where it came from. */
    private static Layer.Kind groupKind(List<Layer> layers) {
        Layer.Kind kind = null;
        for (Layer layer : layers) {
            Layer.Kind k = layer.kind() != null ? layer.kind()
                    : new Layer.Kind(GroupKind.OTHER, Layer.KindSource.OPERATOR, null);
            if (kind == null || k.kind().ordinal() < kind.kind().ordinal()) {
                kind = k;
            }
        }
        return kind;
    }
}
