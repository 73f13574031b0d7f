package dev.vinfer.samples;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** ONNX Runtime behind the apps' {@link ModelRunner}, to run the very same pipeline as vinfer for comparison. */
final class OrtRunner implements ModelRunner {
    private final OrtReference ort;
    private final List<ValueInfo> inputs;

    OrtRunner(Path model) {
        this.inputs = ModelInputs.declared(OnnxModel.load(model));
        this.ort = new OrtReference(model);
    }

    @Override
    public List<ValueInfo> inputs() {
        return inputs;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> feed) {
        return ort.run(feed);
    }

    @Override
    public void close() {
        ort.close();
    }
}
