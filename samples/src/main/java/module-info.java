// The CLI (main class dev.vinfer.cli.Main) and the sample applications with their vision toolkit. picocli fills the
// command classes' annotated fields by reflection, hence the qualified "opens".
module dev.vinfer.samples {
    requires transitive dev.vinfer.onnx;
    requires transitive dev.vinfer.quantization;
    requires transitive java.desktop;
    requires java.management;
    requires info.picocli;

    exports dev.vinfer.samples;
    exports dev.vinfer.samples.style;
    exports dev.vinfer.samples.vision;
    exports dev.vinfer.samples.volume;

    opens dev.vinfer.cli to info.picocli;
}
