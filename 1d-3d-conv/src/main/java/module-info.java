// The conv kernels. The Vector API is optional at run time ("requires static"): dev.vinfer.conv.Kernels loads the
// vector backend by name and falls back to the scalar kernels when jdk.incubator.vector is not in the boot layer
// (no --add-modules) or gives fewer than 4 float lanes. simd and scalar stay internal behind dev.vinfer.conv.
module dev.vinfer.conv {
    requires static jdk.incubator.vector;
    // Only to read HotSpot's UseFMA flag (VmFlags); without these modules the vector kernels are simply used.
    requires static java.management;
    requires static jdk.management;

    exports dev.vinfer.conv;
}
