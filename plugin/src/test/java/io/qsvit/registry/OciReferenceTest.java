package io.qsvit.registry;

import io.qsvit.UserInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciReferenceTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void parsesTagsDigestsPortsAndNestedRepositories() {
        OciReference tag = OciReference.parse("oci://registry.example.com:5000/team/models/sdtv2:v1.2-rc_3");
        assertEquals("registry.example.com:5000", tag.host());
        assertEquals("team/models/sdtv2", tag.repository());
        assertEquals("v1.2-rc_3", tag.tag());
        assertNull(tag.digest());
        assertEquals("registry.example.com:5000/team/models/sdtv2:v1.2-rc_3", tag.target());
        OciReference pinned = OciReference.parse("oci://127.0.0.1:5000/qsvit/sdtv2@" + DIGEST);
        assertEquals(DIGEST, pinned.digest());
        assertEquals("oci://127.0.0.1:5000/qsvit/sdtv2@" + DIGEST, pinned.toString());
        assertEquals(pinned, tag.withDigest(DIGEST).equals(pinned) ? pinned : OciReference.parse(pinned.toString()));
        assertEquals("ghcr.io", OciReference.parse("OCI://GHCR.io/a/b:c").host());
    }

    @Test
    void badReferencesAreOneLineUserErrors() {
        assertEquals("registry reference oci://host/repo is invalid: give a tag (:TAG) or a digest (@sha256:...), exactly one",
                assertThrows(UserInputException.class, () -> OciReference.parse("oci://host/repo")).getMessage());
        assertEquals("registry reference oci://host/Repo is invalid: the repository 'Repo' must be lower-case path "
                        + "components of letters and digits separated by . _ or -",
                assertThrows(UserInputException.class, () -> OciReference.parse("oci://host/Repo:1")).getMessage());
        assertTrue(assertThrows(UserInputException.class, () -> OciReference.parse("oci://host/repo@sha256:12"))
                .getMessage().endsWith("the digest 'sha256:12' must be sha256: and 64 lower-case hex digits"));
        assertTrue(assertThrows(UserInputException.class, () -> OciReference.parse("oci://host/repo:a@" + DIGEST))
                .getMessage().endsWith("give a tag or a digest, not both"));
        assertEquals("'models/x' is not a registry reference: it must start with oci://",
                assertThrows(UserInputException.class, () -> OciReference.parse("models/x")).getMessage());
        assertFalse(OciReference.isReference("/tmp/oci://x"));
    }

    /** Whatever text a user types, parsing gives a reference or one user error, never another exception. */
    @Property(tries = 2000)
    void parsingAnyTextGivesAReferenceOrAUserError(@ForAll String text) {
        try {
            OciReference reference = OciReference.parse("oci://" + text);
            assertEquals(reference, OciReference.parse(reference.toString()));
        } catch (UserInputException e) {
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
