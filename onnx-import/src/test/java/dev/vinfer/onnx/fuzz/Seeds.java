package dev.vinfer.onnx.fuzz;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checked-in seed corpus: small valid models (one per op, from the ONNX backend node tests, see README.md
 * beside them), kept where Jazzer looks for the regression inputs of {@code ModelFuzzTest.modelBytes}.
 */
final class Seeds {
    static final String DIR = "ModelFuzzTestInputs/modelBytes";

    private Seeds() {
    }

    /** Seed files, sorted by name. */
    static List<Path> files() {
        URL url = Seeds.class.getResource(DIR);
        if (url == null) {
            throw new IllegalStateException("seed corpus " + DIR + " not on the test class path");
        }
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every seed parsed. */
    static List<ModelProto> models() {
        List<ModelProto> out = new ArrayList<>();
        for (Path p : files()) {
            try {
                out.add(ModelProto.parseFrom(Files.readAllBytes(p)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
