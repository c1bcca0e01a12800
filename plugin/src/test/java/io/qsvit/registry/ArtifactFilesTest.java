package io.qsvit.registry;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArtifactFilesTest {
    @Test
    void layerTitlesMustStayInsideTheArtifact() {
        assertTrue(ArtifactFiles.isSafeRelativePath("real/model.onnx"));
        assertTrue(ArtifactFiles.isSafeRelativePath("model.onnx.data"));
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", ".hidden", "a/./b", "", "a\\b", "C:x"}) {
            assertFalse(ArtifactFiles.isSafeRelativePath(bad), bad);
        }
        assertFalse(ArtifactFiles.isSafeRelativePath(null));
    }

    /** A title that passes resolves below the folder, whatever a registry's manifest says. */
    @Property(tries = 3000)
    void aSafeTitleNeverLeavesTheFolder(@ForAll String title) {
        if (ArtifactFiles.isSafeRelativePath(title)) {
            Path root = Path.of("/artifact");
            assertTrue(root.resolve(title).normalize().startsWith(root), title);
        }
    }
}
