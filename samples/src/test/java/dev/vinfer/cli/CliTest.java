package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.testdata.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's contract: exit codes, one-line errors, and the files it writes. */
class CliTest {
    @TempDir
    Path tmp;

    private static CliResult run(String... args) {
        return CliResult.execute(args);
    }

    @Test
    void runWritesOutputsThatTestReadsBack() throws Exception {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        Path dir = tmp.resolve("case");
        Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.copy(model, dir.resolve("model.onnx"));
        CliResult r = run("run", model.toString(), "--random", "--seed", "3", "--outputs",
                dir.resolve("test_data_set_0").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("output Plus214_Output_0: float32[1, 10]"), r.out());
        assertTrue(Files.exists(dir.resolve("test_data_set_0/output_0.pb")));
        // The outputs just written are a test case for `vinfer test` once inputs sit beside them.
        dev.vinfer.runtime.Tensor zeros = dev.vinfer.runtime.Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 1, 28,
                28);
        Path npy = tmp.resolve("zeros.npy");
        dev.vinfer.runtime.io.Npy.write(zeros, npy);
        CliResult fromNpy = run("run", model.toString(), "--input", "Input3=" + npy, "--outputs",
                dir.resolve("test_data_set_0").toString());
        assertEquals(0, fromNpy.code(), fromNpy.err());
        Files.write(dir.resolve("test_data_set_0/input_0.pb"),
                dev.vinfer.onnx.TensorProtos.encode(zeros, "Input3").toByteArray());
        CliResult check = run("test", dir.toString());
        assertEquals(0, check.code(), check.out());
    }

    @Test
    void testCommandPassesOnConformanceFolders() {
        Path abs = SharedData.require("onnx-tests/node/test_abs");
        Path conv = SharedData.require("onnx-tests/node/test_conv_with_strides_padding");
        CliResult r = run("test", abs.toString(), conv.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("2 passed, 0 failed"), r.out());
    }

    @Test
    void userErrorsExitWithTwoAndOneLine() throws Exception {
        CliResult missing = run("run", tmp.resolve("nope.onnx").toString(), "--random");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("vinfer: ") && missing.err().strip().lines().count() == 1,
                missing.err());
        Path junk = tmp.resolve("junk.onnx");
        Files.writeString(junk, "this is not a model");
        CliResult corrupt = run("info", junk.toString());
        assertEquals(2, corrupt.code());
        assertTrue(corrupt.err().startsWith("vinfer: ") && corrupt.err().strip().lines().count() == 1,
                corrupt.err());
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        CliResult noInput = run("run", model.toString());
        assertEquals(2, noInput.code());
        assertTrue(noInput.err().contains("Input3"), noInput.err());
        CliResult badFlag = run("run", "--bogus");
        assertEquals(2, badFlag.code());
    }

    @Test
    void infoListsOpsAndFlops() {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        CliResult r = run("info", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("unsupported ops: none"), r.out());
        assertTrue(r.out().contains("FLOPs"), r.out());
        assertTrue(r.out().contains("parameters 5,998"), r.out());
    }
}
