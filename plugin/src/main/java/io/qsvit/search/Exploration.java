package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One exploration run as the strategies see it: the model, the requirement turned into a required accuracy
 * by measuring the float model on all exploration images, racing for candidates, and the log of every trial.
 */
public final class Exploration {
    private final ModelLayers model;
    private final Grouping grouping;
    private final Racing racing;
    private final AccuracyRequirement requirement;
    private final List<LoggedTrial> log = new ArrayList<>();
    private LoggedTrial floatTrial;
    private double required;

    public Exploration(ModelLayers model, Grouping grouping, Racing racing, AccuracyRequirement requirement) {
        this.model = model;
        this.grouping = grouping;
        this.racing = racing;
        this.requirement = requirement;
    }

    /** How a strategy picks its setting: a trial on all exploration images that met the requirement. */
    public interface Strategy {
        LoggedTrial choose(Exploration exploration);
    }

    /** What a run found. */
    public record Result(LoggedTrial chosen, LoggedTrial floatTrial, double required, List<LoggedTrial> trials,
                         long imagesEvaluated) {
    }

    /**
     * Measures the float model, then runs the strategy. Fails with the float accuracy and the closest setting
     * found when the requirement cannot be met.
     */
    private List<Group> computed = List.of();

    public Result run(Strategy strategy, JournaledEvaluator evaluations) {
        Setting allFloat = Setting.uniform(grouping, Scheme.FLOAT32);
        Trial measured = racing.measure(allFloat, racing.images());
        floatTrial = log("float", null, LoggedTrial.MEASURED, measured);
        required = requirement.required(measured.accuracy());
        if (!requirement.isMet(measured.accuracy(), required)) {
            throw new UserInputException(String.format(Locale.ROOT, "the requirement cannot be met: accuracy %.4f "
                    + "is required on the %d exploration images and even the float model reaches only %.4f; "
                    + "closest setting found: %s (%.4f)", required, racing.images(), measured.accuracy(),
                    describe(allFloat), measured.accuracy()));
        }
        LoggedTrial chosen = strategy.choose(this);
        return new Result(chosen, floatTrial, required, Collections.unmodifiableList(log), evaluations.imagesEvaluated());
    }

    public ModelLayers model() {
        return model;
    }

    public Grouping grouping() {
        return grouping;
    }

    /** The groups the search sets: the model's weight groups, then the computed groups it was given. */
    public List<Group> groups() {
        if (computed.isEmpty()) {
            return model.groups();
        }
        List<Group> all = new java.util.ArrayList<>(model.groups());
        all.addAll(computed);
        return all;
    }

    /** Computed groups the search sets too (sized, so their state costs memory and energy). */
    public Exploration withComputed(List<Group> groups) {
        this.computed = List.copyOf(groups);
        return this;
    }

    public LoggedTrial floatTrial() {
        return floatTrial;
    }

    public double required() {
        return required;
    }

    /** The float model's accuracy on the first {@code images} images (a stage boundary; evaluated already, not logged). */
    public double floatAccuracyOn(int images) {
        return racing.measure(Setting.uniform(grouping, Scheme.FLOAT32), images).accuracy();
    }

    public int images() {
        return racing.images();
    }

    /** Races a candidate setting against the requirement and logs it with its verdict. */
    public LoggedTrial candidate(String role, String group, Setting setting) {
        Racing.Race race = racing.race(setting, requirement, required);
        boolean met = race.met();
        if (met && requirement.paired()) { // the observed drop is within; its upper bound must be too
            met = requirement.isMet(pairedDrop(setting));
        }
        String verdict = met ? LoggedTrial.ACCEPTED
                : race.stoppedEarly() ? LoggedTrial.REJECTED_EARLY : LoggedTrial.REJECTED;
        return log(role, group, verdict, race.trial());
    }

    /** The setting's drop against the float model, image by image, on all exploration images. */
    public PairedDrop pairedDrop(Setting setting) {
        Setting allFloat = Setting.uniform(grouping, Scheme.FLOAT32);
        return PairedDrop.of(racing.correct(allFloat), racing.correct(setting), racing.images());
    }

    /** Measures a setting on the first {@code images} exploration images (a stage boundary), no decision. */
    public LoggedTrial measure(String role, String group, Setting setting, int images) {
        return log(role, group, LoggedTrial.MEASURED, racing.measure(setting, images));
    }

    private LoggedTrial log(String role, String group, String verdict, Trial trial) {
        LoggedTrial logged = new LoggedTrial(log.size(), role, group, verdict, trial);
        log.add(logged);
        return logged;
    }

    /** A setting in one line: each scheme with the groups that use it. */
    public String describe(Setting setting) {
        Map<String, String> byScheme = model.groups().stream().collect(Collectors.groupingBy(
                g -> setting.schemeOf(g).id(), TreeMap::new, Collectors.mapping(Group::name, Collectors.joining(","))));
        if (byScheme.size() == 1) {
            return byScheme.keySet().iterator().next() + " for every group";
        }
        return byScheme.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; "));
    }
}
