package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The classic CNN families, each with its classic input shape and the shape the default test run uses (smaller
 * only where the full size would make the test run slow; the full sizes run in JMH). Weights come from a fixed
 * seed per family, so a model file is the same on every machine.
 */
public enum Family {
    LENET5(LeNet5::build, "1x1x32x32", "1x1x32x32"),
    ALEXNET(AlexNet::build, "1x3x224x224", "1x3x224x224"),
    VGG16(Vgg16::build, "1x3x224x224", "1x3x64x64"),
    RESNET18(ResNet::build18, "1x3x224x224", "1x3x224x224"),
    RESNET50(ResNet::build50, "1x3x224x224", "1x3x112x112"),
    GOOGLENET(GoogLeNet::build, "1x3x224x224", "1x3x224x224"),
    DENSENET121(DenseNet121::build, "1x3x224x224", "1x3x112x112"),
    SQUEEZENET11(SqueezeNet11::build, "1x3x224x224", "1x3x224x224"),
    SHUFFLENETV2(ShuffleNetV2::build, "1x3x224x224", "1x3x224x224"),
    MOBILENETV2(MobileNetV2::build, "1x3x224x224", "1x3x224x224"),
    STYLE_TRANSFER(StyleTransfer::build, "1x3x224x224", "1x3x128x128"),
    M5_AUDIO(M5Audio::build, "1x1x16000", "1x1x16000"),
    RESNET3D10(ResNet3d10::build, "1x3x16x112x112", "1x3x8x56x56"),
    FULLY_CONV(FullyConvNet::build, "1x3x32x32", "1x3x32x32");

    /** Builds a family's model for one input shape from one seed. */
    @FunctionalInterface
    interface Builder {
        ModelProto build(int[] input, long seed);
    }

    private final Builder builder;
    private final int[] fullInput;
    private final int[] testInput;

    Family(Builder builder, String fullInput, String testInput) {
        this.builder = builder;
        this.fullInput = parse(fullInput);
        this.testInput = parse(testInput);
    }

    /** Lower-case name used in file names and on command lines, e.g. {@code resnet50}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace("_", "");
    }

    /** The input shape the family is known by (batch 1). */
    public int[] fullInput() {
        return fullInput.clone();
    }

    /** The input shape of the default (fast) test run; equal to {@link #fullInput()} unless that is slow. */
    public int[] testInput() {
        return testInput.clone();
    }

    /** The seed of the family's weights. */
    public long seed() {
        return 1000 + ordinal();
    }

    public ModelProto build(int[] input) {
        return builder.build(input.clone(), seed());
    }

    /** Multiply-accumulates of one run at {@code input} (convs and fully connected layers), from the builder. */
    public long macs(int[] input) {
        for (var e : build(input).getMetadataPropsList()) {
            if (e.getKey().equals(Layers.MACS_KEY)) {
                return Long.parseLong(e.getValue());
            }
        }
        throw new IllegalStateException(this + " has no MAC count");
    }

    /** Writes the model for {@code input} to {@code dir/<id>_<shape>.onnx} and returns the path. */
    public Path write(Path dir, int[] input) {
        return GraphBuilder.write(build(input), dir.resolve(fileName(input)));
    }

    public String fileName(int[] input) {
        return id() + "_" + shapeString(input) + ".onnx";
    }

    public static Family byId(String id) {
        for (Family f : values()) {
            if (f.id().equalsIgnoreCase(id.replace("_", "").replace("-", ""))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown family '" + id + "'; known: "
                + Arrays.stream(values()).map(Family::id).collect(Collectors.joining(", ")));
    }

    public static String shapeString(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    public static int[] parse(String shape) {
        return Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
    }
}
