package io.qsvit.registry;

import io.qsvit.UserInputException;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to an artifact in an OCI registry, {@code oci://HOST[:PORT]/REPOSITORY(:TAG|@sha256:HEX)}, with the
 * grammar of the OCI distribution specification (lower-case repository path components, tags of at most 128
 * characters). A reference names a tag or a digest, never neither: "latest" by default would hide which
 * release a pipeline ran against.
 *
 * @param host       registry host, with its port when given
 * @param repository repository path
 * @param tag        the tag, or null when the reference pins a digest
 * @param digest     {@code sha256:<64 hex>}, or null for a tag
 */
public record OciReference(String host, String repository, String tag, String digest) {
    public static final String SCHEME = "oci://";
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern SPLIT = Pattern.compile("([^/]+)/(.+?)(?::([^:/@]+))?(?:@(.+))?");

    public OciReference {
        if (!HOST.matcher(host).matches()) {
            throw invalid(host + "/" + repository, "the registry host '" + host + "' is not a host name or address");
        }
        if (!REPOSITORY.matcher(repository).matches()) {
            throw invalid(host + "/" + repository, "the repository '" + repository
                    + "' must be lower-case path components of letters and digits separated by . _ or -");
        }
        if ((tag == null) == (digest == null)) {
            throw invalid(host + "/" + repository, "give a tag (:TAG) or a digest (@sha256:...), exactly one");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw invalid(host + "/" + repository, "the tag '" + tag + "' must be 1-128 letters, digits, . _ or -, not starting with . or -");
        }
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            throw invalid(host + "/" + repository, "the digest '" + digest + "' must be sha256: and 64 lower-case hex digits");
        }
    }

    /** True for text that is meant as a registry reference (starts with {@value #SCHEME}). */
    public static boolean isReference(String text) {
        return text != null && text.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** Parses {@code oci://HOST/REPO:TAG} or {@code oci://HOST/REPO@sha256:...}; one-line errors name the problem. */
    public static OciReference parse(String text) {
        if (!isReference(text)) {
            throw new UserInputException("'" + text + "' is not a registry reference: it must start with " + SCHEME);
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UserInputException("a registry reference must not contain control characters (line breaks, tabs)");
        }
        String rest = text.substring(SCHEME.length());
        Matcher m = SPLIT.matcher(rest);
        if (!m.matches()) {
            throw new UserInputException("registry reference '" + text + "' must be " + SCHEME
                    + "HOST/REPOSITORY:TAG or " + SCHEME + "HOST/REPOSITORY@sha256:DIGEST");
        }
        if (m.group(3) != null && m.group(4) != null) {
            throw invalid(rest, "give a tag or a digest, not both");
        }
        return new OciReference(m.group(1).toLowerCase(Locale.ROOT), m.group(2), m.group(3), m.group(4));
    }

    /** The same repository at another digest (what a tag resolved to). */
    public OciReference withDigest(String manifestDigest) {
        return new OciReference(host, repository, null, manifestDigest);
    }

    public Optional<String> pinnedDigest() {
        return Optional.ofNullable(digest);
    }

    /** {@code HOST/REPO:TAG} or {@code HOST/REPO@DIGEST}: the form ORAS, skopeo ({@code docker://}) and docker read. */
    public String target() {
        return host + "/" + repository + (digest != null ? "@" + digest : ":" + tag);
    }

    @Override
    public String toString() {
        return SCHEME + target();
    }

    private static UserInputException invalid(String text, String why) {
        return new UserInputException("registry reference " + SCHEME + text + " is invalid: " + why);
    }
}
