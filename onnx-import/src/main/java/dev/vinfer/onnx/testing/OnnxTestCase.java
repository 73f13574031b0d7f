package dev.vinfer.onnx.testing;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One ONNX backend test folder: {@code model.onnx} plus {@code test_data_set_N/input_i.pb, output_i.pb}
 * (serialized TensorProto). Runs every data set and compares with a {@link Tolerance}.
 */
public final class OnnxTestCase {
    private final Path dir;

    public OnnxTestCase(Path dir) {
        this.dir = dir;
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public Path dir() {
        return dir;
    }

    /** The outcome of running one test folder. */
    public record Result(String name, Status status, String detail, double maxAbsError, double maxRelError) {
        public boolean passed() {
            return status == Status.PASS;
        }
    }

    public enum Status { PASS, FAIL, ERROR, UNSUPPORTED }

    /** Runs the test with the given options and tolerance. Never throws for a model or data problem. */
    public Result run(SessionOptions options, Tolerance tolerance) {
        double maxAbs = 0;
        double maxRel = 0;
        try {
            OnnxModel model = OnnxModel.load(dir.resolve("model.onnx"), options.limits());
            List<ValueInfoProto> graphInputs = model.proto().getGraph().getInputList();
            Set<String> initNames = new HashSet<>();
            for (TensorProto t : model.proto().getGraph().getInitializerList()) {
                initNames.add(t.getName());
            }
            List<ValueInfoProto> fed = new ArrayList<>();
            for (ValueInfoProto vi : graphInputs) {
                if (!initNames.contains(vi.getName())) {
                    fed.add(vi);
                }
            }
            for (ValueInfoProto vi : graphInputs) {
                if (!vi.getType().hasTensorType()) {
                    return new Result(name(), Status.UNSUPPORTED, "non-tensor input '" + vi.getName() + "'", 0, 0);
                }
            }
            for (ValueInfoProto vi : model.proto().getGraph().getOutputList()) {
                if (!vi.getType().hasTensorType()) {
                    return new Result(name(), Status.UNSUPPORTED, "non-tensor output '" + vi.getName() + "'", 0, 0);
                }
            }
            List<Path> sets;
            try (Stream<Path> s = Files.list(dir)) {
                sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
            }
            try (Session session = Vinfer.open(model, options)) {
                for (Path set : sets) {
                    Map<String, Tensor> feed = new LinkedHashMap<>();
                    for (int i = 0; i < fed.size(); i++) {
                        Path f = set.resolve("input_" + i + ".pb");
                        if (Files.exists(f)) {
                            feed.put(fed.get(i).getName(), readTensor(f, options.limits()));
                        }
                    }
                    // Twice: the second run of an input-shape signature uses the session's planned memory.
                    for (int round = 0; round < 2; round++) {
                        Map<String, Tensor> out = session.run(feed);
                        List<Tensor> got = new ArrayList<>(out.values());
                        String which = round == 0 ? "" : " (second run, planned memory)";
                        for (int i = 0; ; i++) {
                            Path f = set.resolve("output_" + i + ".pb");
                            if (!Files.exists(f)) {
                                break;
                            }
                            Tensor expected = readTensor(f, options.limits());
                            if (i >= got.size()) {
                                return new Result(name(), Status.FAIL, "missing output " + i + which, maxAbs,
                                        maxRel);
                            }
                            Tolerance.Comparison c = tolerance.compare(expected, got.get(i));
                            maxAbs = Math.max(maxAbs, c.maxAbs());
                            maxRel = Math.max(maxRel, c.maxRel());
                            if (!c.ok()) {
                                return new Result(name(), Status.FAIL, set.getFileName() + " output " + i + which
                                        + ": " + c.message(), maxAbs, maxRel);
                            }
                        }
                    }
                }
            }
            return new Result(name(), Status.PASS, "", maxAbs, maxRel);
        } catch (dev.vinfer.onnx.UnsupportedOpException e) {
            return new Result(name(), Status.UNSUPPORTED, oneLine(e.getMessage()), maxAbs, maxRel);
        } catch (RuntimeException | IOException | StackOverflowError e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Result(name(), Status.ERROR, e.getClass().getSimpleName() + ": " + oneLine(m), maxAbs, maxRel);
        }
    }

    private static String oneLine(String s) {
        String t = s.replace('\n', ' ').replace('\t', ' ');
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /** Reads a serialized TensorProto file. */
    public static Tensor readTensor(Path f, Limits limits) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return TensorProtos.decode(TensorProto.parseFrom(in), limits);
        }
    }
}
