package dev.vinfer.cli;

import dev.vinfer.samples.FaceEmbedder;
import dev.vinfer.samples.FaceVerifier;
import dev.vinfer.samples.Json;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.Normalization;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer verify}: are the faces in two photos the same person? */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Face verification: finds the best face in each photo (UltraFace), places the face mesh"
            + " (MediaPipe, 468 points), aligns eyes, nose tip and mouth corners onto the 112x112 ArcFace template"
            + " with a least-squares similarity transform, embeds the crops (MobileFaceNet), and compares the"
            + " L2-normalized embeddings by cosine similarity."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--detector", required = true, paramLabel = "D.onnx", description = "UltraFace model.")
    Path detector;

    @Option(names = "--mesh", required = true, paramLabel = "M.onnx", description = "Face mesh model.")
    Path mesh;

    @Option(names = "--embedder", required = true, paramLabel = "E.onnx",
            description = "Face embedding model taking an aligned 112x112 face (e.g. MobileFaceNet).")
    Path embedder;

    @Parameters(index = "0", paramLabel = "A", description = "First photo.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Second photo.")
    Path b;

    @Option(names = "--embedder-norm", defaultValue = "mobilefacenet", paramLabel = "mobilefacenet|arcface",
            description = "The embedder's input normalization: mobilefacenet = [0, 1] then ImageNet mean/std"
                + " (default), arcface = (pixel - 127.5) / 128 (insightface models).")
    String embedderNorm;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Cosine similarity from which the faces count as the same person (default 0.5).")
    Double threshold;

    @Option(names = "--json", description = "Print {\"a\": {...}, \"b\": {...}, \"cosine\", \"threshold\", \"same\"}.")
    boolean json;

    @Option(names = "--save-crops", paramLabel = "DIR",
            description = "Write the two aligned 112x112 faces (a.png, b.png) here.")
    Path cropsDir;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        double t = threshold != null ? threshold : FaceVerifier.DEFAULT_THRESHOLD;
        if (!(t >= -1 && t <= 1)) {
            throw new Main.UserError("--threshold is a cosine similarity between -1 and 1, got " + t);
        }
        Normalization norm = switch (embedderNorm.toLowerCase(Locale.ROOT)) {
            case "mobilefacenet" -> FaceEmbedder.MOBILEFACENET;
            case "arcface" -> FaceEmbedder.ARCFACE;
            default -> throw new Main.UserError("--embedder-norm must be mobilefacenet or arcface, not '"
                    + embedderNorm + "'");
        };
        BufferedImage imgA = ImageTensors.load(a);
        BufferedImage imgB = ImageTensors.load(b);
        FaceVerifier.Result r;
        long t0 = System.nanoTime();
        try (FaceVerifier v = FaceVerifier.open(detector, mesh, embedder, DetectCommand.options(threads),
                norm)) {
            r = v.verify(imgA, a.toString(), imgB, b.toString(), t);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (cropsDir != null) {
            ImageTensors.writePng(r.a().aligned().crop(), cropsDir.resolve("a.png"));
            ImageTensors.writePng(r.b().aligned().crop(), cropsDir.resolve("b.png"));
        }
        if (json) {
            System.out.println("{\"a\": " + face(a, r.a()) + ", \"b\": " + face(b, r.b()) + ", \"cosine\": "
                    + Json.num(r.cosine(), 6) + ", \"threshold\": " + Json.num(t, 6) + ", \"same\": " + r.same()
                    + "}");
        } else {
            System.out.println(line(a, r.a()));
            System.out.println(line(b, r.b()));
            System.out.printf(Locale.ROOT, "cosine similarity %.4f -> %s (threshold %s; %d ms)%n", r.cosine(),
                    r.same() ? "same person" : "different people", Json.num(t, 4), ms);
        }
        return 0;
    }

    private static String line(Path image, FaceVerifier.Face f) {
        return String.format(Locale.ROOT, "%s: %s%s, alignment residual %.1f px of 112", image,
                DetectCommand.faceText(0, f.mesh().face()), f.faces() > 1 ? " (best of " + f.faces() + " faces)" : "",
                f.aligned().rmsError());
    }

    private static String face(Path image, FaceVerifier.Face f) {
        return "{\"image\": " + Json.str(image.toString()) + ", " + DetectCommand.faceFields(f.mesh().face())
                + ", \"faces\": " + f.faces() + "}";
    }
}
