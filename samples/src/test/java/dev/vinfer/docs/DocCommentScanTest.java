package dev.vinfer.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The source scan behind ApiDocsTest flags what it should and nothing else. */
class DocCommentScanTest {

    @Test
    void typeWithoutJavadocIsFlagged() {
        String src = "package a;\n\nimport java.util.List;\n\npublic final class A {\n}\n";
        assertEquals("A", DocCommentScan.publicTopLevelType(src));
        assertFalse(DocCommentScan.topLevelTypeDocumented(src));
    }

    @Test
    void plainBlockOrLineCommentIsNotJavadoc() {
        assertFalse(DocCommentScan.topLevelTypeDocumented(
                "package a;\n/* not javadoc */\npublic record R(int x) {}\n"));
        assertFalse(DocCommentScan.topLevelTypeDocumented("package a;\n// no\npublic interface I {}\n"));
        assertFalse(DocCommentScan.topLevelTypeDocumented("package a;\n/** */\npublic enum E { X }\n"));
    }

    @Test
    void javadocAboveAnnotationsCounts() {
        String src = "package a;\n\nimport x.Command;\n\n/** What it is for. */\n@Command(name = \"x\",\n"
                + "        description = \"y\")\npublic final class C implements Runnable {\n}\n";
        assertTrue(DocCommentScan.topLevelTypeDocumented(src));
    }

    @Test
    void javadocOfAnImportedTypeDoesNotCount() {
        // A comment with code in it (even a semicolon) before the imports must not be taken for the type's.
        String src = "/** Licence; see LICENSE. */\npackage a;\n\nimport b.B;\n\n"
                + "public sealed interface S permits T {}\n";
        assertEquals("S", DocCommentScan.publicTopLevelType(src));
        assertFalse(DocCommentScan.topLevelTypeDocumented(src));
    }

    @Test
    void packagePrivateTypesAreNotPublicApi() {
        assertNull(DocCommentScan.publicTopLevelType("package a;\nfinal class Hidden {\n    public void f() {}\n}\n"));
    }

    @Test
    void undocumentedPublicMembersAreListedAndOverridesSkipped() {
        String src = """
                package a;
                /** A. */
                public final class A {
                    /** Documented. */
                    public int size() {
                        return 0;
                    }

                    public int rank() {
                        return 0;
                    }

                    @Override
                    public String toString() {
                        return "";
                    }

                    /* a plain comment */
                    public A copy() {
                        return this;
                    }

                    /** Documented, annotated. */
                    @Deprecated
                    public A(int x) {
                    }

                    private void hidden() {
                    }

                    public static final class Nested {
                        public void deeper() {
                        }
                    }
                }
                """;
        assertEquals(List.of("public int rank() {", "public A copy() {", "public static final class Nested {"),
                DocCommentScan.undocumentedMembers(src));
    }
}
