package io.qsvit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Cache;
import io.qsvit.artifact.Digests;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push and pull against two real registries (Debian's docker-registry): a plain one, and one with TLS (a
 * self-signed certificate the tests trust through {@code caFile}, never by skipping verification) and htpasswd
 * basic authentication. skopeo, a client nobody here wrote, checks what we push.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    LocalRegistry plain;
    LocalRegistry secured;
    Path applied;

    @BeforeAll
    void start() throws Exception {
        plain = LocalRegistry.plain(dir.resolve("plain"));
        secured = LocalRegistry.secured(dir.resolve("secured"));
        Files.writeString(dir.resolve("setting.yaml"), "default: uniform8\ngroups: {stage1.downsample: uniform4}\n");
        applied = dir.resolve("applied");
        ApplyStep.run(Examples.model("sdtv2"), dir.resolve("setting.yaml"), applied);
    }

    @AfterAll
    void stop() {
        plain.close();
        secured.close();
    }

    RegistryOptions plainOptions() {
        return new RegistryOptions(Set.of(plain.host()), null, null, null, List.of());
    }

    RegistryOptions securedOptions(String password) {
        return new RegistryOptions(Set.of(), secured.certificate(), LocalRegistry.USER, password, List.of());
    }

    @Test
    void pushThenPullIsByteIdenticalAndAPullIntoTheSameFolderIsUpToDate() throws IOException {
        ArtifactPush.Result pushed = ArtifactPush.push(applied, plain.reference("qsvit/applied:v1"), plainOptions(), null);
        assertEquals("application/vnd.qsvit.apply.v1", pushed.artifactType());
        assertEquals(4, pushed.layers()); // real and simulated models, setting, metadata
        Path pulled = dir.resolve("pulled");
        ArtifactPull.Result result = ArtifactPull.pull(plain.reference("qsvit/applied:v1"), pulled, plainOptions());
        assertTrue(result.downloaded());
        assertEquals(pushed.digest(), result.digest());
        assertEquals(Digests.ofFiles(applied), Digests.ofFiles(pulled));
        for (String file : List.of("real/model.onnx", "simulated/model.onnx", "setting.json", "metadata.json")) {
            assertArrayEquals(Files.readAllBytes(applied.resolve(file)), Files.readAllBytes(pulled.resolve(file)), file);
        }
        assertFalse(ArtifactPull.pull(plain.reference("qsvit/applied@" + pushed.digest()), pulled, plainOptions()).downloaded());
        Files.writeString(pulled.resolve("setting.json"), "{}");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ArtifactPull.pull(plain.reference("qsvit/applied:v1"), pulled, plainOptions()));
        assertTrue(e.getMessage().endsWith("(setting.json does not match its digest)"), e.getMessage());
    }

    @Test
    void identicalContentGivesTheSameManifestDigestUnderAnyTag() throws IOException {
        String first = ArtifactPush.push(applied, plain.reference("qsvit/same:a"), plainOptions(), null).digest();
        String second = ArtifactPush.push(applied, plain.reference("qsvit/same:b"), plainOptions(), null).digest();
        String again = ArtifactPush.push(applied, plain.reference("qsvit/same:a"), plainOptions(), null).digest();
        assertEquals(first, second);
        assertEquals(first, again);
        assertEquals(first, ArtifactPush.manifestOf(applied, null).digest());
        // a fixed SOURCE_DATE_EPOCH is the only time a manifest carries, and it changes the digest deterministically
        ArtifactManifest dated = ArtifactPush.manifestOf(applied, "1767225600");
        assertEquals("2026-01-01T00:00:00Z", dated.annotations().get("org.opencontainers.image.created"));
        assertEquals(dated.digest(), ArtifactPush.manifestOf(applied, "1767225600").digest());
        assertFalse(ArtifactPush.manifestOf(applied, null).annotations().containsKey("org.opencontainers.image.created"));
    }

    @Test
    void skopeoReadsTheManifestAnnotationsAndBlobsWePush() throws Exception {
        ArtifactPush.Result pushed = ArtifactPush.push(applied, plain.reference("qsvit/skopeo:v1"), plainOptions(), null);
        String target = "docker://" + plain.host() + "/qsvit/skopeo:v1";
        String raw = skopeo("inspect", "--raw", "--tls-verify=false", target);
        JsonNode manifest = JSON.readTree(raw);
        assertEquals("application/vnd.qsvit.apply.v1", manifest.path("artifactType").asText());
        assertEquals("application/vnd.oci.empty.v1+json", manifest.at("/config/mediaType").asText());
        JsonNode annotations = manifest.path("annotations");
        JsonNode metadata = JSON.readTree(applied.resolve("metadata.json").toFile());
        assertEquals(metadata.at("/results/weights/effective_bits").asText(), annotations.path("io.qsvit.effective-bits").asText());
        assertEquals("sha256:" + metadata.at("/inputs/model").asText(), annotations.path("io.qsvit.source-model-digest").asText());
        assertEquals(Digests.canonicalJson(JSON.readTree(applied.resolve("setting.json").toFile())),
                annotations.path("io.qsvit.setting").asText());
        assertEquals(metadata.path("tool_version").asText(), annotations.path("io.qsvit.tool-version").asText());
        assertEquals("qsvit apply artifact", annotations.path("org.opencontainers.image.title").asText());
        List<String> titles = manifest.path("layers").findValuesAsText("org.opencontainers.image.title");
        assertEquals(List.of("metadata.json", "real/model.onnx", "setting.json", "simulated/model.onnx"), titles);
        assertEquals("application/vnd.qsvit.onnx.model.v1", manifest.at("/layers/1/mediaType").asText());
        Path rawFile = dir.resolve("skopeo-raw.json");
        Files.writeString(rawFile, raw);
        assertEquals(pushed.digest(), skopeo("manifest-digest", rawFile.toString()).strip());
        // skopeo copies the artifact blob by blob, checking each against its digest
        Path copied = dir.resolve("skopeo-copy");
        skopeo("copy", "--src-tls-verify=false", target, "dir:" + copied);
        String onnxDigest = manifest.at("/layers/1/digest").asText().substring("sha256:".length());
        assertArrayEquals(Files.readAllBytes(applied.resolve("real/model.onnx")), Files.readAllBytes(copied.resolve(onnxDigest)));
    }

    @Test
    void aPushSendsEveryBlobBeforeTheManifestAndAFailedPushLeavesNoTag() throws IOException {
        ArtifactPush.push(applied, plain.reference("qsvit/order:v1"), plainOptions(), null);
        List<String> requests = plain.requests().stream().filter(r -> r.contains("/qsvit/order/")).toList();
        int lastBlob = -1;
        int manifest = -1;
        for (int i = 0; i < requests.size(); i++) {
            String r = requests.get(i);
            if (r.startsWith("PUT ") && r.contains("/blobs/uploads/")) {
                lastBlob = i;
            }
            if (r.startsWith("PUT ") && r.contains("/manifests/v1") && manifest < 0) {
                manifest = i;
            }
        }
        assertTrue(lastBlob >= 0 && manifest > lastBlob, String.join("\n", requests));

        // wrong password: nothing is published, the tag stays unknown to the right user
        UserInputException wrong = assertThrows(UserInputException.class,
                () -> ArtifactPush.push(applied, secured.reference("qsvit/denied:v1"), securedOptions("wrong"), null));
        assertEquals("registry " + secured.host() + " refused the credentials for alice (HTTP 401 unauthorized)", wrong.getMessage());
        UserInputException absent = assertThrows(UserInputException.class, () -> ArtifactPull.pull(
                secured.reference("qsvit/denied:v1"), dir.resolve("denied"), securedOptions(LocalRegistry.PASSWORD)));
        assertEquals(secured.reference("qsvit/denied:v1") + " not found (unknown tag or repository; HTTP 404)", absent.getMessage());
        assertFalse(Files.exists(dir.resolve("denied")));
    }

    @Test
    void tlsWithBasicAuthenticationWorksWithTheRegistrysCaAndFailsWithoutIt() throws IOException {
        ArtifactPush.Result pushed = ArtifactPush.push(applied, secured.reference("qsvit/tls:v1"),
                securedOptions(LocalRegistry.PASSWORD), null);
        Path pulled = dir.resolve("tls-pulled");
        ArtifactPull.pull(secured.reference("qsvit/tls:v1"), pulled, securedOptions(LocalRegistry.PASSWORD));
        assertEquals(Digests.ofFiles(applied), Digests.ofFiles(pulled));

        RegistryOptions untrusted = new RegistryOptions(Set.of(), null, LocalRegistry.USER, LocalRegistry.PASSWORD, List.of());
        UserInputException e = assertThrows(UserInputException.class,
                () -> ArtifactPull.pull(secured.reference("qsvit/tls:v1"), dir.resolve("untrusted"), untrusted));
        assertTrue(e.getMessage().startsWith("cannot read " + secured.reference("qsvit/tls:v1") + ": the TLS connection to "
                + secured.host() + " failed ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("give --insecure-registry " + secured.host() + " to skip verification"), e.getMessage());

        // credentials from a Docker configuration file
        Path config = dir.resolve("docker-config.json");
        String auth = java.util.Base64.getEncoder().encodeToString((LocalRegistry.USER + ":" + LocalRegistry.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(config, "{\"auths\": {\"" + secured.host() + "\": {\"auth\": \"" + auth + "\"}}}");
        RegistryOptions fromFile = RegistryOptions.of(Set.of(), secured.certificate(), null, null,
                Map.of("REGISTRY_AUTH_FILE", config.toString()), "/nonexistent");
        assertEquals(pushed.digest(), ArtifactPull.pull(secured.reference("qsvit/tls:v1"), dir.resolve("from-config"), fromFile).digest());
        assertFalse(fromFile.toString().contains(LocalRegistry.PASSWORD));
        assertFalse(securedOptions(LocalRegistry.PASSWORD).toString().contains(LocalRegistry.PASSWORD));
    }

    @Test
    void unknownTagsDownRegistriesAndOtherArtifactTypesAreOneLineErrors() throws Exception {
        UserInputException unknown = assertThrows(UserInputException.class,
                () -> ArtifactPull.pull(plain.reference("qsvit/applied:nope"), dir.resolve("x"), plainOptions()));
        assertEquals(plain.reference("qsvit/applied:nope") + " not found (unknown tag or repository; HTTP 404)", unknown.getMessage());

        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        OciReference down = OciReference.parse("oci://127.0.0.1:" + closed + "/qsvit/applied:v1");
        UserInputException unreachable = assertThrows(UserInputException.class,
                () -> ArtifactPush.push(applied, down, new RegistryOptions(Set.of(), null, null, null, List.of()), null));
        assertTrue(unreachable.getMessage().startsWith("cannot reach registry 127.0.0.1:" + closed + " ("), unreachable.getMessage());

        // a container-image manifest (no artifact type, an image config) put there by another tool
        byte[] imageConfig = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = "sha256:" + Digests.of(imageConfig);
        HttpResponse<String> upload = plain.client().send(HttpRequest.newBuilder(URI.create("http://" + plain.host()
                        + "/v2/other/image/blobs/uploads/?digest=" + configDigest))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(imageConfig))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (upload.statusCode() == 202) { // no monolithic POST: finish with a PUT
            String location = upload.headers().firstValue("location").orElseThrow();
            URI put = URI.create(location.startsWith("http") ? location : "http://" + plain.host() + location);
            plain.client().send(HttpRequest.newBuilder(URI.create(put + (put.getQuery() == null ? "?" : "&") + "digest=" + configDigest))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(imageConfig)).build(), HttpResponse.BodyHandlers.ofString());
        }
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + imageConfig.length + "},\"layers\":[]}";
        HttpResponse<String> put = plain.client().send(HttpRequest.newBuilder(URI.create("http://" + plain.host()
                        + "/v2/other/image/manifests/latest"))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        UserInputException other = assertThrows(UserInputException.class,
                () -> ArtifactPull.pull(plain.reference("other/image:latest"), dir.resolve("other"), plainOptions()));
        assertEquals(plain.reference("other/image:latest") + " is not a qsvit artifact: its artifact type is missing "
                + "(a container image?), not application/vnd.qsvit.*", other.getMessage());
        assertFalse(Files.exists(dir.resolve("other")));
    }

    @Test
    void pullsLandInTheCacheByDigestAndAreNotDownloadedTwice() throws IOException {
        ArtifactPush.Result pushed = ArtifactPush.push(applied, plain.reference("qsvit/cached:v1"), plainOptions(), null);
        Cache cache = Cache.at(dir.resolve("cache"), line -> { });
        List<String> warnings = new java.util.ArrayList<>();
        PulledArtifacts pulls = new PulledArtifacts(cache, plainOptions(), warnings::add);
        ArtifactPull.Result first = pulls.fetch(plain.reference("qsvit/cached:v1"));
        assertTrue(first.downloaded());
        assertEquals(dir.resolve("cache/v1/pulled").resolve(pushed.digest().substring(7)).resolve("artifact"), first.folder());
        long blobGets = plain.requests().stream().filter(r -> r.startsWith("GET ") && r.contains("/qsvit/cached/blobs/")).count();
        ArtifactPull.Result byTag = pulls.fetch(plain.reference("qsvit/cached:v1"));
        assertFalse(byTag.downloaded());
        ArtifactPull.Result byDigest = pulls.fetch(plain.reference("qsvit/cached@" + pushed.digest()));
        assertFalse(byDigest.downloaded());
        assertEquals(blobGets, plain.requests().stream().filter(r -> r.startsWith("GET ") && r.contains("/qsvit/cached/blobs/")).count());
        // a corrupted entry is reported and fetched again
        Files.writeString(first.folder().resolve("setting.json"), "{}");
        ArtifactPull.Result again = pulls.fetch(plain.reference("qsvit/cached:v1"));
        assertTrue(again.downloaded());
        assertEquals(List.of("pulled artifact " + pushed.digest() + " in the cache is corrupted; fetching it again "
                + "(setting.json does not match its digest)"), warnings);
        assertEquals(Digests.ofFiles(applied), Digests.ofFiles(again.folder()));
    }

    private String skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
        return output;
    }
}
