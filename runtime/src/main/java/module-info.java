// Tensors, graphs, sessions. Graph passes of other modules are found with ServiceLoader ("uses"): on the module
// path through their "provides", on the class path through META-INF/services (both are kept).
module dev.vinfer.runtime {
    requires transitive dev.vinfer.conv;

    exports dev.vinfer.runtime;
    exports dev.vinfer.runtime.io;

    uses dev.vinfer.runtime.GraphPass;
}
