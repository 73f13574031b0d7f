package dev.vinfer.quantization;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.quantization.calib.CalibrationMethod;
import dev.vinfer.quantization.calib.QuantizationReport;
import dev.vinfer.quantization.calib.QuantizerOptions;
import dev.vinfer.quantization.exec.QConvOp;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The quantizer on classic-family models (ResNet-like bottlenecks, MobileNetV2-like inverted residuals with
 * Relu6): 32 calibration inputs, then on 16 held-aside inputs the int8 model must agree with the float model on
 * top-1 for at least 15 of 16 and stay within a relative L2 error bound on the logits; ONNX Runtime must load and
 * run the written model and agree with vinfer's int8 result.
 */
class QuantizerClassicModelsTest {
    private static final int SIZE = 64;
    private static final int CLASSES = 100;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} perChannel={2}")
    @CsvSource({"resnet, MINMAX, true, 0.06", "resnet, PERCENTILE, false, 0.06",
        "resnet, ENTROPY, true, 0.06", "mobilenetv2, MINMAX, true, 0.06", "mobilenetv2, ENTROPY, true, 0.06",
        "mobilenetv2, PERCENTILE, false, 0.06"})
    void quantizedModelKeepsTop1AndRunsInOrt(String family, CalibrationMethod method, boolean perChannel,
            double maxRelL2) throws Exception {
        ModelProto m = family.equals("resnet") ? TestNets.resnetLike(SIZE, CLASSES, 7)
                : TestNets.mobilenetV2Like(SIZE, CLASSES, 7);
        Path floatModel = dir.resolve(family + ".onnx");
        try (OutputStream os = Files.newOutputStream(floatModel)) {
            m.writeTo(os);
        }
        Random rnd = new Random(42);
        List<Map<String, Tensor>> calibration = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            calibration.add(Map.of("input", TestNets.input(SIZE, rnd)));
        }
        List<Map<String, Tensor>> heldAside = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            heldAside.add(Map.of("input", TestNets.input(SIZE, rnd)));
        }
        Path out = dir.resolve(family + "-int8.onnx");
        QuantizationReport report = Quantizer.quantize(floatModel, calibration,
                new QuantizerOptions().perChannel(perChannel).method(method), out, done -> { });
        System.out.print(report.summary());
        assertTrue(report.weightBytesAfter() * 2.5 < report.weightBytesBefore(), "weights at least 2.5x smaller");

        int agree = 0;
        double worst = 0;
        double ortWorst = 0;
        int ortAgree = 0;
        SessionOptions so = new SessionOptions().threads(2);
        try (Session f = Vinfer.open(floatModel, so); Session q = Vinfer.open(out, so);
                OrtReference ort = new OrtReference(out)) {
            long fused = q.graph().nodes().stream().filter(n -> n.op() instanceof QConvOp).count();
            assertTrue(fused > 0, "convolutions run fused");
            for (Map<String, Tensor> in : heldAside) {
                Tensor ref = f.run(in).get("logits");
                Tensor got = q.run(in).get("logits");
                Tensor ortOut = ort.run(in).get("logits");
                agree += argmax(ref) == argmax(got) ? 1 : 0;
                ortAgree += argmax(ortOut) == argmax(got) ? 1 : 0;
                worst = Math.max(worst, OrtReference.relL2(got, ref));
                ortWorst = Math.max(ortWorst, OrtReference.relL2(got, ortOut));
            }
        }
        System.out.printf("%s %s perChannel=%s: held-aside top-1 agreement %d/16, max rel L2 vs float %.4f; "
                + "vs ORT on the int8 model: top-1 %d/16, max rel L2 %.4f%n", family, method, perChannel, agree, worst,
                ortAgree, ortWorst);
        assertTrue(agree >= 15, "top-1 agreement " + agree + "/16");
        assertTrue(worst < maxRelL2, "rel L2 " + worst + " over " + maxRelL2);
        assertTrue(ortAgree >= 15, "ORT top-1 agreement with vinfer int8 " + ortAgree + "/16");
        assertTrue(ortWorst < 0.05, "vinfer int8 vs ORT int8 rel L2 " + ortWorst);
    }

    static int argmax(Tensor t) {
        int best = 0;
        for (int i = 1; i < t.size(); i++) {
            if (t.getFloat(i) > t.getFloat(best)) {
                best = i;
            }
        }
        return best;
    }
}
