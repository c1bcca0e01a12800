package io.qsvit.cli;

import io.qsvit.step.ReleaseGates;
import picocli.CommandLine.Option;

/** The release gates' limits on the command line (a picocli mixin); unset ones come from the configuration or the defaults. */
final class GateOptions {
    @Option(names = "--max-accuracy-drop", description = "How much lower (absolute) the new model's accuracy may be "
            + "than the released one's on the same images (default: 0.005, half a point).")
    Double maxAccuracyDrop;

    @Option(names = "--max-energy-increase", description = "How much higher (fraction) its energy per image may be (default: 0).")
    Double maxEnergyIncrease;

    @Option(names = "--max-storage-increase", description = "How much higher (fraction) its stored weight bytes may be (default: 0).")
    Double maxStorageIncrease;

    /** These options over {@code base} (the configuration's gates, or the defaults). */
    ReleaseGates over(ReleaseGates base) {
        return new ReleaseGates(maxAccuracyDrop != null ? maxAccuracyDrop : base.maxAccuracyDrop(),
                maxEnergyIncrease != null ? maxEnergyIncrease : base.maxEnergyIncrease(),
                maxStorageIncrease != null ? maxStorageIncrease : base.maxStorageIncrease());
    }
}
