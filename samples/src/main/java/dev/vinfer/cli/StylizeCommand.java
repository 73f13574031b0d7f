package dev.vinfer.cli;

import dev.vinfer.samples.style.StyleTransfer;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer stylize}: feed-forward style transfer of one image. */
@Command(name = "stylize", mixinStandardHelpOptions = true,
        description = {"Restyle an image with a feed-forward style-transfer model (e.g. fast-neural-style candy):"
            + " the image is resized to the model's input size, fed as planar 0..255 values in the model's colour"
            + " order, and the output is clipped to 0..255 and resized back to the image's size."})
final class StylizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The style model.")
    Path model;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to restyle (PNG, JPEG, BMP, GIF).")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "OUT.png", description = "Where to write the PNG.")
    Path out;

    @Option(names = "--channels", defaultValue = "auto", paramLabel = "auto|rgb|bgr",
            description = "Colour order of the model's planes (default: ${DEFAULT-VALUE}, from the model's metadata;"
                + " RGB when it says nothing).")
    String channels;

    @Option(names = "--threads", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            throw new Main.UserError("model not found: " + model);
        }
        StyleTransfer.Channels order = switch (channels.toLowerCase(Locale.ROOT)) {
            case "auto" -> StyleTransfer.Channels.AUTO;
            case "rgb" -> StyleTransfer.Channels.RGB;
            case "bgr" -> StyleTransfer.Channels.BGR;
            default -> throw new Main.UserError("--channels must be auto, rgb or bgr, not '" + channels + "'");
        };
        BufferedImage img = ImageTensors.load(image);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (StyleTransfer st = new StyleTransfer(model, n, order)) {
            int[] size = st.inputSize(img);
            long t0 = System.nanoTime();
            BufferedImage styled = st.stylize(img);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(styled, "png", out.toFile())) {
                throw new Main.UserError("cannot write PNG " + out);
            }
            System.out.printf(Locale.ROOT, "%s: %d x %d -> model %d x %d (%s) -> %s, %d ms on %d thread(s)%n", image,
                    img.getWidth(), img.getHeight(), size[0], size[1], st.bgr() ? "BGR" : "RGB", out, ms, n);
        }
        return 0;
    }
}
