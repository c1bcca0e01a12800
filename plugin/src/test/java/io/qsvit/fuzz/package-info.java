/**
 * Fuzz tests (Jazzer's JUnit integration) for every reader of outside input: ONNX models and the graph walk,
 * settings and pipeline configurations, the dataset readers, the journal and the cache. The property of each:
 * an input gives a {@link io.qsvit.UserInputException} or a valid result, never another exception, and stays
 * within {@link io.qsvit.fuzz.FuzzProperty}'s time and memory. {@code mvn verify} runs them on their committed
 * seeds (regression mode); {@code .ci/run} also fuzzes each briefly; a longer campaign is run by hand
 * (docs/limits.md, "Fuzzing").
 */
package io.qsvit.fuzz;
