package dev.vinfer.cli;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.UnsupportedOpException;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vinfer info}: what a model is, what it needs, and whether vinfer can run it. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show inputs, outputs, opsets, op histogram, parameters, FLOPs and unsupported ops.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Override
    public Integer call() {
        OnnxModel m = OnnxModel.load(model);
        var p = m.proto();
        System.out.println("model      " + model);
        System.out.println("IR version " + p.getIrVersion() + "   producer " + p.getProducerName() + " "
                + p.getProducerVersion());
        System.out.println("opsets     " + m.opsets());
        long[] params = new long[2];
        countParams(p.getGraph(), params);
        System.out.printf("parameters %,d (%,d bytes)%n", params[0], params[1]);
        System.out.println("op histogram:");
        m.opHistogram().forEach((op, n) -> System.out.printf("  %-28s %d%n", op, n));
        SessionOptions opts = new SessionOptions().threads(1);
        Session s;
        try {
            s = dev.vinfer.Vinfer.open(m, opts);
        } catch (UnsupportedOpException e) {
            System.out.println("unsupported ops (" + e.unsupported().size() + "):");
            e.unsupported().forEach(u -> System.out.println("  " + u));
            return 0;
        }
        try (s) {
            System.out.println("inputs:");
            for (ValueInfo vi : s.inputs()) {
                System.out.println("  " + vi);
            }
            System.out.println("outputs:");
            for (ValueInfo vi : s.outputs()) {
                System.out.println("  " + vi);
            }
            System.out.println("unsupported ops: none");
            Map<String, Tensor> feed = new LinkedHashMap<>();
            Random rnd = new Random(1);
            boolean symbolic = false;
            for (ValueInfo vi : s.inputs()) {
                symbolic |= !vi.isStatic();
                feed.put(vi.name(), TensorFiles.random(vi, rnd));
            }
            double[] flops = new double[1];
            Map<String, Double> byOp = new LinkedHashMap<>();
            try {
                s.run(feed, t -> {
                    double f = Flops.of(t.node().op(), t.inputs(), t.outputs());
                    flops[0] += f;
                    if (f > 0) {
                        byOp.merge(t.node().op().opType(), f, Double::sum);
                    }
                });
                System.out.printf("FLOPs      %.4g (Conv/Gemm/MatMul%s)%n", flops[0],
                        symbolic ? ", symbolic dims taken as 1" : "");
                byOp.forEach((op, f) -> System.out.printf("  %-28s %.4g%n", op, f));
            } catch (RuntimeException e) {
                System.out.println("FLOPs      unknown (a trial run with random inputs failed: " + e.getMessage()
                        + ")");
            }
        }
        return 0;
    }

    private static void countParams(GraphProto g, long[] acc) {
        for (TensorProto t : g.getInitializerList()) {
            add(t, acc);
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (n.getOpType().equals("Constant") && a.hasT()) {
                    add(a.getT(), acc);
                }
                if (a.hasG()) {
                    countParams(a.getG(), acc);
                }
            }
        }
    }

    private static void add(TensorProto t, long[] acc) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        acc[0] += n;
        int size = switch (t.getDataType()) {
            case 2, 3, 9 -> 1;
            case 4, 5, 10, 16 -> 2;
            case 7, 11, 13 -> 8;
            default -> 4;
        };
        acc[1] += n * size;
    }
}
