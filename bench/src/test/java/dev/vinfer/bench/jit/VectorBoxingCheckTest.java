package dev.vinfer.bench.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The log reader on hand-written excerpts in HotSpot's LogCompilation format. */
class VectorBoxingCheckTest {
    private static final String C2_TASK = """
            <task compile_id='2281' method='dev.vinfer.conv.simd.VectorPooling rowStep (Z[FII)V' bytes='527'>
            <klass id='1392' name='jdk.incubator.vector.FloatVector' flags='1025'/>
            <klass id='1386' name='dev.vinfer.conv.simd.VectorPooling' flags='16'/>
            <type id='1212' name='void'/>
            <klass id='1372' name='[F' flags='1041'/>
            <type id='1210' name='int'/>
            <method id='1540' holder='1392' name='lanewise' return='1392' arguments='1392' flags='1025' bytes='0'/>
            <call method='1540' count='-1' virtual='1' inline='1'/>
            <inline_fail reason='virtual call'/>
            <method id='1541' holder='1386' name='apply' return='1392' arguments='1392 1392' flags='10' bytes='18'/>
            <call method='1541' count='300' inline='1'/>
            <inline_fail reason='NodeCountInliningCutoff'/>
            <method id='1542' holder='1386' name='temp' return='1372' arguments='1210' flags='10' bytes='18'/>
            <call method='1542' count='300' inline='1'/>
            <inline_fail reason='callee is too large'/>
            <method id='1543' holder='1392' name='fromArray' return='1392' arguments='1372 1210' flags='9'/>
            <call method='1543' count='300' inline='1'/>
            <inline_success reason='force inline by annotation'/>
            </task>
            """;

    @Test
    void listsVirtualVectorCallsAndVectorHelpersNotInlinedInC2Compiles() {
        Map<String, Integer> found = new TreeMap<>();
        VectorBoxingCheck.scan(C2_TASK, found);
        assertEquals(Map.of(
                "dev.vinfer.conv.simd.VectorPooling::rowStep -> jdk.incubator.vector.FloatVector::lanewise: "
                        + "virtual call", 1,
                "dev.vinfer.conv.simd.VectorPooling::rowStep -> dev.vinfer.conv.simd.VectorPooling::apply: "
                        + "NodeCountInliningCutoff", 1), found);
    }

    @Test
    void ignoresC1CompilesOtherPackagesAndHelpersOwnCompiles() {
        Map<String, Integer> found = new TreeMap<>();
        VectorBoxingCheck.scan(C2_TASK.replace("bytes='527'>", "bytes='527' level='3'>"), found);
        VectorBoxingCheck.scan(C2_TASK.replace("method='dev.vinfer.conv.simd.VectorPooling rowStep",
                "method='java.util.Foo bar"), found);
        // a helper's own compile: its non-inlining callers are what box
        VectorBoxingCheck.scan(C2_TASK.replace("rowStep (Z[FII)V", "clamp (Ljdk/incubator/vector/FloatVector;)"
                + "Ljdk/incubator/vector/FloatVector;"), found);
        assertEquals(Map.of(), found);
    }
}
