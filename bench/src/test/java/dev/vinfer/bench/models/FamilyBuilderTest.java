package dev.vinfer.bench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The builder writes the published architectures: learnable parameter counts equal those of the reference
 * implementations (torchvision for the ImageNet families; derived by hand for the rest), BatchNormalization nodes
 * stay in the graph, files are opset 13 and byte-for-byte reproducible from the seed.
 */
class FamilyBuilderTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // torchvision's counts (weights and BatchNorm scale/shift; running statistics are buffers, not parameters)
        "resnet18, 11689512", "resnet50, 25557032", "mobilenetv2, 3504872", "squeezenet11, 1235496",
        "vgg16, 138357544", "densenet121, 7978856", "shufflenetv2, 2278604",
        // torchvision's GoogLeNet has 6624904 with a 3x3 third branch; the paper's 5x5 adds 16 x sum(reduce x out)
        "googlenet, 7005832",
        // LeNet-5: 156 + 2416 + 48120 + 10164 + 850
        "lenet5, 61706",
        // AlexNet with the two-GPU groups: 34944 + 307456 + 885120 + 663936 + 442624 + 37752832 + 16781312 + 4097000
        "alexnet, 60965224",
        // M5: convs 10240 + 49152 + 98304 + 393216, BatchNorm 2 x 1024, FC 17955
        "m5audio, 570915",
    })
    void parameterCountsMatchTheReferenceArchitectures(String id, long expected) {
        assertEquals(expected, learnableParameters(fullSize(Family.byId(id)).getGraph()), id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // torchvision's published GFLOPS (multiply-accumulates of convs and linear layers) at 224x224
        "resnet18, 1.81", "resnet50, 4.09", "mobilenetv2, 0.30", "squeezenet11, 0.35", "vgg16, 15.47",
        "densenet121, 2.83", "shufflenetv2, 0.14",
        // torchvision's one-tower AlexNet has 0.71; the original two-tower one (ours) 0.72
        "alexnet, 0.72",
    })
    void multiplyAccumulatesMatchPublishedCounts(String id, double gmacs) {
        double ours = 0;
        for (var e : fullSize(Family.byId(id)).getMetadataPropsList()) {
            ours += e.getKey().equals(Layers.MACS_KEY) ? Long.parseLong(e.getValue()) / 1e9 : 0;
        }
        assertEquals(gmacs, ours, gmacs * 0.03 + 0.005, id + " GMACs");
    }

    @Test
    void batchNormsStayUnfoldedAndTheOpsetIs13() {
        ModelProto m = Family.RESNET50.build(new int[] {1, 3, 64, 64});
        assertEquals(13, m.getOpsetImport(0).getVersion());
        assertEquals(53, count(m.getGraph(), "BatchNormalization"), "ResNet-50 has 53 BatchNorms");
        assertEquals(53, count(m.getGraph(), "Conv"));
        ModelProto mobile = Family.MOBILENETV2.build(new int[] {1, 3, 64, 64});
        assertEquals(35, count(mobile.getGraph(), "Clip"), "MobileNetV2 has 35 ReLU6");
        ModelProto shuffle = Family.SHUFFLENETV2.build(new int[] {1, 3, 64, 64});
        assertEquals(16, count(shuffle.getGraph(), "Transpose"), "one channel shuffle per unit");
        assertEquals(13, count(shuffle.getGraph(), "Split"), "stride-1 units split");
    }

    @Test
    void theSameSeedWritesTheSameBytes() {
        byte[] a = Family.SQUEEZENET11.build(new int[] {1, 3, 64, 64}).toByteArray();
        byte[] b = Family.SQUEEZENET11.build(new int[] {1, 3, 64, 64}).toByteArray();
        assertTrue(Arrays.equals(a, b));
    }

    @Test
    void familyIdsRoundTrip() {
        for (Family f : Family.values()) {
            assertEquals(f, Family.byId(f.id()));
        }
        assertEquals(Family.RESNET3D10, Family.byId("resnet3d-10"));
    }

    private static final Map<Family, ModelProto> FULL_SIZE = new ConcurrentHashMap<>();

    /** Each family at full size, built once for all tests of this class (VGG-16 alone has 138 M weights). */
    private static synchronized ModelProto fullSize(Family f) {
        return FULL_SIZE.computeIfAbsent(f, k -> k.build(k.fullInput()));
    }

    /** Float initializers except BatchNorm running statistics and the constant operands (Clip bounds, scales). */
    static long learnableParameters(GraphProto g) {
        long n = 0;
        for (TensorProto t : g.getInitializerList()) {
            String name = t.getName();
            boolean statOrConst = name.startsWith("bn_mean") || name.startsWith("bn_var") || name.startsWith("clip_")
                    || name.startsWith("scales");
            if (t.getDataType() == GraphBuilder.FLOAT && !statOrConst) {
                n += t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (x, y) -> x * y);
            }
        }
        return n;
    }

    private static long count(GraphProto g, String op) {
        return g.getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
    }
}
