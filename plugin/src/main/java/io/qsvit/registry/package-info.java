/**
 * OCI registries as stores of models and step artifacts: {@code oci://HOST/REPO:TAG} and
 * {@code oci://HOST/REPO@sha256:...} references ({@link io.qsvit.registry.OciReference}), publishing a step's
 * output folder as an OCI artifact with one layer per file and annotations read from its metadata
 * ({@link io.qsvit.registry.ArtifactPush}), and fetching one back, verified, into a folder or into the cache by
 * manifest digest ({@link io.qsvit.registry.ArtifactPull}, {@link io.qsvit.registry.PulledArtifacts}).
 *
 * <p>The HTTP side (the OCI distribution API, token and basic authentication, the Docker configuration file, TLS)
 * is ORAS's Java SDK; this package decides what an artifact looks like (media types, artifact type,
 * annotations, a manifest whose bytes depend on the content only) and checks everything it reads back.
 * It sits beside {@code pipeline} and depends downward only (on {@code artifact}); the command line resolves
 * references before any step sees a path, so steps digest pulled content exactly like local content.
 */
package io.qsvit.registry;
