package io.qsvit.api;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What {@code evaluate} measured: the model, and the baseline when one was given, on the same images.
 *
 * @param outcome   how the output folder came to be; empty when the request had no output folder
 * @param folder    the output folder ({@code metadata.json}, {@code report.md}); empty without one
 * @param model     the model's evaluation
 * @param baseline  the baseline's evaluation, when a baseline was given
 * @param agreement the share of images on which model and baseline predict the same class, with a baseline
 */
public record EvaluateResult(Optional<Outcome> outcome, Optional<Path> folder, Evaluation model,
                             Optional<Evaluation> baseline, OptionalDouble agreement) {
}
