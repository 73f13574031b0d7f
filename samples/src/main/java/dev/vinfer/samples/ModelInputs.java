package dev.vinfer.samples;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorShapeProto;
import dev.vinfer.onnx.proto.OnnxIr.TypeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.ValueInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The inputs a model file declares, read from the file without importing the graph, so that an app can reject a
 * model that does not fit before the (slower) import, and report that rather than, say, an unsupported op.
 */
public final class ModelInputs {
    private ModelInputs() {
    }

    /** Graph inputs that are not initializers (IR &lt; 4 files list weights as inputs too), in model order. */
    public static List<ValueInfo> declared(OnnxModel model) {
        GraphProto g = model.proto().getGraph();
        Set<String> weights = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            weights.add(t.getName());
        }
        List<ValueInfo> out = new ArrayList<>();
        for (ValueInfoProto vi : g.getInputList()) {
            if (!weights.contains(vi.getName())) {
                out.add(info(vi));
            }
        }
        return out;
    }

    private static ValueInfo info(ValueInfoProto vi) {
        if (!vi.getType().hasTensorType()) {
            return new ValueInfo(vi.getName(), null, null, null);
        }
        TypeProto.Tensor tt = vi.getType().getTensorType();
        DType dtype;
        try {
            dtype = tt.getElemType() == 0 ? null : TensorProtos.dtypeOf(tt.getElemType(), vi.getName());
        } catch (ModelException e) {
            dtype = null; // a type vinfer has no tensors for; the import reports it properly
        }
        if (!tt.hasShape()) {
            return new ValueInfo(vi.getName(), dtype, null, null);
        }
        TensorShapeProto s = tt.getShape();
        long[] dims = new long[s.getDimCount()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
            names.add(d.hasDimParam() ? d.getDimParam() : null);
        }
        return new ValueInfo(vi.getName(), dtype, dims, Collections.unmodifiableList(names));
    }
}
